/**
 * Time in Asia/Shanghai. China has kept UTC+8 all year since 1991 (no daylight saving), so local
 * wall-clock times convert to instants with a fixed offset.
 *
 * Calendar dates (project startsOn/endsOn, a campaign's dates, ServiceRecord.servedOn) are
 * represented as a Date at UTC midnight of that date, which is what Prisma returns for @db.Date
 * columns and what the GraphQL Date scalar yields.
 */

export const SHANGHAI_TIME_ZONE = 'Asia/Shanghai';
export const SHANGHAI_OFFSET_MINUTES = 8 * 60;

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
const OFFSET_MS = SHANGHAI_OFFSET_MINUTES * MINUTE_MS;

/** A calendar date (UTC midnight) from year, month 1–12 and day. */
export function calendarDate(year: number, month: number, day: number): Date {
  return new Date(Date.UTC(year, month - 1, day));
}

/** Truncates a Date to the calendar date of its UTC Y-M-D (drops any time of day). */
export function asCalendarDate(day: Date): Date {
  return new Date(Math.floor(day.getTime() / DAY_MS) * DAY_MS);
}

/** Parses 'YYYY-MM-DD' into a calendar date, or null when it is not a real date. */
export function parseCalendarDate(text: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = calendarDate(year, month, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date;
}

/** The calendar date `days` after `day`. */
export function addDays(day: Date, days: number): Date {
  return new Date(asCalendarDate(day).getTime() + days * DAY_MS);
}

/** The Asia/Shanghai calendar date (as UTC midnight) on which an instant falls. */
export function shanghaiDateOf(instant: Date): Date {
  return asCalendarDate(new Date(instant.getTime() + OFFSET_MS));
}

/** The instant of 00:00 Asia/Shanghai on a calendar date. */
export function shanghaiMidnight(day: Date): Date {
  return new Date(asCalendarDate(day).getTime() - OFFSET_MS);
}

/** The instant of a local wall-clock time, in minutes after midnight (may exceed 1440), on a calendar date. */
export function shanghaiWallClock(day: Date, minutesAfterMidnight: number): Date {
  return new Date(shanghaiMidnight(day).getTime() + minutesAfterMidnight * MINUTE_MS);
}

/**
 * The Asia/Shanghai day containing `date`, as the half-open range [start, end) of instants — for
 * "today's roster". Works for an instant (e.g. `new Date()`) and for a calendar date alike, since
 * UTC midnight of a date is 08:00 of the same date in Shanghai.
 */
export function shanghaiDayRange(date: Date = new Date()): { start: Date; end: Date } {
  const day = shanghaiDateOf(date);
  return { start: shanghaiMidnight(day), end: shanghaiMidnight(addDays(day, 1)) };
}

/** Parses a wall-clock time 'HH:MM' (00:00–23:59, and 24:00 for the end of the day) into minutes after midnight. */
export function parseClockTime(text: string): number | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59) return null;
  if (hours === 24 && minutes === 0) return 24 * 60;
  if (hours > 23) return null;
  return hours * 60 + minutes;
}

/** 'YYYY-MM-DD' of a calendar date. */
export function formatCalendarDate(day: Date): string {
  return asCalendarDate(day).toISOString().slice(0, 10);
}

/** An instant as Asia/Shanghai wall-clock time, e.g. '2026-07-07 08:00'. */
export function formatShanghai(instant: Date): string {
  return new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}
