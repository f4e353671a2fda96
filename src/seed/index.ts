import type { PrismaClient } from '../db/index.js';

/** Seeds the demo city when the database has no sites yet. Returns counts, or null if it did nothing. */
export async function seedIfEmpty(prisma: PrismaClient): Promise<Record<string, number> | null> {
  if ((await prisma.site.count()) > 0) return null;
  return null;
}
