import { NotFoundError } from './errors.js';
import type { Prisma } from '../generated/prisma/client.js';

/** Tables whose rows the domain rules lock (a fixed list: the name is spliced into SQL). */
type LockableTable = 'Beneficiary' | 'FamilySelectionBatch';

/**
 * Locks one row (SELECT … FOR UPDATE) for the rest of the transaction; NotFoundError (with the
 * GraphQL type name) when there is no such row.
 */
export async function lockRow(tx: Prisma.TransactionClient, table: LockableTable, id: number): Promise<void> {
  const locked = await tx.$queryRawUnsafe<{ id: number }[]>(`SELECT "id" FROM "${table}" WHERE "id" = $1::int FOR UPDATE`, id);
  if (locked.length === 0) throw new NotFoundError(table, id);
}
