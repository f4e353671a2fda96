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
 * are the model's createMany input. Tables are the models' names: the seeded models have no
 * `@@map` (a mapped one fails with "relation does not exist", not silently).
 */
import type { Prisma } from '../generated/prisma/client.js';
import { getDatamodel } from '../generated/pothos-prisma-types.js';

/** Rows per statement: keeps each JSON parameter to a few hundred kilobytes. */
const BATCH_SIZE = 2000;

type CreateManyInput<M extends Prisma.ModelName> = Exclude<
  Prisma.TypeMap['model'][M]['operations']['createMany']['args']['data'],
  readonly unknown[]
>;

const updatedAtColumns = new Map(
  Object.entries(getDatamodel().datamodel.models).map(([model, { fields }]) => [
    model,
    fields.filter((f) => f.isUpdatedAt).map((f) => f.name),
  ]),
);

const quote = (name: string) => {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a column or table name: ${name}`);
  return `"${name}"`;
};

/** Inserts the rows of `model` in batches (one statement per batch and set of columns); returns how many. */
export async function insertRows<M extends Prisma.ModelName>(
  tx: Prisma.TransactionClient,
  model: M,
  rows: readonly CreateManyInput<M>[],
): Promise<number> {
  const stamp = new Date();
  const stamped = updatedAtColumns.get(model);
  if (!stamped) throw new Error(`not a model: ${model}`);
  for (let i = 0; i < rows.length; i += BATCH_SIZE) {
    // Rows that give the same columns go in one statement, in their order within the batch.
    const groups = new Map<string, { columns: string[]; rows: Record<string, unknown>[] }>();
    for (const row of rows.slice(i, i + BATCH_SIZE) as Record<string, unknown>[]) {
      const values: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(row)) if (value !== undefined) values[key] = value;
      for (const column of stamped) values[column] ??= stamp;
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
