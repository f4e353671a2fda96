import { decodeBase64 } from '@pothos/core';
import { ValidationError } from './errors.js';

/** A global ID as decoded by the relay plugin for a keyedNode type: the key is the number. */
export interface KeyedId {
  id: number;
  typename: string;
}

/**
 * The relay plugin's `parse` for every node whose key is an Int: the key as the database holds it.
 * The input guard (src/common/input-guard.ts) has already refused keys that are not a positive
 * int4, with the argument's path, so this only converts; a key that slips past is still refused.
 */
export function parseDbKey(key: string): number {
  const n = dbKey(key);
  if (n === null) throw ValidationError.field('', `"${key.slice(0, 60)}" is not a valid key: it must be a whole number from 1 to ${MAX_DB_KEY}`);
  return n;
}

/** The `id` option of a Prisma node keyed by its Int `id` column, with `parse` (see keyedNode). */
export const KEYED_ID = { field: 'id', parse: parseDbKey } as const;

/**
 * Marks a node ref (from `builder.prismaNode(..., { id: KEYED_ID })`) as parsed by parseDbKey, so
 * `t.arg.globalID({ for: Ref })` and `t.globalID({ for: [Ref, ...] })` hand resolvers and auth
 * scopes `{ typename, id: number }`, type-checked against the named types by the relay plugin.
 * The relay plugin reads `parseId` from the ref it is given in `for:`; Prisma node refs do not
 * carry it by themselves (the `parse` option only reaches the GraphQL type), hence this.
 */
export function keyedNode<Ref extends object>(ref: Ref): Ref & { parseId: (key: string) => number } {
  return Object.assign(ref, { parseId: parseDbKey });
}

/** The largest key an `Int` (int4) primary key holds. */
const MAX_DB_KEY = 2_147_483_647;

/** A database key as written inside a global ID or a cursor ("42"), or null when it is not one. */
export function dbKey(text: string): number | null {
  if (!/^[1-9]\d{0,9}$/.test(text)) return null;
  const n = Number(text);
  return n <= MAX_DB_KEY ? n : null;
}

/**
 * Why a string is not one of our global IDs (base64 of "Type:key", with Type one of `nodeTypes`
 * and key a positive int4), as a message quoting it, or null when it is one. The single rule for
 * the shape of an ID; the input guard (src/common/input-guard.ts) applies it to every ID argument.
 */
export function globalIdProblem(raw: string, nodeTypes: ReadonlySet<string>): string | null {
  const quoted = JSON.stringify(raw.slice(0, 60));
  let decoded: string;
  try {
    decoded = decodeBase64(raw);
  } catch {
    decoded = '';
  }
  const colon = decoded.indexOf(':');
  const typename = decoded.slice(0, colon);
  if (colon < 1 || !nodeTypes.has(typename)) return `Invalid global ID ${quoted}: not base64 of "Type:key" for a type of this API`;
  if (dbKey(decoded.slice(colon + 1)) === null) {
    return `${quoted} (${JSON.stringify(decoded.slice(0, 60))}) is not a valid ${typename} ID: its key must be a whole number from 1 to ${MAX_DB_KEY}`;
  }
  return null;
}

/** Whether a connection cursor is one this API hands out: base64 of "GPC:N:<key>" (src/builder.ts). */
export function isIdCursor(cursor: string): boolean {
  try {
    const decoded = decodeBase64(cursor);
    return decoded.startsWith('GPC:N:') && dbKey(decoded.slice(6)) !== null;
  } catch {
    return false;
  }
}

