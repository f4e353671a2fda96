import { z } from 'zod';
import { ConflictError, DuplicateNameError, NotFoundError, ValidationError } from '../common/errors.js';
import { isUniqueViolation } from '../common/prisma-errors.js';
import { optionalText, parseInput, text } from '../common/validation.js';
import type { PrismaClient } from '../db/index.js';
import type { Prisma, ServiceCategory, ServiceDeadline, ServiceMenuItem, ServiceOrder } from '../generated/prisma/client.js';
import { phoneInput } from '../volunteers/phone.js';
import { ServiceOrderRateLimitError } from './errors.js';
import { type OrderChange, orderChange } from './events.js';
import {
  ALL_CATEGORIES,
  DEFAULT_COMPLETE_WITHIN_MINUTES,
  DEFAULT_DISPATCH_WITHIN_MINUTES,
  ORDER_LIMITS,
  type OrderLimits,
  RATE_WINDOW_MINUTES,
  addressKey,
  atOrBelow,
  newTrackingCode,
  pathAndAncestors,
  trackingCodeHash,
} from './rules.js';

/*
 * The service menu, per-site deadlines, and placing an order (点单). The workflow after placement
 * is in ./workflow.ts.
 */

type Tx = Prisma.TransactionClient;
const MINUTE = 60_000;

const id = z.number().int().positive();
const category = z.enum(ALL_CATEGORIES);

async function requireSite(db: PrismaClient | Tx, siteId: number) {
  const site = await db.site.findUnique({ where: { id: siteId }, select: { id: true, path: true } });
  if (!site) throw new NotFoundError('Site', siteId);
  return site;
}

// ---------------------------------------------------------------------------------------------
// Menu
// ---------------------------------------------------------------------------------------------

const CreateMenuItemInput = z.object({
  siteId: id,
  name: text('name', 50),
  description: optionalText('description', 1000),
  category,
  brandId: id.nullish(),
  teamId: id.nullish(),
  familyId: id.nullish(),
});
export type CreateMenuItemInput = z.input<typeof CreateMenuItemInput>;

/** Adds a service to a site's menu; names are unique per site. A team offering it must belong to the site or below. */
export async function createMenuItem(prisma: PrismaClient, raw: CreateMenuItemInput): Promise<ServiceMenuItem> {
  const input = parseInput(CreateMenuItemInput, raw);
  const site = await requireSite(prisma, input.siteId);
  if (input.brandId != null && !(await prisma.brand.findUnique({ where: { id: input.brandId }, select: { id: true } }))) {
    throw new NotFoundError('Brand', input.brandId);
  }
  if (input.teamId != null) {
    const team = await prisma.team.findUnique({ where: { id: input.teamId }, select: { site: { select: { path: true } } } });
    if (!team) throw new NotFoundError('Team', input.teamId);
    if (!atOrBelow(team.site.path, site.path)) {
      throw ValidationError.field('input.teamId', 'the team must belong to the site or a site below it');
    }
  }
  if (input.familyId != null) {
    const family = await prisma.family.findUnique({ where: { id: input.familyId }, select: { site: { select: { path: true } } } });
    if (!family) throw new NotFoundError('Family', input.familyId);
    if (!atOrBelow(family.site.path, site.path)) {
      throw ValidationError.field('input.familyId', 'the family must belong to the site or a site below it');
    }
  }
  try {
    return await prisma.serviceMenuItem.create({
      data: {
        siteId: input.siteId,
        name: input.name,
        description: input.description ?? null,
        category: input.category,
        brandId: input.brandId ?? null,
        teamId: input.teamId ?? null,
        familyId: input.familyId ?? null,
      },
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new DuplicateNameError('menu item', input.name, 'on this site’s menu');
    throw error;
  }
}

/** The menu a site sees: its own items and those of every site above it (of one category, if given). */
export async function menuWhere(prisma: PrismaClient, siteId: number, cat?: ServiceCategory | null): Promise<Prisma.ServiceMenuItemWhereInput> {
  const site = await prisma.site.findUnique({ where: { id: siteId }, select: { path: true } });
  if (!site) return { id: -1 };
  return { site: { path: { in: pathAndAncestors(site.path) } }, ...(cat && { category: cat }) };
}

// ---------------------------------------------------------------------------------------------
// Deadlines
// ---------------------------------------------------------------------------------------------

const hours = (label: string) =>
  z.number().int().min(1, `${label} must be at least 1 hour`).max(24 * 90, `${label} may be at most 2160 hours (90 days)`);

const SetDeadlineInput = z
  .object({ siteId: id, category, dispatchWithinHours: hours('dispatchWithinHours'), completeWithinHours: hours('completeWithinHours') })
  .refine((d) => d.completeWithinHours >= d.dispatchWithinHours, {
    path: ['completeWithinHours'],
    message: 'completeWithinHours must not be shorter than dispatchWithinHours',
  });
export type SetDeadlineInput = z.input<typeof SetDeadlineInput>;

/** Sets (or replaces) a site's deadlines for one category; orders placed from now on use them. */
export async function setDeadline(prisma: PrismaClient, raw: SetDeadlineInput): Promise<ServiceDeadline> {
  const input = parseInput(SetDeadlineInput, raw);
  await requireSite(prisma, input.siteId);
  const values = { dispatchWithinMinutes: input.dispatchWithinHours * 60, completeWithinMinutes: input.completeWithinHours * 60 };
  return prisma.serviceDeadline.upsert({
    where: { siteId_category: { siteId: input.siteId, category: input.category } },
    create: { siteId: input.siteId, category: input.category, ...values },
    update: values,
  });
}

export interface EffectiveDeadline {
  dispatchWithinMinutes: number;
  completeWithinMinutes: number;
  /** The site whose setting applies; null for the defaults. */
  siteId: number | null;
}

/** The deadlines for a category at a site: its own setting, else the nearest site above's, else 24 h / 72 h. */
export async function effectiveDeadline(db: PrismaClient | Tx, sitePath: string, cat: ServiceCategory): Promise<EffectiveDeadline> {
  const settings = await db.serviceDeadline.findMany({
    where: { category: cat, site: { path: { in: pathAndAncestors(sitePath) } } },
    select: { siteId: true, dispatchWithinMinutes: true, completeWithinMinutes: true, site: { select: { path: true } } },
  });
  const nearest = settings.sort((a, b) => b.site.path.length - a.site.path.length)[0];
  return nearest
    ? { siteId: nearest.siteId, dispatchWithinMinutes: nearest.dispatchWithinMinutes, completeWithinMinutes: nearest.completeWithinMinutes }
    : { siteId: null, dispatchWithinMinutes: DEFAULT_DISPATCH_WITHIN_MINUTES, completeWithinMinutes: DEFAULT_COMPLETE_WITHIN_MINUTES };
}

// ---------------------------------------------------------------------------------------------
// Placing an order (点单)
// ---------------------------------------------------------------------------------------------

const instant = z.date().refine((d) => d.getUTCFullYear() >= 2000 && d.getUTCFullYear() <= 2100, 'must be in 2000–2100');

const PlaceOrderInput = z
  .object({
    siteId: id,
    menuItemId: id.nullish(),
    category: category.nullish(),
    description: optionalText('description', 2000),
    address: text('address', 200),
    wantedFrom: instant.nullish(),
    wantedUntil: instant.nullish(),
    requesterName: optionalText('requesterName', 50),
    requesterPhone: phoneInput.nullish(),
  })
  .superRefine((d, ctx) => {
    if (d.menuItemId == null && d.category == null) {
      ctx.addIssue({ code: 'custom', path: ['category'], message: 'give a menuItemId or, for a free-text need, a category' });
    }
    if (d.menuItemId == null && !d.description) {
      ctx.addIssue({ code: 'custom', path: ['description'], message: 'describe the need when no menu item is chosen' });
    }
    if (d.wantedFrom && d.wantedUntil && d.wantedUntil <= d.wantedFrom) {
      ctx.addIssue({ code: 'custom', path: ['wantedUntil'], message: 'wantedUntil must be after wantedFrom' });
    }
  });
export type PlaceOrderInput = z.input<typeof PlaceOrderInput>;

/** Who places an order: a logged-in account (with its volunteer's name and its phone, if any), or nobody. */
export interface Placer {
  accountId: number;
  phone: string;
  name: string | null;
}

/**
 * Places an order at a site, in the caller's transaction (the command runner's, which writes the
 * PLACED event to the outbox). Deadlines are fixed now from the site's settings. Placements are
 * rate-limited — anonymous ones per phone number and per address, logged-in ones per account and
 * per address — and the checks and the insert run under advisory locks on those keys, so
 * concurrent placements cannot slip past a limit together. Returns the order and its tracking
 * code (shown only here; only its hash is stored).
 */
export async function placeOrder(
  tx: Tx,
  raw: PlaceOrderInput,
  placer: Placer | null,
  now: Date,
  limits: OrderLimits = ORDER_LIMITS,
): Promise<{ order: ServiceOrder; trackingCode: string; events: OrderChange[] }> {
  const input = parseInput(PlaceOrderInput, raw);
  const name = input.requesterName ?? placer?.name ?? null;
  const phone = input.requesterPhone ?? placer?.phone ?? null;
  if (!name) throw ValidationError.field('input.requesterName', 'requesterName is required');
  if (!phone) throw ValidationError.field('input.requesterPhone', 'requesterPhone is required');
  if (input.wantedUntil && input.wantedUntil <= now) {
    throw ValidationError.field('input.wantedUntil', 'wantedUntil must be in the future');
  }
  const site = await requireSite(tx, input.siteId);
  let cat = input.category ?? null;
  if (input.menuItemId != null) {
    const item = await tx.serviceMenuItem.findUnique({
      where: { id: input.menuItemId },
      select: { category: true, site: { select: { path: true } } },
    });
    if (!item) throw new NotFoundError('ServiceMenuItem', input.menuItemId);
    if (!pathAndAncestors(site.path).includes(item.site.path)) {
      throw ValidationError.field('input.menuItemId', 'this menu item is not offered at the site (nor at a site above it)');
    }
    if (cat && cat !== item.category) throw ValidationError.field('input.category', `the menu item’s category is ${item.category}`);
    cat = item.category;
  }
  const key = addressKey(input.address);
  const deadline = await effectiveDeadline(tx, site.path, cat!);
  const trackingCode = newTrackingCode();
  await enforceRateLimits(tx, limits, placer, phone, key, now);
  const order = await tx.serviceOrder.create({
    data: {
      siteId: site.id,
      menuItemId: input.menuItemId ?? null,
      category: cat!,
      description: input.description ?? '',
      address: input.address,
      addressKey: key,
      wantedFrom: input.wantedFrom ?? null,
      wantedUntil: input.wantedUntil ?? null,
      requesterName: name,
      requesterPhone: phone,
      requesterAccountId: placer?.accountId ?? null,
      trackingCodeHash: trackingCodeHash(trackingCode)!,
      placedAt: now,
      dispatchDueAt: new Date(now.getTime() + deadline.dispatchWithinMinutes * MINUTE),
      completeDueAt: new Date(now.getTime() + deadline.completeWithinMinutes * MINUTE),
    },
  });
  await tx.serviceOrderEvent.create({
    data: {
      orderId: order.id,
      fromStatus: null,
      toStatus: 'PLACED',
      actorKind: 'REQUESTER',
      actorAccountId: placer?.accountId ?? null,
      occurredAt: now,
    },
  });
  return { order, trackingCode, events: [orderChange(order, null, now)] };
}

/**
 * Refuses a placement over its limits (locks the keys first): anonymous ones per phone and per
 * address, counting anonymous orders; logged-in ones per account and per address, counting
 * logged-in orders.
 */
async function enforceRateLimits(tx: Tx, limits: OrderLimits, placer: Placer | null, phone: string, key: string, now: Date): Promise<void> {
  // Lock spaces (1: phone, 2: address, 3: account), always taken in that order.
  if (!placer) await tx.$queryRaw`SELECT pg_advisory_xact_lock(1, hashtext(${phone}))::text`;
  await tx.$queryRaw`SELECT pg_advisory_xact_lock(2, hashtext(${key}))::text`;
  if (placer) await tx.$queryRaw`SELECT pg_advisory_xact_lock(3, ${placer.accountId}::int)::text`;
  const since = new Date(now.getTime() - RATE_WINDOW_MINUTES * MINUTE);
  const loggedIn = placer !== null;
  const check = async (where: Prisma.ServiceOrderWhereInput, limitedBy: 'PHONE' | 'ADDRESS' | 'ACCOUNT', limit: number | null) => {
    if (limit == null) return;
    const recent = await tx.serviceOrder.findMany({
      where: { requesterAccountId: loggedIn ? { not: null } : null, ...where, placedAt: { gt: since } },
      orderBy: { placedAt: 'desc' },
      take: limit,
      select: { placedAt: true },
    });
    if (recent.length < limit) return;
    const oldest = recent[recent.length - 1]!.placedAt;
    const retryAfter = Math.max(1, Math.ceil((oldest.getTime() + RATE_WINDOW_MINUTES * MINUTE - now.getTime()) / 1000));
    throw new ServiceOrderRateLimitError(limitedBy, limit, retryAfter, loggedIn);
  };
  if (placer) {
    await check({ requesterAccountId: placer.accountId }, 'ACCOUNT', limits.perAccount);
    await check({ addressKey: key }, 'ADDRESS', limits.accountPerAddress);
  } else {
    await check({ requesterPhone: phone }, 'PHONE', limits.perPhone);
    await check({ addressKey: key }, 'ADDRESS', limits.perAddress);
  }
}

/** A conflict when a team is outside the order's branch of the tree. */
export function teamOutsideSite(action: string): ConflictError {
  return new ConflictError(`Only a team of the order’s site or a site below it can ${action} this order.`);
}
