import { readFileSync } from 'node:fs';
import type { PothosPrismaDatamodel } from '@pothos/plugin-prisma';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../src/db/index.js';
import { migrate } from '../src/db/migrate.js';
import { getDatamodel } from '../src/generated/pothos-prisma-types.js';
import { createScratchDatabase, type ScratchDatabase } from './support/postgres.js';

/**
 * Proves that applying prisma/migrations yields exactly the database prisma/schema.prisma
 * describes: tables, columns (type, nullability, defaults), enums, primary keys, unique
 * constraints, indexes and foreign keys (with Prisma's default referential actions).
 */

type Model = PothosPrismaDatamodel['datamodel']['models'][string];
type Field = Model['fields'][number];

const datamodel = getDatamodel().datamodel;
const models = Object.entries(datamodel.models).map(([name, model]) => ({ name, ...model }));

// ---------------------------------------------------------------------------------------------
// What the generated datamodel leaves out (@db attributes, @map, references, @@index, enums) is
// read from the schema text.

interface SchemaFieldText {
  native?: { type: string; args?: string };
  map?: string;
  references?: string[];
  onDelete?: string;
  onUpdate?: string;
}
interface SchemaModelText {
  table: string;
  fields: Map<string, SchemaFieldText>;
  indexes: string[][];
}

const schemaText = readFileSync(new URL('../prisma/schema.prisma', import.meta.url), 'utf8');

function parseList(list: string): string[] {
  return list
    .split(',')
    .map((s) => s.trim().replace(/\(.*\)$/, '')) // drop per-column options such as sort: Desc
    .filter(Boolean);
}

function parseSchemaText(text: string) {
  const lines = text.split('\n').map((line) => line.replace(/^\s*\/\/.*$/, ''));
  const body = lines.join('\n');
  const modelsText = new Map<string, SchemaModelText>();
  const enums = new Map<string, { type: string; values: string[] }>();
  for (const block of body.matchAll(/^(model|enum)\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    const [, keyword, name, inner] = block as unknown as [string, string, string, string];
    const blockLines = inner.split('\n').map((l) => l.trim()).filter(Boolean);
    if (keyword === 'enum') {
      const mapped = inner.match(/@@map\("([^"]+)"\)/)?.[1];
      enums.set(name, {
        type: mapped ?? name,
        values: blockLines.filter((l) => !l.startsWith('@@')).map((l) => l.split(/\s+/)[0]!),
      });
      continue;
    }
    const fields = new Map<string, SchemaFieldText>();
    const indexes: string[][] = [];
    let table = name;
    for (const line of blockLines) {
      if (line.startsWith('@@')) {
        const map = line.match(/^@@map\("([^"]+)"\)/);
        if (map) table = map[1]!;
        const index = line.match(/^@@index\(\s*(?:fields:\s*)?\[([^\]]*)\]/);
        if (index) indexes.push(parseList(index[1]!));
        continue;
      }
      const field = line.match(/^(\w+)\s+\S+\s*(.*)$/);
      if (!field) continue;
      const attrs = field[2]!;
      const native = attrs.match(/@db\.(\w+)(?:\(([^)]*)\))?/);
      fields.set(field[1]!, {
        native: native ? { type: native[1]!, args: native[2] } : undefined,
        map: attrs.match(/@map\("([^"]+)"\)/)?.[1],
        references: attrs.match(/references:\s*\[([^\]]*)\]/)?.[1]?.split(',').map((s) => s.trim()),
        onDelete: attrs.match(/onDelete:\s*(\w+)/)?.[1],
        onUpdate: attrs.match(/onUpdate:\s*(\w+)/)?.[1],
      });
    }
    modelsText.set(name, { table, fields, indexes });
  }
  return { models: modelsText, enums };
}

const parsed = parseSchemaText(schemaText);

function modelText(model: string): SchemaModelText {
  const m = parsed.models.get(model);
  if (!m) throw new Error(`model ${model} not found in prisma/schema.prisma`);
  return m;
}
const tableOf = (model: string) => modelText(model).table;
const columnOf = (model: string, field: string) => modelText(model).fields.get(field)?.map ?? field;
const modelByName = (name: string) => models.find((m) => m.name === name)!;

/** The PostgreSQL type Prisma creates for a scalar or enum field (information_schema terms). */
function expectedColumnType(model: string, field: Field): { udt: string; precision?: number } {
  if (field.kind === 'enum') return { udt: parsed.enums.get(field.type)?.type ?? field.type };
  const native = modelText(model).fields.get(field.name)?.native;
  const precision = (fallback: number) => (native?.args ? Number(native.args) : fallback);
  if (native) {
    const byNative: Record<string, { udt: string; precision?: number }> = {
      Date: { udt: 'date' },
      Timestamptz: { udt: 'timestamptz', precision: precision(6) },
      Timestamp: { udt: 'timestamp', precision: precision(6) },
      Text: { udt: 'text' },
      Uuid: { udt: 'uuid' },
      Integer: { udt: 'int4' },
      SmallInt: { udt: 'int2' },
      BigInt: { udt: 'int8' },
      DoublePrecision: { udt: 'float8' },
      Real: { udt: 'float4' },
      Boolean: { udt: 'bool' },
      JsonB: { udt: 'jsonb' },
      Json: { udt: 'json' },
    };
    const t = byNative[native.type];
    if (!t) throw new Error(`test does not know @db.${native.type} (${model}.${field.name}); extend the mapping`);
    return t;
  }
  const byPrisma: Record<string, { udt: string; precision?: number }> = {
    String: { udt: 'text' },
    Int: { udt: 'int4' },
    BigInt: { udt: 'int8' },
    Float: { udt: 'float8' },
    Decimal: { udt: 'numeric' },
    Boolean: { udt: 'bool' },
    DateTime: { udt: 'timestamp', precision: 3 },
    Json: { udt: 'jsonb' },
    Bytes: { udt: 'bytea' },
  };
  const t = byPrisma[field.type];
  if (!t) throw new Error(`test does not know Prisma type ${field.type} (${model}.${field.name}); extend the mapping`);
  return t;
}

/** Prisma's referential-action defaults: optional relations SET NULL on delete, required RESTRICT. */
const ACTION_CODES: Record<string, string> = {
  NoAction: 'a',
  Restrict: 'r',
  Cascade: 'c',
  SetNull: 'n',
  SetDefault: 'd',
};

// ---------------------------------------------------------------------------------------------
// What the database has.

interface ColumnRow {
  table_name: string;
  column_name: string;
  data_type: string;
  udt_name: string;
  is_nullable: 'YES' | 'NO';
  column_default: string | null;
  datetime_precision: number | null;
}
interface IndexRow {
  table: string;
  index: string;
  unique: boolean;
  primary: boolean;
  columns: string[];
  partial: boolean;
}
interface ForeignKeyRow {
  table: string;
  name: string;
  ref_table: string;
  columns: string[];
  ref_columns: string[];
  on_delete: string;
  on_update: string;
}
interface EnumRow {
  type: string;
  values: string[];
}

async function inspect(db: Database) {
  return db.sql.withSession(async (s) => ({
    tables: (
      await s.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
      )
    ).map((r) => r.table_name),
    columns: await s.query<ColumnRow>(
      `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default, datetime_precision
         FROM information_schema.columns WHERE table_schema = 'public'`,
    ),
    indexes: await s.query<IndexRow>(
      `SELECT t.relname::text AS "table", i.relname::text AS "index", ix.indisunique AS "unique",
              ix.indisprimary AS "primary", ix.indpred IS NOT NULL AS partial,
              array(SELECT a.attname::text
                      FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                     ORDER BY k.ord) AS columns
         FROM pg_index ix
         JOIN pg_class t ON t.oid = ix.indrelid
         JOIN pg_class i ON i.oid = ix.indexrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = 'public'`,
    ),
    foreignKeys: await s.query<ForeignKeyRow>(
      `SELECT src.relname::text AS "table", c.conname::text AS name, dst.relname::text AS ref_table,
              array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
              array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS ref_columns,
              c.confdeltype::text AS on_delete, c.confupdtype::text AS on_update
         FROM pg_constraint c
         JOIN pg_class src ON src.oid = c.conrelid
         JOIN pg_class dst ON dst.oid = c.confrelid
         JOIN pg_namespace n ON n.oid = src.relnamespace
        WHERE c.contype = 'f' AND n.nspname = 'public'`,
    ),
    enums: await s.query<EnumRow>(
      `SELECT t.typname::text AS type, array(SELECT e.enumlabel::text FROM pg_enum e
                                               WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS "values"
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE t.typtype = 'e' AND n.nspname = 'public'`,
    ),
  }));
}

// ---------------------------------------------------------------------------------------------

type Kind = 'postgres' | 'pglite';

describe.each<Kind>(['postgres', 'pglite'])('migrations on %s match prisma/schema.prisma', (kind) => {
  let scratch: ScratchDatabase | undefined;
  let db: Database;
  let actual: Awaited<ReturnType<typeof inspect>>;

  beforeAll(async () => {
    if (kind === 'postgres') scratch = await createScratchDatabase('schema');
    db = await openDatabase({ databaseUrl: scratch?.url, dataDir: 'memory' });
    await migrate(db.sql);
    actual = await inspect(db);
  });
  afterAll(async () => {
    await db?.close();
    await scratch?.drop();
  });

  const columnsOf = (table: string) => actual.columns.filter((c) => c.table_name === table);
  const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

  it('has exactly one table per model, plus _prisma_migrations', () => {
    expect(models.length).toBeGreaterThan(0);
    expect([...actual.tables].sort()).toEqual([...models.map((m) => tableOf(m.name)), '_prisma_migrations'].sort());
  });

  it('has the enums of the schema, with the same values in the same order', () => {
    const expected = [...parsed.enums.values()].map((e) => ({ type: e.type, values: e.values }));
    const byType = (a: EnumRow, b: EnumRow) => a.type.localeCompare(b.type);
    expect([...actual.enums].sort(byType)).toEqual(expected.sort(byType));
  });

  it.each(models.map((m) => [m.name]))('%s: every scalar and enum field has a matching column, and no others', (name) => {
    const model = modelByName(name);
    const table = tableOf(name);
    const columns = columnsOf(table);
    const problems: string[] = [];
    const fields = model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum');
    for (const field of fields) {
      const columnName = columnOf(name, field.name);
      const column = columns.find((c) => c.column_name === columnName);
      const where = `${table}.${columnName}`;
      if (!column) {
        problems.push(`${where}: column missing`);
        continue;
      }
      const type = expectedColumnType(name, field);
      if (field.isList) {
        if (column.data_type !== 'ARRAY' || column.udt_name !== `_${type.udt}`) {
          problems.push(`${where}: expected ARRAY of ${type.udt}, found ${column.data_type} (${column.udt_name})`);
        }
      } else {
        if (column.udt_name !== type.udt) problems.push(`${where}: expected ${type.udt}, found ${column.udt_name}`);
        if (field.kind === 'enum' && column.data_type !== 'USER-DEFINED') {
          problems.push(`${where}: expected an enum (USER-DEFINED), found ${column.data_type}`);
        }
        if (type.precision !== undefined && Number(column.datetime_precision) !== type.precision) {
          problems.push(`${where}: expected precision ${type.precision}, found ${column.datetime_precision}`);
        }
        // Prisma creates scalar-list columns nullable whatever the schema says, so only
        // non-list fields are checked for nullability.
        const nullable = column.is_nullable === 'YES';
        if (nullable === field.isRequired) {
          problems.push(`${where}: expected ${field.isRequired ? 'NOT NULL' : 'nullable'}, found ${nullable ? 'nullable' : 'NOT NULL'}`);
        }
      }
      // @default(...) lives in the database; @updatedAt is set by Prisma Client, not by a default.
      const hasDefault = column.column_default !== null;
      if (Boolean(field.hasDefaultValue) !== hasDefault) {
        problems.push(`${where}: expected ${field.hasDefaultValue ? 'a' : 'no'} default, found ${column.column_default ?? 'none'}`);
      }
    }
    const known = new Set(fields.map((f) => columnOf(name, f.name)));
    for (const column of columns) {
      if (!known.has(column.column_name)) problems.push(`${table}.${column.column_name}: column not in the Prisma model`);
    }
    expect(problems).toEqual([]);
  });

  it.each(models.map((m) => [m.name]))('%s: primary key and unique constraints match @id, @unique and @@unique', (name) => {
    const model = modelByName(name);
    const table = tableOf(name);
    const indexes = actual.indexes.filter((i) => i.table === table);
    const problems: string[] = [];

    const idFields = model.primaryKey?.fields ?? model.fields.filter((f) => f.isId).map((f) => f.name);
    const pk = indexes.find((i) => i.primary);
    const pkColumns = idFields.map((f) => columnOf(name, f));
    if (!pk || !sameList(pk.columns, pkColumns)) {
      problems.push(`${table}: expected primary key (${pkColumns}), found ${pk ? `(${pk.columns})` : 'none'}`);
    }

    const expectedUnique = [
      ...model.fields.filter((f) => f.isUnique).map((f) => [columnOf(name, f.name)]),
      ...model.uniqueIndexes.map((u) => u.fields.map((f) => columnOf(name, f))),
    ];
    const actualUnique = indexes.filter((i) => i.unique && !i.primary && !i.partial);
    for (const columns of expectedUnique) {
      if (!actualUnique.some((i) => sameList(i.columns, columns))) problems.push(`${table}: missing unique index on (${columns})`);
    }
    for (const index of actualUnique) {
      if (!expectedUnique.some((columns) => sameList(index.columns, columns))) {
        problems.push(`${table}: unique index ${index.index} on (${index.columns}) is not in the Prisma schema`);
      }
    }
    for (const index of indexes.filter((i) => i.partial)) problems.push(`${table}: unexpected partial index ${index.index}`);
    expect(problems).toEqual([]);
  });

  it.each(models.map((m) => [m.name]))('%s: every @@index has an index on exactly those columns', (name) => {
    const table = tableOf(name);
    const indexes = actual.indexes.filter((i) => i.table === table && !i.primary);
    const expected = modelText(name).indexes.map((cols) => cols.map((f) => columnOf(name, f)));
    const problems: string[] = [];
    for (const columns of expected) {
      if (!indexes.some((i) => !i.unique && sameList(i.columns, columns))) problems.push(`${table}: missing index on (${columns})`);
    }
    const model = modelByName(name);
    const uniqueLists = [
      ...model.fields.filter((f) => f.isUnique).map((f) => [columnOf(name, f.name)]),
      ...model.uniqueIndexes.map((u) => u.fields.map((f) => columnOf(name, f))),
    ];
    for (const index of indexes.filter((i) => !i.unique)) {
      if (!expected.some((columns) => sameList(index.columns, columns)) && !uniqueLists.some((c) => sameList(index.columns, c))) {
        problems.push(`${table}: index ${index.index} on (${index.columns}) is not in the Prisma schema`);
      }
    }
    expect(problems).toEqual([]);
  });

  it.each(models.map((m) => [m.name]))('%s: every relation has a foreign key on its fields to the right table', (name) => {
    const model = modelByName(name);
    const table = tableOf(name);
    const foreignKeys = actual.foreignKeys.filter((fk) => fk.table === table);
    const problems: string[] = [];
    const relations = model.fields.filter((f) => f.kind === 'object' && (f.relationFromFields?.length ?? 0) > 0);
    for (const relation of relations) {
      const columns = relation.relationFromFields!.map((f) => columnOf(name, f));
      const text = modelText(name).fields.get(relation.name);
      const target = modelByName(relation.type);
      const refFields = text?.references ?? target.fields.filter((f) => f.isId).map((f) => f.name);
      const refColumns = refFields.map((f) => columnOf(relation.type, f));
      const refTable = tableOf(relation.type);
      const fk = foreignKeys.find((k) => sameList(k.columns, columns));
      const where = `${table}.${relation.name} (${columns})`;
      if (!fk) {
        problems.push(`${where}: no foreign key`);
        continue;
      }
      if (fk.ref_table !== refTable || !sameList(fk.ref_columns, refColumns)) {
        problems.push(`${where}: references ${fk.ref_table}(${fk.ref_columns}), expected ${refTable}(${refColumns})`);
      }
      const required = relation.relationFromFields!.every((f) => model.fields.find((x) => x.name === f)?.isRequired);
      const onDelete = text?.onDelete ?? (required ? 'Restrict' : 'SetNull');
      const onUpdate = text?.onUpdate ?? 'Cascade';
      if (fk.on_delete !== ACTION_CODES[onDelete]) problems.push(`${where}: ON DELETE is '${fk.on_delete}', expected ${onDelete}`);
      if (fk.on_update !== ACTION_CODES[onUpdate]) problems.push(`${where}: ON UPDATE is '${fk.on_update}', expected ${onUpdate}`);
    }
    for (const fk of foreignKeys) {
      const declared = relations.some((r) => sameList(fk.columns, r.relationFromFields!.map((f) => columnOf(name, f))));
      if (!declared) problems.push(`${table}: foreign key ${fk.name} on (${fk.columns}) is not a Prisma relation`);
    }
    expect(problems).toEqual([]);
  });
});
