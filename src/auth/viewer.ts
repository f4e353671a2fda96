import type { PrismaClient } from '../db/index.js';
import { unauthenticated } from './errors.js';
import type { SessionCache, SessionFacts } from './session-cache.js';
import { TokenError, type TokenSettings, verifyAccessToken } from './tokens.js';

export type RoleName = 'ADMIN' | 'SITE_MANAGER' | 'TEAM_LEADER' | 'VOLUNTEER';

/** Who is making a request, and what they hold. Built once per request from the access token. */
export interface Viewer {
  accountId: number;
  sessionId: string;
  phone: string;
  /** The volunteer this account belongs to, if any. */
  volunteerId: number | null;
  admin: boolean;
  /** Materialised paths of the sites this account manages (each with everything below it). */
  managedSitePaths: string[];
  /** Teams whose leader is this account's volunteer. */
  ledTeamIds: number[];
  roles: RoleName[];
  /** When the access token of this request expires. */
  tokenExpiresAt: Date;
}

/**
 * The viewer for an Authorization value ("Bearer <access token>"): null without one; a clean
 * UNAUTHENTICATED error when it is malformed, expired, its session was revoked, or its volunteer is
 * suspended.
 */
export async function authenticate(
  prisma: PrismaClient,
  settings: TokenSettings,
  authorization: string | null | undefined,
  cache?: SessionCache,
): Promise<Viewer | null> {
  if (authorization == null || authorization === '') return null;
  const match = /^Bearer\s+(\S+)$/i.exec(String(authorization).trim());
  if (!match) throw unauthenticated('The Authorization header must be "Bearer <access token>".');
  let claims;
  try {
    claims = await verifyAccessToken(settings, match[1]!);
  } catch (error) {
    if (error instanceof TokenError) throw unauthenticated(error.message);
    throw error;
  }
  const known = cache?.get(claims.sessionId, claims.accountId);
  if (known) return { ...known, accountId: claims.accountId, sessionId: claims.sessionId, tokenExpiresAt: claims.expiresAt };
  const generation = cache?.generation() ?? 0;
  // One statement per request (unless the session cache knows it): the session, its account, and what the account holds.
  const [row] = await prisma.$queryRaw<
    {
      accountId: number;
      revokedAt: Date | null;
      phone: string;
      volunteerId: number | null;
      admin: boolean;
      managedSitePaths: string[];
      ledTeamIds: number[];
      suspended: boolean;
    }[]
  >`
    SELECT s."accountId", s."revokedAt", a."phone", a."volunteerId",
      COALESCE((SELECT v."status" = 'SUSPENDED' FROM "Volunteer" v WHERE v."id" = a."volunteerId"), false) AS "suspended",
      EXISTS (SELECT 1 FROM "StaffRoleGrant" g WHERE g."accountId" = a."id" AND g."role" = 'ADMIN') AS "admin",
      COALESCE((SELECT array_agg(st."path" ORDER BY st."path") FROM "StaffRoleGrant" g
                JOIN "Site" st ON st."id" = g."siteId"
                WHERE g."accountId" = a."id" AND g."role" = 'SITE_MANAGER'), '{}') AS "managedSitePaths",
      COALESCE((SELECT array_agg(t."id" ORDER BY t."id") FROM "Team" t WHERE t."leaderId" = a."volunteerId"), '{}') AS "ledTeamIds"
    FROM "AuthSession" s JOIN "Account" a ON a."id" = s."accountId"
    WHERE s."id" = ${claims.sessionId}`;
  if (!row || row.accountId !== claims.accountId || row.revokedAt) {
    throw unauthenticated('The session has ended; log in again.');
  }
  // A suspended person holds nothing — no staff role, no volunteer access — until reinstated.
  if (row.suspended) throw unauthenticated('The account is suspended.');
  const { admin, managedSitePaths } = row;
  const ledTeamIds = row.ledTeamIds.map(Number);
  const roles: RoleName[] = [];
  if (admin) roles.push('ADMIN');
  if (managedSitePaths.length) roles.push('SITE_MANAGER');
  if (ledTeamIds.length) roles.push('TEAM_LEADER');
  if (row.volunteerId != null) roles.push('VOLUNTEER');
  const facts: SessionFacts = { phone: row.phone, volunteerId: row.volunteerId, admin, managedSitePaths, ledTeamIds, roles };
  cache?.set(claims.sessionId, claims.accountId, facts, generation);
  return { ...facts, accountId: claims.accountId, sessionId: claims.sessionId, tokenExpiresAt: claims.expiresAt };
}

/** Whether the viewer manages the site with this path (directly or through an ancestor). */
export function managesPath(viewer: Viewer | null, path: string): boolean {
  if (!viewer) return false;
  if (viewer.admin) return true;
  return viewer.managedSitePaths.some((p) => path === p || path.startsWith(`${p}.`));
}

/** Staff who see only their own part of the city (site managers and team leaders, not admins). */
export function isScopedStaff(viewer: Viewer | null): viewer is Viewer {
  return !!viewer && !viewer.admin && (viewer.managedSitePaths.length > 0 || viewer.ledTeamIds.length > 0);
}

/**
 * Two principals with the same key are allowed to see exactly the same things, so one execution
 * of a subscription can serve both (src/events/subscription-groups.ts). Logged-in accounts are
 * never merged with one another: besides roles and scopes, some rules depend on the account itself
 * (its own orders, its own volunteer's personal data) and reads of personal data are logged per
 * reading account. A board credential sees by its site subtree; every anonymous client alike.
 */
export function visibilityKey(principal: { viewer: Viewer | null; board: { sitePath: string } | null }): string {
  const { viewer, board } = principal;
  if (viewer) {
    const { accountId, volunteerId, admin, roles, managedSitePaths, ledTeamIds } = viewer;
    return JSON.stringify(['account', accountId, volunteerId, admin, [...roles].sort(), [...managedSitePaths].sort(), [...ledTeamIds].sort((a, b) => a - b)]);
  }
  if (board) return JSON.stringify(['board', board.sitePath]);
  return '["anonymous"]';
}

/** Who performs an action, as the rules that record it need it: the account and its volunteer. */
export type Actor = Pick<Viewer, 'accountId' | 'volunteerId'>;

/** The viewer of a request that its auth scopes already required to be logged in. */
export function requireViewer(viewer: Viewer | null): Viewer {
  if (!viewer) throw unauthenticated('Log in first.');
  return viewer;
}
