/**
 * What the demo seed's builders share (src/seed/city/, src/seed/roster/): calendar dates from the
 * data and ages on them, lookups by key that fail loudly on a typo, and random instants drawn from
 * a stream.
 */
import { parseCalendarDate, shanghaiDateOf, shanghaiWallClock } from '../roster/time.js';
import type { Random } from './random.js';

/** A calendar date written in the data as 'YYYY-MM-DD'. */
export function day(text: string): Date {
  const date = parseCalendarDate(text);
  if (!date) throw new Error(`seed data: bad date ${text}`);
  return date;
}

/** The entry of `record` under `key`; an error naming `what` when there is none. */
export function lookup<T>(record: Record<string, T>, key: string, what: string): T {
  const value = record[key];
  if (!value) throw new Error(`seed data: unknown ${what} ${key}`);
  return value;
}

/** A record from [key, value] pairs; an error on a duplicate key. */
export function byKey<T>(entries: [string, T][]): Record<string, T> {
  const record: Record<string, T> = {};
  for (const [key, value] of entries) {
    if (key in record) throw new Error(`seed data: duplicate key ${key}`);
    record[key] = value;
  }
  return record;
}

export const minDate = (a: Date, b: Date): Date => (a.getTime() <= b.getTime() ? a : b);
export const maxDate = (a: Date, b: Date): Date => (a.getTime() >= b.getTime() ? a : b);

/** Someone's age in whole years at an instant, by the Shanghai calendar. */
export function ageOn(birthDate: Date, on: Date): number {
  const today = shanghaiDateOf(on);
  const age = today.getUTCFullYear() - birthDate.getUTCFullYear();
  const hadBirthday =
    today.getUTCMonth() > birthDate.getUTCMonth() ||
    (today.getUTCMonth() === birthDate.getUTCMonth() && today.getUTCDate() >= birthDate.getUTCDate());
  return hadBirthday ? age : age - 1;
}

/** A random instant in [from, to], rounded down to the second but never before `from`. */
export function between(rng: Random, from: Date, to: Date, skew = 1): Date {
  const span = Math.max(0, to.getTime() - from.getTime());
  const t = Math.floor((from.getTime() + span * rng.float() ** skew) / 1000) * 1000;
  return new Date(Math.max(t, from.getTime()));
}

/** A Shanghai wall-clock instant on a calendar date, at a random minute and second in [fromHour, toHour). */
export function instantOn(rng: Random, date: Date, fromHour: number, toHour: number): Date {
  const minutes = rng.int(fromHour * 60, toHour * 60 - 1);
  return new Date(shanghaiWallClock(date, minutes).getTime() + rng.int(0, 59) * 1000);
}
