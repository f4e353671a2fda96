import { ValidationError } from '../common/errors.js';
import { dbKey } from '../common/ids.js';

/**
 * Gives a node ref the relay plugin's ID parsing: `t.arg.globalID({ for: Ref })` and
 * `t.globalID({ for: Ref })` then hand resolvers `{ typename, id: number }`, with the type
 * already checked by the plugin (a wrong type is refused before the resolver). The key's shape
 * is the one rule of src/common/ids.ts, which the input guard has applied before this runs.
 * (`prismaNode` has no `parse` option of its own, hence this.)
 */
export function withNumericIds<R extends object>(ref: R, typename: string): R & { parseId: (id: string) => number } {
  const parseId = (id: string): number => {
    const key = dbKey(String(id));
    if (key === null) throw ValidationError.field('id', `"${typename}:${id}" is not a valid ${typename} ID.`);
    return key;
  };
  return Object.assign(ref, { parseId });
}
