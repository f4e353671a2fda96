import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../src/common/clock.js';
import {
  AddTeamMemberDocument,
  AuthPersonalDataDocument,
  AuthTeamMembersDocument,
  ConsentApplyToTeamDocument,
  ConsentInviteToTeamDocument,
  ConsentJoinRequestsDocument,
  ConsentPersonalDataReadsDocument,
  ConsentRespondToTeamInvitationDocument,
  ConsentReviewTeamApplicationDocument,
  UpdateTeamDocument,
} from './generated/graphql.js';
import { ANONYMOUS, type AuthWorld, type Session, accountSession, authWorld, codesOf, roleSessions } from './support/accounts.js';
import { expectType, request } from './support/client.js';
import { gid } from './support/fixtures.js';
import { makeVolunteers } from './support/roster-fixtures.js';
import { DATABASE_KINDS, type TestServer, startTestServer } from './support/server.js';

/*
 * Joining a team takes consent (issue 8, item 1). On the base commit a team leader could
 * addTeamMember anyone in the city and then read their phone number and birth date; now the leader
 * invites, and only an accepted invitation (or an accepted application) makes a member. Every read
 * of someone else's personal data is logged for admins.
 */

const NOW = '2026-07-07T10:00:00+08:00';

describe.each(DATABASE_KINDS)('team consent and the personal-data log on %s', (kind) => {
  let t: TestServer;
  let w: AuthWorld;
  let s: Awaited<ReturnType<typeof roleSessions>>;
  /** A session of `elsewhere` (home station B, in no team). */
  let elsewhere: Session;
  const clock = manualClock(NOW);

  beforeAll(async () => {
    t = await startTestServer(kind, { clock });
    w = await authWorld(t.db.prisma, randomBytes(3).toString('hex'));
    s = await roleSessions(t.url, t.db.prisma, w);
    elsewhere = await accountSession(t.url, t.db.prisma, { phone: w.people.elsewhere.phone, volunteerId: w.people.elsewhere.id });
  });
  afterAll(() => t?.close());

  const team = () => gid('Team', w.ledTeam.id);
  const phoneOf = async (volunteerId: number, headers: Record<string, string>) => {
    const result = await request(t.url, AuthPersonalDataDocument, { id: gid('Volunteer', volunteerId) }, headers);
    // Refused: null with a FORBIDDEN error for each of phone and birthDate.
    return { phone: result.data?.volunteer?.phone ?? null, refused: codesOf(result.errors).length === 2 && codesOf(result.errors).every((c) => c === 'FORBIDDEN') };
  };
  const invite = (volunteerId: number, headers: Record<string, string>) =>
    request(t.url, ConsentInviteToTeamDocument, { input: { teamId: team(), volunteerId: gid('Volunteer', volunteerId), message: '欢迎加入' } }, headers);
  const respond = (id: string, answer: 'ACCEPT' | 'DECLINE', headers: Record<string, string>) =>
    request(t.url, ConsentRespondToTeamInvitationDocument, { input: { id, answer } }, headers);
  const members = async () => (await t.db.prisma.teamMembership.findMany({ where: { teamId: w.ledTeam.id } })).map((m) => m.volunteerId);

  it('a team leader can no longer add an arbitrary volunteer directly (and so read their PII)', async () => {
    const before = await members();
    const result = await request(t.url, AddTeamMemberDocument, { input: { teamId: team(), volunteerId: gid('Volunteer', w.people.elsewhere.id) } }, s.leader.headers);
    expect(codesOf(result.errors)).toEqual(['FORBIDDEN']);
    expect(result.data?.addTeamMember ?? null).toBeNull();
    expect(await members()).toEqual(before);
    expect(await phoneOf(w.people.elsewhere.id, s.leader.headers)).toEqual({ phone: null, refused: true });
    // Nor by appointing them leader of the team (which would make them a member unasked).
    const appoint = await request(t.url, UpdateTeamDocument, { input: { id: team(), leaderId: gid('Volunteer', w.people.elsewhere.id) } }, s.leader.headers);
    expect(codesOf(appoint.errors)).toEqual(['FORBIDDEN']);
    expect(await members()).toEqual(before);
  });

  it('a manager of the volunteer’s home site (and an admin) still adds directly', async () => {
    const [homeA2] = await makeVolunteers(t.db.prisma, w.sites.stationA.id, 1, '直接加入');
    const byManager = await request(t.url, AddTeamMemberDocument, { input: { teamId: team(), volunteerId: gid('Volunteer', homeA2!.id) } }, s.manager.headers);
    expect(expectType(byManager.data!.addTeamMember, 'AddTeamMemberPayload').member.volunteer.id).toBe(gid('Volunteer', homeA2!.id));
    // The manager of institute A does not manage `spare` (home station B).
    const notTheirs = await request(t.url, AddTeamMemberDocument, { input: { teamId: team(), volunteerId: gid('Volunteer', w.people.spare.id) } }, s.manager.headers);
    expect(codesOf(notTheirs.errors)).toEqual(['FORBIDDEN']);
    const again = await request(t.url, AddTeamMemberDocument, { input: { teamId: team(), volunteerId: gid('Volunteer', homeA2!.id) } }, s.admin.headers);
    expect(again.data!.addTeamMember).toMatchObject({ __typename: 'AlreadyTeamMemberError' });
  });

  it('an invitation grants nothing until the volunteer accepts; only they can answer it', async () => {
    const sent = expectType((await invite(w.people.elsewhere.id, s.leader.headers)).data!.inviteToTeam, 'InviteToTeamPayload').invitation;
    expect(sent).toMatchObject({ kind: 'INVITATION', status: 'PENDING', volunteer: { id: gid('Volunteer', w.people.elsewhere.id) } });
    // Pending: still no access, and no membership.
    expect(await phoneOf(w.people.elsewhere.id, s.leader.headers)).toEqual({ phone: null, refused: true });
    expect(await members()).not.toContain(w.people.elsewhere.id);
    // A second invitation is refused while the first waits.
    const twice = (await invite(w.people.elsewhere.id, s.leader.headers)).data!.inviteToTeam;
    expect(twice).toMatchObject({ __typename: 'JoinRequestPendingError', requestId: sent.id, kind: 'INVITATION' });

    // The invitation is listed for the team and for the volunteer.
    const listed = await request(t.url, ConsentJoinRequestsDocument, { teamId: team(), volunteerId: gid('Volunteer', w.people.elsewhere.id) }, elsewhere.headers);
    expect(listed.data?.volunteer?.joinRequests?.edges.map((e) => e.node.id)).toEqual([sent.id]);
    expect(codesOf(listed.errors)).toEqual(['FORBIDDEN']); // the team's list is not theirs
    const byLeader = await request(t.url, ConsentJoinRequestsDocument, { teamId: team(), volunteerId: gid('Volunteer', w.people.elsewhere.id) }, s.leader.headers);
    expect(byLeader.data?.team?.joinRequests?.edges.map((e) => e.node.id)).toEqual([sent.id]);

    // Nobody but the invited volunteer may answer: not the leader, not an admin, not anonymous.
    for (const headers of [s.leader.headers, s.admin.headers, s.volunteer.headers]) {
      expect((await respond(sent.id, 'ACCEPT', headers)).data!.respondToTeamInvitation.__typename).toBe('NotYourInvitationError');
    }
    expect(codesOf((await respond(sent.id, 'ACCEPT', ANONYMOUS)).errors)).toEqual(['FORBIDDEN']);
    expect(await members()).not.toContain(w.people.elsewhere.id);

    const accepted = expectType((await respond(sent.id, 'ACCEPT', elsewhere.headers)).data!.respondToTeamInvitation, 'RespondToTeamInvitationPayload');
    expect(accepted.invitation).toMatchObject({ status: 'ACCEPTED', decidedAt: new Date(NOW).toISOString() });
    expect(accepted.member).toMatchObject({ role: 'MEMBER', volunteer: { id: gid('Volunteer', w.people.elsewhere.id) } });
    expect(await phoneOf(w.people.elsewhere.id, s.leader.headers)).toEqual({ phone: w.people.elsewhere.phone, refused: false });

    const late = (await respond(sent.id, 'DECLINE', elsewhere.headers)).data!.respondToTeamInvitation;
    expect(late).toMatchObject({ __typename: 'NoPendingJoinRequestError', status: 'ACCEPTED' });
    expect((await invite(w.people.elsewhere.id, s.leader.headers)).data!.inviteToTeam.__typename).toBe('AlreadyTeamMemberError');
  });

  it('a declined invitation leaves the leader without access', async () => {
    const [target] = await makeVolunteers(t.db.prisma, w.sites.stationB.id, 1, '拒绝邀请');
    const session = await accountSession(t.url, t.db.prisma, { phone: target!.phone, volunteerId: target!.id });
    const sent = expectType((await invite(target!.id, s.leader.headers)).data!.inviteToTeam, 'InviteToTeamPayload').invitation;
    const declined = expectType((await respond(sent.id, 'DECLINE', session.headers)).data!.respondToTeamInvitation, 'RespondToTeamInvitationPayload');
    expect(declined).toMatchObject({ invitation: { status: 'DECLINED' }, member: null });
    expect(await phoneOf(target!.id, s.leader.headers)).toEqual({ phone: null, refused: true });
    expect(await members()).not.toContain(target!.id);
  });

  it('a volunteer applies; the leader reviews; an invitation cannot be reviewed as an application', async () => {
    const apply = (volunteerId: number, headers: Record<string, string>) =>
      request(t.url, ConsentApplyToTeamDocument, { input: { teamId: team(), volunteerId: gid('Volunteer', volunteerId) } }, headers);
    // Applying in someone else's name is refused.
    expect(codesOf((await apply(w.people.spare.id, s.volunteer.headers)).errors)).toEqual(['FORBIDDEN']);
    const application = expectType((await apply(w.people.plain.id, s.volunteer.headers)).data!.applyToTeam, 'ApplyToTeamPayload').application;
    expect(application).toMatchObject({ kind: 'APPLICATION', status: 'PENDING' });
    expect(await phoneOf(w.people.plain.id, s.leader.headers)).toEqual({ phone: null, refused: true });

    const review = (id: string, headers: Record<string, string>) =>
      request(t.url, ConsentReviewTeamApplicationDocument, { input: { id, answer: 'ACCEPT' } }, headers);
    // The applicant cannot accept their own application, nor answer it as if it were an invitation.
    expect(codesOf((await review(application.id, s.volunteer.headers)).errors)).toEqual(['FORBIDDEN']);
    expect((await respond(application.id, 'ACCEPT', s.volunteer.headers)).data!.respondToTeamInvitation).toMatchObject({
      __typename: 'NoPendingJoinRequestError',
    });
    const accepted = expectType((await review(application.id, s.leader.headers)).data!.reviewTeamApplication, 'ReviewTeamApplicationPayload');
    expect(accepted).toMatchObject({ application: { status: 'ACCEPTED' }, member: { volunteer: { id: gid('Volunteer', w.people.plain.id) } } });
    expect(await phoneOf(w.people.plain.id, s.leader.headers)).toEqual({ phone: w.people.plain.phone, refused: false });
    expect((await review(application.id, s.leader.headers)).data!.reviewTeamApplication.__typename).toBe('NoPendingJoinRequestError');
  });

  it('logs every read of someone else’s personal data in one INSERT per request; admins read the log', async () => {
    const readsBefore = await t.db.prisma.personalDataRead.count();
    clock.set('2026-07-07T11:30:00+08:00');
    t.queries.length = 0;
    const result = await request(t.url, AuthTeamMembersDocument, { id: team() }, s.leader.headers);
    expect(result.errors).toBeUndefined();
    const shown = result.data!.team!.members!.edges.map((e) => e.node.volunteer);
    const others = shown.filter((v) => v.id !== gid('Volunteer', w.people.leader.id));
    expect(others.length).toBeGreaterThanOrEqual(3);
    expect(t.queries.filter((q) => /INSERT INTO\s+"(public"\.")?PersonalDataRead"/.test(q))).toHaveLength(1);
    // Two fields of each other member; the leader's own record is not logged.
    expect(await t.db.prisma.personalDataRead.count()).toBe(readsBefore + 2 * others.length);

    const log = await request(
      t.url,
      ConsentPersonalDataReadsDocument,
      { filter: { readerVolunteerId: gid('Volunteer', w.people.leader.id), from: '2026-07-07T03:30:00Z' }, first: 100 },
      s.admin.headers,
    );
    const rows = log.data!.personalDataReads!.edges.map((e) => e.node);
    expect(rows).toHaveLength(2 * others.length);
    expect(new Set(rows.map((r) => `${r.volunteer?.id}:${r.field}`))).toEqual(
      new Set(others.flatMap((v) => [`${v.id}:PHONE`, `${v.id}:BIRTH_DATE`])),
    );
    expect(rows.every((r) => r.readAt === '2026-07-07T03:30:00.000Z' && r.reader.phone === s.leader.phone)).toBe(true);
    expect(rows[0]!.reader.volunteer?.id).toBe(gid('Volunteer', w.people.leader.id));

    // The log is the admin's alone.
    for (const headers of [s.leader.headers, s.manager.headers, s.volunteer.headers, ANONYMOUS]) {
      const refused = await request(t.url, ConsentPersonalDataReadsDocument, {}, headers);
      expect(codesOf(refused.errors)).toEqual(['FORBIDDEN']);
      expect(refused.data?.personalDataReads ?? null).toBeNull();
    }
    // Reading one's own record is not logged; a refused read is not a read.
    const count = await t.db.prisma.personalDataRead.count();
    await phoneOf(w.people.plain.id, s.volunteer.headers);
    await phoneOf(w.people.spare.id, s.volunteer.headers);
    expect(await t.db.prisma.personalDataRead.count()).toBe(count);
  });
});
