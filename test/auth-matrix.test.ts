import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthAssignVolunteerDocument,
  AuthCancelAssignmentDocument,
  AuthCheckInDocument,
  AuthCreateDutyPostDocument,
  AuthDutyPostShiftsDocument,
  AuthNodeDocument,
  AuthPersonalDataDocument,
  AuthProjectShiftsDocument,
  AuthPublicViewDocument,
  AuthReviewServiceRecordDocument,
  AuthSelfSignUpDocument,
  AuthShiftAssignmentsDocument,
  AuthShiftDocument,
  AuthTeamMembersDocument,
  AuthTeamServiceRecordsDocument,
  AuthUpdateVolunteerDocument,
  AuthViewerDocument,
  AuthVolunteerListDocument,
} from './generated/graphql.js';
import { ANONYMOUS, type AuthWorld, type Session, authWorld, codesOf, roleSessions } from './support/accounts.js';
import { type GraphQLResponse, expectType, request } from './support/client.js';
import { createTeam } from '../src/teams/service.js';
import { gid } from './support/fixtures.js';
import { makeAssignment, makeShift, makeVolunteers, minutesFromNow, rosterRowCounts } from './support/roster-fixtures.js';
import { type TestServer, startTestServer } from './support/server.js';

type Role = 'admin' | 'manager' | 'leader' | 'volunteer' | 'anonymous';
type Target = 'leader' | 'plain' | 'member' | 'homeA' | 'elsewhere';

const ROLES: Role[] = ['admin', 'manager', 'leader', 'volunteer', 'anonymous'];
const TARGETS: Target[] = ['leader', 'plain', 'member', 'homeA', 'elsewhere'];

/**
 * Whose phone and birth date each role may see:
 * - leader: team leader's own volunteer (home station A, leads the team)
 * - plain: the VOLUNTEER account's own volunteer (home station B)
 * - member: a member of the leader's team (home station B, so not under institute A)
 * - homeA: homed at station A, below the manager's institute A, in no team
 * - elsewhere: homed at station B, in no team
 */
const SEES_PERSONAL_DATA: Record<Role, Target[]> = {
  admin: ['leader', 'plain', 'member', 'homeA', 'elsewhere'],
  manager: ['leader', 'homeA'],
  leader: ['leader', 'member'],
  volunteer: ['plain'],
  anonymous: [],
};

/**
 * A refused top-level field: no data for it and one FORBIDDEN error under its path (a refused
 * type reports the path of its first field, e.g. ['node', 'id']).
 */
function expectForbidden(result: GraphQLResponse<Record<string, unknown>>, field: string) {
  expect(codesOf(result.errors), JSON.stringify(result.errors)).toEqual(['FORBIDDEN']);
  expect(result.errors![0]!.path?.[0]).toBe(field);
  expect(result.data?.[field] ?? null).toBeNull();
}

describe('authorization matrix (HTTP, real tokens from login)', () => {
  let t: TestServer;
  let w: AuthWorld;
  let s: Record<Exclude<Role, 'anonymous'>, Session>;
  const as = (role: Role) => (role === 'anonymous' ? ANONYMOUS : s[role].headers);

  beforeAll(async () => {
    t = await startTestServer('pglite');
    w = await authWorld(t.db.prisma, randomBytes(3).toString('hex'));
    s = await roleSessions(t.url, t.db.prisma, w);
  });
  afterAll(() => t?.close());

  describe('viewer', () => {
    it.each(ROLES)('%s: viewer reports the roles the token carries', async (role) => {
      const result = await request(t.url, AuthViewerDocument, {}, as(role));
      expect(result.errors).toBeUndefined();
      if (role === 'anonymous') {
        expect(result.data?.viewer).toBeNull();
        return;
      }
      const viewer = result.data!.viewer!;
      expect(viewer.phone).toBe(s[role].phone);
      const expected = {
        admin: { roles: ['ADMIN'], managedSites: [], ledTeams: [], volunteer: null },
        manager: { roles: ['SITE_MANAGER'], managedSites: [{ id: gid('Site', w.sites.instituteA.id) }], ledTeams: [], volunteer: null },
        leader: {
          roles: ['TEAM_LEADER', 'VOLUNTEER'],
          managedSites: [],
          ledTeams: [{ id: gid('Team', w.ledTeam.id) }],
          volunteer: { id: gid('Volunteer', w.people.leader.id), name: w.people.leader.name },
        },
        volunteer: {
          roles: ['VOLUNTEER'],
          managedSites: [],
          ledTeams: [],
          volunteer: { id: gid('Volunteer', w.people.plain.id), name: w.people.plain.name },
        },
      }[role];
      expect(viewer).toMatchObject(expected);
    });
  });

  describe('personal data (phone, birthDate)', () => {
    const cases = ROLES.flatMap((role) => TARGETS.map((target) => [role, target] as const));

    it.each(cases)('%s looking at %s', async (role, target) => {
      const person = w.people[target];
      const result = await request(t.url, AuthPersonalDataDocument, { id: gid('Volunteer', person.id) }, as(role));
      if (role === 'anonymous') {
        // Anonymous clients never see a person: the whole volunteer is refused, not just the PII.
        expectForbidden(result, 'volunteer');
        return;
      }
      const volunteer = result.data?.volunteer;
      expect(volunteer, JSON.stringify(result)).toBeTruthy();
      expect(volunteer!.name).toBe(person.name);
      if (SEES_PERSONAL_DATA[role].includes(target)) {
        expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
        expect(volunteer!.phone).toBe(person.phone);
        expect(volunteer!.birthDate).toBe(person.birthDate!.toISOString().slice(0, 10));
      } else {
        // Null with a FORBIDDEN error per field; the rest of the query stands.
        expect(volunteer).toMatchObject({ phone: null, birthDate: null });
        expect(codesOf(result.errors)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
        expect(result.errors!.map((e) => e.path).sort()).toEqual([
          ['volunteer', 'birthDate'],
          ['volunteer', 'phone'],
        ]);
      }
    });

    it('a list keeps every row: a volunteer sees names, only their own phone, FORBIDDEN for the others', async () => {
      const result = await request(
        t.url,
        AuthVolunteerListDocument,
        { filter: { homeSiteId: gid('Site', w.sites.stationB.id) } },
        s.volunteer.headers,
      );
      const nodes = result.data!.volunteers!.edges.map((e) => e.node);
      expect(nodes.length).toBeGreaterThanOrEqual(4);
      for (const node of nodes) {
        const own = node.id === gid('Volunteer', w.people.plain.id);
        expect(node.name).toBeTruthy();
        expect(node.phone).toBe(own ? w.people.plain.phone : null);
      }
      expect(codesOf(result.errors)).toEqual(nodes.filter((n) => n.phone === null).map(() => 'FORBIDDEN'));
      for (const error of result.errors!) expect(error.path?.at(-1)).toBe('phone');
    });

    it('team members: the leader sees the team’s PII; a manager of A only those homed under A', async () => {
      const ids = (r: Awaited<ReturnType<typeof teamAs>>) =>
        Object.fromEntries(r.data!.team!.members!.edges.map((e) => [e.node.volunteer.id, e.node.volunteer.phone]));
      const teamAs = (role: Role) => request(t.url, AuthTeamMembersDocument, { id: gid('Team', w.ledTeam.id) }, as(role));
      const leaderId = gid('Volunteer', w.people.leader.id);
      const memberId = gid('Volunteer', w.people.member.id);

      const byLeader = await teamAs('leader');
      expect(byLeader.errors).toBeUndefined();
      expect(ids(byLeader)).toEqual({ [leaderId]: w.people.leader.phone, [memberId]: w.people.member.phone });

      const byManager = await teamAs('manager');
      expect(ids(byManager)).toEqual({ [leaderId]: w.people.leader.phone, [memberId]: null });
      expect(codesOf(byManager.errors)).toEqual(['FORBIDDEN', 'FORBIDDEN']);

      const byVolunteer = await teamAs('volunteer');
      expect(ids(byVolunteer)).toEqual({ [leaderId]: null, [memberId]: null });

      const byAnonymous = await teamAs('anonymous');
      // The team is public; who is in it is not.
      expect(byAnonymous.data?.team).toMatchObject({ id: gid('Team', w.ledTeam.id), leader: null, members: null });
      expect(codesOf(byAnonymous.errors)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
      expect(byAnonymous.errors!.map((e) => e.path?.slice(0, 2).join('.')).sort()).toEqual(['team.leader', 'team.members']);
    });
  });

  describe('anonymous: public information only', () => {
    it('sees sites, posts, RECRUITING/ACTIVE projects and open shifts — nothing else', async () => {
      const result = await request(t.url, AuthPublicViewDocument, { siteId: gid('Site', w.sites.center.id) }, ANONYMOUS);
      expect(result.errors).toBeUndefined();
      const data = result.data!;
      expect(data.sites.totalCount).toBeGreaterThanOrEqual(5);
      expect(data.dutyPosts.edges.map((e) => e.node.id)).toEqual(
        expect.arrayContaining([gid('DutyPost', w.postA), gid('DutyPost', w.postB)]),
      );
      const projects = data.projects.edges.map((e) => e.node);
      expect(projects.map((p) => p.id)).toEqual(
        expect.arrayContaining([gid('Project', w.ledProject.id), gid('Project', w.otherProject.id)]),
      );
      expect(projects.every((p) => p.status === 'RECRUITING' || p.status === 'ACTIVE')).toBe(true);
      expect(projects.map((p) => p.id)).not.toContain(gid('Project', w.draftProject.id));
      expect(projects.map((p) => p.id)).not.toContain(gid('Project', w.cancelledProject.id));
      const shifts = data.roster.edges.map((e) => e.node);
      expect(shifts.map((x) => x.id)).toEqual(expect.arrayContaining([gid('Shift', w.shiftA.id), gid('Shift', w.shiftB.id)]));
      expect(shifts.map((x) => x.id)).not.toContain(gid('Shift', w.cancelledProjectShift.id));
      expect(shifts.every((x) => x.status === 'OPEN' && x.openSlots > 0)).toBe(true);
    });

    it('`volunteers` is refused with FORBIDDEN', async () => {
      const result = await request(t.url, AuthVolunteerListDocument, {}, ANONYMOUS);
      expect(codesOf(result.errors)).toEqual(['FORBIDDEN']);
      expect(result.errors![0]!.path?.[0]).toBe('volunteers');
      expect(result.errors![0]!.message).toMatch(/Log in/);
      // The field is nullable, so the rest of a combined query would still stand.
      expect(result.data).toEqual({ volunteers: null });
    });

    it('a DRAFT project through node() is refused; an ACTIVE one is shown', async () => {
      expectForbidden(await request(t.url, AuthNodeDocument, { id: gid('Project', w.draftProject.id) }, ANONYMOUS), 'node');
      expectForbidden(await request(t.url, AuthNodeDocument, { id: gid('Project', w.cancelledProject.id) }, ANONYMOUS), 'node');
      const active = await request(t.url, AuthNodeDocument, { id: gid('Project', w.ledProject.id) }, ANONYMOUS);
      expect(active.errors).toBeUndefined();
      expect(active.data?.node).toMatchObject({ __typename: 'Project', status: 'ACTIVE' });
      // Logged in, a DRAFT project is visible.
      const draft = await request(t.url, AuthNodeDocument, { id: gid('Project', w.draftProject.id) }, s.volunteer.headers);
      expect(draft.data?.node).toMatchObject({ __typename: 'Project', status: 'DRAFT' });
      // People are never public, whichever way they are asked for.
      expectForbidden(await request(t.url, AuthNodeDocument, { id: gid('Volunteer', w.people.plain.id) }, ANONYMOUS), 'node');
    });

    it('an open shift is public, its assignments are not', async () => {
      const open = await request(t.url, AuthShiftDocument, { id: gid('Shift', w.shiftA.id) }, ANONYMOUS);
      expect(open.errors).toBeUndefined();
      expect(open.data?.shift).toMatchObject({ id: gid('Shift', w.shiftA.id), status: 'OPEN' });
      const assignments = await request(t.url, AuthShiftAssignmentsDocument, { id: gid('Shift', w.shiftA.id) }, ANONYMOUS);
      expect(assignments.data?.shift).toMatchObject({ id: gid('Shift', w.shiftA.id), assignments: null });
      expect(codesOf(assignments.errors)).toEqual(['FORBIDDEN']);
    });

    it.each(['draftProjectShift', 'cancelledProjectShift'] as const)(
      'an open shift of a DRAFT or CANCELLED project is not public (only RECRUITING/ACTIVE projects are): %s',
      async (which) => {
        const id = gid('Shift', w[which].id);
        // The public roster leaves it out…
        const roster = await request(t.url, AuthPublicViewDocument, { siteId: gid('Site', w.sites.center.id) }, ANONYMOUS);
        expect(roster.data!.roster.edges.map((e) => e.node.id)).not.toContain(id);
        // …and fetching it by ID must not show it either.
        expectForbidden(await request(t.url, AuthShiftDocument, { id }, ANONYMOUS), 'shift');
        expectForbidden(await request(t.url, AuthNodeDocument, { id }, ANONYMOUS), 'node');
      },
    );
  });

  describe('anonymous: a non-public item in a public list does not take the list’s owner down', () => {
    it('a public project’s and a post’s shifts: a full shift does not null the project or the post', async () => {
      const full = await makeShift(t.db.prisma, {
        projectId: w.ledProject.id,
        postId: w.postA,
        capacity: 1,
        minimum: 1,
        startsAt: minutesFromNow(20 * 24 * 60),
        endsAt: minutesFromNow(20 * 24 * 60 + 120),
      });
      const [taker] = await makeVolunteers(t.db.prisma, w.sites.stationA.id, 1, '满员');
      await makeAssignment(t.db.prisma, { shiftId: full.id, volunteerId: taker!.id, status: 'ASSIGNED' });

      // Logged in, the full shift is listed.
      const loggedIn = await request(t.url, AuthProjectShiftsDocument, { id: gid('Project', w.ledProject.id) }, s.volunteer.headers);
      expect(loggedIn.data?.project?.shifts.edges.map((e) => e.node.id)).toContain(gid('Shift', full.id));

      const project = await request(t.url, AuthProjectShiftsDocument, { id: gid('Project', w.ledProject.id) }, ANONYMOUS);
      expect(project.data?.project, JSON.stringify(project.errors)).toBeTruthy();
      const projectShifts = project.data!.project!.shifts.edges.map((e) => e.node.id);
      expect(projectShifts).toContain(gid('Shift', w.shiftA.id));
      expect(projectShifts).not.toContain(gid('Shift', full.id));

      const post = await request(t.url, AuthDutyPostShiftsDocument, { id: gid('DutyPost', w.postA) }, ANONYMOUS);
      expect(post.data?.dutyPost, JSON.stringify(post.errors)).toBeTruthy();
      expect(post.data!.dutyPost!.shifts.edges.map((e) => e.node.id)).not.toContain(gid('Shift', full.id));
    });

    it('a public team with service records: the records are refused, the team is still shown', async () => {
      await t.db.prisma.serviceRecord.create({
        data: { teamId: w.otherTeam.id, volunteerId: w.people.elsewhere.id, description: '社区清扫', servedOn: new Date('2026-01-03'), minutes: 60 },
      });
      const result = await request(t.url, AuthTeamServiceRecordsDocument, { id: gid('Team', w.otherTeam.id) }, ANONYMOUS);
      expect(result.data?.team, JSON.stringify(result.errors)).toMatchObject({ id: gid('Team', w.otherTeam.id), name: w.otherTeam.name });
      expect(result.data!.team!.serviceRecords?.edges ?? []).toEqual([]);
    });
  });

  describe('mutations', () => {
    const dutyPost = (siteId: number, name: string) => ({
      input: { name, kind: 'SCENIC_SPOT' as const, siteId: gid('Site', siteId), address: '测试地址' },
    });

    /** Sends a mutation that must be refused and checks it wrote nothing. */
    async function expectRefused<R extends Record<string, unknown>>(
      send: () => Promise<GraphQLResponse<R>>,
      field: keyof R & string,
      anonymous = false,
    ) {
      const before = await rosterRowCounts(t.db.prisma);
      const result = await send();
      expectForbidden(result as GraphQLResponse<Record<string, unknown>>, field);
      if (anonymous) expect(result.errors![0]!.message).toMatch(/Log in/);
      expect(await rosterRowCounts(t.db.prisma)).toEqual(before);
    }

    it('createDutyPost: a manager of institute A at station A and at A itself, not at station B or the center', async () => {
      const atStation = await request(t.url, AuthCreateDutyPostDocument, dutyPost(w.sites.stationA.id, '东门岗'), s.manager.headers);
      expect(expectType(atStation.data!.createDutyPost, 'CreateDutyPostPayload').dutyPost.name).toBe('东门岗');
      const atInstitute = await request(t.url, AuthCreateDutyPostDocument, dutyPost(w.sites.instituteA.id, '所门岗'), s.manager.headers);
      expectType(atInstitute.data!.createDutyPost, 'CreateDutyPostPayload');

      await expectRefused(
        () => request(t.url, AuthCreateDutyPostDocument, dutyPost(w.sites.stationB.id, '越权岗'), s.manager.headers),
        'createDutyPost',
      );
      await expectRefused(
        () => request(t.url, AuthCreateDutyPostDocument, dutyPost(w.sites.center.id, '上级岗'), s.manager.headers),
        'createDutyPost',
      );
    });

    it('createDutyPost: admin anywhere; leader, volunteer and anonymous nowhere', async () => {
      const byAdmin = await request(t.url, AuthCreateDutyPostDocument, dutyPost(w.sites.stationB.id, '管理员岗'), s.admin.headers);
      expectType(byAdmin.data!.createDutyPost, 'CreateDutyPostPayload');
      // Leading a team at station A is not managing station A.
      await expectRefused(
        () => request(t.url, AuthCreateDutyPostDocument, dutyPost(w.sites.stationA.id, '队长岗'), s.leader.headers),
        'createDutyPost',
      );
      await expectRefused(
        () => request(t.url, AuthCreateDutyPostDocument, dutyPost(w.sites.stationA.id, '志愿者岗'), s.volunteer.headers),
        'createDutyPost',
      );
      await expectRefused(
        () => request(t.url, AuthCreateDutyPostDocument, dutyPost(w.sites.stationA.id, '匿名岗'), ANONYMOUS),
        'createDutyPost',
        true,
      );
    });

    it('assignVolunteer: the leader on their project’s shift, not on another project’s', async () => {
      const input = (shiftId: number, volunteerId: number) => ({
        input: { shiftId: gid('Shift', shiftId), volunteerId: gid('Volunteer', volunteerId) },
      });
      const ok = await request(t.url, AuthAssignVolunteerDocument, input(w.shiftA.id, w.people.member.id), s.leader.headers);
      expect(expectType(ok.data!.assignVolunteer, 'AssignVolunteerPayload').assignment.status).toBe('ASSIGNED');
      await expectRefused(
        () => request(t.url, AuthAssignVolunteerDocument, input(w.shiftB.id, w.people.spare.id), s.leader.headers),
        'assignVolunteer',
      );
      // The manager of institute A: the shift at station A yes, station B no.
      const byManager = await request(t.url, AuthAssignVolunteerDocument, input(w.shiftA.id, w.people.homeA.id), s.manager.headers);
      expectType(byManager.data!.assignVolunteer, 'AssignVolunteerPayload');
      await expectRefused(
        () => request(t.url, AuthAssignVolunteerDocument, input(w.shiftB.id, w.people.spare.id), s.manager.headers),
        'assignVolunteer',
      );
      // A volunteer cannot put anyone (even themself) on a shift with assignVolunteer.
      await expectRefused(
        () => request(t.url, AuthAssignVolunteerDocument, input(w.shiftB.id, w.people.plain.id), s.volunteer.headers),
        'assignVolunteer',
      );
      await expectRefused(
        () => request(t.url, AuthAssignVolunteerDocument, input(w.shiftB.id, w.people.spare.id), ANONYMOUS),
        'assignVolunteer',
        true,
      );
    });

    it('volunteer: selfSignUp themselves, not another; checkIn their own assignment, not someone else’s', async () => {
      const signUp = (volunteerId: number, headers: Record<string, string>) =>
        request(t.url, AuthSelfSignUpDocument, { input: { shiftId: gid('Shift', w.shiftB.id), volunteerId: gid('Volunteer', volunteerId) } }, headers);

      await expectRefused(() => signUp(w.people.spare.id, s.volunteer.headers), 'selfSignUp');
      // Leading someone's team does not let a leader sign them up as if they were them.
      await expectRefused(() => signUp(w.people.member.id, s.leader.headers), 'selfSignUp');
      await expectRefused(() => signUp(w.people.plain.id, ANONYMOUS), 'selfSignUp', true);

      const own = expectType((await signUp(w.people.plain.id, s.volunteer.headers)).data!.selfSignUp, 'SelfSignUpPayload').assignment;
      expect(own.status).toBe('ASSIGNED');

      // Someone else's assignment on the same shift, made by the admin.
      const theirs = expectType(
        (
          await request(
            t.url,
            AuthAssignVolunteerDocument,
            { input: { shiftId: gid('Shift', w.shiftB.id), volunteerId: gid('Volunteer', w.people.elsewhere.id) } },
            s.admin.headers,
          )
        ).data!.assignVolunteer,
        'AssignVolunteerPayload',
      ).assignment;

      await expectRefused(() => request(t.url, AuthCheckInDocument, { input: { id: theirs.id } }, s.volunteer.headers), 'checkIn');
      await expectRefused(() => request(t.url, AuthCancelAssignmentDocument, { input: { id: theirs.id } }, s.volunteer.headers), 'cancelAssignment');
      await expectRefused(() => request(t.url, AuthCheckInDocument, { input: { id: own.id } }, ANONYMOUS), 'checkIn', true);
      // Not the leader's project: the leader may not check anyone in on it.
      await expectRefused(() => request(t.url, AuthCheckInDocument, { input: { id: theirs.id } }, s.leader.headers), 'checkIn');

      const checkedIn = await request(t.url, AuthCheckInDocument, { input: { id: own.id } }, s.volunteer.headers);
      expect(expectType(checkedIn.data!.checkIn, 'CheckInPayload').assignment.status).toBe('CHECKED_IN');
    });

    it('leader: reviews their team’s service records, not another team’s', async () => {
      const record = (teamId: number, volunteerId: number) =>
        t.db.prisma.serviceRecord.create({
          data: { teamId, volunteerId, description: '敬老院探访', servedOn: new Date('2026-01-05'), minutes: 120 },
        });
      const ours = await record(w.ledTeam.id, w.people.member.id);
      const theirs = await record(w.otherTeam.id, w.people.elsewhere.id);
      const review = (id: number, headers: Record<string, string>) =>
        request(t.url, AuthReviewServiceRecordDocument, { input: { id: gid('ServiceRecord', id), decision: 'APPROVED' } }, headers);

      await expectRefused(() => review(theirs.id, s.leader.headers), 'reviewServiceRecord');
      await expectRefused(() => review(ours.id, s.volunteer.headers), 'reviewServiceRecord');
      const approved = await review(ours.id, s.leader.headers);
      expect(expectType(approved.data!.reviewServiceRecord, 'ReviewServiceRecordPayload').serviceRecord.status).toBe('APPROVED');
      expect((await t.db.prisma.serviceRecord.findUniqueOrThrow({ where: { id: theirs.id } })).status).toBe('PENDING');
    });

    it('leadership is read from Team.leaderId on every request: the same token gains it and loses it', async () => {
      const team = await createTeam(t.db.prisma, { name: `临时服务队${w.ledTeam.id}`, siteId: w.sites.stationB.id });
      const record = () =>
        t.db.prisma.serviceRecord.create({
          data: { teamId: team.id, volunteerId: w.people.elsewhere.id, description: '义务植树', servedOn: new Date('2026-01-04'), minutes: 30 },
        });
      const review = (id: number) =>
        request(t.url, AuthReviewServiceRecordDocument, { input: { id: gid('ServiceRecord', id), decision: 'REJECTED' } }, s.leader.headers);

      const first = await record();
      await expectRefused(() => review(first.id), 'reviewServiceRecord');
      await t.db.prisma.team.update({ where: { id: team.id }, data: { leaderId: w.people.leader.id } });
      expectType((await review(first.id)).data!.reviewServiceRecord, 'ReviewServiceRecordPayload');
      await t.db.prisma.team.update({ where: { id: team.id }, data: { leaderId: null } });
      const second = await record();
      await expectRefused(() => review(second.id), 'reviewServiceRecord');
    });

    it('volunteer: edits their own profile, not someone else’s, and cannot change their own status', async () => {
      const update = (input: Record<string, unknown>, headers: Record<string, string>) =>
        request(t.url, AuthUpdateVolunteerDocument, { input: input as never }, headers);
      const own = await update({ id: gid('Volunteer', w.people.plain.id), name: '改名志愿者' }, s.volunteer.headers);
      expect(expectType(own.data!.updateVolunteer, 'UpdateVolunteerPayload').volunteer.name).toBe('改名志愿者');

      const other = await update({ id: gid('Volunteer', w.people.elsewhere.id), name: '越权改名' }, s.volunteer.headers);
      expectForbidden(other as GraphQLResponse<Record<string, unknown>>, 'updateVolunteer');
      const status = await update({ id: gid('Volunteer', w.people.plain.id), status: 'SUSPENDED' }, s.volunteer.headers);
      expectForbidden(status as GraphQLResponse<Record<string, unknown>>, 'updateVolunteer');
      const after = await t.db.prisma.volunteer.findUniqueOrThrow({ where: { id: w.people.elsewhere.id } });
      expect(after.name).toBe(w.people.elsewhere.name);
      expect((await t.db.prisma.volunteer.findUniqueOrThrow({ where: { id: w.people.plain.id } })).status).toBe('ACTIVE');
    });
  });
});
