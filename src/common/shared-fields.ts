/*
 * Fields read once for everyone who resolves them on the same shared object: a duty-board
 * snapshot that all of a site's subscribers receive (src/roster/board-hub.ts), or a roster event
 * that every subscription group executes (src/roster/event-schema.ts). The rows loaded are the same
 * whoever asks; what each subscriber may see of them is still decided field by field.
 */

const memo = new WeakMap<object, Map<string, Promise<unknown>>>();

/**
 * The value of a field of a shared object, loaded once: the same `key` (the field, its arguments
 * and the query Pothos built for the selection) on the same object loads once, for as long as the
 * object lives. A load that fails is forgotten, so the next reader tries again.
 */
export function sharedField<T>(shared: object, key: string, load: () => Promise<T>): Promise<T> {
  let fields = memo.get(shared);
  if (!fields) {
    fields = new Map();
    memo.set(shared, fields);
  }
  let value = fields.get(key) as Promise<T> | undefined;
  if (!value) {
    value = load();
    fields.set(key, value);
    value.catch(() => fields!.delete(key));
  }
  return value;
}
