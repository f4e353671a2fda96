/**
 * The load scenarios: the rows of issue #10's targets table that this code can measure, each as a
 * GraphQL operation and, where a hand-written baseline exists, the same shape from bench/raw-server.ts.
 */
import type { Database } from '../src/db/index.js';
import { shanghaiDay } from '../src/seed/scale/roster.js';

export interface Scenario {
  name: string;
  graphql?: { query: string; variables: Record<string, unknown> };
  raw?: { path: string; body: unknown };
  runs: { server: 'api' | 'raw' | 'yoga'; rate?: number }[];
  /** Which server's flat-out throughput ours is divided by. */
  ratio?: 'raw' | 'yoga';
  check?: (body: any) => void;
}

const gid = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64');

const ROSTER = `query Roster($date: Date!, $siteId: ID) {
  roster(filter: { date: $date, siteId: $siteId }, first: 50) {
    totalCount
    edges { node { id role startsAt assignedCount openSlots staffing post { name site { name } } project { title }
      assignments(first: 20) { totalCount edges { node { status volunteer { name } } } } } }
  }
}`;
const SEARCH = `query Search($search: String!) {
  volunteers(filter: { search: $search }, first: 100) { totalCount edges { node { id name serviceMinutes homeSite { name } } } }
}`;
const BOARD = `query Board($id: ID!) {
  dutyBoard(siteId: $id) { onDutyNow expectedNow understaffedCount openSlotsToday serviceMinutesToday understaffedShifts(first: 10) { role post { name } } }
}`;

const AT_20 = 20;
const nonEmpty = (path: (b: any) => unknown[]) => (body: any) => {
  if (!(path(body).length > 0)) throw new Error(`a benchmark scenario returned nothing: ${JSON.stringify(body).slice(0, 300)}`);
};

export async function scenarios(db: Database): Promise<{ date: string; note?: string; list: Scenario[] }> {
  const today = shanghaiDay(new Date());
  const byDay = await db.sql.withSession((s) =>
    s.query<{ day: string; n: number }>(
      `SELECT to_char(("startsAt" AT TIME ZONE 'Asia/Shanghai')::date, 'YYYY-MM-DD') AS day, count(*)::int AS n
         FROM "Shift" GROUP BY 1 ORDER BY n DESC, day DESC`,
    ),
  );
  const todays = byDay.find((d) => d.day === today);
  const date = todays ? today : byDay[0]!.day;
  const note = todays ? undefined : `no shifts today (${today}): the busiest day instead; the duty board then shows little — reseed`;
  const [institute] = await db.sql.withSession((s) =>
    s.query<{ id: number }>(
      `SELECT p.id FROM "Shift" sh JOIN "DutyPost" d ON d.id = sh."postId" JOIN "Site" st ON st.id = d."siteId"
         JOIN "Site" p ON p.id = st."parentId" AND p.level = 'INSTITUTE'
        WHERE to_char((sh."startsAt" AT TIME ZONE 'Asia/Shanghai')::date, 'YYYY-MM-DD') = $1
        GROUP BY p.id ORDER BY count(*) DESC, p.id LIMIT 1`,
      [date],
    ),
  );
  const center = await db.prisma.site.findFirstOrThrow({ where: { level: 'CENTER' }, select: { id: true } });
  const search = (term: string, rated: boolean): Scenario => ({
    name: `volunteers(search: "${term}", first: 100)`,
    graphql: { query: SEARCH, variables: { search: term } },
    raw: { path: '/search', body: { term, first: 100 } },
    runs: rated ? [{ server: 'api', rate: AT_20 }, { server: 'raw', rate: AT_20 }, { server: 'api' }, { server: 'raw' }] : [{ server: 'api', rate: AT_20 }, { server: 'raw', rate: AT_20 }],
    ratio: rated ? 'raw' : undefined,
    check: nonEmpty((b) => b.data.volunteers.edges),
  });
  return {
    date,
    note,
    list: [
      { name: '{ __typename } (authenticated)', graphql: { query: '{ __typename }', variables: {} }, runs: [{ server: 'api' }, { server: 'yoga' }], ratio: 'yoga' },
      {
        name: 'roster(institute, one day, first: 50)',
        graphql: { query: ROSTER, variables: { date, siteId: gid('Site', institute!.id) } },
        raw: { path: '/roster', body: { date, siteId: institute!.id, first: 50 } },
        runs: [{ server: 'api', rate: AT_20 }, { server: 'raw', rate: AT_20 }, { server: 'api' }, { server: 'raw' }],
        ratio: 'raw',
        check: nonEmpty((b) => b.data.roster.edges),
      },
      {
        name: 'roster(whole city, one day, first: 50)',
        graphql: { query: ROSTER, variables: { date } },
        raw: { path: '/roster', body: { date, first: 50 } },
        runs: [{ server: 'api' }, { server: 'raw' }],
        ratio: 'raw',
        check: nonEmpty((b) => b.data.roster.edges),
      },
      search('王', true),
      search('建国', false),
      { ...search('wxm', false), runs: [{ server: 'api', rate: AT_20 }] },
      { name: 'dutyBoard(center)', graphql: { query: BOARD, variables: { id: gid('Site', center.id) } }, runs: [{ server: 'api', rate: AT_20 }] },
    ],
  };
}
