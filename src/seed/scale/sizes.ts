/** How big the city-scale data set is at a scale factor (1 = the real city). */
export interface ScaleSizes {
  factor: number;
  institutes: number;
  stations: number;
  volunteers: number;
  teams: number;
  posts: number;
  shifts: number;
}

/** The real city: 1 center, 100 institutes, 2,445 stations, 332,000 volunteers, 3,200 teams, 600 posts, 20,000 shifts. */
export const CITY = { institutes: 100, stations: 2445, volunteers: 332_000, teams: 3200, posts: 600, shifts: 20_000 };

/** The tourist season: 30 days in a row, "today" its 21st (20 days of history, 9 to come). */
export const SEASON_DAYS = 30;
export const SEASON_DAYS_BEFORE_TODAY = 20;

export function scaleSizes(factor: number): ScaleSizes {
  if (!(factor > 0 && factor <= 1)) throw new Error(`the scale factor must be in (0, 1], not ${factor}`);
  const of = (n: number, min: number) => Math.max(min, Math.round(n * factor));
  const institutes = of(CITY.institutes, 1);
  const stations = of(CITY.stations, institutes);
  const posts = Math.min(stations, of(CITY.posts, 3));
  return {
    factor,
    institutes,
    stations,
    volunteers: of(CITY.volunteers, 300),
    // Every institute has a team (it organises the institute's project).
    teams: Math.max(institutes, of(CITY.teams, 3)),
    posts,
    shifts: Math.max(posts, of(CITY.shifts, 30)),
  };
}
