import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../src/common/clock.js';
import {
  CertificatesDecideDocument,
  CertificatesOneDocument,
  CertificatesRequestDocument,
  StarsApplyDocument,
  StarsNoticesDocument,
  StarsOfVolunteerDocument,
  StarsReviewDocument,
} from './generated/graphql.js';
import { ANONYMOUS, type AuthWorld, type Session, accountSession, authWorld, codesOf, roleSessions } from './support/accounts.js';
import { expectType, gql, request } from './support/client.js';
import { gid } from './support/fixtures.js';
import { DATABASE_KINDS, startTestServer, type TestServer } from './support/server.js';

/*
 * Service certificates (request → issue by the team that recorded the hours → public verification
 * and the owner's signed PDF) and star levels (apply → review by the home site → 7-day public
 * notice → granted), with the clock moved by hand through the notice. Every request names its role.
 */

const NOW = '2026-12-10T10:00:00+08:00';
const MINUTE = 60_000;

describe.each(DATABASE_KINDS)('certificates and star levels on %s', (kind) => {
  const clock = manualClock(NOW);
  let t: TestServer;
  let w: AuthWorld;
  let as: Awaited<ReturnType<typeof roleSessions>> & { member: Session; otherManager: Session; spareManager: Session };
  let certificateId: string;
  let code: string;
  const origin = () => new URL(t.url).origin;

  beforeAll(async () => {
    t = await startTestServer(kind, { clock });
    const prisma = t.db.prisma;
    w = await authWorld(prisma, '（证明）');
    as = {
      ...(await roleSessions(t.url, prisma, w)),
      member: await accountSession(t.url, prisma, { phone: w.people.member.phone, volunteerId: w.people.member.id }),
      otherManager: await accountSession(t.url, prisma, { roles: [{ role: 'SITE_MANAGER', siteId: w.sites.instituteB.id }] }),
      // A volunteer who also manages their own home station.
      spareManager: await accountSession(t.url, prisma, {
        phone: w.people.spare.phone,
        volunteerId: w.people.spare.id,
        roles: [{ role: 'SITE_MANAGER', siteId: w.sites.stationB.id }],
      }),
    };
    const record = (teamId: number, servedOn: string, minutes: number, status: 'APPROVED' | 'PENDING') =>
      prisma.serviceRecord.create({ data: { volunteerId: w.people.member.id, teamId, servedOn: new Date(`${servedOn}T00:00:00Z`), minutes, status, description: '社区服务' } });
    await record(w.ledTeam.id, '2026-05-01', 120, 'APPROVED');
    await record(w.ledTeam.id, '2026-06-01', 60, 'APPROVED');
    await record(w.ledTeam.id, '2026-06-02', 45, 'PENDING'); // not counted: not approved
    await record(w.ledTeam.id, '2025-12-31', 30, 'APPROVED'); // not counted: before the period
    await record(w.otherTeam.id, '2026-07-01', 90, 'APPROVED'); // not counted: another team's
  });
  afterAll(() => t?.close());

  const ask = async (input: Record<string, unknown>, who: Session) =>
    (await gql(t.url, CertificatesRequestDocument, { input: { teamId: gid('Team', w.ledTeam.id), periodFrom: '2026-01-01', periodTo: '2026-11-30', ...input } as never }, who.headers)).requestCertificate;
  const decide = async (input: Record<string, unknown>, who: Session) =>
    request(t.url, CertificatesDecideDocument, { input: { id: certificateId, issue: true, ...input } as never }, who.headers);

  it('a volunteer requests a certificate from the team that recorded the hours; refusals are typed', async () => {
    expect(expectType(await ask({ periodTo: '2025-12-31' }, as.member), 'ValidationError').fields[0]?.path).toBe('input.periodTo');
    expect(expectType(await ask({ periodTo: '2026-12-11' }, as.member), 'ValidationError').fields[0]).toEqual({ path: 'input.periodTo', message: 'periodTo must not be in the future' });
    expect(await ask({ teamId: gid('Team', w.otherTeam.id), periodTo: '2026-06-30' }, as.member)).toMatchObject({ __typename: 'ConflictError' });
    expect(codesOf((await request(t.url, CertificatesRequestDocument, { input: { teamId: gid('Team', w.ledTeam.id), periodFrom: '2026-01-01', periodTo: '2026-11-30' } }, ANONYMOUS)).errors)).toEqual(['FORBIDDEN']);
    const made = expectType(await ask({}, as.member), 'RequestCertificatePayload').certificate;
    expect(made).toMatchObject({ status: 'REQUESTED', code: null, totalMinutes: null, byProject: [], issuer: { id: gid('Team', w.ledTeam.id) } });
    certificateId = made.id;
  });

  it('issued by the team’s leader — not by the volunteer, not by another township — with the hours the team recorded', async () => {
    for (const who of [as.member, as.otherManager, as.volunteer]) expect(codesOf((await decide({}, who)).errors)).toEqual(['FORBIDDEN']);
    const seenByOther = await request(t.url, CertificatesOneDocument, { id: certificateId }, as.volunteer.headers);
    expect(seenByOther.data?.certificate ?? null).toBeNull();
    const issued = (await decide({}, as.leader)).data!.decideCertificate;
    const certificate = expectType(issued, 'DecideCertificatePayload').certificate;
    expect(certificate).toMatchObject({ status: 'ISSUED', totalMinutes: 180, byProject: [{ project: '其他志愿服务', minutes: 180 }] });
    expect(certificate.code).toMatch(/^[A-Z0-9]{14}$/);
    code = certificate.code!;
    expect(expectType((await decide({ issue: false, reason: '重复' }, as.leader)).data!.decideCertificate, 'CertificateStatusTransitionError')).toMatchObject({ from: 'ISSUED', to: 'DECLINED' });
    // The leader sees the certificate, but only its volunteer gets the download link.
    const byLeader = await request(t.url, CertificatesOneDocument, { id: certificateId }, as.leader.headers);
    expect(byLeader.data?.certificate).toMatchObject({ code, downloadUrl: null });
    expect(codesOf(byLeader.errors)).toEqual(['FORBIDDEN']);
  });

  it('verifies publicly with initials and totals (no phone); a tampered code fails', async () => {
    const reply = await fetch(`${origin()}/certificates/${code}`);
    expect(reply.status).toBe(200);
    const text = await reply.text();
    const body = JSON.parse(text);
    expect(body).toMatchObject({ valid: true, code, totalMinutes: 180, totalHours: 3, periodFrom: '2026-01-01', periodTo: '2026-11-30', issuer: { team: w.ledTeam.name } });
    expect(body.holder).toBe(`${[...w.people.member.name][0]}${'*'.repeat([...w.people.member.name].length - 1)}`);
    expect(text).not.toContain(w.people.member.phone);
    expect(text).not.toContain(w.people.member.phone.slice(3));
    expect(text).not.toContain(w.people.member.name);
    const tampered = `${code.slice(0, -1)}${code.endsWith('A') ? 'B' : 'A'}`;
    const bad = await fetch(`${origin()}/certificates/${tampered}`);
    expect(bad.status).toBe(404);
    expect(await bad.json()).toMatchObject({ valid: false });
    expect((await fetch(`${origin()}/certificates/${encodeURIComponent(`' OR 1=1 --`)}`)).status).toBe(404);
  });

  it('downloads as a PDF with an embedded CJK font through the owner’s signed link, which expires', async () => {
    const url = (await gql(t.url, CertificatesOneDocument, { id: certificateId }, as.member.headers)).certificate!.downloadUrl!;
    expect(url).toMatch(new RegExp(`^/certificates/${code}\\.pdf\\?expires=\\d+&signature=`));
    const pdf = await fetch(`${origin()}${url}`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.toString('latin1')).toMatch(/\/FontName \/[A-Z]{6}\+NotoSansHans-Regular/);
    expect(bytes.toString('latin1')).toContain('/FontFile3');
    // A forged signature, and the real link after it expires.
    expect((await fetch(`${origin()}${url.replace(/signature=.../, 'signature=xyz')}`)).status).toBe(403);
    clock.advance(11 * MINUTE);
    expect((await fetch(`${origin()}${url}`)).status).toBe(403);
    clock.set(NOW);
  });

  it('star levels: apply when eligible → review by the home site → 7-day public notice → granted', async () => {
    const prisma = t.db.prisma;
    const member = gid('Volunteer', w.people.member.id);
    await prisma.volunteer.update({ where: { id: w.people.member.id }, data: { serviceMinutes: 320 * 60 } });
    await prisma.volunteer.update({ where: { id: w.people.spare.id }, data: { serviceMinutes: 100 * 60 } });
    const stars = async () => (await gql(t.url, StarsOfVolunteerDocument, { id: member }, as.admin.headers)).volunteer!;
    expect(await stars()).toMatchObject({ starLevel: 0, eligibleStarLevel: 2 });

    const apply = async (level: number, who: Session) => (await gql(t.url, StarsApplyDocument, { input: { level } }, who.headers)).applyForStarLevel;
    expect(expectType(await apply(3, as.member), 'ValidationError').fields[0]).toEqual({ path: 'input.level', message: 'not eligible: 320 h of service reach 2 star(s)' });
    const application = expectType(await apply(2, as.member), 'ApplyForStarLevelPayload').application;
    expect(application).toMatchObject({ level: 2, phase: 'PENDING_REVIEW', noticeEndsAt: null });
    expect(await apply(1, as.member)).toMatchObject({ __typename: 'ConflictError', message: 'An application is already under review or public notice.' });

    const review = (input: Record<string, unknown>, who: Session) =>
      request(t.url, StarsReviewDocument, { input: { id: application.id, decision: 'APPROVED', ...input } as never }, who.headers);
    // The member's home is station B: institute A's manager and the team leader may not review.
    for (const who of [as.manager, as.leader, as.member]) expect(codesOf((await review({}, who)).errors)).toEqual(['FORBIDDEN']);
    // A manager may not review their own application.
    const own = expectType(await apply(1, as.spareManager), 'ApplyForStarLevelPayload').application;
    expect(codesOf((await request(t.url, StarsReviewDocument, { input: { id: own.id, decision: 'APPROVED' } }, as.spareManager.headers)).errors)).toEqual(['FORBIDDEN']);

    const approved = expectType((await review({ note: '服务时长核实无误' }, as.otherManager)).data!.reviewStarLevel, 'ReviewStarLevelPayload').application;
    expect(approved).toMatchObject({ phase: 'UNDER_NOTICE', noticeEndsAt: '2026-12-17T02:00:00.000Z' });
    expect(expectType((await review({}, as.otherManager)).data!.reviewStarLevel, 'StarApplicationStatusTransitionError')).toMatchObject({ starFrom: 'APPROVED' });
    const notices = await gql(t.url, StarsNoticesDocument, {}, ANONYMOUS);
    expect(notices.starNotices.edges.map((e) => e.node)).toEqual([{ id: application.id, level: 2, volunteerName: w.people.member.name, phase: 'UNDER_NOTICE', noticeEndsAt: '2026-12-17T02:00:00.000Z' }]);
    expect((await gql(t.url, StarsNoticesDocument, { siteId: gid('Site', w.sites.instituteA.id) }, ANONYMOUS)).starNotices.totalCount).toBe(0);
    expect(await stars()).toMatchObject({ starLevel: 0, eligibleStarLevel: 2 });

    // One minute before the notice ends: still under notice. At its end: granted.
    clock.advance(7 * 24 * 60 * MINUTE - MINUTE);
    expect((await stars()).starLevel).toBe(0);
    expect((await gql(t.url, StarsNoticesDocument, {}, ANONYMOUS)).starNotices.totalCount).toBe(1);
    clock.advance(MINUTE);
    expect(await stars()).toMatchObject({ starLevel: 2, eligibleStarLevel: 2, starApplications: { totalCount: 1, edges: [{ node: { level: 2, phase: 'GRANTED' } }] } });
    expect((await gql(t.url, StarsNoticesDocument, {}, ANONYMOUS)).starNotices.totalCount).toBe(0);
    expect(await apply(2, as.member)).toMatchObject({ __typename: 'ConflictError', message: '2 star(s) are already granted; apply for a higher level.' });

    // A rejection needs a note and grants nothing.
    const rejectNote = expectType((await request(t.url, StarsReviewDocument, { input: { id: own.id, decision: 'REJECTED' } }, as.otherManager.headers)).data!.reviewStarLevel, 'ValidationError');
    expect(rejectNote.fields[0]?.path).toBe('input.note');
    const rejected = (await request(t.url, StarsReviewDocument, { input: { id: own.id, decision: 'REJECTED', note: '时长待核' } }, as.otherManager.headers)).data!.reviewStarLevel;
    expect(expectType(rejected, 'ReviewStarLevelPayload').application.phase).toBe('REJECTED');
  });
});
