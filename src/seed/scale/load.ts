/**
 * Bulk loading: the seeded tables lose their indexes and constraints while they are filled and
 * get them back afterwards, exactly as the migrations made them. Building an index over a full
 * table is one sort, far cheaper than inserting every row into it (even a primary key's, in id
 * order); a foreign key added to a full table is checked by one join (as VALIDATE CONSTRAINT
 * does), not by a trigger per row. The foreign keys of other tables that reference the seeded ones
 * go too, as a primary key cannot be dropped under them (those tables are empty: cheap to check).
 */
import type { SqlSession } from '../../db/index.js';
import { quoteIdentifier as quote } from '../../db/sql.js';

export interface DroppedForLoad {
  /** What recreates the primary keys, then the other indexes, then the foreign keys, in order. */
  restore: { primaryKeys: string[]; indexes: string[]; foreignKeys: string[] };
  /** schemaFingerprint before anything was dropped. */
  fingerprint: string[];
}

/** Drops the indexes and constraints of `tables` and the foreign keys referencing them; returns what recreates them. */
export async function dropForLoad(session: SqlSession, tables: readonly string[]): Promise<DroppedForLoad> {
  const fingerprint = await schemaFingerprint(session);
  const constraints = await session.query<{ table: string; name: string; kind: string; definition: string }>(
    `SELECT c.conrelid::regclass::text AS table, c.conname AS name, c.contype AS kind, pg_get_constraintdef(c.oid) AS definition
       FROM pg_constraint AS c
       JOIN pg_class AS t ON t.oid = c.conrelid
       LEFT JOIN pg_class AS r ON r.oid = c.confrelid
      WHERE t.relnamespace = current_schema()::regnamespace
        AND ((c.contype IN ('p', 'f') AND t.relname = ANY($1::text[])) OR (c.contype = 'f' AND r.relname = ANY($1::text[])))
      ORDER BY c.conrelid::regclass::text, c.conname`,
    [tables],
  );
  // Check constraints stay: each looks at one row, as it is written.
  const unexpected = await session.query<{ name: string }>(
    `SELECT c.conname AS name FROM pg_constraint AS c JOIN pg_class AS t ON t.oid = c.conrelid
      WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY($1::text[]) AND c.contype NOT IN ('p', 'f', 'c')`,
    [tables],
  );
  if (unexpected.length) throw new Error(`city-scale seed: unexpected constraints ${unexpected.map((c) => c.name).join(', ')}`);
  const indexes = await session.query<{ name: string; definition: string }>(
    `SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes AS i
      WHERE i.schemaname = current_schema() AND i.tablename = ANY($1::text[])
        AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)
      ORDER BY i.tablename, i.indexname`,
    [tables],
  );
  const foreignKeys = constraints.filter((c) => c.kind === 'f');
  const primaryKeys = constraints.filter((c) => c.kind === 'p');
  for (const c of [...foreignKeys, ...primaryKeys]) await session.exec(`ALTER TABLE ${c.table} DROP CONSTRAINT ${quote(c.name)}`);
  for (const index of indexes) await session.exec(`DROP INDEX ${quote(index.name)}`);
  const add = (c: { table: string; name: string; definition: string }) => `ALTER TABLE ${c.table} ADD CONSTRAINT ${quote(c.name)} ${c.definition}`;
  return {
    restore: { primaryKeys: primaryKeys.map(add), indexes: indexes.map((i) => i.definition), foreignKeys: foreignKeys.map(add) },
    fingerprint,
  };
}

/** Recreates what dropForLoad dropped and checks that the schema is again exactly what it was. */
export async function restoreAfterLoad(session: SqlSession, dropped: DroppedForLoad, lap?: (what: string) => void): Promise<void> {
  for (const statement of [...dropped.restore.primaryKeys, ...dropped.restore.indexes]) await session.exec(statement);
  lap?.('indexes');
  for (const statement of dropped.restore.foreignKeys) await session.exec(statement);
  lap?.('foreign keys');
  const now = await schemaFingerprint(session);
  if (now.join('\n') !== dropped.fingerprint.join('\n')) {
    const lost = dropped.fingerprint.filter((line) => !now.includes(line));
    const gained = now.filter((line) => !dropped.fingerprint.includes(line));
    throw new Error(`city-scale seed: the schema changed while loading (lost: ${lost.join('; ')}; gained: ${gained.join('; ')})`);
  }
}

/**
 * The schema objects a bulk load could disturb, one sorted line each: every index (its
 * definition), constraint (kind, definition, validated, deferrable), trigger (function, kind,
 * enabled, constraint — not its generated name) and table persistence in the current schema.
 */
export async function schemaFingerprint(session: SqlSession): Promise<string[]> {
  const rows = await session.query<{ line: string }>(
    `SELECT format('index %s: %s', indexname, indexdef) AS line FROM pg_indexes WHERE schemaname = current_schema()
     UNION ALL
     SELECT format('constraint %s.%s: %s %s valid=%s deferrable=%s/%s', conrelid::regclass, conname, contype,
                   pg_get_constraintdef(c.oid), convalidated, condeferrable, condeferred)
       FROM pg_constraint AS c WHERE connamespace = current_schema()::regnamespace
     UNION ALL
     SELECT format('trigger on %s: %s type=%s enabled=%s constraint=%s', tgrelid::regclass, tgfoid::regproc, tgtype, tgenabled,
                   (SELECT conname FROM pg_constraint WHERE oid = tg.tgconstraint))
       FROM pg_trigger AS tg JOIN pg_class AS t ON t.oid = tg.tgrelid WHERE t.relnamespace = current_schema()::regnamespace
     UNION ALL
     SELECT format('table %s: persistence=%s kind=%s', relname, relpersistence, relkind)
       FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'p')
     ORDER BY 1`,
  );
  return rows.map((r) => r.line);
}
