import { Prisma } from '../generated/prisma/client.js';

/**
 * Whether a Prisma error is a unique-constraint violation, optionally on a given column.
 * Driver adapters report the columns in different places, so several are checked.
 */
export function isUniqueViolation(error: unknown, column?: string): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') return false;
  if (!column) return true;
  return JSON.stringify(error.meta ?? {}).includes(column) || error.message.includes(column);
}
