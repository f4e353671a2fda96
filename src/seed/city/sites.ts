/** The demo city's sites: the county center, its institutes and their stations (src/seed/city/index.ts). */
import { addDays, calendarDate, shanghaiDateOf } from '../../roster/time.js';
import { CENTER, COUNTY, INSTITUTES, SITE_SERVICES, type Candidate, type StationDef } from '../data.js';
import { byKey, day, instantOn, minDate } from '../draw.js';
import { Random } from '../random.js';
import type { SiteRow } from './rows.js';

export interface SiteInfo {
  row: SiteRow;
  /** Relative weight as a volunteer's home site, within its level. */
  weight: number;
  /** Who lives or works there (a weight factor). */
  prefer?: (c: Candidate) => number;
}

/** Who the special stations' volunteers are. */
const HOME_PREFERENCE: Record<string, (c: Candidate) => number> = {
  riders: (c) => (c.gender === 'MALE' && c.age >= 20 && c.age <= 45 ? 4 : c.age >= 20 && c.age <= 45 ? 0.5 : 0.05),
  procuratorate: (c) => (c.age >= 24 && c.age <= 58 ? 1 : 0.05),
  'industrial-park': (c) => (c.age >= 20 && c.age <= 55 ? 1.5 : 0.1),
};

function genericServices(rng: Random, kind: StationDef['kind'] | 'institute'): string[] {
  const extra = SITE_SERVICES.filter((s) => s !== '饮水' && s !== '休息');
  const [min, max] = kind === 'village' ? [2, 5] : [3, 7];
  const chosen = new Set(['饮水', '休息', ...rng.sample(extra, rng.int(min, max))]);
  return SITE_SERVICES.filter((s) => chosen.has(s));
}

export function buildSites(rng: Random): { sites: SiteInfo[]; siteByKey: Record<string, SiteRow> } {
  const sites: SiteInfo[] = [];
  const keyed: [string, SiteRow][] = [];
  const add = (key: string, row: Omit<SiteRow, 'id' | 'path' | 'updatedAt'>, parent: SiteRow | null, weight: number) => {
    const id = sites.length + 1;
    const full: SiteRow = { id, ...row, path: parent ? `${parent.path}.${id}` : String(id), updatedAt: row.createdAt };
    sites.push({ row: full, weight, prefer: HOME_PREFERENCE[key] });
    keyed.push([key, full]);
    return full;
  };

  const center = add(
    CENTER.key,
    {
      name: CENTER.name,
      level: 'CENTER',
      parentId: null,
      address: CENTER.address,
      services: CENTER.services,
      hostOrganization: CENTER.hostOrganization,
      createdAt: instantOn(rng, day(CENTER.opened), 9, 11),
    },
    null,
    1,
  );

  // Ids: the center, then all institutes, then all stations, each in data order.
  const institutes = INSTITUTES.map((def) =>
    add(
      def.key,
      {
        name: `${def.town}新时代文明实践所`,
        level: 'INSTITUTE',
        parentId: center.id,
        address: `${COUNTY}${def.town}${def.road}${rng.int(1, 120)}号`,
        services: genericServices(rng, 'institute'),
        hostOrganization: null,
        createdAt: instantOn(rng, addDays(shanghaiDateOf(center.createdAt), rng.int(30, 150)), 9, 17),
      },
      center,
      1,
    ),
  );

  const lastOpening = calendarDate(2022, 12, 31);
  INSTITUTES.forEach((def, i) => {
    const institute = institutes[i];
    for (const station of def.stations) {
      const opened = station.opened
        ? day(station.opened)
        : minDate(addDays(shanghaiDateOf(institute.createdAt), rng.int(20, 1100)), lastOpening);
      const address =
        station.address ??
        (station.kind === 'community'
          ? `${COUNTY}${def.town}${rng.pick(def.roads)}${rng.int(1, 300)}号${station.name}党群服务中心`
          : `${COUNTY}${def.town}${station.name}村民委员会`);
      add(
        station.key,
        {
          name: station.fullName ?? `${station.name}新时代文明实践站`,
          level: 'STATION',
          parentId: institute.id,
          address,
          services: station.services ?? genericServices(rng, station.kind),
          hostOrganization: station.hostOrganization ?? null,
          createdAt: instantOn(rng, opened, 9, 17),
        },
        institute,
        station.weight ?? 1,
      );
    }
  });

  return { sites, siteByKey: byKey(keyed) };
}
