import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../src/common/clock.js';
import { inbox, notifyWorld, shiftAhead, signUp, withdraw } from './support/notify-fixtures.js';
import { createMigratedScratchDatabase } from './support/databases.js';
import type { ScratchDatabase } from './support/postgres.js';
import { HOUR, testClock } from './support/roster-fixtures.js';
import { type TestServer, startTestServer } from './support/server.js';

/*
 * The notification worker across restarts and with several instances on one PostgreSQL database
 * (PGlite is one process's memory, so there is no second instance to start on it). Instances
 * share the test's clock; their workers run only when a commit wakes them or the test ticks them.
 */

describe('the notification worker on PostgreSQL, stopped, restarted and run by two instances at once', () => {
  let scratch: ScratchDatabase;
  let clock: ManualClock;
  const servers: TestServer[] = [];
  /** Set to make the next pass of the first instance's worker crash before its commit. */
  let crashNextPass = false;
  const instance = async () => {
    const beforeCommit = servers.length === 0 ? () => {
      if (crashNextPass) {
        crashNextPass = false;
        throw new Error('crash before commit');
      }
    } : undefined;
    const s = await startTestServer('postgres', { databaseUrl: scratch.url, clock, server: { notifications: { pollMs: 0, beforeCommit } } });
    servers.push(s);
    return s;
  };
  const tick = (s: TestServer) => s.server.services.notifications.tick();

  beforeAll(async () => {
    scratch = await createMigratedScratchDatabase('notify');
    clock = testClock(new Date());
  });
  afterAll(async () => {
    for (const s of servers.reverse()) await s.close().catch(() => undefined);
    await scratch?.drop();
  });

  it('neither loses nor repeats a promotion or a reminder', async () => {
    const first = await instance();
    const w = await notifyWorld(first, randomBytes(3).toString('hex'), 2);
    const [a, b] = w.sessions;
    const t0 = clock.now();
    const shift = await shiftAhead(first, w, clock, 30, 1);
    const placeA = await signUp(first, w, shift.id, 0);
    await signUp(first, w, shift.id, 1);
    await tick(first);

    // A reminder pass that crashes after making its notification, before committing, leaves nothing behind.
    clock.set(new Date(t0.getTime() + 6 * HOUR));
    crashNextPass = true;
    await expect(tick(first)).rejects.toThrow('crash before commit');
    expect((await inbox(first, a!.headers)).total).toBe(0);
    clock.set(t0);

    // The first instance's worker stops (as if killed); the withdrawal still commits its event.
    await first.server.services.notifications.worker.close();
    expect((await withdraw(first, a!.headers, placeA.id)).__typename).toBe('CancelAssignmentPayload');
    await tick(first);
    expect((await inbox(first, b!.headers)).total).toBe(0);

    // Two new instances on the same database take over, at the same time.
    const second = await instance();
    const third = await instance();
    await Promise.all([tick(second), tick(third), tick(second), tick(third)]);
    const box = await inbox(second, b!.headers);
    expect(box.items.map((n) => n.kind)).toEqual(['PROMOTED']);
    expect((await inbox(third, a!.headers)).items.map((n) => n.kind)).toEqual(['UNASSIGNED']);

    // b's 24-hour reminder, with both instances ticking.
    clock.set(new Date(t0.getTime() + 6 * HOUR));
    await Promise.all([tick(second), tick(third), tick(third), tick(second)]);
    const reminders = async (s: TestServer) => (await inbox(s, b!.headers)).items.filter((n) => n.kind === 'REMINDER').map((n) => n.title);
    expect(await reminders(third)).toEqual(['上岗提醒：24小时后上岗']);

    // One instance is closed (a restart) and a fresh one starts: nothing is sent again, the 2-hour one comes once.
    await second.close();
    servers.splice(servers.indexOf(second), 1);
    const fourth = await instance();
    await Promise.all([tick(third), tick(fourth)]);
    expect(await reminders(fourth)).toEqual(['上岗提醒：24小时后上岗']);
    clock.set(new Date(t0.getTime() + 28 * HOUR));
    await Promise.all([tick(third), tick(fourth), tick(fourth), tick(third)]);
    expect(await reminders(fourth)).toEqual(['上岗提醒：2小时后上岗', '上岗提醒：24小时后上岗']);
    // Each notification is stored once, whoever made it.
    const rows = await fourth.db.prisma.notification.groupBy({ by: ['dedupeKey'], _count: true, where: { recipientId: w.people[1]!.id } });
    expect(rows.every((r) => r._count === 1)).toBe(true);
    expect(rows).toHaveLength(3);
  });
});
