import SchemaBuilder from '@pothos/core';
import ComplexityPlugin, { type FieldComplexityValue } from '@pothos/plugin-complexity';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import SimpleObjectsPlugin from '@pothos/plugin-simple-objects';
import ValidationPlugin from '@pothos/plugin-validation';
import { type GraphQLField, getNamedType, getNullableType, isCompositeType, isListType } from 'graphql';
import { z } from 'zod';
import type { AuthScopes } from './auth/policy.js';
import { scopesFor } from './auth/policy.js';
import { forbidden } from './auth/errors.js';
import type { Context } from './context.js';
import { ValidationError } from './common/errors.js';
import { isIdCursor } from './common/ids.js';
import './common/input-guard.js';
import type PrismaTypes from './generated/pothos-prisma-types.js';
import { getDatamodel } from './generated/pothos-prisma-types.js';

/** The largest page any connection serves; asking for more is an error, not a silent clamp. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** Length assumed for a list of objects that takes no page size (e.g. Viewer.managedSites). */
export const DEFAULT_LIST_SIZE = 10;

/**
 * The cost of a field for @pothos/plugin-complexity (src/hardening.ts enforces the limit): an
 * object costs 1, a scalar nothing; what is selected below a field counts once per item it can
 * return: `first`/`last` for a paged field (DEFAULT_PAGE_SIZE when absent), the length of an ID
 * list (`nodes(ids:)`), DEFAULT_LIST_SIZE for another list of objects. A connection's `edges`
 * cost nothing more (relay.edgesFieldOptions below): the page size already counts them.
 */
function fieldCost(args: Record<string, unknown>, _ctx: Context, field: GraphQLField<unknown, Context, Record<string, unknown>>): FieldComplexityValue {
  const cost = isCompositeType(getNamedType(field.type)) ? 1 : 0;
  if (field.args.some((a) => a.name === 'first' || a.name === 'last')) {
    const sizes = [args.first, args.last].filter((n): n is number => typeof n === 'number');
    return { field: cost, multiplier: sizes.length ? Math.max(0, ...sizes) : DEFAULT_PAGE_SIZE };
  }
  if (!isListType(getNullableType(field.type))) return { field: cost, multiplier: 1 };
  const list = field.args.find((a) => isListType(getNullableType(a.type)) && Array.isArray(args[a.name]));
  return { field: cost, multiplier: list ? (args[list.name] as unknown[]).length : DEFAULT_LIST_SIZE };
}

/** `after`/`before`: a cursor this API handed out (every connection pages by id). */
const cursorArg = z.string().refine(isIdCursor, 'is not a cursor this API handed out (use a pageInfo.endCursor or an edge cursor)');

/** The single schema builder. Every domain module under src/ adds its types to it. */
export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  AuthScopes: AuthScopes;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    Date: { Input: Date; Output: Date };
  };
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: false;
}>({
  plugins: [
    // First: every String and ID argument is checked before anything else reads it.
    'inputGuard',
    ScopeAuthPlugin,
    ErrorsPlugin,
    PrismaPlugin,
    RelayPlugin,
    ValidationPlugin,
    DataloaderPlugin,
    SimpleObjectsPlugin,
    ComplexityPlugin,
  ],
  complexity: {
    fieldComplexity: fieldCost,
    // Enforced before any resolver runs, on every transport, by src/hardening.ts useCostLimit.
    disabled: true,
  },
  defaultFieldNullability: false,
  scopeAuth: {
    // The rules live in src/auth/policy.ts.
    authScopes: (ctx) => scopesFor(ctx),
    authorizeOnSubscribe: true,
    // A refused field is null (where nullable) with a FORBIDDEN error; the rest of the query stands.
    unauthorizedError: (_parent, context) =>
      context.viewer ? forbidden() : forbidden('Log in to see or do this (send Authorization: Bearer <access token>).'),
  },
  errors: {
    // Malformed or wrong-type IDs and rejected arguments become typed ValidationError results.
    unsafelyHandleInputErrors: true,
  },
  validation: {
    validationError: (failure) =>
      new ValidationError(
        failure.issues.map((issue) => ({
          path: (issue.path ?? [])
            .map((part) => String(typeof part === 'object' ? part.key : part))
            .join('.'),
          message: issue.message,
        })),
      ),
  },
  prisma: {
    dmmf: getDatamodel(),
    client: (ctx) => ctx.prisma,
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
    defaultConnectionSize: DEFAULT_PAGE_SIZE,
    maxConnectionSize: MAX_PAGE_SIZE,
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'warn',
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    idFieldOptions: { description: 'Globally unique, opaque identifier of this object.' },
    nodeTypeOptions: { description: 'An object with a globally unique ID, fetchable with `node(id:)`.' },
    // `node` and `nodes` are src/common/node.ts: null for an unknown ID, each ID of `nodes` on its own.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    pageInfoTypeOptions: { description: 'Where a page sits in a connection, for cursor pagination.' },
    hasNextPageFieldOptions: { description: 'Whether more items follow this page.' },
    hasPreviousPageFieldOptions: { description: 'Whether items precede this page.' },
    startCursorFieldOptions: { description: 'Cursor of the first item on this page.' },
    endCursorFieldOptions: { description: 'Cursor of the last item on this page; pass it as `after`.' },
    cursorFieldOptions: { description: 'Opaque cursor of this edge, for `after` and `before`.' },
    nodeFieldOptions: { description: 'The item at the end of this edge.' },
    edgesFieldOptions: { description: 'The items on this page, with their cursors.', complexity: { field: 0, multiplier: 1 } },
    pageInfoFieldOptions: { description: 'Pagination details of this page.' },
    firstArgOptions: {
      description: `Return the first n items (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}).`,
      validate: z
        .number()
        .int()
        .min(0, 'first must not be negative')
        .max(MAX_PAGE_SIZE, `first may be at most ${MAX_PAGE_SIZE}`),
    },
    lastArgOptions: {
      description: `Return the last n items (at most ${MAX_PAGE_SIZE}).`,
      validate: z
        .number()
        .int()
        .min(0, 'last must not be negative')
        .max(MAX_PAGE_SIZE, `last may be at most ${MAX_PAGE_SIZE}`),
    },
    afterArgOptions: { description: 'Return items after this cursor.', validate: cursorArg },
    beforeArgOptions: { description: 'Return items before this cursor.', validate: cursorArg },
  },
});
