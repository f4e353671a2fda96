import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addTeamMember } from '../src/teams/service.js';
import {
  RosterAssignVolunteerDocument,
  RosterCancelAssignmentDocument,
  RosterCheckInDocument,
  RosterCheckOutDocument,
  RosterCloseShiftDocument,
  RosterCreateDutyPostDocument,
  RosterCreateShiftsDocument,
  RosterMarkNoShowDocument,
  RosterRecordServiceDocument,
  RosterReviewServiceRecordDocument,
  RosterSelfSignUpDocument,
  RosterUpdateDutyPostDocument,
  RosterUpdateShiftDocument,
  type CreateShiftsInput,
  type RecordServiceInput,
} from './generated/graphql.js';
import { expectType, gql } from './support/client.js';
import { gid } from './support/fixtures.js';
import {
  dbIdOf,
  futureSlot,
  makeProject,
  makeShift,
  makeVolunteers,
  minutesFromNow,
  rosterApi,
  rosterRowCounts,
  rosterWorld,
  type RosterWorld,
  shanghaiDate,
  fixtureNow,
} from './support/roster-fixtures.js';
import { KINDS_AND_CLOCKS, startTestServer, type TestServer } from './support/server.js';
import { manualClock } from '../src/common/clock.js';

/*
 * Every roster mutation's typed errors: NotFoundError for ids naming nothing, ValidationError for
 * input that breaks a rule of form or range (including ids of the wrong type), and the domain
 * errors not covered elsewhere. After every refusal, nothing has been written.
 */
// The rules depend on the time of day (check-in windows, Shanghai days): each database runs them
// with the server's clock at 10:00, 23:30 and 00:10 Shanghai time.
describe.each(KINDS_AND_CLOCKS)('roster typed errors on %s at %s', (kind, _label, at) => {
  let t: TestServer;
  let w: RosterWorld;
  let api: ReturnType<typeof rosterApi>;
  let shiftId: number;
  let assignmentId: number;
  let volunteerId: number;
  let recordId: number;
  const MISSING = 987654;

  beforeAll(async () => {
    t = await startTestServer(kind, { clock: manualClock(at()) });
    w = await rosterWorld(t.db.prisma);
    api = rosterApi(t.url, t.admin);
    const s = await makeShift(t.db.prisma, { projectId: w.projectId, postId: w.postId, ...futureSlot(3), capacity: 4, minimum: 2 });
    shiftId = s.id;
    const [v] = await makeVolunteers(t.db.prisma, w.sites.stationA.id, 1, '报错');
    volunteerId = v.id;
    assignmentId = dbIdOf(expectType(await api.assign(shiftId, v.id), 'AssignVolunteerPayload').assignment.id);
    await addTeamMember(t.db.prisma, { teamId: w.teamId, volunteerId: v.id });
    recordId = (
      await t.db.prisma.serviceRecord.create({
        data: { volunteerId: v.id, teamId: w.teamId, servedOn: new Date('2026-01-10T00:00:00Z'), minutes: 60, description: '环境整治' },
      })
    ).id;
  });
  afterAll(() => t?.close());

  // Whatever a test refuses, the tables and the shift it pokes at stay exactly as they were.
  let before: Awaited<ReturnType<typeof rosterRowCounts>>;
  let shiftBefore: unknown;
  beforeEach(async () => {
    before = await rosterRowCounts(t.db.prisma);
    shiftBefore = await t.db.prisma.shift.findUnique({ where: { id: shiftId } });
  });
  afterEach(async () => {
    expect(await rosterRowCounts(t.db.prisma)).toEqual(before);
    expect(await t.db.prisma.shift.findUnique({ where: { id: shiftId } })).toEqual(shiftBefore);
  });

  const fieldsOf = (result: { __typename: string }) => expectType(result as { __typename: 'ValidationError'; fields: { path?: string | null; message: string }[] }, 'ValidationError').fields;

  it('createDutyPost', async () => {
    const create = async (input: Record<string, unknown>) =>
      (
        await gql(t.url, RosterCreateDutyPostDocument, {
          input: { name: '测试岗', kind: 'OTHER', siteId: gid('Site', w.sites.stationA.id), address: '某地', ...input } as never,
        }, t.admin)
      ).createDutyPost;
    expect(expectType(await create({ siteId: gid('Site', MISSING) }), 'NotFoundError')).toMatchObject({ typename: 'Site', id: gid('Site', MISSING) });
    expect(expectType(await create({ siteId: gid('Volunteer', 1) }), 'ValidationError').message).toMatch(/is not of type: Site/);
    expectType(await create({ siteId: 'not-a-global-id' }), 'ValidationError');
    expect(fieldsOf(await create({ name: '   ' }))).toEqual([{ path: 'input.name', message: 'name must not be empty' }]);
    expect(fieldsOf(await create({ location: { lat: 91, lng: 200 } })).map((f) => f.path).sort()).toEqual(['input.location.lat', 'input.location.lng']);
    expect(fieldsOf(await create({ address: 'x'.repeat(201) }))[0]).toMatchObject({ path: 'input.address' });
  });

  it('updateDutyPost', async () => {
    const update = async (input: Record<string, unknown>) =>
      (await gql(t.url, RosterUpdateDutyPostDocument, { input: { id: gid('DutyPost', w.postId), ...input } as never }, t.admin)).updateDutyPost;
    expect(expectType(await update({ id: gid('DutyPost', MISSING), name: '新名' }), 'NotFoundError').typename).toBe('DutyPost');
    expect(expectType(await update({ siteId: gid('Site', MISSING) }), 'NotFoundError').typename).toBe('Site');
    expectType(await update({ id: gid('Shift', shiftId) }), 'ValidationError');
    expect(fieldsOf(await update({ name: '' }))[0]).toMatchObject({ path: 'input.name' });
    expect(fieldsOf(await update({ kind: undefined, location: { lat: -90.5, lng: 0 } }))[0]).toMatchObject({ path: 'input.location.lat' });
    const post = await t.db.prisma.dutyPost.findUniqueOrThrow({ where: { id: w.postId } });
    expect(post.name).toBe('古城南门文明引导岗');
  });

  it('createShifts', async () => {
    const completed = await makeProject(t.db.prisma, { organizerId: w.teamId, siteId: w.sites.instituteA.id, status: 'COMPLETED' });
    before = await rosterRowCounts(t.db.prisma);
    const create = async (input: Partial<CreateShiftsInput>) =>
      (
        await gql(t.url, RosterCreateShiftsDocument, {
          input: {
            projectId: gid('Project', w.projectId),
            postIds: [gid('DutyPost', w.postId)],
            dates: [shanghaiDate(10)],
            windows: [{ start: '08:00', end: '12:00' }],
            capacity: 4,
            role: '文明引导',
            ...input,
          },
        }, t.admin)
      ).createShifts;
    expect(expectType(await create({ projectId: gid('Project', MISSING) }), 'NotFoundError')).toMatchObject({ typename: 'Project' });
    expect(expectType(await create({ postIds: [gid('DutyPost', MISSING)] }), 'NotFoundError')).toMatchObject({ typename: 'DutyPost' });
    expect(expectType(await create({ postIds: [gid('Site', 1)] }), 'ValidationError').message).toMatch(/is not of type: DutyPost/);
    expect(expectType(await create({ projectId: gid('Project', 'x' as never) }), 'ValidationError').fields[0]).toMatchObject({ path: 'input.projectId' });
    expect(fieldsOf(await create({ capacity: 0 }))).toEqual([{ path: 'input.capacity', message: 'capacity must be at least 1' }]);
    expect(fieldsOf(await create({ capacity: 501 }))[0]).toMatchObject({ path: 'input.capacity' });
    expect(fieldsOf(await create({ capacity: 8, minimum: 9 }))).toEqual([{ path: 'input.minimum', message: 'minimum must not exceed capacity' }]);
    expect(fieldsOf(await create({ minimum: -1 }))[0]).toMatchObject({ path: 'input.minimum' });
    expect(fieldsOf(await create({ windows: [{ start: '08:00', end: '08:00' }] }))).toEqual([
      { path: 'input.windows.0.end', message: 'end must differ from start' },
    ]);
    expect(fieldsOf(await create({ windows: [{ start: '25:00', end: '26:00' }] }))[0]).toMatchObject({
      path: 'input.windows.0.start',
      message: 'must be a time of day HH:MM, e.g. 08:00',
    });
    expect(fieldsOf(await create({ windows: [{ start: '24:00', end: '02:00' }] }))[0]).toMatchObject({ path: 'input.windows.0.start' });
    expect(
      fieldsOf(
        await create({
          windows: [
            { start: '08:00', end: '12:00' },
            { start: '11:00', end: '13:00' },
          ],
        }),
      ),
    ).toEqual([{ path: 'input.windows.1', message: 'time window 2 overlaps window 1' }]);
    // Overlap across midnight: 22:00–02:00 and 01:00–03:00.
    expect(
      fieldsOf(
        await create({
          windows: [
            { start: '22:00', end: '02:00' },
            { start: '01:00', end: '03:00' },
          ],
        }),
      )[0],
    ).toMatchObject({ path: 'input.windows.1' });
    expect(fieldsOf(await create({ windows: [] }))[0]).toMatchObject({ path: 'input.windows', message: 'at least one time window' });
    expect(fieldsOf(await create({ startDate: shanghaiDate(10) }))[0]).toMatchObject({ path: 'input.startDate', message: 'give either startDate (with days) or dates' });
    expect(fieldsOf(await create({ dates: null }))[0]).toMatchObject({ path: 'input.startDate' });
    expect(fieldsOf(await create({ dates: null, startDate: shanghaiDate(10), days: 0 }))[0]).toMatchObject({ path: 'input.days' });
    expect(fieldsOf(await create({ postIds: [] }))[0]).toMatchObject({ path: 'input.postIds', message: 'at least one post' });
    expect(fieldsOf(await create({ role: ' ' }))[0]).toMatchObject({ path: 'input.role' });
    // Outside the project's dates (it ends a year from now).
    expect(fieldsOf(await create({ dates: [shanghaiDate(400)] }))[0]).toMatchObject({ path: 'input.dates' });
    const finished = expectType(await create({ projectId: gid('Project', completed.id) }), 'ProjectNotRecruitingError');
    expect(finished).toMatchObject({ projectStatus: 'COMPLETED', allowed: ['DRAFT', 'RECRUITING', 'ACTIVE'] });
  });

  it('updateShift', async () => {
    const s = shiftBefore as { startsAt: Date; endsAt: Date };
    expect(expectType(await api.updateShift(MISSING, { capacity: 3 }), 'NotFoundError')).toMatchObject({ typename: 'Shift', id: gid('Shift', MISSING) });
    expect(fieldsOf(await api.updateShift(shiftId, { capacity: 0 }))).toEqual([{ path: 'input.capacity', message: 'capacity must be at least 1' }]);
    expect(fieldsOf(await api.updateShift(shiftId, { minimum: 5 }))).toEqual([{ path: 'input.minimum', message: 'minimum must not exceed capacity' }]);
    expect(fieldsOf(await api.updateShift(shiftId, { capacity: 3, minimum: 4 }))[0]).toMatchObject({ path: 'input.minimum' });
    expect(fieldsOf(await api.updateShift(shiftId, { endsAt: new Date(s.startsAt.getTime() - 60_000).toISOString() }))).toEqual([
      { path: 'input.endsAt', message: 'endsAt must be after startsAt' },
    ]);
    expect(fieldsOf(await api.updateShift(shiftId, { startsAt: s.endsAt.toISOString() }))[0]).toMatchObject({ path: 'input.endsAt' });
    expect(fieldsOf(await api.updateShift(shiftId, { endsAt: new Date(s.startsAt.getTime() + 25 * 3_600_000).toISOString() }))).toEqual([
      { path: 'input.endsAt', message: 'a shift may last at most 24 hours' },
    ]);
    expect(fieldsOf(await api.updateShift(shiftId, { role: '' }))[0]).toMatchObject({ path: 'input.role' });
    // Before the project's first day (60 days ago).
    const early = new Date(fixtureNow().getTime() - 90 * 86_400_000);
    expect(
      fieldsOf(await api.updateShift(shiftId, { startsAt: early.toISOString(), endsAt: new Date(early.getTime() + 3_600_000).toISOString() }))[0],
    ).toMatchObject({ path: 'input.startsAt' });
    const wrongType = expectType(
      (await gql(t.url, RosterUpdateShiftDocument, { input: { id: gid('DutyPost', w.postId), capacity: 3 } }, t.admin)).updateShift,
      'ValidationError',
    );
    expect(wrongType.message).toMatch(/is not of type: Shift/);
  });

  it('updateShift cannot move the start once someone has checked in', async () => {
    const running = await makeShift(t.db.prisma, { projectId: w.projectId, postId: w.postId, startsAt: minutesFromNow(-30), endsAt: minutesFromNow(150) });
    const [v] = await makeVolunteers(t.db.prisma, w.sites.stationA.id, 1, '已签到');
    const a = expectType(await api.assign(running.id, v.id), 'AssignVolunteerPayload').assignment;
    expectType(await api.checkIn(dbIdOf(a.id)), 'CheckInPayload');
    before = await rosterRowCounts(t.db.prisma);
    const refused = expectType(await api.updateShift(running.id, { startsAt: minutesFromNow(-20).toISOString() }), 'ConflictError');
    expect(refused.message).toMatch(/checked in/);
    expect((await t.db.prisma.shift.findUniqueOrThrow({ where: { id: running.id } })).startsAt).toEqual(running.startsAt);
    // The end may still move.
    expectType(await api.updateShift(running.id, { endsAt: minutesFromNow(170).toISOString() }), 'UpdateShiftPayload');
  });

  it('cancelShift and closeShift', async () => {
    expect(expectType(await api.cancelShift(MISSING), 'NotFoundError').typename).toBe('Shift');
    expect(fieldsOf(await api.cancelShift(shiftId, '原'.repeat(501)))[0]).toMatchObject({ path: 'input.reason' });
    expect(expectType(await api.closeShift(MISSING), 'NotFoundError').typename).toBe('Shift');
    const zero = expectType((await gql(t.url, RosterCloseShiftDocument, { input: { id: gid('Shift', 0) } }, t.admin)).closeShift, 'ValidationError');
    expect(zero.fields[0]).toMatchObject({ path: 'input.id' });
    expect(expectType((await gql(t.url, RosterCloseShiftDocument, { input: { id: gid('Project', w.projectId) } }, t.admin)).closeShift, 'ValidationError').message).toMatch(
      /is not of type: Shift/,
    );
  });

  it('assignVolunteer and selfSignUp', async () => {
    for (const signUp of [api.assign, api.selfSignUp]) {
      expect(expectType(await signUp(MISSING, volunteerId), 'NotFoundError')).toMatchObject({ typename: 'Shift', id: gid('Shift', MISSING) });
      expect(expectType(await signUp(shiftId, MISSING), 'NotFoundError')).toMatchObject({ typename: 'Volunteer', id: gid('Volunteer', MISSING) });
    }
    const swapped = { shiftId: gid('Volunteer', volunteerId), volunteerId: gid('Shift', shiftId) };
    expectType((await gql(t.url, RosterAssignVolunteerDocument, { input: swapped }, t.admin)).assignVolunteer, 'ValidationError');
    expectType((await gql(t.url, RosterSelfSignUpDocument, { input: swapped }, t.admin)).selfSignUp, 'ValidationError');
    const negative = expectType(
      (await gql(t.url, RosterAssignVolunteerDocument, { input: { shiftId: gid('Shift', -1 as never), volunteerId: gid('Volunteer', volunteerId) } }, t.admin)).assignVolunteer,
      'ValidationError',
    );
    expect(negative.fields[0]).toMatchObject({ path: 'input.shiftId' });
  });

  it('cancelAssignment, checkIn, checkOut and markNoShow', async () => {
    for (const act of [api.cancelAssignment, api.checkIn, api.checkOut, api.markNoShow]) {
      expect(expectType(await act(MISSING), 'NotFoundError')).toMatchObject({ typename: 'ShiftAssignment', id: gid('ShiftAssignment', MISSING) });
    }
    expect(fieldsOf(await api.cancelAssignment(assignmentId, '因'.repeat(501)))[0]).toMatchObject({ path: 'input.reason' });
    const wrong = { id: gid('Shift', shiftId) };
    expect(expectType((await gql(t.url, RosterCheckInDocument, { input: wrong }, t.admin)).checkIn, 'ValidationError').message).toMatch(/is not of type: ShiftAssignment/);
    expectType((await gql(t.url, RosterCheckOutDocument, { input: wrong }, t.admin)).checkOut, 'ValidationError');
    expectType((await gql(t.url, RosterMarkNoShowDocument, { input: wrong }, t.admin)).markNoShow, 'ValidationError');
    expectType((await gql(t.url, RosterCancelAssignmentDocument, { input: wrong }, t.admin)).cancelAssignment, 'ValidationError');
    // Valid id, wrong moment: the shift is days away.
    expectType(await api.checkIn(assignmentId), 'CheckInWindowError');
    expectType(await api.markNoShow(assignmentId), 'ShiftNotStartedError');
    expectType(await api.checkOut(assignmentId), 'InvalidAssignmentStateError');
  });

  it('recordService', async () => {
    const [outsider] = await makeVolunteers(t.db.prisma, w.sites.stationA.id, 1, '队外');
    before = await rosterRowCounts(t.db.prisma);
    const record = async (input: Partial<RecordServiceInput>) =>
      (
        await gql(t.url, RosterRecordServiceDocument, {
          input: {
            volunteerId: gid('Volunteer', volunteerId),
            teamId: gid('Team', w.teamId),
            servedOn: '2025-06-12',
            minutes: 120,
            description: '关爱空巢老人',
            ...input,
          },
        }, t.admin)
      ).recordService;
    expect(expectType(await record({ volunteerId: gid('Volunteer', MISSING) }), 'NotFoundError').typename).toBe('Volunteer');
    expect(expectType(await record({ teamId: gid('Team', MISSING) }), 'NotFoundError').typename).toBe('Team');
    expect(expectType(await record({ volunteerId: gid('Volunteer', outsider.id) }), 'ConflictError').message).toMatch(/not a member/);
    expect(fieldsOf(await record({ minutes: 0 }))).toEqual([{ path: 'input.minutes', message: 'minutes must be at least 1' }]);
    expect(fieldsOf(await record({ minutes: 1441 }))[0]).toMatchObject({ path: 'input.minutes' });
    expect(fieldsOf(await record({ description: '' }))[0]).toMatchObject({ path: 'input.description' });
    expect(fieldsOf(await record({ servedOn: shanghaiDate(2) }))).toEqual([{ path: 'input.servedOn', message: 'servedOn must not be in the future' }]);
    expectType(await record({ teamId: gid('Volunteer', volunteerId) }), 'ValidationError');
  });

  it('reviewServiceRecord', async () => {
    const review = async (id: string, decision: 'APPROVED' | 'REJECTED', note?: string) =>
      (await gql(t.url, RosterReviewServiceRecordDocument, { input: { id, decision, note } }, t.admin)).reviewServiceRecord;
    expect(expectType(await review(gid('ServiceRecord', MISSING), 'APPROVED'), 'NotFoundError').typename).toBe('ServiceRecord');
    expect(fieldsOf(await review(gid('ServiceRecord', recordId), 'APPROVED', '注'.repeat(501)))[0]).toMatchObject({ path: 'input.note' });
    expectType(await review(gid('Team', w.teamId), 'APPROVED'), 'ValidationError');
    expect((await t.db.prisma.serviceRecord.findUniqueOrThrow({ where: { id: recordId } })).status).toBe('PENDING');
  });
});
