import { createHash, randomBytes } from 'node:crypto';
import { TZDate } from '@date-fns/tz';
import { ICalCalendar, ICalCalendarMethod, ICalEventBusyStatus, ICalEventStatus } from 'ical-generator';
import { tzlib_get_ical_block } from 'timezones-ical-library';
import { ConflictError } from '../common/errors.js';
import type { PrismaClient } from '../db/index.js';
import type { CalendarFeed } from '../generated/prisma/client.js';
import { hashSecret, sameSecret } from '../auth/tokens.js';

/*
 * Calendar feeds: each volunteer may hold one iCal feed of their shifts, at
 * GET /calendar/<token>.ics. The token is `vcal_<feed id>_<secret>`, a credential of its own (never
 * an access token): only a hash of the secret is stored, it is shown once when issued, issuing again
 * replaces it, revoking deletes it, and a suspended volunteer's feed answers 404 like an unknown one.
 *
 * Each shift is one VEVENT with a stable UID (`shift-<id>@<host>`), times in Asia/Shanghai (with
 * its VTIMEZONE), LAST-MODIFIED from the shift or assignment row, and a SEQUENCE that goes up each
 * time what the event shows (times, place, role, status) changes, as this feed last served it
 * (CalendarEventState). A cancelled shift, or a place the volunteer no longer holds, stays in the
 * feed as STATUS:CANCELLED so calendar apps drop it; a waitlist spot is TENTATIVE.
 */

const ZONE = 'Asia/Shanghai';
const TOKEN = /^vcal_(\d{1,10})_([A-Za-z0-9_-]{43})$/;
/** Shifts that ended longer ago than this leave the feed. */
const PAST_DAYS = 7;
const MAX_EVENTS = 500;

/** Issues the volunteer's feed token, replacing any earlier one (which stops working at once). */
export async function issueCalendarFeed(prisma: PrismaClient, volunteerId: number, now: Date): Promise<{ feed: CalendarFeed; token: string }> {
  const secret = randomBytes(32).toString('base64url');
  const feed = await prisma.calendarFeed.upsert({
    where: { volunteerId },
    create: { volunteerId, secretHash: hashSecret(secret), createdAt: now },
    update: { secretHash: hashSecret(secret), createdAt: now },
  });
  return { feed, token: `vcal_${feed.id}_${secret}` };
}

/** Revokes the volunteer's feed: its token gets 404 from now on. */
export async function revokeCalendarFeed(prisma: PrismaClient, volunteerId: number): Promise<void> {
  const { count } = await prisma.calendarFeed.deleteMany({ where: { volunteerId } });
  if (!count) throw new ConflictError('You have no calendar feed to revoke.');
}

/** The feed a token opens, or null when it is malformed, unknown, replaced, revoked, or its volunteer is suspended. */
export async function feedByToken(prisma: PrismaClient, token: string): Promise<{ id: number; volunteerId: number } | null> {
  const match = TOKEN.exec(token);
  if (!match) return null;
  const feed = await prisma.calendarFeed.findUnique({
    where: { id: Number(match[1]) },
    select: { id: true, volunteerId: true, secretHash: true, volunteer: { select: { status: true } } },
  });
  if (!feed || feed.volunteer.status === 'SUSPENDED' || !sameSecret(hashSecret(match[2]!), feed.secretHash)) return null;
  return { id: feed.id, volunteerId: feed.volunteerId };
}

const fingerprint = (parts: unknown[]) => createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);

/** The feed's calendar as iCalendar text. `host` names the UIDs' domain. */
export async function renderCalendarFeed(
  prisma: PrismaClient,
  feed: { id: number; volunteerId: number },
  now: Date,
  host: string,
): Promise<string> {
  const assignments = await prisma.shiftAssignment.findMany({
    where: { volunteerId: feed.volunteerId, shift: { endsAt: { gte: new Date(now.getTime() - PAST_DAYS * 86_400_000) } } },
    orderBy: [{ shift: { startsAt: 'asc' } }, { id: 'asc' }],
    take: MAX_EVENTS,
    select: {
      status: true,
      updatedAt: true,
      shift: {
        select: {
          id: true,
          startsAt: true,
          endsAt: true,
          role: true,
          notes: true,
          status: true,
          updatedAt: true,
          project: { select: { title: true } },
          post: { select: { name: true, address: true, latitude: true, longitude: true } },
        },
      },
    },
  });
  const events = assignments.map((a) => {
    const s = a.shift;
    const status =
      s.status === 'CANCELLED' || a.status === 'CANCELLED'
        ? ICalEventStatus.CANCELLED
        : a.status === 'WAITLISTED'
          ? ICalEventStatus.TENTATIVE
          : ICalEventStatus.CONFIRMED;
    const lastModified = new Date(Math.max(s.updatedAt.getTime(), a.updatedAt.getTime()));
    const print = fingerprint([s.startsAt, s.endsAt, s.role, s.notes, s.project.title, s.post.name, s.post.address, status]);
    return { s, status, lastModified, print };
  });
  const sequences = await recordStates(prisma, feed.id, events.map((e) => ({ shiftId: e.s.id, fingerprint: e.print })), now);
  // Shifts that left the feed (ended over a week ago) need no state any more.
  if (assignments.length < MAX_EVENTS) {
    await prisma.calendarEventState.deleteMany({ where: { feedId: feed.id, shiftId: { notIn: events.map((e) => e.s.id) } } });
  }

  const calendar = new ICalCalendar({
    name: '志愿服务排班',
    description: '我的志愿服务班次（北京时间）',
    prodId: { company: 'volunteer-service', product: 'roster-calendar', language: 'ZH' },
    method: ICalCalendarMethod.PUBLISH,
    // No calendar-wide zone: DTSTAMP and LAST-MODIFIED stay UTC ("Z"), as RFC 5545 requires; each
    // event's times carry TZID=Asia/Shanghai, and the generator writes that zone's VTIMEZONE.
    timezone: { name: null, generator: (zone) => tzlib_get_ical_block(zone)[0] ?? null },
    ttl: 60 * 60,
    x: [['X-WR-TIMEZONE', ZONE]],
  });
  for (const { s, status, lastModified } of events) {
    calendar.createEvent({
      id: `shift-${s.id}@${host}`,
      start: new TZDate(s.startsAt, ZONE),
      end: new TZDate(s.endsAt, ZONE),
      timezone: ZONE,
      stamp: now,
      lastModified,
      sequence: sequences.get(s.id) ?? 0,
      status,
      busystatus: status === ICalEventStatus.CANCELLED ? ICalEventBusyStatus.FREE : ICalEventBusyStatus.BUSY,
      summary: `${status === ICalEventStatus.CANCELLED ? '【已取消】' : status === ICalEventStatus.TENTATIVE ? '【候补】' : ''}${s.project.title}：${s.role}`,
      description: [s.role, s.notes].filter(Boolean).join('\n'),
      location:
        s.post.latitude != null && s.post.longitude != null
          ? { title: s.post.name, address: s.post.address, geo: { lat: s.post.latitude, lon: s.post.longitude } }
          : `${s.post.name}，${s.post.address}`,
    });
  }
  return calendar.toString();
}

/**
 * Records what the feed now shows of each shift and returns each event's SEQUENCE: 0 the first
 * time, one more each time its fingerprint changed since the feed was last served. One statement,
 * so two fetches at once count a change once.
 */
async function recordStates(
  prisma: PrismaClient,
  feedId: number,
  states: { shiftId: number; fingerprint: string }[],
  now: Date,
): Promise<Map<number, number>> {
  if (!states.length) return new Map();
  await prisma.$executeRaw`
    INSERT INTO "CalendarEventState" ("feedId", "shiftId", "fingerprint", "sequence", "changedAt")
    SELECT ${feedId}, s.shift_id, s.fingerprint, 0, ${now}
    FROM unnest(${states.map((s) => s.shiftId)}::int[], ${states.map((s) => s.fingerprint)}::text[]) AS s(shift_id, fingerprint)
    ON CONFLICT ("feedId", "shiftId") DO UPDATE
      SET "fingerprint" = EXCLUDED."fingerprint", "sequence" = "CalendarEventState"."sequence" + 1, "changedAt" = EXCLUDED."changedAt"
      WHERE "CalendarEventState"."fingerprint" <> EXCLUDED."fingerprint"`;
  const stored = await prisma.calendarEventState.findMany({
    where: { feedId, shiftId: { in: states.map((s) => s.shiftId) } },
    select: { shiftId: true, sequence: true },
  });
  return new Map(stored.map((r) => [r.shiftId, r.sequence]));
}
