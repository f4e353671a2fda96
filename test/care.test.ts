import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../src/common/clock.js';
import { addTeamMember, createTeam } from '../src/teams/service.js';
import {
  CareAssignTeamDocument,
  CareBeneficiariesDocument,
  CareBeneficiaryHistoryDocument,
  CareBeneficiaryPersonalDocument,
  CareChangeBeneficiaryStatusDocument,
  CareCreateBeneficiaryDocument,
  CarePersonalDataLogDocument,
  CareVolunteerPhoneDocument,
  CareProjectImpactDocument,
  CareRecordVisitDocument,
  CareTeamBeneficiariesDocument,
  CareUpdateBeneficiaryDocument,
  RosterReviewServiceRecordDocument,
  RosterVolunteerTotalsDocument,
} from './generated/graphql.js';
import { ANONYMOUS, type AuthWorld, type Session, accountSession, authWorld, codesOf, roleSessions } from './support/accounts.js';
import { expectType, gql, request } from './support/client.js';
import { gid } from './support/fixtures.js';
import { makeProject, makeVolunteers } from './support/roster-fixtures.js';
import { DATABASE_KINDS, startTestServer, type TestServer } from './support/server.js';

/*
 * Care: beneficiaries, the one caring team with its history, visits whose minutes become PENDING
 * service records reviewed like any other, the PII rules for every role (with the access log),
 * the filters, and project/brand impact checked against counts computed here.
 *
 * The clock is fixed at 2026-12-10 10:00 Shanghai; every request names the role it acts as.
 */

const NOW = '2026-12-10T10:00:00+08:00';

describe.each(DATABASE_KINDS)('care on %s', (kind) => {
  let t: TestServer;
  let w: AuthWorld;
  let as: Awaited<ReturnType<typeof roleSessions>> & { member: Session; otherManager: Session; otherLeader: Session };
  let beneficiaryId: string;

  beforeAll(async () => {
    t = await startTestServer(kind, { clock: manualClock(NOW) });
    const prisma = t.db.prisma;
    w = await authWorld(prisma, '（关爱）');
    const [otherLeader] = await makeVolunteers(prisma, w.sites.stationB.id, 1, '青山队长');
    await prisma.team.update({ where: { id: w.otherTeam.id }, data: { leaderId: otherLeader!.id } });
    await addTeamMember(prisma, { teamId: w.otherTeam.id, volunteerId: otherLeader!.id });
    as = {
      ...(await roleSessions(t.url, prisma, w)),
      member: await accountSession(t.url, prisma, { phone: w.people.member.phone, volunteerId: w.people.member.id }),
      otherManager: await accountSession(t.url, prisma, { roles: [{ role: 'SITE_MANAGER', siteId: w.sites.instituteB.id }] }),
      otherLeader: await accountSession(t.url, prisma, { phone: otherLeader!.phone, volunteerId: otherLeader!.id }),
    };
  });
  afterAll(() => t?.close());

  const create = async (input: Record<string, unknown>, headers: Record<string, string>) =>
    (await gql(t.url, CareCreateBeneficiaryDocument, { input: input as never }, headers)).createBeneficiary;
  const visit = async (input: Record<string, unknown>, headers: Record<string, string>) =>
    (await gql(t.url, CareRecordVisitDocument, { input: { beneficiaryId, services: ['COMPANIONSHIP'], minutes: 90, ...input } as never }, headers))
      .recordCareVisit;
  const counts = async () => ({
    visits: await t.db.prisma.careVisit.count(),
    records: await t.db.prisma.serviceRecord.count(),
    assignments: await t.db.prisma.careAssignment.count(),
  });

  it('a manager of the site registers a veteran with a caring team; validation and references refuse cleanly', async () => {
    const site = gid('Site', w.sites.stationA.id);
    const base = { kind: 'VETERAN', siteId: site, name: '张德胜', phone: '139 0000 1111', address: '东门社区3栋2单元', idNumber: '330000192501011234', needs: ['陪诊', '陪伴', '陪诊'], householdSize: 1 };
    const before = await counts();
    const bad = expectType(await create({ ...base, name: ' ', householdSize: 0 }, as.manager.headers), 'ValidationError');
    expect(bad.fields.map((f) => f.path).sort()).toEqual(['input.householdSize', 'input.name']);
    expect((await create({ ...base, careTeamId: gid('Team', 999999) }, as.manager.headers)).__typename).toBe('NotFoundError');
    // A manager of another institute, a team leader and a volunteer may not register here.
    for (const who of [as.otherManager, as.leader, as.volunteer]) {
      const refused = await request(t.url, CareCreateBeneficiaryDocument, { input: base as never }, who.headers);
      expect(codesOf(refused.errors)).toEqual(['FORBIDDEN']);
    }
    expect(await counts()).toEqual(before);

    const created = expectType(await create({ ...base, careTeamId: gid('Team', w.ledTeam.id) }, as.manager.headers), 'CreateBeneficiaryPayload');
    expect(created.beneficiary).toMatchObject({ kind: 'VETERAN', status: 'ACTIVE', needs: ['陪诊', '陪伴'], careTeam: { id: gid('Team', w.ledTeam.id) }, lastVisitedOn: null });
    beneficiaryId = created.beneficiary.id;
    const row = await t.db.prisma.beneficiary.findFirstOrThrow({ where: { name: '张德胜' } });
    expect(row.phone).toBe('13900001111');
    expect(await t.db.prisma.careAssignment.count({ where: { beneficiaryId: row.id, endedAt: null } })).toBe(1);
  });

  it('PII: caring team leader and members, managers of the site and above, admins; nobody else — and every read is logged', async () => {
    const read = async (who: Session | null) =>
      request(t.url, CareBeneficiaryPersonalDocument, { id: beneficiaryId }, who ? who.headers : ANONYMOUS);
    const id = Number(Buffer.from(beneficiaryId, 'base64').toString().split(':')[1]);
    const logged = (accountId: number) =>
      t.db.prisma.personalDataRead.count({ where: { subjectType: 'BENEFICIARY', subjectId: id, readerAccountId: accountId } });

    for (const who of [as.admin, as.manager, as.leader, as.member]) {
      const reply = await read(who);
      expect(reply.errors, who.phone).toBeUndefined();
      expect(reply.data?.beneficiary).toMatchObject({ name: '张德胜', phone: '13900001111', address: '东门社区3栋2单元', idNumber: '330000192501011234' });
      expect(await logged(who.accountId)).toBe(4);
      const entries = await t.db.prisma.personalDataRead.findMany({ where: { subjectType: 'BENEFICIARY', subjectId: id, readerAccountId: who.accountId }, orderBy: { field: 'asc' } });
      expect(entries.map((e) => e.field).sort()).toEqual(['ADDRESS', 'ID_NUMBER', 'NAME', 'PHONE']);
      for (const entry of entries) {
        expect(entry.operation).toBe('CareBeneficiaryPersonal');
        expect(entry.readAt.toISOString()).toBe(new Date(NOW).toISOString());
      }
    }
    for (const who of [as.otherManager, as.otherLeader, as.volunteer]) {
      const reply = await read(who);
      expect(reply.data?.beneficiary).toMatchObject({ kind: 'VETERAN', name: null, phone: null, address: null, idNumber: null });
      expect(codesOf(reply.errors)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
      expect(await logged(who.accountId)).toBe(0);
    }
    const anonymous = await read(null);
    expect(anonymous.data?.beneficiary ?? null).toBeNull();
    expect(codesOf(anonymous.errors)).toContain('FORBIDDEN');
  });

  it('one log for beneficiaries and volunteers: admins query it by subject type; nobody else can', async () => {
    // An admin reads a volunteer's phone too: both land in the same table, through the same writer.
    const volunteerRead = await request(t.url, CareVolunteerPhoneDocument, { id: gid('Volunteer', w.people.member.id) }, as.admin.headers);
    expect(volunteerRead.errors).toBeUndefined();
    expect(volunteerRead.data?.volunteer?.phone).toBe(w.people.member.phone);
    await request(t.url, CareBeneficiaryPersonalDocument, { id: beneficiaryId }, as.manager.headers);
    const log = async (filter: Record<string, unknown>, headers = as.admin.headers) => request(t.url, CarePersonalDataLogDocument, { filter }, headers);

    const ofBeneficiary = (await log({ subjectType: 'BENEFICIARY', beneficiaryId })).data!.personalDataReads!;
    const all = await t.db.prisma.personalDataRead.findMany({ where: { subjectType: 'BENEFICIARY', subjectId: Number(Buffer.from(beneficiaryId, 'base64').toString().split(':')[1]) } });
    expect(ofBeneficiary.totalCount).toBe(all.length);
    expect(ofBeneficiary.totalCount).toBeGreaterThanOrEqual(8);
    for (const { node } of ofBeneficiary.edges) {
      expect(node).toMatchObject({ subjectType: 'BENEFICIARY', volunteer: null, beneficiary: { id: beneficiaryId }, operation: 'CareBeneficiaryPersonal' });
    }
    const byManager = ofBeneficiary.edges.filter((e) => e.node.reader.phone === as.manager.phone).map((e) => e.node.field);
    expect(new Set(byManager)).toEqual(new Set(['NAME', 'PHONE', 'ADDRESS', 'ID_NUMBER']));

    const ofVolunteers = (await log({ subjectType: 'VOLUNTEER' })).data!.personalDataReads!;
    expect(ofVolunteers.totalCount).toBe(await t.db.prisma.personalDataRead.count({ where: { subjectType: 'VOLUNTEER' } }));
    expect(ofVolunteers.edges.every((e) => e.node.subjectType === 'VOLUNTEER' && e.node.beneficiary === null)).toBe(true);
    expect(ofVolunteers.edges.some((e) => e.node.volunteer?.id === gid('Volunteer', w.people.member.id) && e.node.reader.phone === as.admin.phone)).toBe(true);

    for (const headers of [as.manager.headers, as.leader.headers, ANONYMOUS]) {
      const refused = await log({ subjectType: 'BENEFICIARY' }, headers);
      expect(refused.data?.personalDataReads ?? null).toBeNull();
    }
  });

  it('one caring team at a time, with history; PII follows the team', async () => {
    const reassign = (teamId: number, headers: Record<string, string>, note?: string) =>
      gql(t.url, CareAssignTeamDocument, { input: { beneficiaryId, teamId: gid('Team', teamId), note } }, headers).then((r) => r.assignCareTeam);
    // Only managers of the beneficiary's site (here: instituteA and above) may reassign.
    expect(codesOf((await request(t.url, CareAssignTeamDocument, { input: { beneficiaryId, teamId: gid('Team', w.otherTeam.id) } }, as.leader.headers)).errors)).toEqual(['FORBIDDEN']);
    expect((await reassign(w.ledTeam.id, as.manager.headers)).__typename).toBe('ConflictError');

    const moved = expectType(await reassign(w.otherTeam.id, as.manager.headers, '就近照顾'), 'AssignCareTeamPayload');
    expect(moved.assignment).toMatchObject({ current: true, endedAt: null, team: { id: gid('Team', w.otherTeam.id) } });
    expect(moved.beneficiary.careTeam?.id).toBe(gid('Team', w.otherTeam.id));
    const history = (await gql(t.url, CareBeneficiaryHistoryDocument, { id: beneficiaryId }, as.admin.headers)).beneficiary!;
    expect(history.careAssignments.totalCount).toBe(2);
    const [current, previous] = history.careAssignments.edges.map((e) => e.node);
    expect(current).toMatchObject({ current: true, note: '就近照顾', endedAt: null });
    expect(previous).toMatchObject({ current: false, team: { id: gid('Team', w.ledTeam.id) } });
    expect(previous!.endedAt).toBe(new Date(NOW).toISOString());

    // The old team's leader and member lose the personal data; the new team's leader gains it.
    const pii = async (who: Session) => (await request(t.url, CareBeneficiaryPersonalDocument, { id: beneficiaryId }, who.headers)).data?.beneficiary?.name ?? null;
    expect(await pii(as.leader)).toBeNull();
    expect(await pii(as.member)).toBeNull();
    expect(await pii(as.otherLeader)).toBe('张德胜');

    // Concurrent hand-overs: still exactly one current assignment.
    await Promise.all([reassign(w.ledTeam.id, as.manager.headers), reassign(w.ledTeam.id, as.admin.headers)]);
    const id = Number(Buffer.from(beneficiaryId, 'base64').toString().split(':')[1]);
    expect(await t.db.prisma.careAssignment.count({ where: { beneficiaryId: id, endedAt: null } })).toBe(1);
    expect((await t.db.prisma.beneficiary.findUniqueOrThrow({ where: { id } })).careTeamId).toBe(w.ledTeam.id);
  });

  it('a visit writes a PENDING service record per volunteer present; a manager approves them and the hours count', async () => {
    const people = [w.people.leader.id, w.people.member.id];
    const before = await counts();
    // Refusals first: nothing is written by any of them.
    const future = expectType(await visit({ visitedOn: '2026-12-11', volunteerIds: people.map((p) => gid('Volunteer', p)) }, as.leader.headers), 'ValidationError');
    expect(future.fields).toEqual([{ path: 'input.visitedOn', message: 'visitedOn must not be in the future' }]);
    const outsider = await visit({ visitedOn: '2026-12-09', volunteerIds: [gid('Volunteer', w.people.leader.id), gid('Volunteer', w.people.plain.id)] }, as.leader.headers);
    expect(outsider).toMatchObject({ __typename: 'ConflictError', message: 'The volunteer is not a member of this team.' });
    const twice = expectType(await visit({ visitedOn: '2026-12-09', volunteerIds: [gid('Volunteer', w.people.leader.id), gid('Volunteer', w.people.leader.id)] }, as.leader.headers), 'ValidationError');
    expect(twice.fields[0]?.path).toBe('input.volunteerIds');
    expect(codesOf((await request(t.url, CareRecordVisitDocument, { input: { beneficiaryId, visitedOn: '2026-12-09', services: ['CLEANING'], minutes: 60, volunteerIds: [gid('Volunteer', w.people.member.id)] } }, as.member.headers)).errors)).toEqual(['FORBIDDEN']);
    expect(await counts()).toEqual(before);

    const minutesBefore = await Promise.all(people.map((id) => t.db.prisma.volunteer.findUniqueOrThrow({ where: { id } }).then((v) => v.serviceMinutes)));
    const made = expectType(
      await visit({ visitedOn: '2026-12-09', volunteerIds: people.map((p) => gid('Volunteer', p)), services: ['MEDICAL_ESCORT', 'COMPANIONSHIP'], minutes: 150, notes: '陪同复查' }, as.leader.headers),
      'RecordCareVisitPayload',
    ).visit;
    expect(made).toMatchObject({ visitedOn: '2026-12-09', minutes: 150, services: ['MEDICAL_ESCORT', 'COMPANIONSHIP'], team: { id: gid('Team', w.ledTeam.id) } });
    expect(made.volunteers.map((v) => v.id)).toEqual(people.map((p) => gid('Volunteer', p)));
    expect(made.serviceRecords).toHaveLength(2);
    for (const [i, record] of made.serviceRecords.entries()) {
      expect(record).toMatchObject({ status: 'PENDING', minutes: 150, servedOn: '2026-12-09', volunteer: { id: gid('Volunteer', people[i]!) }, team: { id: gid('Team', w.ledTeam.id) } });
      expect(record.description).toMatch(/^关爱走访 #\d+：陪诊、陪伴$/);
    }
    expect(await counts()).toEqual({ ...before, visits: before.visits + 1, records: before.records + 2 });

    // Reviewed through the roster's own mutation, by a manager of the team's site (not the leader who entered them).
    for (const record of made.serviceRecords) {
      const reviewed = (await gql(t.url, RosterReviewServiceRecordDocument, { input: { id: record.id, decision: 'APPROVED' } }, as.manager.headers)).reviewServiceRecord;
      expect(expectType(reviewed, 'ReviewServiceRecordPayload').serviceRecord.status).toBe('APPROVED');
    }
    for (const [i, id] of people.entries()) {
      const totals = (await gql(t.url, RosterVolunteerTotalsDocument, { id: gid('Volunteer', id) }, as.admin.headers)).volunteer!;
      expect(totals.serviceMinutes).toBe(minutesBefore[i]! + 150);
    }
    const history = (await gql(t.url, CareBeneficiaryHistoryDocument, { id: beneficiaryId }, as.member.headers)).beneficiary!;
    expect(history.lastVisitedOn).toBe('2026-12-09');
    expect(history.visits.totalCount).toBe(1);
  });

  it('closing needs a reason and ends the assignment; a closed beneficiary takes no visits or teams', async () => {
    const change = async (input: Record<string, unknown>, headers: Record<string, string>) =>
      (await gql(t.url, CareChangeBeneficiaryStatusDocument, { input: { id: beneficiaryId, ...input } as never }, headers)).changeBeneficiaryStatus;
    expect(expectType(await change({ status: 'CLOSED' }, as.manager.headers), 'ValidationError').fields[0]?.path).toBe('input.reason');
    expect(codesOf((await request(t.url, CareChangeBeneficiaryStatusDocument, { input: { id: beneficiaryId, status: 'CLOSED', reason: '搬迁' } }, as.leader.headers)).errors)).toEqual(['FORBIDDEN']);
    const closed = expectType(await change({ status: 'CLOSED', reason: '随子女迁居外地' }, as.manager.headers), 'ChangeBeneficiaryStatusPayload').beneficiary;
    expect(closed).toMatchObject({ status: 'CLOSED', closedReason: '随子女迁居外地', closedAt: new Date(NOW).toISOString(), careTeam: null });
    expect(expectType(await change({ status: 'CLOSED', reason: '再次' }, as.manager.headers), 'BeneficiaryStatusTransitionError')).toMatchObject({ from: 'CLOSED', to: 'CLOSED', allowed: ['ACTIVE'] });

    const before = await counts();
    // The old team's leader no longer cares for them, so may not record; a manager gets the typed refusal.
    expect(codesOf((await request(t.url, CareRecordVisitDocument, { input: { beneficiaryId, visitedOn: '2026-12-09', services: ['OTHER'], minutes: 30, volunteerIds: [gid('Volunteer', w.people.member.id)] } }, as.leader.headers)).errors)).toEqual(['FORBIDDEN']);
    expect(await visit({ visitedOn: '2026-12-09', volunteerIds: [gid('Volunteer', w.people.member.id)] }, as.manager.headers)).toMatchObject({ __typename: 'ConflictError', message: 'The beneficiary is CLOSED; visits cannot be recorded.' });
    const assign = (await gql(t.url, CareAssignTeamDocument, { input: { beneficiaryId, teamId: gid('Team', w.ledTeam.id) } }, as.manager.headers)).assignCareTeam;
    expect(assign.__typename).toBe('ConflictError');
    expect(await counts()).toEqual(before);

    const reopened = expectType(await change({ status: 'ACTIVE' }, as.manager.headers), 'ChangeBeneficiaryStatusPayload').beneficiary;
    expect(reopened).toMatchObject({ status: 'ACTIVE', closedReason: null, careTeam: null });
    expect(await visit({ visitedOn: '2026-12-09', volunteerIds: [gid('Volunteer', w.people.member.id)] }, as.manager.headers)).toMatchObject({ __typename: 'ConflictError', message: 'No team is responsible for this beneficiary; assign one first.' });
    expectType((await gql(t.url, CareAssignTeamDocument, { input: { beneficiaryId, teamId: gid('Team', w.ledTeam.id) } }, as.manager.headers)).assignCareTeam, 'AssignCareTeamPayload');
    const updated = (await gql(t.url, CareUpdateBeneficiaryDocument, { input: { id: beneficiaryId, needs: ['送餐'], householdSize: 2, phone: null } }, as.manager.headers)).updateBeneficiary;
    expect(expectType(updated, 'UpdateBeneficiaryPayload').beneficiary).toMatchObject({ needs: ['送餐'], householdSize: 2 });
  });

  it('filters by kind, site subtree, status, team and notVisitedSince; Team.beneficiaries; impact matches counts computed here', async () => {
    const prisma = t.db.prisma;
    // A winter project under a brand, and hardship families at both stations.
    const brand = await prisma.brand.create({ data: { name: '浓情年味·暖冬（关爱）', teamId: w.ledTeam.id } });
    const winter = await makeProject(prisma, { organizerId: w.ledTeam.id, siteId: w.sites.instituteA.id, title: '浓情年味·暖冬2026' });
    await prisma.project.update({ where: { id: winter.id }, data: { category: 'HARDSHIP_RELIEF', brandId: brand.id } });
    const families: string[] = [];
    for (const [i, station] of [w.sites.stationA, w.sites.stationA, w.sites.stationA, w.sites.stationB].entries()) {
      const team = station === w.sites.stationA ? w.ledTeam : w.otherTeam;
      const made = expectType(await create({ kind: 'HARDSHIP_FAMILY', siteId: gid('Site', station.id), name: `困难户${i}`, address: `地址${i}`, householdSize: 3 + i, careTeamId: gid('Team', team.id) }, as.admin.headers), 'CreateBeneficiaryPayload');
      families.push(made.beneficiary.id);
    }
    const extra = (await makeVolunteers(prisma, w.sites.stationA.id, 3, '暖冬队员')).map((v) => v.id);
    for (const v of extra) await addTeamMember(prisma, { teamId: w.ledTeam.id, volunteerId: v });
    const plan: { family: number; on: string; volunteers: number[]; minutes: number; project: boolean }[] = [
      { family: 0, on: '2026-01-20', volunteers: [extra[0]!], minutes: 60, project: true },
      { family: 0, on: '2026-12-01', volunteers: [extra[0]!, extra[1]!], minutes: 45, project: true },
      { family: 1, on: '2026-02-01', volunteers: [extra[0]!, extra[1]!, extra[2]!], minutes: 120, project: true },
      { family: 2, on: '2026-11-30', volunteers: [extra[2]!], minutes: 30, project: false },
    ];
    for (const p of plan) {
      expectType(
        await visit({ beneficiaryId: families[p.family], visitedOn: p.on, volunteerIds: p.volunteers.map((v) => gid('Volunteer', v)), minutes: p.minutes, projectId: p.project ? gid('Project', winter.id) : null }, as.leader.headers),
        'RecordCareVisitPayload',
      );
    }
    const inProject = plan.filter((p) => p.project);
    const impact = (await gql(t.url, CareProjectImpactDocument, { id: gid('Project', winter.id) }, as.volunteer.headers)).project!;
    expect(impact.impact).toEqual({
      beneficiariesReached: new Set(inProject.map((p) => p.family)).size,
      visits: inProject.length,
      minutes: inProject.reduce((s, p) => s + p.minutes, 0),
      volunteerMinutes: inProject.reduce((s, p) => s + p.minutes * p.volunteers.length, 0),
      volunteers: new Set(inProject.flatMap((p) => p.volunteers)).size,
    });
    expect(impact.brand?.impact).toEqual({ beneficiariesReached: 2, visits: 3, minutes: 225 });

    const list = async (filter: Record<string, unknown>) =>
      (await gql(t.url, CareBeneficiariesDocument, { filter: filter as never, first: 100 }, as.admin.headers)).beneficiaries!;
    const ids = async (filter: Record<string, unknown>) => (await list(filter)).edges.map((e) => e.node.id);
    expect(await ids({ kind: ['HARDSHIP_FAMILY'] })).toEqual(families);
    expect(await ids({ kind: ['VETERAN'] })).toEqual([beneficiaryId]);
    expect(await ids({ siteId: gid('Site', w.sites.instituteB.id) })).toEqual([families[3]]);
    expect((await list({ siteId: gid('Site', w.sites.center.id) })).totalCount).toBe(5);
    expect(await ids({ teamId: gid('Team', w.otherTeam.id) })).toEqual([families[3]]);
    expect(await ids({ status: 'CLOSED' })).toEqual([]);
    // Not visited since 2026-11-15: the veteran's only visit was 12-09, family 0 on 12-01, family 2 on 11-30.
    expect(await ids({ notVisitedSince: '2026-11-15' })).toEqual([families[1], families[3]]);
    expect(await ids({ notVisitedSince: '2026-12-05', kind: ['HARDSHIP_FAMILY'] })).toEqual(families);
    // Every veteran's caring team.
    expect((await list({ kind: ['VETERAN'] })).edges[0]?.node.careTeam?.id).toBe(gid('Team', w.ledTeam.id));

    const teamList = (await gql(t.url, CareTeamBeneficiariesDocument, { id: gid('Team', w.ledTeam.id) }, as.leader.headers)).team!;
    expect(teamList.beneficiaries?.edges.map((e) => e.node.id)).toEqual([beneficiaryId, families[0], families[1], families[2]]);
    // A list read as the other team's leader: PII of their own beneficiaries only, logged in one statement.
    t.queries.length = 0;
    const mixed = await request(t.url, CareBeneficiariesDocument, { filter: { kind: ['HARDSHIP_FAMILY'] }, first: 100 }, as.otherLeader.headers);
    expect(mixed.data?.beneficiaries?.edges.map((e) => e.node.name)).toEqual([null, null, null, '困难户3']);
    expect(t.queries.filter((q) => q.startsWith('INSERT') && q.includes('PersonalDataRead'))).toHaveLength(1);
    const extraTeam = await createTeam(prisma, { name: '空队（关爱）', siteId: w.sites.stationA.id });
    expect((await gql(t.url, CareTeamBeneficiariesDocument, { id: gid('Team', extraTeam.id) }, as.admin.headers)).team?.beneficiaries?.totalCount).toBe(0);
  });
});
