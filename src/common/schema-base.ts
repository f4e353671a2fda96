import { type EnumRef, PothosValidationError } from '@pothos/core';
import { GraphQLError, GraphQLScalarType } from 'graphql';
import { DateResolver, DateTimeResolver } from 'graphql-scalars';
import { builder } from '../builder.js';
import {
  ConflictError,
  DuplicateNameError,
  DuplicatePhoneError,
  type FieldError,
  NotFoundError,
  type StatusTransitionError,
  ValidationError,
} from './errors.js';

/**
 * A graphql-scalars date scalar that also refuses years outside 1000–9999: year 0 and beyond 9999
 * parse as a JavaScript Date, but PostgreSQL cannot take them (they crashed the query), and a
 * Shanghai day near year 1 starts in year 0 UTC. No date this city keeps is that far out.
 */
function withinYears(scalar: GraphQLScalarType<Date, unknown>): GraphQLScalarType<Date, unknown> {
  const inRange = (value: Date) => {
    const year = value.getUTCFullYear();
    if (year < 1000 || year > 9999) throw new GraphQLError(`${scalar.name} must be between the years 1000 and 9999.`, { extensions: { code: 'BAD_USER_INPUT' } });
    return value;
  };
  const config = scalar.toConfig();
  return new GraphQLScalarType<Date, unknown>({
    ...config,
    parseValue: (value) => inRange(config.parseValue!(value) as Date),
    parseLiteral: (ast, variables) => inRange(config.parseLiteral!(ast, variables) as Date),
  });
}

builder.addScalarType('DateTime', withinYears(DateTimeResolver), {
  // The GraphQL Scalars specification of RFC 3339 date-times, which this scalar follows.
  specifiedByURL: 'https://scalars.graphql.org/andimarek/date-time',
  description:
    'An instant in ISO 8601 with a time-zone offset, e.g. 2026-07-07T08:00:00+08:00. Returned in UTC (Z). The city keeps Asia/Shanghai time.',
});
builder.addScalarType('Date', withinYears(DateResolver), {
  specifiedByURL: 'https://scalars.graphql.org/andimarek/local-date',
  description: 'A calendar date in ISO 8601 (YYYY-MM-DD), meant in Asia/Shanghai.',
});

builder.queryType({ description: 'Everything a client can read.' });
builder.mutationType({
  description:
    'Everything a client can change. Each mutation takes one `input` and returns a union of its success payload and typed errors; query `... on Error { message }` for any failure.',
});

export const OrderDirection = builder.enumType('OrderDirection', {
  description: 'Sort direction.',
  values: {
    ASC: { description: 'Ascending: A→Z, oldest first, smallest first.' },
    DESC: { description: 'Descending: Z→A, newest first, largest first.' },
  } as const,
});

export const ErrorInterface = builder.interfaceRef<Error>('Error').implement({
  description: 'A failure a mutation reports as data. Every error type implements it.',
  fields: (t) => ({
    message: t.exposeString('message', { description: 'What went wrong, for people.' }),
  }),
});

const FieldErrorType = builder.objectRef<FieldError>('FieldError').implement({
  description: 'A problem with one input field.',
  fields: (t) => ({
    path: t.string({
      nullable: true,
      description: 'Dotted path of the field within the arguments, e.g. "input.phone"; null when the failure is not tied to one field.',
      resolve: (e) => e.path || null,
    }),
    message: t.exposeString('message', { description: 'What is wrong with it.' }),
  }),
});

// Registered on Pothos's base class so that argument-mapping failures (malformed global IDs,
// IDs of the wrong type, out-of-range `first`) are reported as ValidationError too.
builder.objectType(PothosValidationError, {
  name: 'ValidationError',
  description: 'The input breaks a rule of form or range; nothing was written.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    fields: t.field({
      type: [FieldErrorType],
      description: 'Each offending field with its own message.',
      // The errors plugin hands resolvers a proxy of the thrown error, so read fields, not instanceof.
      resolve: (error) =>
        (error as Partial<ValidationError>).fieldErrors ?? [{ path: '', message: error.message }],
    }),
  }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  description: 'An ID in the input names nothing that exists.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    typename: t.exposeString('typename', { description: 'The type of object that was looked for.' }),
    id: t.string({ description: 'The global ID that was not found.', resolve: (e) => e.globalId }),
  }),
});

builder.objectType(DuplicatePhoneError, {
  name: 'DuplicatePhoneError',
  description: 'Another volunteer is already registered with this phone number.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    phone: t.exposeString('phone', { description: 'The normalised (E.164) number in conflict.' }),
  }),
});

builder.objectType(DuplicateNameError, {
  name: 'DuplicateNameError',
  description: 'The name is already taken where it must be unique.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    name: t.exposeString('duplicateName', { description: 'The name in conflict.' }),
  }),
});

builder.objectType(ConflictError, {
  name: 'ConflictError',
  description: 'The request conflicts with the current state of the data.',
  interfaces: [ErrorInterface],
});

/**
 * The GraphQL type of one status machine's transition error: `from`, `to` and `allowed` are its
 * status enum. Returns the class for the mutation's `errors.types`.
 */
export function statusTransitionErrorType<S extends string>(
  ErrorClass: new (from: S, to: S, allowed: readonly S[]) => StatusTransitionError<S>,
  name: string,
  what: string,
  statusEnum: EnumRef<typeof builder.$inferSchemaTypes, S, S>,
) {
  builder.objectType(ErrorClass, {
    name,
    description: `${what} cannot move from its current status to the one requested; nothing was changed.`,
    interfaces: [ErrorInterface],
    fields: (t) => ({
      from: t.field({ type: statusEnum, description: 'The current status.', resolve: (e) => e.from as never }),
      to: t.field({ type: statusEnum, description: 'The status requested.', resolve: (e) => e.to as never }),
      allowed: t.field({ type: [statusEnum], description: 'The statuses reachable from `from` (empty when final).', resolve: (e) => [...e.allowed] as never }),
    }),
  });
  return ErrorClass;
}

/** The errors every mutation can return. */
export const COMMON_ERRORS = [PothosValidationError, NotFoundError] as const;
