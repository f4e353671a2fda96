import { z } from 'zod';
import { NotFoundError, ValidationError } from '../common/errors.js';
import { isUniqueViolation } from '../common/prisma-errors.js';
import { parseInput } from '../common/validation.js';
import type { PrismaClient } from '../db/index.js';
import type { Account, StaffRole } from '../generated/prisma/client.js';
import { normalizePhone, phoneInput as phone } from '../volunteers/phone.js';
import { AccountSuspendedError, InvalidCredentialsError, InvalidRefreshTokenError, TooManyRequestsError } from './errors.js';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './passwords.js';
import {
  type TokenSettings,
  formatRefreshToken,
  hashSecret,
  newSessionId,
  parseRefreshToken,
  refreshSecret,
  sameSecret,
  signAccessToken,
} from './tokens.js';

export interface LoginLimits {
  /** Failed logins allowed per phone number, and per client address, within the window. */
  maxFailures: number;
  maxFailuresPerIp: number;
  windowMinutes: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { maxFailures: 5, maxFailuresPerIp: 20, windowMinutes: 15 };

const password = z
  .string()
  .min(8, 'password must be at least 8 characters')
  .max(128, 'password may be at most 128 characters');



const CreateAccountInput = z.object({
  phone,
  password,
  volunteerId: z.number().int().positive().nullish(),
  roles: z
    .array(z.object({ role: z.enum(['ADMIN', 'SITE_MANAGER']), siteId: z.number().int().positive().nullish() }))
    .default([]),
});

export type CreateAccountInput = z.input<typeof CreateAccountInput>;

/** Creates a login. A SITE_MANAGER role needs a site; ADMIN is city-wide. */
export async function createAccount(prisma: PrismaClient, raw: CreateAccountInput): Promise<Account> {
  const input = parseInput(CreateAccountInput, raw);
  input.roles.forEach((grant, i) => {
    if (grant.role === 'SITE_MANAGER' && grant.siteId == null) {
      throw ValidationError.field(`input.roles.${i}.siteId`, 'a SITE_MANAGER role needs a site');
    }
  });
  if (input.volunteerId != null) {
    const volunteer = await prisma.volunteer.findUnique({ where: { id: input.volunteerId }, select: { id: true } });
    if (!volunteer) throw new NotFoundError('Volunteer', input.volunteerId);
  }
  const passwordHash = await hashPassword(input.password);
  try {
    return await prisma.account.create({
      data: {
        phone: input.phone,
        passwordHash,
        volunteerId: input.volunteerId ?? null,
        roles: {
          create: input.roles.map((grant) => ({
            role: grant.role as StaffRole,
            siteId: grant.role === 'ADMIN' ? null : (grant.siteId ?? null),
          })),
        },
      },
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw ValidationError.field('input.phone', 'an account with this phone or volunteer exists');
    throw error;
  }
}

export interface IssuedTokens {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  accountId: number;
}

const LoginInput = z.object({ phone: z.string().max(40), password: z.string().max(128) });

/**
 * Logs in by phone and password. Refused while the phone number, or the client address, has too
 * many recent failures (checked before the password, so a locked account gives nothing away).
 *
 * Every attempt is recorded as a failure *before* the password is checked and removed again if it
 * succeeds or is refused for the limit. Each attempt then counts every attempt made before it,
 * including ones still in flight, so parallel guesses cannot slip past the limit.
 */
export async function login(
  prisma: PrismaClient,
  settings: TokenSettings,
  raw: { phone: string; password: string; ip: string },
  limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
  now = new Date(),
): Promise<IssuedTokens> {
  const input = parseInput(LoginInput, raw);
  const normalized = normalizePhone(input.phone) ?? input.phone.trim().slice(0, 40);
  const attempt = await prisma.loginFailure.create({ data: { phone: normalized, ip: raw.ip, createdAt: now } });
  const since = new Date(now.getTime() - limits.windowMinutes * 60_000);
  const earlier = (where: { phone: string } | { ip: string }) =>
    prisma.loginFailure.findMany({
      where: { ...where, createdAt: { gt: since }, id: { lt: attempt.id } },
      orderBy: { createdAt: 'asc' },
      select: { createdAt: true },
    });
  const [byPhone, byIp] = await Promise.all([earlier({ phone: normalized }), earlier({ ip: raw.ip })]);
  const blocking = [
    byPhone.length >= limits.maxFailures ? byPhone[byPhone.length - limits.maxFailures] : undefined,
    byIp.length >= limits.maxFailuresPerIp ? byIp[byIp.length - limits.maxFailuresPerIp] : undefined,
  ].filter((f): f is { createdAt: Date } => f !== undefined);
  if (blocking.length) {
    // A refused attempt does not extend the lockout. It lasts until the oldest failure that
    // still counts leaves the window.
    await prisma.loginFailure.delete({ where: { id: attempt.id } });
    const until = Math.max(...blocking.map((f) => f.createdAt.getTime() + limits.windowMinutes * 60_000));
    throw new TooManyRequestsError(Math.max(1, Math.ceil((until - now.getTime()) / 1000)));
  }

  const account = await prisma.account.findUnique({
    where: { phone: normalized },
    include: { volunteer: { select: { status: true } } },
  });
  const ok = await verifyPassword(input.password, account?.passwordHash ?? (await DUMMY_HASH_PROMISE));
  if (!account || !ok) throw new InvalidCredentialsError();
  await prisma.loginFailure.delete({ where: { id: attempt.id } });
  // Said only to someone who knows the password.
  if (account.volunteer?.status === 'SUSPENDED') throw new AccountSuspendedError();
  return startSession(prisma, settings, account.id, now);
}

async function startSession(prisma: PrismaClient, settings: TokenSettings, accountId: number, now: Date) {
  const sessionId = newSessionId();
  const secret = refreshSecret(settings, sessionId, 0);
  const refreshTokenExpiresAt = new Date(now.getTime() + settings.refreshTokenTtlSeconds * 1000);
  await prisma.authSession.create({
    data: {
      id: sessionId,
      accountId,
      refreshTokenHash: hashSecret(secret),
      createdAt: now,
      lastUsedAt: now,
      expiresAt: refreshTokenExpiresAt,
    },
  });
  const access = await signAccessToken(settings, accountId, sessionId, now);
  return {
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken: formatRefreshToken(sessionId, 0, secret),
    refreshTokenExpiresAt,
    accountId,
  };
}

/**
 * Exchanges a refresh token for a new access token and a new refresh token (rotation). Presenting
 * a token that was already rotated away means it was copied: the whole session is revoked.
 */
export async function refreshTokens(
  prisma: PrismaClient,
  settings: TokenSettings,
  refreshToken: string,
  now = new Date(),
): Promise<IssuedTokens> {
  const parsed = parseRefreshToken(refreshToken);
  if (!parsed) throw new InvalidRefreshTokenError();
  return prisma.$transaction(async (tx) => {
    // Lock the session so two refreshes with the same token cannot both succeed.
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "AuthSession" WHERE id = ${parsed.sessionId} FOR UPDATE`;
    if (rows.length === 0) throw new InvalidRefreshTokenError();
    const session = await tx.authSession.findUniqueOrThrow({ where: { id: parsed.sessionId } });
    if (session.revokedAt) throw new InvalidRefreshTokenError('The session was revoked; log in again.');
    if (session.expiresAt <= now) throw new InvalidRefreshTokenError('The refresh token has expired; log in again.');
    // Only a token we really issued counts: its secret is derived from the server secret, the
    // session and the generation, so a forged "old" token cannot revoke someone's session.
    if (parsed.generation > session.refreshGeneration || !sameSecret(parsed.secret, refreshSecret(settings, session.id, parsed.generation))) {
      throw new InvalidRefreshTokenError();
    }
    if (parsed.generation < session.refreshGeneration) {
      await tx.authSession.update({ where: { id: session.id }, data: { revokedAt: now, revokedReason: 'refresh token reused' } });
      return null;
    }
    if (hashSecret(parsed.secret) !== session.refreshTokenHash) throw new InvalidRefreshTokenError();
    const generation = session.refreshGeneration + 1;
    const secret = refreshSecret(settings, session.id, generation);
    await tx.authSession.update({
      where: { id: session.id },
      data: { refreshGeneration: generation, refreshTokenHash: hashSecret(secret), lastUsedAt: now },
    });
    const access = await signAccessToken(settings, session.accountId, session.id, now);
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken: formatRefreshToken(session.id, generation, secret),
      refreshTokenExpiresAt: session.expiresAt,
      accountId: session.accountId,
    };
  }).then((issued) => {
    // The revocation above must commit, so the reuse is reported after the transaction.
    if (!issued) {
      throw new InvalidRefreshTokenError(
        'The refresh token was already used; the session has been revoked.',
        parsed.sessionId,
      );
    }
    return issued;
  });
}

/** Ends a session: its refresh token and every access token issued in it stop working. */
export async function logout(prisma: PrismaClient, sessionId: string, now = new Date()): Promise<void> {
  await prisma.authSession.updateMany({
    where: { id: sessionId, revokedAt: null },
    data: { revokedAt: now, revokedReason: 'logout' },
  });
}
