import { cached } from '../common/loaders.js';
import type { Context } from '../context.js';
import type { Prisma } from '../generated/prisma/client.js';
import { atOrBelow, pathAndAncestors } from '../orders/rules.js';
import { subtreeOf } from '../sites/service.js';
import { type Viewer, managesPath } from './viewer.js';

/**
 * Who sees which service orders and street reports (src/orders, src/reports): the rule as a check
 * (for single orders and the live stream) and as Prisma filters (for lists). The scopes that use
 * it are in src/auth/policy.ts.
 */

/** The site paths of the teams the viewer leads. */
async function teamSitePaths(ctx: Context): Promise<string[]> {
  const ids = ctx.viewer?.ledTeamIds ?? [];
  if (ids.length === 0) return [];
  const teams = await ctx.prisma.team.findMany({ where: { id: { in: ids } }, select: { site: { select: { path: true } } } });
  return teams.map((t) => t.site.path);
}

/**
 * Whether a viewer may see a service order (the rule behind `seeServiceOrder`, the live stream's
 * filter and, as a Prisma filter, `serviceOrderVisibility`). `ledTeamSitePaths` are the site paths
 * of the teams the viewer leads.
 */
export function orderVisibleTo(
  viewer: Viewer,
  order: { sitePath: string; teamId: number | null; requesterAccountId: number | null; status: string },
  ledTeamSitePaths: readonly string[],
): boolean {
  if (viewer.admin || order.requesterAccountId === viewer.accountId) return true;
  if (order.teamId != null && viewer.ledTeamIds.includes(order.teamId)) return true;
  if (managesPath(viewer, order.sitePath)) return true;
  return order.status === 'OPEN_FOR_CLAIM' && ledTeamSitePaths.some((p) => atOrBelow(p, order.sitePath));
}

/** The site paths of the teams the viewer leads (memoised per request). */
export const ledTeamSitePathsOf = (ctx: Context) => cached(ctx, 'ledTeamSitePaths', () => teamSitePaths(ctx));

/**
 * The service orders a viewer may see, as a filter (the list form of `seeServiceOrder`): admins
 * all; others the orders they placed, orders of the teams they lead, orders at the sites they
 * manage and below, and — for team leaders — orders open for claim at their team's site or above.
 * Anonymous viewers none (they use a tracking code).
 */
export async function serviceOrderVisibility(ctx: Context): Promise<Prisma.ServiceOrderWhereInput> {
  const viewer = ctx.viewer;
  if (!viewer) return { id: -1 };
  if (viewer.admin) return {};
  const claimable = [...new Set((await ledTeamSitePathsOf(ctx)).flatMap(pathAndAncestors))];
  return {
    OR: [
      { requesterAccountId: viewer.accountId },
      ...(viewer.ledTeamIds.length ? [{ teamId: { in: viewer.ledTeamIds } }] : []),
      ...viewer.managedSitePaths.map(managedSite),
      ...(claimable.length ? [{ status: 'OPEN_FOR_CLAIM' as const, site: { path: { in: claimable } } }] : []),
    ],
  };
}

/** Rows whose site is this one or below it. */
const managedSite = (path: string) => ({ site: subtreeOf({ path }) });

/** The street reports a viewer may see, as a filter: admins all; their own; those at sites they manage and below. */
export function communityReportVisibility(ctx: Context): Prisma.CommunityReportWhereInput {
  const viewer = ctx.viewer;
  if (!viewer) return { id: -1 };
  if (viewer.admin) return {};
  return {
    OR: [
      ...(viewer.volunteerId != null ? [{ reporterId: viewer.volunteerId }] : []),
      ...viewer.managedSitePaths.map(managedSite),
      { id: -1 },
    ],
  };
}
