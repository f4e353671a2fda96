/**
 * The benchmark's baseline: a hand-written node:http + pg server answering the roster and search
 * shapes the GraphQL benchmark asks for, with the same JSON out, from the same database and with
 * the same indexes. It verifies the access token (HS256, as the API does) but keeps no session
 * table, no GraphQL, no authorization rules: what a careful developer would write by hand for
 * exactly these two pages. Run as a child process by bench/index.ts.
 *
 *   POST /roster  {"date": "2026-12-01", "siteId": 7, "first": 50}
 *   POST /search  {"term": "王", "first": 100}
 */
import { createServer } from 'node:http';
import pg from 'pg';
import { verifyAccessToken } from '../src/auth/tokens.js';
import { shanghaiDayRange } from '../src/roster/time.js';
import { SEARCH_COUNT_LIMIT, nameSearchBranches } from '../src/volunteers/search.js';
import { staffingOf } from '../src/roster/service.js';
import { MAX_SHIFT_MINUTES } from '../src/roster/rules.js';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const tokens = { secret: new TextEncoder().encode(process.env.JWT_SECRET!), accessTokenTtlSeconds: 3600, refreshTokenTtlSeconds: 3600 };

async function roster(input: { date: string; siteId?: number; first: number }) {
  const day = shanghaiDayRange(new Date(`${input.date}T00:00:00+08:00`));
  const site = input.siteId
    ? (await pool.query<{ id: number; path: string }>('SELECT id, path FROM "Site" WHERE id = $1', [input.siteId])).rows[0]
    : undefined;
  // The API's bound too (runningAfter): no shift lasts longer than MAX_SHIFT_MINUTES.
  const where = `s."endsAt" > $1 AND s."startsAt" > $1::timestamptz - interval '${MAX_SHIFT_MINUTES} minutes' AND s."startsAt" < $2 ${site ? `AND (st.id = $3 OR st.path LIKE $4)` : ''}`;
  const params: unknown[] = [day.start, day.end, ...(site ? [site.id, `${site.path}.%`] : [])];
  const from = `FROM "Shift" s JOIN "DutyPost" p ON p.id = s."postId" JOIN "Site" st ON st.id = p."siteId"`;
  const [count, shifts] = await Promise.all([
    pool.query<{ n: number }>(`SELECT count(*)::int AS n ${from} WHERE ${where}`, params),
    pool.query(
      `SELECT s.id, s.role, s."startsAt", s."assignedCount", s.capacity, s.minimum, s.status, s."closedAt",
              p.name AS post, st.name AS site, pr.title AS project
         ${from} JOIN "Project" pr ON pr.id = s."projectId"
        WHERE ${where} ORDER BY s."startsAt", s.id LIMIT ${Number(input.first)}`,
      params,
    ),
  ]);
  const ids = shifts.rows.map((s) => s.id as number);
  const [assignments, totals] = await Promise.all([
    pool.query(
      `SELECT a."shiftId", a.status, v.name
         FROM (SELECT *, row_number() OVER (PARTITION BY "shiftId" ORDER BY "assignedAt", id) AS rn
                 FROM "ShiftAssignment" WHERE "shiftId" = ANY($1)) a
         JOIN "Volunteer" v ON v.id = a."volunteerId"
        WHERE a.rn <= 20 ORDER BY a."shiftId", a.rn`,
      [ids],
    ),
    pool.query<{ shiftId: number; n: number }>(
      `SELECT "shiftId", count(*)::int AS n FROM "ShiftAssignment" WHERE "shiftId" = ANY($1) GROUP BY "shiftId"`,
      [ids],
    ),
  ]);
  const byShift = new Map<number, { node: { status: string; volunteer: { name: string } } }[]>(ids.map((id) => [id, []]));
  for (const a of assignments.rows) byShift.get(a.shiftId)!.push({ node: { status: a.status, volunteer: { name: a.name } } });
  const total = new Map(totals.rows.map((t) => [t.shiftId, t.n]));
  return {
    roster: {
      totalCount: count.rows[0]!.n,
      edges: shifts.rows.map((s) => ({
        node: {
          id: Buffer.from(`Shift:${s.id}`).toString('base64'),
          role: s.role,
          startsAt: s.startsAt.toISOString(),
          assignedCount: s.assignedCount,
          openSlots: s.status === 'CANCELLED' || s.closedAt ? 0 : Math.max(0, s.capacity - s.assignedCount),
          staffing: staffingOf(s),
          post: { name: s.post, site: { name: s.site } },
          project: { title: s.project },
          assignments: { totalCount: total.get(s.id) ?? 0, edges: byShift.get(s.id) },
        },
      })),
    },
  };
}

/** The API's search branches (nameSearchBranches) as SQL, with their parameters. */
function searchBranches(term: string): { branches: string[]; params: unknown[] } {
  const params: unknown[] = [];
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const range = (column: string, r: { gte: string; lt?: string }) =>
    `v."${column}" >= ${p(r.gte)}${r.lt ? ` AND v."${column}" < ${p(r.lt)}` : ''}`;
  const branches = nameSearchBranches(term).map((b: any) => {
    if (b.nameChars) return `v."nameChars" @> ${p(b.nameChars.hasEvery)}::text[] AND v.name ILIKE ${p(`%${b.name.contains}%`)}`;
    if (b.namePinyin) return range('namePinyin', b.namePinyin);
    if (b.nameInitials) return range('nameInitials', b.nameInitials);
    return range('name', b.name);
  });
  return { branches, params };
}

/** A page in name order: the first rows of each branch from its own index, merged; the count capped. */
async function search(input: { term: string; first: number }) {
  const { branches, params } = searchBranches(input.term);
  const first = Number(input.first);
  const [count, page] = await Promise.all([
    pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM "Volunteer" v WHERE ${branches.map((b) => `(${b})`).join(' OR ')} LIMIT ${SEARCH_COUNT_LIMIT}) c`,
      params,
    ),
    pool.query(
      `SELECT v.id, v.name, v."serviceMinutes", s.name AS site FROM "Volunteer" v JOIN "Site" s ON s.id = v."homeSiteId"
        WHERE v.id IN (${branches.map((b) => `(SELECT v.id FROM "Volunteer" v WHERE ${b} ORDER BY v.name, v.id LIMIT ${first})`).join(' UNION ')})
        ORDER BY v.name, v.id LIMIT ${first}`,
      params,
    ),
  ]);
  return {
    volunteers: {
      totalCount: count.rows[0]!.n,
      edges: page.rows.map((v) => ({
        node: { id: Buffer.from(`Volunteer:${v.id}`).toString('base64'), name: v.name, serviceMinutes: v.serviceMinutes, homeSite: { name: v.site } },
      })),
    },
  };
}

const server = createServer(async (req, res) => {
  try {
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
    await verifyAccessToken(tokens, token);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const data = req.url === '/roster' ? await roster(body) : req.url === '/search' ? await search(body) : null;
    res.writeHead(data ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ data }));
  } catch (error) {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ message: (error as Error).message }] }));
  }
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  console.log(`raw server ready: http://127.0.0.1:${address.port}`);
});
process.on('SIGTERM', () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});
