import { ValidationError } from './errors.js';

/** A decoded global ID as Pothos's relay plugin hands it to resolvers. */
export interface DecodedId {
  id: string;
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
  const n = Number(value.id);
  if (!/^\d{1,10}$/.test(value.id) || !Number.isSafeInteger(n) || n < 1 || n > 2147483647) {
    throw ValidationError.field(path, `"${value.typename}:${value.id}" is not a valid ${value.typename} ID.`);
  }
  return n;
}

/** Like dbId, for optional inputs: undefined and null pass through unchanged. */
export function optionalDbId(
  value: DecodedId | null | undefined,
  path: string,
  expectedType?: string,
): number | null | undefined {
  return value == null ? value : dbId(value, path, expectedType);
}
