/** Service hours at which the national star scheme awards one to five stars. */
export const STAR_THRESHOLD_HOURS = [100, 300, 600, 1000, 1500] as const;

/** Star level 0–5 for a total of service minutes. */
export function starLevel(serviceMinutes: number): number {
  const hours = serviceMinutes / 60;
  return STAR_THRESHOLD_HOURS.filter((threshold) => hours >= threshold).length;
}

/** The fewest service minutes that earn `level` stars (0 for level 0). */
export function minutesForStarLevel(level: number): number {
  if (level <= 0) return 0;
  return STAR_THRESHOLD_HOURS[Math.min(level, 5) - 1] * 60;
}
