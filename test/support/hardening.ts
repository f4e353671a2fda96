/**
 * What the hardening tests (test/hardening.test.ts, test/hardening-modes.test.ts) share: raw HTTP
 * and WebSocket requests, servers started with other options, the checks of a limit's refusal, and
 * the real operations of the tests, examples and GraphiQL with sample variables.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type DocumentNode,
  type GraphQLInputType,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  parse,
  separateOperations,
} from 'graphql';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { expect } from 'vitest';
import { MAX_PAGE_SIZE } from '../../src/builder.js';
import type { Database } from '../../src/db/index.js';
import { GRAPHIQL_EXAMPLES } from '../../src/graphiql.js';
import { LIMIT_ERROR_CODE } from '../../src/hardening.js';
import { createLogger } from '../../src/logger.js';
import { type ServerOptions, startServer } from '../../src/server.js';
import { type RawReply, rawPost } from './client.js';
import { openMigratedPglite } from './databases.js';

export type Reply = RawReply;

export const ANONYMOUS = {};

/** A raw HTTP POST (JSON unless the body is already a string or bytes); anonymous unless headers say otherwise. */
export const post = (url: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> =>
  rawPost(url, typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body), headers);

export const query = (url: string, source: string, variables?: Record<string, unknown>, headers?: Record<string, string>) =>
  post(url, { query: source, variables }, headers);

/** One operation over graphql-ws; resolves with its (first) result or its errors. */
export async function overWebSocket(wsUrl: string, payload: { query: string; variables?: Record<string, unknown>; extensions?: Record<string, unknown> }) {
  const client = createWsClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
  try {
    return await new Promise<{ data?: any; errors?: readonly { message: string; extensions?: Record<string, unknown> }[] }>((resolve, reject) => {
      client.subscribe(payload, {
        next: (result) => resolve(result as never),
        error: (error) => (Array.isArray(error) ? resolve({ errors: error }) : reject(error)),
        complete: () => resolve({}),
      });
    });
  } finally {
    await client.dispose();
  }
}

export interface Variant {
  url: string;
  wsUrl: string;
  db: Database;
  close(): Promise<void>;
}

/** A server on a fresh in-memory PGlite with the given options (env 'test' unless set). */
export async function startVariant(options: Partial<Omit<ServerOptions, 'db' | 'logger'>>): Promise<Variant> {
  const db = await openMigratedPglite();
  const server = await startServer(
    { db, logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'), env: 'test', ...options },
    { port: 0, host: '127.0.0.1' },
  );
  return {
    url: server.url,
    wsUrl: server.wsUrl,
    db,
    async close() {
      await server.close();
      await db.close();
    },
  };
}

export const nested = (depth: number) => {
  // sites → edges → node → parent × (depth - 3) → name
  let selection = 'name';
  for (let i = 0; i < depth - 4; i++) selection = `parent { ${selection} }`;
  return `{ sites(first: 1) { edges { node { ${selection} } } } }`;
};

export const limitError = (reply: Reply) => {
  expect(reply.status, reply.text).toBe(400);
  expect(reply.body.data ?? undefined).toBeUndefined();
  expect(reply.body.errors).toHaveLength(1);
  expect(reply.body.errors[0].extensions?.code).toBe(LIMIT_ERROR_CODE);
  return reply.body.errors[0].message as string;
};

// ---------------------------------------------------------------------------------------------
// Every real operation fits the default limits
// ---------------------------------------------------------------------------------------------

/** Every operation our clients send: test/operations, examples, GraphiQL's examples and introspection. */
export function realOperations(): { name: string; document: DocumentNode }[] {
  const files = [
    ...readdirSync('test/operations').map((f) => join('test/operations', f)),
    ...readdirSync('examples').map((f) => join('examples', f)),
  ].filter((f) => f.endsWith('.graphql'));
  // Fragments may be shared across files, as codegen allows; each operation goes with the ones it uses.
  const all = parse(files.map((f) => readFileSync(f, 'utf8')).join('\n'));
  const operations = Object.entries(separateOperations(all)).map(([name, document]) => ({ name, document }));
  operations.push({ name: 'GraphiQL examples', document: parse(GRAPHIQL_EXAMPLES) });
  operations.push({
    name: 'GraphiQL introspection',
    document: parse(
      getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true, oneOf: true }),
    ),
  });
  return operations;
}

/** A value of the right shape for a variable; page sizes at their maximum, for the dearest case. */
export function sampleValue(type: GraphQLInputType, name: string): unknown {
  if (isNonNullType(type)) return sampleValue(type.ofType, name);
  if (isListType(type)) return [sampleValue(type.ofType, name)];
  if (isInputObjectType(type)) {
    return Object.fromEntries(
      Object.values(type.getFields())
        .filter((f) => isNonNullType(f.type))
        .map((f) => [f.name, sampleValue(f.type, f.name)]),
    );
  }
  if (isEnumType(type)) return type.getValues()[0]!.value;
  switch (getNamedType(type).name) {
    case 'Int':
      return MAX_PAGE_SIZE;
    case 'Float':
      return 1.5;
    case 'Boolean':
      return true;
    case 'Date':
      return '2026-05-01';
    case 'DateTime':
      return '2026-05-01T08:00:00.000Z';
    default:
      return 'x';
  }
}
