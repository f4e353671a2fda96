import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssignmentPagesRosterDocument, AssignmentPagesShiftDocument, type AssignmentStatus } from './generated/graphql.js';
import { ANONYMOUS, bearer } from './support/accounts.js';
import { gql, request } from './support/client.js';
import { gid } from './support/fixtures.js';
import { HOUR, futureSlot, makeAssignment, makeShift, makeVolunteers, rosterWorld } from './support/roster-fixtures.js';
import { DATABASE_KINDS, startTestServer, type TestServer } from './support/server.js';

/**
 * `Shift.assignments` pages each shift in SQL (src/roster/assignment-pages.ts): a first page of
 * every shift on a roster page, with `totalCount`, comes within the roster's own statement (a
 * LATERAL subquery per shift with its LIMIT); a page after or before a cursor from one windowed
 * query and one row load, and its `totalCount` from one grouped count, whatever the number of
 * shifts — and each page is what the plain query says it is. The acting role is the city office
 * (ADMIN) unless a test says otherwise.
 */

const STATUSES: AssignmentStatus[] = ['ASSIGNED', 'WAITLISTED', 'CANCELLED', 'CHECKED_IN', 'COMPLETED', 'NO_SHOW'];

describe.each(DATABASE_KINDS)('assignment pages on %s', (kind) => {
  let server: TestServer;
  let admin: Record<string, string>;
  /** Per shift (by db id), its assignments in sign-up order: [id, status, volunteer name]. */
  const expected = new Map<number, { id: number; status: AssignmentStatus; name: string }[]>();
  let window: { from: string; to: string };
  let biggest: number;

  beforeAll(async () => {
    server = await startTestServer(kind);
    admin = bearer(server.adminToken);
    const prisma = server.db.prisma;
    const world = await rosterWorld(prisma, '-pages');
    const volunteers = await makeVolunteers(prisma, world.sites.stationA.id, 9, '页志愿者');
    const slot = futureSlot(3, 8, 2);
    window = { from: slot.startsAt.toISOString(), to: new Date(slot.startsAt.getTime() + 12 * HOUR).toISOString() };
    // Six shifts with 0…8 assignments (mixed statuses), signed up out of id order.
    const sizes = [0, 1, 3, 5, 8, 2];
    for (const [i, size] of sizes.entries()) {
      const startsAt = new Date(slot.startsAt.getTime() + i * HOUR);
      const shift = await makeShift(prisma, { projectId: world.projectId, postId: world.postId, startsAt, endsAt: new Date(startsAt.getTime() + HOUR), capacity: 20 });
      const rows: { id: number; status: AssignmentStatus; name: string; at: number }[] = [];
      for (let k = 0; k < size; k++) {
        const status = STATUSES[(i + k) % STATUSES.length]!;
        const at = slot.startsAt.getTime() - HOUR + ((k * 7) % size) * 60_000; // sign-up order differs from id order
        const a = await makeAssignment(prisma, { shiftId: shift.id, volunteerId: volunteers[k]!.id, status, assignedAt: new Date(at) });
        rows.push({ id: a.id, status, name: volunteers[k]!.name, at });
      }
      rows.sort((x, y) => x.at - y.at || x.id - y.id);
      expected.set(shift.id, rows.map(({ id, status, name }) => ({ id, status, name })));
      if (size === 8) biggest = shift.id;
    }
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  const dbId = (globalId: string) => Number(Buffer.from(globalId, 'base64').toString().split(':')[1]);

  it.each([1, 3, 20])('first: %i on every shift of a roster page: the right rows, counts and page info, in the roster\'s one statement', async (first) => {
    server.queries.length = 0;
    const data = await gql(server.url, AssignmentPagesRosterDocument, { ...window, first }, admin);
    const shifts = data.roster.edges.map((e) => e.node);
    expect(shifts).toHaveLength(6);
    for (const shift of shifts) {
      const all = expected.get(dbId(shift.id))!;
      const page = shift.assignments!;
      expect(page.totalCount).toBe(all.length);
      expect(page.edges.map((e) => [dbId(e.node.id), e.node.status, e.node.volunteer.name])).toEqual(
        all.slice(0, first).map((a) => [a.id, a.status, a.name]),
      );
      expect(page.pageInfo.hasNextPage).toBe(all.length > first);
      expect(page.pageInfo.hasPreviousPage).toBe(false);
    }
    const onAssignments = server.queries.filter((q) => /FROM "(public"\.")?ShiftAssignment"/.test(q));
    // One statement: the shifts, each with a LATERAL page of its assignments (LIMIT first + 1),
    // the volunteers joined in, and a LATERAL count.
    expect(onAssignments, onAssignments.join('\n\n')).toHaveLength(1);
    const [statement] = onAssignments as [string];
    expect(statement).toMatch(/^SELECT .* FROM "public"\."Shift" AS "t0" LEFT JOIN LATERAL/);
    expect(statement).toMatch(/FROM "public"\."Volunteer"/);
    expect(statement).toMatch(/ORDER BY "t\d+"\."assignedAt" ASC, "t\d+"\."id" ASC LIMIT \$\d+/);
    expect(statement).toMatch(/COUNT\(\*\) AS "_aggr_count_assignments"/);
  });

  it('a status filter narrows both the pages and the counts', async () => {
    const status: AssignmentStatus[] = ['ASSIGNED', 'WAITLISTED'];
    const data = await gql(server.url, AssignmentPagesRosterDocument, { ...window, first: 2, status }, admin);
    for (const { node } of data.roster.edges) {
      const matching = expected.get(dbId(node.id))!.filter((a) => status.includes(a.status));
      expect(node.assignments!.totalCount).toBe(matching.length);
      expect(node.assignments!.edges.map((e) => dbId(e.node.id))).toEqual(matching.slice(0, 2).map((a) => a.id));
    }
  });

  it('pages forward with after and backward with last/before, in sign-up order', async () => {
    const all = expected.get(biggest)!.map((a) => a.id);
    const id = gid('Shift', biggest);
    const seen: number[] = [];
    let after: string | null | undefined;
    for (let round = 0; round < 5; round++) {
      server.queries.length = 0;
      const data = await gql(server.url, AssignmentPagesShiftDocument, { id, first: 3, after }, admin);
      if (after != null) {
        // After a cursor: the windowed page, the rows it picked, the grouped count.
        const onAssignments = server.queries.filter((q) => /FROM "(public"\.")?ShiftAssignment"/.test(q));
        expect(onAssignments, onAssignments.join('\n\n')).toHaveLength(3);
        expect(onAssignments.filter((q) => /row_number\(\) OVER \(PARTITION BY a\."shiftId"/.test(q))).toHaveLength(1);
        expect(onAssignments.filter((q) => /GROUP BY a\."shiftId"/.test(q))).toHaveLength(1);
      }
      const page = data.shift!.assignments!;
      seen.push(...page.edges.map((e) => dbId(e.node.id)));
      expect(page.pageInfo.hasPreviousPage).toBe(after != null);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(all);

    const last = await gql(server.url, AssignmentPagesShiftDocument, { id, last: 3 }, admin);
    expect(last.shift!.assignments!.edges.map((e) => dbId(e.node.id))).toEqual(all.slice(-3));
    expect(last.shift!.assignments!.pageInfo.hasPreviousPage).toBe(true);
    const before = await gql(server.url, AssignmentPagesShiftDocument, { id, last: 2, before: last.shift!.assignments!.pageInfo.startCursor }, admin);
    expect(before.shift!.assignments!.edges.map((e) => dbId(e.node.id))).toEqual(all.slice(-5, -3));
    expect(before.shift!.assignments!.pageInfo.hasNextPage).toBe(true);
    const none = await gql(server.url, AssignmentPagesShiftDocument, { id, first: 0 }, admin);
    expect(none.shift!.assignments!.edges).toEqual([]);
    expect(none.shift!.assignments!.totalCount).toBe(all.length);
  });

  it('anonymous: the assignments of a shift stay behind a login', async () => {
    const result = await request(server.url, AssignmentPagesShiftDocument, { id: gid('Shift', biggest), first: 3 }, ANONYMOUS);
    expect(result.data?.shift?.assignments ?? null).toBeNull();
    expect(result.errors?.map((e) => e.extensions?.code)).toContain('FORBIDDEN');
  });
});
