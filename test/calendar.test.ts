import { randomBytes } from 'node:crypto';
import ical, { type VEvent } from 'node-ical';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CalendarIssueDocument,
  CalendarRevokeDocument,
  CalendarViewerFeedDocument,
  RosterCancelShiftDocument,
  RosterUpdateShiftDocument,
} from './generated/graphql.js';
import { ANONYMOUS, authWorld, roleSessions } from './support/accounts.js';
import { expectType, gql, request } from './support/client.js';
import { gid } from './support/fixtures.js';
import { HOUR, futureSlot, makeAssignment, makeShift, minutesFromNow } from './support/roster-fixtures.js';
import { DATABASE_KINDS, type TestServer, startTestServer } from './support/server.js';

/*
 * Calendar feeds (issue 13): GET /calendar/<token>.ics, parsed with node-ical. A moved shift shows
 * as updated (same UID, higher SEQUENCE, new times), a cancelled one as STATUS:CANCELLED, and a
 * revoked or replaced token gets 404.
 */

describe.each(DATABASE_KINDS)('calendar feed (%s)', (kind) => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(() => t?.close());

  const origin = () => new URL(t.url).origin;
  const fetchFeed = (path: string) => fetch(`${origin()}${path}`);
  async function feed(path: string) {
    const response = await fetchFeed(path);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const text = await response.text();
    const parsed = ical.sync.parseICS(text);
    const events = new Map(
      Object.values(parsed)
        .filter((c): c is VEvent => c?.type === 'VEVENT')
        .map((e) => [e.uid, e]),
    );
    return { text, events };
  }

  it('as a VOLUNTEER: the feed lists my shifts in Shanghai time; a moved shift is updated, a cancelled one cancelled, my withdrawn place cancelled; a revoked token is 404', async () => {
    const w = await authWorld(t.db.prisma, randomBytes(3).toString('hex'));
    const s = await roleSessions(t.url, t.db.prisma, w);
    const me = w.people.plain.id;
    const host = new URL(t.url).hostname;
    const shift = (times: { startsAt: Date; endsAt: Date }) =>
      makeShift(t.db.prisma, { projectId: w.otherProject.id, postId: w.postB, capacity: 5, minimum: 1, role: '路口引导', ...times }).then((x) => x.id);
    const moving = await shift(futureSlot(3, 9));
    const cancelling = await shift(futureSlot(4, 14));
    const steady = await shift(futureSlot(5, 8));
    const withdrawn = await shift(futureSlot(6, 10));
    const waitlisted = await shift(futureSlot(7, 10));
    const longAgo = await shift({ startsAt: minutesFromNow(-30 * 24 * 60), endsAt: minutesFromNow(-30 * 24 * 60 + 120) });
    const someoneElses = await shift(futureSlot(2, 9));
    for (const id of [moving, cancelling, steady, withdrawn]) await makeAssignment(t.db.prisma, { shiftId: id, volunteerId: me, status: 'ASSIGNED' });
    await makeAssignment(t.db.prisma, { shiftId: waitlisted, volunteerId: me, status: 'WAITLISTED' });
    await makeAssignment(t.db.prisma, { shiftId: longAgo, volunteerId: me, status: 'COMPLETED' });
    await makeAssignment(t.db.prisma, { shiftId: someoneElses, volunteerId: w.people.elsewhere.id, status: 'ASSIGNED' });

    // Issued by the volunteer themself; the token is not the access token.
    const issued = expectType((await gql(t.url, CalendarIssueDocument, {}, s.volunteer.headers)).issueCalendarFeed, 'IssueCalendarFeedPayload');
    expect(issued.path).toBe(`/calendar/${issued.token}.ics`);
    expect(issued.token).not.toContain(s.volunteer.accessToken);
    expect((await gql(t.url, CalendarViewerFeedDocument, {}, s.volunteer.headers)).viewer!.calendarFeed).toEqual({ issuedAt: issued.feed.issuedAt });
    const stored = await t.db.prisma.calendarFeed.findUniqueOrThrow({ where: { volunteerId: me } });
    expect(issued.token).not.toContain(stored.secretHash);

    const uid = (id: number) => `shift-${id}@${host}`;
    const first = await feed(issued.path);
    expect([...first.events.keys()].sort()).toEqual([moving, cancelling, steady, withdrawn, waitlisted].map(uid).sort());
    // Times are written in Asia/Shanghai with its VTIMEZONE, and parse back to the same instants.
    expect(first.text).toContain('BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai');
    // DTSTAMP and LAST-MODIFIED are UTC, as RFC 5545 requires.
    expect(first.text.match(/^(DTSTAMP|LAST-MODIFIED):.*$/gm)!.every((line) => /:\d{8}T\d{6}Z\r?$/.test(line))).toBe(true);
    const slot = futureSlot(3, 9);
    const local = slot.startsAt.toISOString().replace(/[-:]/g, '').slice(0, 8); // the UTC date; 09:00 Shanghai is 01:00 UTC the same day
    expect(first.text).toContain(`DTSTART;TZID=Asia/Shanghai:${local}T090000`);
    const movingEvent = first.events.get(uid(moving))!;
    expect(movingEvent.start.getTime()).toBe(slot.startsAt.getTime());
    expect(movingEvent.end!.getTime()).toBe(slot.endsAt.getTime());
    expect(movingEvent.start.tz).toBe('Asia/Shanghai');
    expect(Number(movingEvent.sequence)).toBe(0);
    expect(first.events.get(uid(waitlisted))!.status).toBe('TENTATIVE');
    expect(first.events.get(uid(steady))!.status).toBe('CONFIRMED');

    // As an ADMIN: move one shift by two hours and cancel another; the volunteer withdraws from a third.
    const moved = { startsAt: new Date(slot.startsAt.getTime() + 2 * HOUR), endsAt: new Date(slot.endsAt.getTime() + 2 * HOUR) };
    expectType(
      (await gql(t.url, RosterUpdateShiftDocument, { input: { id: gid('Shift', moving), startsAt: moved.startsAt.toISOString(), endsAt: moved.endsAt.toISOString() } }, s.admin.headers)).updateShift,
      'UpdateShiftPayload',
    );
    expectType((await gql(t.url, RosterCancelShiftDocument, { input: { id: gid('Shift', cancelling), reason: '暴雨' } }, s.admin.headers)).cancelShift, 'CancelShiftPayload');
    await t.db.prisma.shiftAssignment.updateMany({ where: { shiftId: withdrawn, volunteerId: me }, data: { status: 'CANCELLED', cancelledAt: new Date() } });

    const second = await feed(issued.path);
    const movedEvent = second.events.get(uid(moving))!;
    expect(movedEvent.start.getTime()).toBe(moved.startsAt.getTime());
    expect(Number(movedEvent.sequence)).toBe(1);
    expect(movedEvent.lastmodified!.getTime()).toBeGreaterThanOrEqual(movingEvent.lastmodified!.getTime());
    expect(second.text).toContain(`DTSTART;TZID=Asia/Shanghai:${local}T110000`);
    const cancelledEvent = second.events.get(uid(cancelling))!;
    expect(cancelledEvent.status).toBe('CANCELLED');
    expect(Number(cancelledEvent.sequence)).toBe(1);
    expect(second.events.get(uid(withdrawn))!.status).toBe('CANCELLED');
    expect(Number(second.events.get(uid(steady))!.sequence)).toBe(0);
    // Served again unchanged, nothing counts up.
    const third = await feed(issued.path);
    expect([...third.events.values()].map((e) => [e.uid, Number(e.sequence)]).sort()).toEqual(
      [...second.events.values()].map((e) => [e.uid, Number(e.sequence)]).sort(),
    );

    // Replacing the token: the old one is 404 at once, the new one works.
    const replaced = expectType((await gql(t.url, CalendarIssueDocument, {}, s.volunteer.headers)).issueCalendarFeed, 'IssueCalendarFeedPayload');
    expect(replaced.token).not.toBe(issued.token);
    expect((await fetchFeed(issued.path)).status).toBe(404);
    expect((await feed(replaced.path)).events.size).toBe(5);

    // Revoking: 404, and so is a made-up or mangled token.
    expectType((await gql(t.url, CalendarRevokeDocument, {}, s.volunteer.headers)).revokeCalendarFeed, 'RevokeCalendarFeedPayload');
    expect((await fetchFeed(replaced.path)).status).toBe(404);
    expect((await fetchFeed(`/calendar/${replaced.token.slice(0, -1)}x.ics`)).status).toBe(404);
    expect((await fetchFeed('/calendar/nothing.ics')).status).toBe(404);
    expect((await gql(t.url, CalendarViewerFeedDocument, {}, s.volunteer.headers)).viewer!.calendarFeed).toBeNull();
    expectType((await gql(t.url, CalendarRevokeDocument, {}, s.volunteer.headers)).revokeCalendarFeed, 'ConflictError');
  });

  it('a suspended volunteer’s feed is 404; an ADMIN without a volunteer has none; anonymous callers are refused', async () => {
    const w = await authWorld(t.db.prisma, randomBytes(3).toString('hex'));
    const s = await roleSessions(t.url, t.db.prisma, w);
    const issued = expectType((await gql(t.url, CalendarIssueDocument, {}, s.volunteer.headers)).issueCalendarFeed, 'IssueCalendarFeedPayload');
    expect((await fetchFeed(issued.path)).status).toBe(200);
    await t.db.prisma.volunteer.update({ where: { id: w.people.plain.id }, data: { status: 'SUSPENDED' } });
    expect((await fetchFeed(issued.path)).status).toBe(404);

    expectType((await gql(t.url, CalendarIssueDocument, {}, s.admin.headers)).issueCalendarFeed, 'ConflictError');
    const anonymous = await request(t.url, CalendarIssueDocument, {}, ANONYMOUS);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await t.db.prisma.calendarFeed.count({ where: { volunteerId: { not: w.people.plain.id } } })).toBe(0);
  });
});
