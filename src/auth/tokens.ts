import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { SignJWT, errors, jwtVerify } from 'jose';

export interface TokenSettings {
  /** HMAC secret for access tokens (HS256). */
  secret: Uint8Array;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
}

const ISSUER = 'volunteer-api';
const AUDIENCE = 'volunteer-api';

export interface AccessClaims {
  accountId: number;
  sessionId: string;
  expiresAt: Date;
}

export class TokenError extends Error {
  constructor(
    readonly reason: 'expired' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

export async function signAccessToken(
  settings: TokenSettings,
  accountId: number,
  sessionId: string,
  now = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const expiresAt = new Date((issuedAt + settings.accessTokenTtlSeconds) * 1000);
  const token = await new SignJWT({ sid: sessionId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(String(accountId))
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(settings.secret);
  return { token, expiresAt };
}

/**
 * Tokens whose signature and claims were verified, per secret: a token is the same string every
 * time its client sends it, and a valid signature stays valid, so it is checked once and then only
 * its expiry is (as jose checks it: expired once `exp` <= now, in whole seconds). Failures are never
 * kept. At most MAX_VERIFIED tokens per secret (the oldest goes first).
 */
const verified = new WeakMap<Uint8Array, Map<string, AccessClaims & { exp: number }>>();
const MAX_VERIFIED = 10_000;

const expiredError = () => new TokenError('expired', 'The access token has expired; refresh it.');

export async function verifyAccessToken(settings: TokenSettings, token: string): Promise<AccessClaims> {
  let known = verified.get(settings.secret);
  const hit = known?.get(token);
  if (hit) {
    if (hit.exp > Math.floor(Date.now() / 1000)) return hit;
    known!.delete(token);
    throw expiredError();
  }
  let claims: AccessClaims & { exp: number };
  try {
    const { payload } = await jwtVerify(token, settings.secret, {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
    });
    const accountId = Number(payload.sub);
    if (!Number.isSafeInteger(accountId) || typeof payload.sid !== 'string' || !payload.exp) {
      throw new TokenError('invalid', 'The access token is malformed.');
    }
    claims = { accountId, sessionId: payload.sid, expiresAt: new Date(payload.exp * 1000), exp: payload.exp };
  } catch (error) {
    if (error instanceof TokenError) throw error;
    if (error instanceof errors.JWTExpired) throw expiredError();
    throw new TokenError('invalid', 'The access token is invalid.');
  }
  if (!known) verified.set(settings.secret, (known = new Map()));
  if (known.size >= MAX_VERIFIED) known.delete(known.keys().next().value!);
  known.set(token, claims);
  return claims;
}

/**
 * A refresh token is "<sessionId>.<generation>.<secret>". The secret of each generation is an
 * HMAC of the session and generation under the server secret: unguessable, and checkable later
 * without storing it, which is how a reused (stolen) token is told apart from a forged one. Only
 * a hash of the current secret is stored.
 */
export function refreshSecret(settings: TokenSettings, sessionId: string, generation: number): string {
  return createHmac('sha256', settings.secret).update(`refresh:${sessionId}:${generation}`).digest('base64url');
}

/** Compares two secrets in constant time. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function formatRefreshToken(sessionId: string, generation: number, secret: string): string {
  return `${sessionId}.${generation}.${secret}`;
}

export function parseRefreshToken(token: string): { sessionId: string; generation: number; secret: string } | null {
  const match = /^([0-9a-f-]{36})\.(\d{1,9})\.([A-Za-z0-9_-]{20,})$/.exec(token.trim());
  if (!match) return null;
  return { sessionId: match[1]!, generation: Number(match[2]), secret: match[3]! };
}

export const newSessionId = () => randomUUID();
