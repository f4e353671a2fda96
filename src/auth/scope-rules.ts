import type { KeyedId } from '../common/ids.js';
import type { Viewer } from './viewer.js';

/*
 * The pieces the scopes of src/auth/policy.ts and src/auth/care-scopes.ts are built from.
 */

/** An ID as a scope receives it: a database id, or a global ID the relay plugin decoded (and parsed, see keyedNode). */
export type IdParam = number | KeyedId;

/** A database id from an ID of the expected type, or null when it is not one. */
export function idOf(value: IdParam, typename: string): number | null {
  if (typeof value === 'number') return value;
  return value.typename === typename ? value.id : null;
}

export const leads = (viewer: Viewer, teamId: number) => viewer.ledTeamIds.includes(teamId);

/** Runs a check for an id of a type (admins pass, unknown ids fail): how scopes are written. */
export type Rule = (typename: string, check: (viewer: Viewer, id: number) => Promise<boolean>) => (value: IdParam) => Promise<boolean>;
