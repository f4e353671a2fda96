import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { NotFoundError } from '../common/errors.js';
import { parseInput, text } from '../common/validation.js';
import type { PrismaClient } from '../db/index.js';
import type { BoardCredential } from '../generated/prisma/client.js';
import { hashSecret, sameSecret } from '../auth/tokens.js';

/**
 * Board credentials: long-lived, read-only, revocable tokens for wall screens. Each is scoped to
 * one site and everything below it. The token is `vbc_<id>_<secret>`; only a hash of the secret
 * is stored, so it is shown once, at creation.
 */

/** What a request authenticated with a board credential may see: one site subtree. */
export interface BoardAccess {
  credentialId: number;
  siteId: number;
  /** The site's materialised path: the board covers it and every path below it. */
  sitePath: string;
}

const TOKEN = /^vbc_(\d{1,10})_([A-Za-z0-9_-]{43})$/;

/** Whether a bearer token is a board credential (rather than a login's access token). */
export const isBoardToken = (token: string) => token.startsWith('vbc_');

const CreateInput = z.object({ siteId: z.number().int().positive(), label: text('label', 80) });

/** Creates a board credential for a site; returns it with its token (the only time it is shown). */
export async function createBoardCredential(
  prisma: PrismaClient,
  raw: z.input<typeof CreateInput>,
  issuedById: number,
  now = new Date(),
): Promise<{ credential: BoardCredential; token: string }> {
  const input = parseInput(CreateInput, raw);
  const site = await prisma.site.findUnique({ where: { id: input.siteId }, select: { id: true } });
  if (!site) throw new NotFoundError('Site', input.siteId);
  const secret = randomBytes(32).toString('base64url');
  const credential = await prisma.boardCredential.create({
    data: { siteId: site.id, label: input.label, secretHash: hashSecret(secret), issuedById, createdAt: now },
  });
  return { credential, token: `vbc_${credential.id}_${secret}` };
}

/**
 * Revokes a board credential (idempotent: revoking a revoked one keeps its first revocation).
 * The caller publishes the revocation so open connections end at once.
 */
export async function revokeBoardCredential(
  prisma: PrismaClient,
  id: number,
  revokedById: number,
  now = new Date(),
): Promise<BoardCredential> {
  await prisma.boardCredential.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now, revokedById } });
  const credential = await prisma.boardCredential.findUnique({ where: { id } });
  if (!credential) throw new NotFoundError('BoardCredential', id);
  return credential;
}

/** The access a board token grants, or null when it is malformed, unknown or revoked. */
export async function verifyBoardToken(prisma: PrismaClient, token: string): Promise<BoardAccess | null> {
  const match = TOKEN.exec(token);
  if (!match) return null;
  const row = await prisma.boardCredential.findUnique({
    where: { id: Number(match[1]) },
    select: { id: true, secretHash: true, revokedAt: true, site: { select: { id: true, path: true } } },
  });
  if (!row || row.revokedAt || !sameSecret(hashSecret(match[2]!), row.secretHash)) return null;
  return { credentialId: row.id, siteId: row.site.id, sitePath: row.site.path };
}

/** Whether a site path lies in a board's subtree. */
export function boardCovers(board: BoardAccess, path: string): boolean {
  return path === board.sitePath || path.startsWith(`${board.sitePath}.`);
}
