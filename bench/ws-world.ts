/**
 * What the live scenarios run on: bench shifts far in the future at posts spread over a few
 * institutes (so the driver's writes never change today's roster, and are removed afterwards), a
 * pool of active volunteers to assign, the roles that subscribe (anonymous, an admin, site managers,
 * board credentials — created here), and 100 subscriber classes: distinct filters, selection sets
 * and roles, each with the rule of which outbox events it should receive.
 */
import { createAccount, login } from '../src/auth/service.js';
import { createBoardCredential } from '../src/boards/service.js';
import type { Database } from '../src/db/index.js';
import type { TokenSettings } from '../src/auth/tokens.js';

export const gid = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64');
/** A bench site manager's phone, one per site. */
const managerPhone = (siteId: number) => `+86199001${String(siteId % 100_000).padStart(5, '0')}`;
const under = (path: string, scope: string) => path === scope || path.startsWith(`${scope}.`);

export interface BenchShift {
  id: number;
  postId: number;
  sitePath: string;
  siteId: number;
  projectId: number;
  institutePath: string;
}

export interface Role {
  name: string;
  kind: 'anonymous' | 'admin' | 'manager' | 'board';
  authorization?: string;
  /** Manager's site or board's site: the subtree it sees. */
  scopePath?: string;
}

/** An outbox row as the expected sets need it. */
export interface OutboxRow {
  sequence: number;
  stream: string;
  recordedAt: number;
  shiftId: number | null;
  sitePath: string | null;
  postId: number | null;
  projectId: number | null;
}

interface Filter {
  siteId?: number;
  sitePath?: string;
  postId?: number;
  projectId?: number;
  shiftId?: number;
}

export interface SubscriberClass {
  query: string;
  variables: Record<string, unknown>;
  role: Role;
  label: string;
  /** Whether the server should deliver this event to the class (its filter and its role's scope). */
  receives(e: OutboxRow): boolean;
}

const SELECTIONS = [
  'kind sequence shift { id assignedCount openSlots staffing } volunteer { name }',
  'sequence kind occurredAt',
  'sequence shift { id startsAt endsAt post { name site { name } } }',
  'sequence kind assignment { status } shift { staffing openSlots }',
  'id sequence kind shift { id project { title } } volunteer { name }',
];

export interface World {
  shifts: BenchShift[];
  volunteerIds: number[];
  admin: Role;
  center: { id: number; path: string };
  roles: Role[];
  /** Roles for the dutyBoard(center) subscribers. */
  boardRoles: Role[];
  classes: SubscriberClass[];
  cleanup(): Promise<void>;
}

export async function buildWorld(db: Database, tokens: TokenSettings, options: { shifts: number; mutations: (shifts: number) => number }): Promise<World> {
  const { prisma } = db;
  const center = await prisma.site.findFirstOrThrow({ where: { level: 'CENTER' }, select: { id: true, path: true } });
  // Posts at distinct sites, dealt round-robin over the four institutes with the most posts.
  const posts = await db.sql.withSession((s) =>
    s.query<{ postId: number; siteId: number; sitePath: string; institutePath: string }>(
      `SELECT DISTINCT ON (s.id) d.id AS "postId", s.id AS "siteId", s.path AS "sitePath", i.path AS "institutePath"
         FROM "DutyPost" d JOIN "Site" s ON s.id = d."siteId"
         JOIN "Site" i ON i.level = 'INSTITUTE' AND (s.path = i.path OR s.path LIKE i.path || '.%')
        ORDER BY s.id, d.id`,
    ),
  );
  const byInstitute = new Map<string, typeof posts>();
  for (const p of posts) byInstitute.set(p.institutePath, [...(byInstitute.get(p.institutePath) ?? []), p]);
  const institutes = [...byInstitute.values()].sort((a, b) => b.length - a.length).slice(0, 4);
  const chosen: typeof posts = [];
  for (let i = 0; chosen.length < options.shifts && institutes.some((list) => list.length > i); i++) {
    for (const list of institutes) if (list[i] && chosen.length < options.shifts) chosen.push(list[i]!);
  }
  const projects = await prisma.project.findMany({ where: { status: { in: ['ACTIVE', 'RECRUITING'] } }, take: 3, orderBy: { id: 'asc' }, select: { id: true } });
  if (!projects.length || !chosen.length) throw new Error('live bench: the data has no open project or no duty post');
  const day = 86_400_000;
  const base = Math.ceil(Date.now() / day) * day + 500 * day;
  const shifts: BenchShift[] = [];
  for (const [i, p] of chosen.entries()) {
    const projectId = projects[i % projects.length]!.id;
    const shift = await prisma.shift.create({
      data: { projectId, postId: p.postId, startsAt: new Date(base + i * day), endsAt: new Date(base + i * day + 3 * 3600_000), capacity: 100_000, minimum: 1, role: '实时基准' },
    });
    shifts.push({ id: shift.id, postId: p.postId, siteId: p.siteId, sitePath: p.sitePath, projectId, institutePath: p.institutePath });
  }
  // A few to spare: the driver uses the largest count coprime to the number of shifts (bench/ws-driver.ts).
  const volunteersNeeded = Math.ceil(options.mutations(shifts.length) / shifts.length) + 6;
  const volunteerIds = (await prisma.volunteer.findMany({ where: { status: 'ACTIVE' }, take: volunteersNeeded, orderBy: { id: 'desc' }, select: { id: true } })).map((v) => v.id);

  // Roles: staff accounts (kept between runs, found by phone) and board credentials (removed after).
  const account = async (phone: string, roles: { role: 'ADMIN' | 'SITE_MANAGER'; siteId?: number }[]) => {
    if (!(await prisma.account.findUnique({ where: { phone } }))) await createAccount(prisma, { phone, password: 'bench-password', roles });
    return `Bearer ${(await login(prisma, tokens, { phone, password: 'bench-password', ip: 'bench' })).accessToken}`;
  };
  const admin: Role = { name: 'admin', kind: 'admin', authorization: await account('+8619900009800', [{ role: 'ADMIN' }]) };
  const sites = await prisma.site.findMany({ where: { path: { in: [...new Set([center.path, ...shifts.flatMap((s) => [s.institutePath, s.sitePath])])] } }, select: { id: true, path: true } });
  const siteId = (path: string) => sites.find((s) => s.path === path)!.id;
  const adminId = (await prisma.account.findUniqueOrThrow({ where: { phone: '+8619900009800' } })).id;
  const credentialIds: number[] = [];
  const board = async (path: string, name: string): Promise<Role> => {
    const { credential, token } = await createBoardCredential(prisma, { siteId: siteId(path), label: `bench ${name}` }, adminId);
    credentialIds.push(credential.id);
    return { name, kind: 'board', authorization: `Bearer ${token}`, scopePath: path };
  };
  const institutePaths = [...new Set(shifts.map((s) => s.institutePath))];
  const roles: Role[] = [{ name: 'anonymous', kind: 'anonymous' }, admin];
  for (const [i, path] of institutePaths.entries()) {
    roles.push({ name: `manager of institute ${i + 1}`, kind: 'manager', scopePath: path, authorization: await account(managerPhone(siteId(path)), [{ role: 'SITE_MANAGER', siteId: siteId(path) }]) });
    roles.push(await board(path, `board of institute ${i + 1}`));
  }
  for (const s of shifts.slice(0, 4)) roles.push(await board(s.sitePath, `board of station ${s.siteId}`));
  const boardRoles: Role[] = [
    { name: 'anonymous', kind: 'anonymous' },
    admin,
    { name: 'manager of the center', kind: 'manager', scopePath: center.path, authorization: await account(managerPhone(center.id), [{ role: 'SITE_MANAGER', siteId: center.id }]) },
    await board(center.path, 'board of the center'),
  ];

  return {
    shifts,
    volunteerIds,
    admin,
    center,
    roles,
    boardRoles,
    classes: subscriberClasses(shifts, roles, center),
    async cleanup() {
      const ids = shifts.map((s) => s.id);
      await prisma.shiftAssignment.deleteMany({ where: { shiftId: { in: ids } } });
      await prisma.shift.deleteMany({ where: { id: { in: ids } } });
      await prisma.boardCredential.deleteMany({ where: { id: { in: credentialIds } } });
    },
  };
}

function matches(f: Filter, e: OutboxRow): boolean {
  return (
    (f.sitePath == null || (e.sitePath != null && under(e.sitePath, f.sitePath))) &&
    (f.postId == null || e.postId === f.postId) &&
    (f.projectId == null || e.projectId === f.projectId) &&
    (f.shiftId == null || e.shiftId === f.shiftId)
  );
}

/** 100 distinct (filter, selection set, role) classes; every one can see some bench shift. */
function subscriberClasses(shifts: BenchShift[], roles: Role[], center: { id: number; path: string }): SubscriberClass[] {
  const filters: { label: string; filter: Filter }[] = [{ label: 'all', filter: {} }, { label: 'center', filter: { siteId: center.id, sitePath: center.path } }];
  const institutePaths = [...new Set(shifts.map((s) => s.institutePath))];
  for (const path of institutePaths) filters.push({ label: `institute ${path}`, filter: { siteId: Number(path.split('.').pop()), sitePath: path } });
  for (const projectId of new Set(shifts.map((s) => s.projectId))) filters.push({ label: `project ${projectId}`, filter: { projectId } });
  for (const s of shifts) {
    filters.push({ label: `station ${s.siteId}`, filter: { siteId: s.siteId, sitePath: s.sitePath } });
    filters.push({ label: `post ${s.postId}`, filter: { postId: s.postId } });
    filters.push({ label: `shift ${s.id}`, filter: { shiftId: s.id } });
  }
  for (const path of institutePaths) {
    const projectId = shifts.find((s) => s.institutePath === path)!.projectId;
    filters.push({ label: `institute ${path} + project ${projectId}`, filter: { siteId: Number(path.split('.').pop()), sitePath: path, projectId } });
  }
  const sees = (role: Role, s: BenchShift) => !role.scopePath || under(s.sitePath, role.scopePath);
  const classes: SubscriberClass[] = [];
  const seen = new Set<string>();
  for (let round = 0; classes.length < 100 && round < 50; round++) {
    for (const [fi, { label, filter }] of filters.entries()) {
      if (classes.length >= 100) break;
      const fake = (s: BenchShift): OutboxRow => ({ sequence: 0, stream: 'roster', recordedAt: 0, shiftId: s.id, sitePath: s.sitePath, postId: s.postId, projectId: s.projectId });
      const compatible = roles.filter((r) => shifts.some((s) => matches(filter, fake(s)) && sees(r, s)));
      const role = compatible[(round + fi) % compatible.length]!;
      const selection = (round * 2 + fi) % SELECTIONS.length;
      const key = `${fi}/${role.name}/${selection}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const variables = {
        filter: {
          ...(filter.siteId != null && { siteId: gid('Site', filter.siteId) }),
          ...(filter.postId != null && { postId: gid('DutyPost', filter.postId) }),
          ...(filter.projectId != null && { projectId: gid('Project', filter.projectId) }),
          ...(filter.shiftId != null && { shiftId: gid('Shift', filter.shiftId) }),
        },
      };
      classes.push({
        query: `subscription Live($filter: RosterChangedFilter) { rosterChanged(filter: $filter) { ${SELECTIONS[selection]} } }`,
        variables,
        role,
        label: `${label} · ${role.name} · selection ${selection}`,
        receives: (e) => e.stream === 'roster' && matches(filter, e) && (!role.scopePath || (e.sitePath != null && under(e.sitePath, role.scopePath))),
      });
    }
  }
  return classes;
}

/** The dutyBoard(center) subscribers' selection sets (all carry `sequence`). */
export const BOARD_SELECTIONS = [
  'sequence onDutyNow expectedNow understaffedCount openSlotsToday serviceMinutesToday understaffedShifts(first: 10) { role post { name } }',
  'sequence generatedAt openSlotsToday site { name }',
  'id sequence understaffedCount understaffedShifts(first: 5) { id startsAt }',
];
