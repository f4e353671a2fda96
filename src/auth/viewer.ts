import type { PrismaClient } from '../db/index.js';
import { unauthenticated } from './errors.js';
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
}

/**
 * The viewer for an Authorization value ("Bearer <access token>"): null without one; a clean
 * UNAUTHENTICATED error when it is malformed, expired, or its session was revoked.
 */
export async function authenticate(
  prisma: PrismaClient,
  settings: TokenSettings,
  authorization: string | null | undefined,
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
  const session = await prisma.authSession.findUnique({
    where: { id: claims.sessionId },
    select: {
      accountId: true,
      revokedAt: true,
      account: {
        select: {
          phone: true,
          volunteerId: true,
          roles: { select: { role: true, site: { select: { path: true } } } },
          volunteer: { select: { ledTeams: { select: { id: true } } } },
        },
      },
    },
  });
  if (!session || session.accountId !== claims.accountId || session.revokedAt) {
    throw unauthenticated('The session has ended; log in again.');
  }
  const { account } = session;
  const admin = account.roles.some((r) => r.role === 'ADMIN');
  const managedSitePaths = account.roles.flatMap((r) => (r.role === 'SITE_MANAGER' && r.site ? [r.site.path] : []));
  const ledTeamIds = account.volunteer?.ledTeams.map((t) => t.id) ?? [];
  const roles: RoleName[] = [];
  if (admin) roles.push('ADMIN');
  if (managedSitePaths.length) roles.push('SITE_MANAGER');
  if (ledTeamIds.length) roles.push('TEAM_LEADER');
  if (account.volunteerId != null) roles.push('VOLUNTEER');
  return {
    accountId: claims.accountId,
    sessionId: claims.sessionId,
    phone: account.phone,
    volunteerId: account.volunteerId,
    admin,
    managedSitePaths,
    ledTeamIds,
    roles,
  };
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
