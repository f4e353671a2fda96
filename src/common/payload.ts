import type { ObjectRef } from '@pothos/core';
import { builder } from '../builder.js';

type AnyRef<T> = ObjectRef<any, T> | { $inferType: T };

/**
 * A mutation's success payload: an object with one field holding what the mutation produced,
 * e.g. `RegisterVolunteerPayload { volunteer: Volunteer! }`.
 */
export function payloadType<K extends string, T>(
  name: string,
  description: string,
  key: K,
  type: AnyRef<T>,
  fieldDescription: string,
) {
  return builder.objectRef<Record<K, T>>(name).implement({
    description,
    fields: (t) => ({
      [key]: t.field({
        type: type as ObjectRef<any, T>,
        description: fieldDescription,
        resolve: (payload: Record<K, T>) => payload[key] as never,
      }),
    }),
  });
}
