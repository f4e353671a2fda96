import type { ManualClock } from '../../src/common/clock.js';
import {
  NotifyBroadcastToShiftDocument,
  NotifyListDocument,
  NotifySignUpDocument,
  NotifyWithdrawDocument,
} from '../generated/graphql.js';
import { type Session, accountSession } from './accounts.js';
import { gql } from './client.js';
import { gid } from './fixtures.js';
import { HOUR, makeShift, makeVolunteers, rosterWorld } from './roster-fixtures.js';
import type { TestServer } from './server.js';

/**
 * A project (ACTIVE, at institute A) with a post at station A, its SITE_MANAGER (of institute A),
 * and volunteers with their own sessions: what the notification tests act with.
 */
export async function notifyWorld(t: TestServer, label: string, volunteers = 3) {
  const prisma = t.db.prisma;
  const world = await rosterWorld(prisma, label);
  const people = await makeVolunteers(prisma, world.sites.stationA.id, volunteers, `提醒${label}-`);
  const sessions: Session[] = [];
  for (const v of people) sessions.push(await accountSession(t.url, prisma, { phone: v.phone, volunteerId: v.id }));
  const manager = await accountSession(t.url, prisma, { roles: [{ role: 'SITE_MANAGER', siteId: world.sites.instituteA.id }] });
  return { ...world, people, sessions, manager };
}

export type NotifyWorld = Awaited<ReturnType<typeof notifyWorld>>;

/** A shift `hoursAhead` hours after the clock's now, 3 hours long. */
export function shiftAhead(t: TestServer, w: NotifyWorld, clock: ManualClock, hoursAhead: number, capacity: number) {
  const startsAt = new Date(clock.now().getTime() + hoursAhead * HOUR);
  return makeShift(t.db.prisma, { projectId: w.projectId, postId: w.postId, startsAt, endsAt: new Date(startsAt.getTime() + 3 * HOUR), capacity });
}

/** The volunteer signs up for the shift themself; returns the assignment's global ID and status. */
export async function signUp(t: TestServer, w: NotifyWorld, shiftId: number, i: number) {
  const result = (
    await gql(t.url, NotifySignUpDocument, { input: { shiftId: gid('Shift', shiftId), volunteerId: gid('Volunteer', w.people[i]!.id) } }, w.sessions[i]!.headers)
  ).selfSignUp;
  if (result.__typename !== 'SelfSignUpPayload') throw new Error(`sign-up refused: ${JSON.stringify(result)}`);
  return result.assignment;
}

export async function withdraw(t: TestServer, headers: Record<string, string>, assignmentId: string) {
  return (await gql(t.url, NotifyWithdrawDocument, { input: { id: assignmentId } }, headers)).cancelAssignment;
}

/** The volunteer's in-app notifications, newest first, as their own session sees them. */
export async function inbox(t: TestServer, headers: Record<string, string>, unreadOnly = false) {
  const viewer = (await gql(t.url, NotifyListDocument, { first: 100, unreadOnly }, headers)).viewer!;
  return { unread: viewer.unreadNotificationCount, total: viewer.notifications.totalCount, items: viewer.notifications.edges.map((e) => e.node) };
}

export async function broadcastToShift(t: TestServer, headers: Record<string, string>, shiftId: number, message: string, includeWaitlist = false) {
  return (await gql(t.url, NotifyBroadcastToShiftDocument, { input: { shiftId: gid('Shift', shiftId), message, includeWaitlist } }, headers)).broadcastToShift;
}
