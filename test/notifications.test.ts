import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NotifyBroadcastToProjectDocument,
  NotifyCancelShiftDocument,
  NotifyConfirmDocument,
  NotifyMarkReadDocument,
  NotifyMineDocument,
  NotifyMoveShiftDocument,
  NotifyNodeDocument,
  NotifyPreferencesDocument,
  NotifySetOffsetsDocument,
  NotifySetPreferencesDocument,
} from './generated/graphql.js';
import type { ManualClock } from '../src/common/clock.js';
import { ANONYMOUS } from './support/accounts.js';
import { gql, request } from './support/client.js';
import { gid } from './support/fixtures.js';
import { sseClient, wsClient } from './support/live-clients.js';
import { broadcastToShift, inbox, notifyWorld, shiftAhead, signUp, withdraw } from './support/notify-fixtures.js';
import { HOUR, MINUTE, testClock } from './support/roster-fixtures.js';
import { DATABASE_KINDS, type TestServer, startTestServer } from './support/server.js';

/*
 * Notifications (issue 13): made by the worker from committed outbox events, reminder jobs and
 * broadcasts; each to its own recipient, over HTTP and live. The worker polls nothing here
 * (pollMs 0): commits wake it, and the tests tick it after moving the clock.
 */

describe.each(DATABASE_KINDS)('notifications on %s', (kind) => {
  let t: TestServer;
  let clock: ManualClock;

  beforeAll(async () => {
    clock = testClock(new Date());
    t = await startTestServer(kind, { clock, server: { notifications: { pollMs: 0 } } });
  });
  afterAll(() => t?.close());

  const tick = () => t.server.services.notifications.tick();

  it('a waitlisted VOLUNTEER’s myNotifications receives PROMOTED within a second of the withdrawal; nobody receives another’s, over WebSocket, SSE or HTTP', async () => {
    const w = await notifyWorld(t, randomBytes(3).toString('hex'));
    const [a, b, c] = w.sessions;
    const shift = await shiftAhead(t, w, clock, 30, 1);
    const other = await shiftAhead(t, w, clock, 60, 5);
    const placeA = await signUp(t, w, shift.id, 0);
    const placeB = await signUp(t, w, shift.id, 1);
    expect([placeA.status, placeB.status]).toEqual(['ASSIGNED', 'WAITLISTED']);
    await signUp(t, w, other.id, 2);
    await tick();

    // b over WebSocket, c over SSE, each with their own token.
    const started = t.live.subscriptionsStarted();
    const wsB = wsClient(t.wsUrl, b!.headers);
    const sseC = sseClient(t.url, c!.headers);
    const liveB = wsB.subscribe(NotifyMineDocument, {});
    const liveC = sseC.subscribe(NotifyMineDocument, {});
    await t.live.waitForSubscriptionsStarted(started + 2);
    try {
      // As VOLUNTEER a: withdraw, freeing the place for b.
      const withdrawn = await withdraw(t, a!.headers, placeA.id);
      expect(withdrawn.__typename).toBe('CancelAssignmentPayload');
      const at = Date.now();
      const promoted = (await liveB.results.next(1_000)).myNotifications;
      expect(Date.now() - at).toBeLessThan(1_000);
      expect(promoted.kind).toBe('PROMOTED');
      expect(promoted.title).toMatch(/候补转正/);
      expect(promoted.targetIds).toContain(gid('Shift', shift.id));
      expect(promoted.targetIds).toContain(placeB.id);
      expect(promoted.deliveries).toEqual([{ channel: 'IN_APP', status: 'DELIVERED' }]);

      // c's first live notification is c's own broadcast (as the SITE_MANAGER), not b's promotion.
      expect(liveC.results.unread).toBe(0);
      expect((await broadcastToShift(t, w.manager.headers, other.id, '明早七点集合')).__typename).toBe('BroadcastPayload');
      const first = (await liveC.results.next(2_000)).myNotifications;
      expect(first).toMatchObject({ kind: 'BROADCAST', body: '明早七点集合' });
      expect(liveB.results.unread).toBe(0);

      // Over HTTP: each sees only their own.
      const boxA = await inbox(t, a!.headers);
      const boxB = await inbox(t, b!.headers);
      const boxC = await inbox(t, c!.headers);
      expect(boxA.items.map((n) => n.kind)).toEqual(['UNASSIGNED']);
      expect(boxB.items.map((n) => n.id)).toEqual([promoted.id]);
      expect(boxC.items.map((n) => n.kind)).toEqual(['BROADCAST']);
      expect(boxB.unread).toBe(1);

      // c cannot load, nor mark, b's notification; anonymous has no inbox.
      const peek = await request(t.url, NotifyNodeDocument, { id: promoted.id }, c!.headers);
      expect(peek.data?.node ?? null).toBeNull();
      const marked = (await gql(t.url, NotifyMarkReadDocument, { input: { ids: [promoted.id] } }, c!.headers)).markNotificationsRead;
      expect(marked.__typename).toBe('NotFoundError');
      expect((await inbox(t, b!.headers)).unread).toBe(1);
      const anonymous = await request(t.url, NotifyNodeDocument, { id: promoted.id }, ANONYMOUS);
      expect(anonymous.data?.node ?? null).toBeNull();
      const anonLive = wsClient(t.wsUrl, ANONYMOUS).subscribe(NotifyMineDocument, {});
      expect((await anonLive.results.nextResult()).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

      // b reads theirs: by id, then everything.
      const own = await gql(t.url, NotifyNodeDocument, { id: promoted.id }, b!.headers);
      expect(own.node).toMatchObject({ __typename: 'Notification', kind: 'PROMOTED' });
      const read = (await gql(t.url, NotifyMarkReadDocument, { input: { ids: [promoted.id] } }, b!.headers)).markNotificationsRead;
      expect(read).toMatchObject({ __typename: 'MarkNotificationsReadPayload', markedCount: 1, unreadCount: 0 });
      expect((await inbox(t, b!.headers, true)).total).toBe(0);
      const all = (await gql(t.url, NotifyMarkReadDocument, { input: { all: true } }, a!.headers)).markNotificationsRead;
      expect(all).toMatchObject({ markedCount: 1, unreadCount: 0 });
      const neither = (await gql(t.url, NotifyMarkReadDocument, { input: {} }, a!.headers)).markNotificationsRead;
      expect(neither.__typename).toBe('ValidationError');
    } finally {
      liveB.stop();
      liveC.stop();
      await wsB.dispose();
      await sseC.dispose();
    }
  });

  it('reminders fire at the project’s offsets as the clock passes them; moving the shift moves them, cancelling it cancels them', async () => {
    const w = await notifyWorld(t, randomBytes(3).toString('hex'), 1);
    const [v] = w.sessions;
    const t0 = clock.now();
    const shift = await shiftAhead(t, w, clock, 30, 3);
    const place = await signUp(t, w, shift.id, 0);
    await tick();
    const reminders = async () => (await inbox(t, v!.headers)).items.filter((n) => n.kind === 'REMINDER');
    const at = (hours: number, minutes = 0) => clock.set(new Date(t0.getTime() + hours * HOUR + minutes * MINUTE));
    try {
      // The defaults (the SITE_MANAGER reads them): 24 h and 2 h.
      const defaults = (await gql(t.url, NotifySetOffsetsDocument, { input: { projectId: gid('Project', w.projectId), offsetsMinutes: [1440, 120] } }, w.manager.headers)).setProjectReminderOffsets;
      expect(defaults).toMatchObject({ offsetsMinutes: [1440, 120], project: { reminderOffsetsMinutes: [1440, 120] } });

      const count = async () => (await reminders()).length;
      at(6, -1);
      await tick();
      expect(await count()).toBe(0);
      at(6);
      await tick();
      expect((await reminders()).map((n) => n.title)).toEqual(['上岗提醒：24小时后上岗']);
      expect((await reminders())[0]!.targetIds).toContain(place.id);
      await tick();
      expect(await count()).toBe(1);

      // As the SITE_MANAGER: two hours later. The volunteer is told, and both reminders move.
      const startsAt = new Date(shift.startsAt.getTime() + 2 * HOUR);
      const moved = (await gql(t.url, NotifyMoveShiftDocument, { input: { id: gid("Shift", shift.id), startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 3 * HOUR).toISOString() } }, w.manager.headers)).updateShift;
      expect(moved.__typename).toBe('UpdateShiftPayload');
      await tick();
      const changed = (await inbox(t, v!.headers)).items.filter((n) => n.kind === 'SHIFT_CHANGED');
      expect(changed).toHaveLength(1);
      expect(changed[0]!.body).toMatch(/调整为/);
      // Only capacity changes: nobody is told again.
      await gql(t.url, NotifyMoveShiftDocument, { input: { id: gid('Shift', shift.id), capacity: 4 } }, w.manager.headers);
      await tick();
      expect((await inbox(t, v!.headers)).items.filter((n) => n.kind === 'SHIFT_CHANGED')).toHaveLength(1);

      at(8, -1);
      await tick();
      expect(await count()).toBe(1);
      at(8);
      await tick();
      expect(await count()).toBe(2); // 24 h before the new start
      at(28);
      await tick();
      expect(await count()).toBe(2); // the old 2 h mark
      at(30);
      await tick();
      expect(await count()).toBe(3); // 2 h before the new start
      expect((await reminders()).map((n) => n.title)).toEqual(['上岗提醒：2小时后上岗', '上岗提醒：24小时后上岗', '上岗提醒：24小时后上岗']);

      // A second shift, then cancelled: its volunteer is told, and its reminders never fire.
      const later = await shiftAhead(t, w, clock, 30, 3);
      await signUp(t, w, later.id, 0);
      await tick();
      const cancelled = (await gql(t.url, NotifyCancelShiftDocument, { input: { id: gid('Shift', later.id) } }, w.manager.headers)).cancelShift;
      expect(cancelled.__typename).toBe('CancelShiftPayload');
      await tick();
      const box = (await inbox(t, v!.headers)).items;
      expect(box.filter((n) => n.kind === 'SHIFT_CANCELLED').map((n) => n.targetIds[0])).toEqual([gid('Shift', later.id)]);
      expect(box.some((n) => n.kind === 'UNASSIGNED')).toBe(false);
      at(60);
      await tick();
      expect(await reminders()).toHaveLength(3);
    } finally {
      clock.set(t0);
    }
  });

  it('confirmAttendance(false) withdraws the VOLUNTEER and promotes the waitlist; someone else’s assignment is not found', async () => {
    const w = await notifyWorld(t, randomBytes(3).toString('hex'), 2);
    const [a, b] = w.sessions;
    const shift = await shiftAhead(t, w, clock, 20, 1);
    const placeA = await signUp(t, w, shift.id, 0);
    const placeB = await signUp(t, w, shift.id, 1);

    const yes = (await gql(t.url, NotifyConfirmDocument, { input: { assignmentId: placeA.id, attending: true } }, a!.headers)).confirmAttendance;
    expect(yes).toMatchObject({ __typename: 'ConfirmAttendancePayload', attending: true, assignment: { status: 'ASSIGNED' } });
    // b answers for a: not b's assignment.
    const forOther = (await gql(t.url, NotifyConfirmDocument, { input: { assignmentId: placeA.id, attending: false } }, b!.headers)).confirmAttendance;
    expect(forOther.__typename).toBe('NotFoundError');

    const no = (await gql(t.url, NotifyConfirmDocument, { input: { assignmentId: placeA.id, attending: false } }, a!.headers)).confirmAttendance;
    expect(no).toMatchObject({ __typename: 'ConfirmAttendancePayload', attending: false, assignment: { status: 'CANCELLED' } });
    await tick();
    const boxB = await inbox(t, b!.headers);
    expect(boxB.items.map((n) => n.kind)).toEqual(['PROMOTED']);
    expect(boxB.items[0]!.targetIds).toContain(placeB.id);
    const again = (await gql(t.url, NotifyConfirmDocument, { input: { assignmentId: placeA.id, attending: false } }, a!.headers)).confirmAttendance;
    expect(again.__typename).toBe('InvalidAssignmentStateError');

    // As the project’s SITE_MANAGER: a project broadcast reaches b (now holding the place), not a (withdrawn).
    const sent = (await gql(t.url, NotifyBroadcastToProjectDocument, { input: { projectId: gid('Project', w.projectId), message: '本周六培训' } }, w.manager.headers)).broadcastToProject;
    expect(sent).toMatchObject({ __typename: 'BroadcastPayload', broadcast: { title: '项目通知', project: { id: gid('Project', w.projectId) } } });
    // As VOLUNTEER b: not theirs to send.
    const byVolunteer = await request(t.url, NotifyBroadcastToProjectDocument, { input: { projectId: gid('Project', w.projectId), message: '我也说' } }, b!.headers);
    expect(byVolunteer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await tick();
    expect((await inbox(t, b!.headers)).items.map((n) => n.kind)).toEqual(['BROADCAST', 'PROMOTED']);
    expect((await inbox(t, a!.headers)).items.some((n) => n.kind === 'BROADCAST')).toBe(false);
  });

  it('broadcasts go to the shift’s volunteers (and its waitlist if asked), from its manager only, rate-limited; preferences turn kinds off in the app', async () => {
    const w = await notifyWorld(t, randomBytes(3).toString('hex'), 3);
    const [a, b, c] = w.sessions;
    const shift = await shiftAhead(t, w, clock, 40, 2);
    await signUp(t, w, shift.id, 0);
    await signUp(t, w, shift.id, 1);
    await signUp(t, w, shift.id, 2); // waitlisted

    // As VOLUNTEER a: not theirs to broadcast.
    const refused = await request(t.url, NotifyPreferencesDocument, {}, a!.headers);
    expect(refused.data?.viewer?.notificationPreferences).toHaveLength(16);
    const byVolunteer = await broadcastToShift(t, a!.headers, shift.id, '我来说两句').catch((e: Error) => e);
    expect(String(byVolunteer)).toMatch(/FORBIDDEN|not allowed/);

    // b turns broadcasts off in the app.
    const prefs = (await gql(t.url, NotifySetPreferencesDocument, { input: { preferences: [{ kind: 'BROADCAST', channel: 'IN_APP', enabled: false }] } }, b!.headers)).setNotificationPreferences;
    expect(prefs.__typename).toBe('SetNotificationPreferencesPayload');

    // As the SITE_MANAGER.
    expect((await broadcastToShift(t, w.manager.headers, shift.id, '请带好志愿者证')).__typename).toBe('BroadcastPayload');
    expect((await broadcastToShift(t, w.manager.headers, shift.id, '候补也请留意', true)).__typename).toBe('BroadcastPayload');
    await tick();
    const bodies = async (i: number) => (await inbox(t, w.sessions[i]!.headers)).items.filter((n) => n.kind === 'BROADCAST').map((n) => n.body);
    expect(await bodies(0)).toEqual(['候补也请留意', '请带好志愿者证']);
    expect(await bodies(1)).toEqual([]);
    expect(await bodies(2)).toEqual(['候补也请留意']);
    void c;

    // Five per hour per sender: the sixth waits for the first to age out.
    for (let i = 0; i < 3; i++) expect((await broadcastToShift(t, w.manager.headers, shift.id, `第${i + 3}条`)).__typename).toBe('BroadcastPayload');
    const sixth = await broadcastToShift(t, w.manager.headers, shift.id, '第六条');
    expect(sixth).toMatchObject({ __typename: 'BroadcastRateLimitError', limit: 5 });
    if (sixth.__typename !== 'BroadcastRateLimitError') throw new Error('not limited');
    expect(new Date(sixth.retryAfter).getTime()).toBe(clock.now().getTime() + HOUR);
  });
});
