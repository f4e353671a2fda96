/**
 * Bulk inserts for the demo seed: the rows of one model as a single JSON parameter, expanded by
 * PostgreSQL (`json_populate_recordset`) into one `INSERT … SELECT` per batch.
 *
 * The seed used Prisma's createMany, which is correct but spends its time in Node: Prisma 7 plans
 * each call from the whole data and binds every value as its own parameter, about 0.3 s per
 * 1,000 rows here, so the 2,000-volunteer demo took 13 s to seed (and every `npm start` on a
 * fresh database, every scratch database of the bench, waited for it). One JSON parameter is
 * parsed by PostgreSQL (and PGlite) in milliseconds.
 *
 * It keeps createMany's meaning: a column a row leaves out (or sets to undefined) takes its
 * default — rows are grouped by the columns they give, and only those are listed — and an
 * `@updatedAt` column left out is set to the time of the call, as Prisma does. The rows' types
 * are the model's createMany input, and a key that is not one of its columns is refused. Tables
 * are the models' names: the seeded models have no `@@map` (a mapped one fails with "relation
 * does not exist", not silently).
 */
import type { Prisma } from '../generated/prisma/client.js';
import { quoteIdentifier as quote } from '../db/sql.js';
import { getDatamodel } from '../generated/pothos-prisma-types.js';

/** Rows per statement: keeps each JSON parameter to a few hundred kilobytes. */
const BATCH_SIZE = 2000;

type CreateManyInput<M extends Prisma.ModelName> = Exclude<
  Prisma.TypeMap['model'][M]['operations']['createMany']['args']['data'],
  readonly unknown[]
>;

/** Each model's columns and its `@updatedAt` ones, read from the datamodel on the first insert (not at start-up). */
let columnsByModel: Map<string, { columns: Set<string>; updatedAt: string[] }> | undefined;
function columnsOf(model: string) {
  columnsByModel ??= new Map(
    Object.entries(getDatamodel().datamodel.models).map(([name, { fields }]) => {
      const scalars = fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum');
      return [name, { columns: new Set(scalars.map((f) => f.name)), updatedAt: scalars.filter((f) => f.isUpdatedAt).map((f) => f.name) }];
    }),
  );
  const found = columnsByModel.get(model);
  if (!found) throw new Error(`not a model: ${model}`);
  return found;
}

/** Inserts the rows of `model` in batches (one statement per batch and set of columns); returns how many. */
export async function insertRows<M extends Prisma.ModelName>(
  tx: Prisma.TransactionClient,
  model: M,
  rows: readonly CreateManyInput<M>[],
): Promise<number> {
  const stamp = new Date();
  const { columns: known, updatedAt } = columnsOf(model);
  for (let i = 0; i < rows.length; i += BATCH_SIZE) {
    // Rows that give the same columns go in one statement, in their order within the batch.
    const groups = new Map<string, { columns: string[]; rows: Record<string, unknown>[] }>();
    for (const row of rows.slice(i, i + BATCH_SIZE) as Record<string, unknown>[]) {
      const values: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(row)) {
        if (!known.has(key)) throw new Error(`${model} has no column ${key}`);
        if (value !== undefined) values[key] = value;
      }
      for (const column of updatedAt) values[column] ??= stamp;
      const columns = Object.keys(values).sort();
      const key = columns.join(',');
      const group = groups.get(key) ?? groups.set(key, { columns, rows: [] }).get(key)!;
      group.rows.push(values);
    }
    for (const { columns, rows: batch } of groups.values()) {
      const list = columns.map(quote).join(', ');
      await tx.$executeRawUnsafe(
        `INSERT INTO ${quote(model)} (${list}) SELECT ${list} FROM json_populate_recordset(NULL::${quote(model)}, $1::json)`,
        JSON.stringify(batch),
      );
    }
  }
  return rows.length;
}
