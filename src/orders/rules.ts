import { createHash, randomInt } from 'node:crypto';
import type { Prisma, ServiceCategory, ServiceOrderStatus } from '../generated/prisma/client.js';

/*
 * The fixed rules of the service-order loop (点单–派单–接单–评单): the status workflow, default
 * deadlines, anonymous rate limits, tracking codes and what "overdue" means. Plain data and pure
 * functions, shared by the service, the schema, the policy and the seed.
 */

/** PLACED → DISPATCHED | OPEN_FOR_CLAIM → ACCEPTED → IN_SERVICE → COMPLETED → RATED; REJECTED and CANCELLED end it early. */
export const ORDER_TRANSITIONS: Record<ServiceOrderStatus, readonly ServiceOrderStatus[]> = {
  PLACED: ['DISPATCHED', 'OPEN_FOR_CLAIM', 'REJECTED', 'CANCELLED'],
  DISPATCHED: ['ACCEPTED', 'OPEN_FOR_CLAIM', 'REJECTED', 'CANCELLED'],
  OPEN_FOR_CLAIM: ['ACCEPTED', 'DISPATCHED', 'REJECTED', 'CANCELLED'],
  ACCEPTED: ['IN_SERVICE', 'CANCELLED'],
  IN_SERVICE: ['COMPLETED'],
  COMPLETED: ['RATED'],
  RATED: [],
  REJECTED: [],
  CANCELLED: [],
};

/** Statuses in which the order still has to be completed (the completion deadline runs). */
export const OPEN_ORDER_STATUSES = ['PLACED', 'DISPATCHED', 'OPEN_FOR_CLAIM', 'ACCEPTED', 'IN_SERVICE'] as const satisfies readonly ServiceOrderStatus[];

/** Response deadline when no site above the order sets one: 24 h to dispatch (or open for claim). */
export const DEFAULT_DISPATCH_WITHIN_MINUTES = 24 * 60;
/** Completion deadline when no site above the order sets one: 72 h from placement. */
export const DEFAULT_COMPLETE_WITHIN_MINUTES = 72 * 60;

/** Anonymous placements allowed per phone number within RATE_WINDOW_MINUTES. */
export const ORDERS_PER_PHONE = 3;
/** Anonymous placements allowed per address within RATE_WINDOW_MINUTES. */
export const ORDERS_PER_ADDRESS = 5;
/** Logged-in placements allowed per account within RATE_WINDOW_MINUTES. */
export const ORDERS_PER_ACCOUNT = 10;
/** Logged-in placements allowed per address within RATE_WINDOW_MINUTES (from any accounts). */
export const ACCOUNT_ORDERS_PER_ADDRESS = 10;
export const RATE_WINDOW_MINUTES = 24 * 60;

/** Placements allowed within RATE_WINDOW_MINUTES; null for no limit (test setup). */
export interface OrderLimits {
  perPhone: number | null;
  perAddress: number | null;
  perAccount: number | null;
  accountPerAddress: number | null;
}

export const ORDER_LIMITS: OrderLimits = {
  perPhone: ORDERS_PER_PHONE,
  perAddress: ORDERS_PER_ADDRESS,
  perAccount: ORDERS_PER_ACCOUNT,
  accountPerAddress: ACCOUNT_ORDERS_PER_ADDRESS,
};

export const ALL_CATEGORIES = [
  'PERSONAL_CARE',
  'ERRANDS',
  'LEGAL_ADVICE',
  'HOME_REPAIR',
  'HEALTH_ESCORT',
  'CIVIC_EDUCATION',
  'COMPANIONSHIP',
  'OTHER',
] as const satisfies readonly ServiceCategory[];

/** Whether an order is late at `now`: not responded to by its dispatch deadline, or not done by its completion deadline. */
export function isOverdue(
  order: { status: ServiceOrderStatus; dispatchDueAt: Date; completeDueAt: Date },
  now: Date,
): boolean {
  if (order.status === 'PLACED' && order.dispatchDueAt < now) return true;
  return (OPEN_ORDER_STATUSES as readonly string[]).includes(order.status) && order.completeDueAt < now;
}

/** The same condition as isOverdue, as a Prisma filter (or its negation). */
export function overdueWhere(now: Date, overdue = true): Prisma.ServiceOrderWhereInput {
  const late: Prisma.ServiceOrderWhereInput = {
    OR: [
      { status: 'PLACED', dispatchDueAt: { lt: now } },
      { status: { in: [...OPEN_ORDER_STATUSES] }, completeDueAt: { lt: now } },
    ],
  };
  return overdue ? late : { NOT: late };
}

/** The address as compared for rate limits: case and whitespace do not make a new address. */
export function addressKey(address: string): string {
  return address.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

// Crockford's base32 without I, L, O, U: nothing to misread on a phone screen.
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_LENGTH = 12;

/** A new tracking code, e.g. "7K3M-Q9XD-2PAB" (60 random bits; the seed passes its own random source). */
export function newTrackingCode(randomIndex: (n: number) => number = randomInt): string {
  const chars = Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomIndex(CODE_ALPHABET.length)]!);
  return [chars.slice(0, 4), chars.slice(4, 8), chars.slice(8)].map((g) => g.join('')).join('-');
}

/** A tracking code as typed: case, spaces and dashes ignored. Null when it cannot be one. */
export function normalizeTrackingCode(code: string): string | null {
  const compact = code.toUpperCase().replace(/[\s-]/g, '');
  return compact.length === CODE_LENGTH && [...compact].every((c) => CODE_ALPHABET.includes(c)) ? compact : null;
}

/** What is stored for a tracking code (its sha256), or null when the text cannot be a code. */
export function trackingCodeHash(code: string): string | null {
  const normalized = normalizeTrackingCode(code);
  return normalized ? createHash('sha256').update(normalized).digest('hex') : null;
}

/** Whether a site path is the given site's or one below it. */
export function atOrBelow(path: string, sitePath: string): boolean {
  return path === sitePath || path.startsWith(`${sitePath}.`);
}

/** A site path and its ancestors' paths, nearest first: "1.4.27" → ["1.4.27", "1.4", "1"]. */
export function pathAndAncestors(path: string): string[] {
  const parts = path.split('.');
  return parts.map((_, i) => parts.slice(0, parts.length - i).join('.'));
}
