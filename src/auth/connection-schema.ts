import { builder } from '../builder.js';
import { COMMON_ERRORS, ErrorInterface } from '../common/schema-base.js';
import { type RenewalProblem, RenewalRefused, renewConnection } from './connections.js';

const RenewalProblemEnum = builder.enumType('ConnectionRenewalProblem', {
  description: 'Why an in-band renewal was refused.',
  values: {
    NOT_A_WEBSOCKET: { description: 'Sent over HTTP or SSE: there is no connection to renew; send the new token with each request.' },
    ANONYMOUS_CONNECTION: { description: 'The connection was opened without a credential; open a new one with connectionParams.authorization.' },
    INVALID_TOKEN: { description: 'The new token is malformed, expired or revoked.' },
    DIFFERENT_IDENTITY: { description: 'The new token belongs to another account or board; open a new connection to switch.' },
  } satisfies Record<RenewalProblem, { description: string }>,
});

builder.objectType(RenewalRefused, {
  name: 'ConnectionRenewalError',
  description: 'The connection keeps its current credential (and still ends when that one expires).',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    problem: t.field({ type: RenewalProblemEnum, description: 'What is wrong.', resolve: (e) => e.problem }),
  }),
});

const RenewConnectionInput = builder.inputType('RenewConnectionInput', {
  description: 'The new credential for this connection.',
  fields: (t) => ({
    accessToken: t.string({
      required: true,
      description: 'A fresh access token of the same account (from `refreshToken`), with or without "Bearer ".',
    }),
  }),
});

const RenewConnectionPayload = builder.objectRef<{ expiresAt: Date | null }>('RenewConnectionPayload').implement({
  description: 'The connection now runs with the new token; its subscriptions go on.',
  fields: (t) => ({
    expiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the connection’s new credential expires: renew again before then. Null for a board credential.',
      resolve: (p) => p.expiresAt,
    }),
  }),
});

builder.mutationField('renewConnection', (t) =>
  t.field({
    description:
      'Renews the credential of the graphql-ws connection this mutation is sent on, in-band: send it on the same connection (e.g. `client.subscribe({ query: "mutation { renewConnection(…) … }" })`) before the current access token expires. Running subscriptions continue; without a renewal the connection closes with 4401 when the token expires.',
    type: RenewConnectionPayload,
    args: { input: t.arg({ type: RenewConnectionInput, required: true, description: 'The new token.' }) },
    errors: {
      types: [...COMMON_ERRORS, RenewalRefused],
      directResult: true,
      union: { name: 'RenewConnectionResult', description: 'The new expiry, or why the renewal was refused.' },
    },
    resolve: async (_root, { input }, ctx) => {
      const principal = await renewConnection(ctx, ctx.connection, input.accessToken);
      return { expiresAt: principal.viewer?.tokenExpiresAt ?? null };
    },
  }),
);
