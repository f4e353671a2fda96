import { decodeBase64 } from '@pothos/core';
import { ValidationError } from './errors.js';

/** A decoded global ID as Pothos's relay plugin hands it to resolvers (a number once the node's ref parses its key). */
export interface DecodedId {
  id: string | number;
  typename: string;
}

/**
 * The database key inside a decoded global ID. Our keys are positive integers; anything else
 * (e.g. a hand-made "Site:abc") is a ValidationError on the given input path. `expectedType`
 * checks the type where the argument cannot name it with `for:` (a ref defined later).
 */
export function dbId(value: DecodedId, path: string, expectedType?: string): number {
  if (expectedType && value.typename !== expectedType) {
    throw ValidationError.field(path, `expected a ${expectedType} ID, got a ${value.typename} ID`);
  }
  const n = dbKey(String(value.id));
  if (n === null) throw ValidationError.field(path, `"${value.typename}:${value.id}" is not a valid ${value.typename} ID.`);
  return n;
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

/** Like dbId, for optional inputs: undefined and null pass through unchanged. */
export function optionalDbId(
  value: DecodedId | null | undefined,
  path: string,
  expectedType?: string,
): number | null | undefined {
  return value == null ? value : dbId(value, path, expectedType);
}
