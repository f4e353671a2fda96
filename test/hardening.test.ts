import { readFileSync, readdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import {
  type DocumentNode,
  type GraphQLError,
  type GraphQLInputType,
  Kind,
  Lexer,
  Source,
  TokenKind,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  parse,
  print,
  separateOperations,
  typeFromAST,
} from 'graphql';
import { createYoga } from 'graphql-yoga';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PAGE_SIZE } from '../src/builder.js';
import { loadConfig } from '../src/config.js';
import type { Database } from '../src/db/index.js';
import { GRAPHIQL_EXAMPLES } from '../src/graphiql.js';
import {
  DEFAULT_OPERATION_LIMITS,
  LIMIT_ERROR_CODE,
  inputDepth,
  loadPersistedManifest,
  operationCost,
  useOperationLimits,
} from '../src/hardening.js';
import { createLogger } from '../src/logger.js';
import { schema } from '../src/schema.js';
import { type ServerOptions, startServer } from '../src/server.js';
import * as generated from './generated/graphql.js';
import { SitesDocument } from './generated/graphql.js';
import { openMigratedPglite } from './support/databases.js';
import { gql } from './support/client.js';
import { startTestServer, type TestServer } from './support/server.js';

/*
 * Hardening of the GraphQL surface: operation limits, masked errors, no suggestions,
 * introspection switch, CSRF prevention, body and batch limits, persisted-only mode.
 * The default-configured server is the ordinary test server; variants start their own.
 */

interface Reply {
  status: number;
  body: any;
  text: string;
}

const ANONYMOUS = {};

/** A raw HTTP POST (JSON unless told otherwise); anonymous unless headers say otherwise. */
async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: typeof body === 'string' || body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text };
}

const query = (url: string, source: string, variables?: Record<string, unknown>, headers?: Record<string, string>) =>
  post(url, { query: source, variables }, headers);

/** One operation over graphql-ws; resolves with its (first) result or its errors. */
async function overWebSocket(wsUrl: string, payload: { query: string; variables?: Record<string, unknown>; extensions?: Record<string, unknown> }) {
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

interface Variant {
  url: string;
  wsUrl: string;
  db: Database;
  close(): Promise<void>;
}

/** A server on a fresh in-memory PGlite with the given options (env 'test' unless set). */
async function startVariant(options: Partial<Omit<ServerOptions, 'db' | 'logger'>>): Promise<Variant> {
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

const nested = (depth: number) => {
  // sites → edges → node → parent × (depth - 3) → name
  let selection = 'name';
  for (let i = 0; i < depth - 4; i++) selection = `parent { ${selection} }`;
  return `{ sites(first: 1) { edges { node { ${selection} } } } }`;
};

const limitError = (reply: Reply) => {
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
function realOperations(): { name: string; document: DocumentNode }[] {
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
function sampleValue(type: GraphQLInputType, name: string): unknown {
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

describe('every real operation fits the default limits', () => {
  const operations = realOperations();
  // The same plugins the server uses, on a bare Yoga: parse and validate as a request would.
  const yoga = createYoga({ schema, plugins: useOperationLimits({ ...DEFAULT_OPERATION_LIMITS }) });

  it('finds the operations', () => {
    expect(operations.length).toBeGreaterThan(50);
    expect(operations.map((o) => o.name)).toEqual(expect.arrayContaining(['Sites', 'RosterWithVolunteers', 'LiveRoster']));
  });

  it.each(operations.map((o) => [o.name, o] as const))('%s', (_name, { document }) => {
    const source = print(document);
    const { parse: parseWithLimits, validate } = yoga.getEnveloped({});
    const parsed: DocumentNode = parseWithLimits(source);
    const errors: readonly GraphQLError[] = validate(schema, parsed);
    expect(errors.map((e) => e.message)).toEqual([]);
    for (const definition of parsed.definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
      // Every Int variable (first, last, …) at the largest page size: the dearest way to send it.
      const variables = Object.fromEntries(
        (definition.variableDefinitions ?? []).map((v) => [
          v.variable.name.value,
          sampleValue(typeFromAST(schema, v.type as never) as GraphQLInputType, v.variable.name.value),
        ]),
      );
      const cost = operationCost(schema, parsed, definition.name?.value, variables);
      expect(cost).toBeLessThanOrEqual(DEFAULT_OPERATION_LIMITS.maxCost);
      expect(inputDepth(variables) - 1).toBeLessThanOrEqual(DEFAULT_OPERATION_LIMITS.maxInputDepth);
    }
  });

  it('leaves headroom: the largest real operation is far inside each limit', () => {
    let tokens = 0;
    for (const { document } of operations) {
      const lexer = new Lexer(new Source(print(document)));
      let n = 0;
      while (lexer.advance().kind !== TokenKind.EOF) n++;
      tokens = Math.max(tokens, n);
    }
    expect(tokens * 4).toBeLessThan(DEFAULT_OPERATION_LIMITS.maxTokens);
  });
});

// ---------------------------------------------------------------------------------------------
// The default server: limits refuse abuse, real queries pass
// ---------------------------------------------------------------------------------------------

describe('operation limits on the default server', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('pglite');
  });
  afterAll(() => t?.close());

  it('passes real queries, sent the ordinary way', async () => {
    const data = await gql(t.url, SitesDocument, { first: MAX_PAGE_SIZE }, t.admin);
    expect(data.sites.totalCount).toBeGreaterThanOrEqual(0);
    const examples = await post(t.url, { query: GRAPHIQL_EXAMPLES, operationName: 'Sites' });
    expect(examples.status, examples.text).toBe(200);
    expect(examples.body.errors).toBeUndefined();
    const inside = await query(t.url, nested(DEFAULT_OPERATION_LIMITS.maxDepth));
    expect(inside.body.errors, inside.text).toBeUndefined();
  });

  it('refuses depth 50', async () => {
    const message = limitError(await query(t.url, nested(50)));
    expect(message).toBe(`Query depth limit of ${DEFAULT_OPERATION_LIMITS.maxDepth} exceeded, found 50.`);
    // Fragments do not hide depth.
    const viaFragments = `{ sites(first: 1) { edges { node { ...P } } } } fragment P on Site { ${'parent { '.repeat(30)}name${' }'.repeat(30)} }`;
    expect(limitError(await query(t.url, viaFragments))).toMatch(/^Query depth limit of \d+ exceeded, found 34\.$/);
  });

  it('refuses too many aliases, and 1,000 aliases', async () => {
    const n = DEFAULT_OPERATION_LIMITS.maxAliases + 1;
    const aliases = `{ ${Array.from({ length: n }, (_, i) => `a${i}: sites(first: 1) { totalCount }`).join(' ')} }`;
    expect(limitError(await query(t.url, aliases))).toBe(`Aliases limit of ${DEFAULT_OPERATION_LIMITS.maxAliases} exceeded, found ${n}.`);
    const thousand = `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: sites(first: 1) { totalCount }`).join(' ')} }`;
    // So many aliases make a long document: the token limit refuses it first, before parsing ends.
    expect(limitError(await query(t.url, thousand))).toMatch(/^(Token limit of \d+ exceeded\.|Aliases limit of \d+ exceeded, found 1000\.)$/);
  });

  it('refuses 10,000 tokens', async () => {
    const long = `{ sites(first: 1) { ${'totalCount '.repeat(10_000)}} }`;
    expect(limitError(await query(t.url, long))).toBe(`Token limit of ${DEFAULT_OPERATION_LIMITS.maxTokens} exceeded.`);
  });

  it('refuses many directives', async () => {
    const n = DEFAULT_OPERATION_LIMITS.maxDirectives + 1;
    const many = `{ sites(first: 1) { ${'totalCount @include(if: true) '.repeat(n)}} }`;
    expect(limitError(await query(t.url, many))).toBe(`Directives limit of ${DEFAULT_OPERATION_LIMITS.maxDirectives} exceeded, found ${n}.`);
  });

  it('refuses a cost bomb before running it, with page sizes from literals or variables', async () => {
    const bomb = (first: string) =>
      `query Bomb${first === '$n' ? '($n: Int)' : ''} { sites(first: ${first}) { edges { node { children(first: ${first}) { edges { node { children(first: ${first}) { edges { node { name teams(first: ${first}) { totalCount } } } } } } } } } } }`;
    t.queries.length = 0;
    expect(limitError(await query(t.url, bomb('100'), undefined, ANONYMOUS))).toMatch(
      new RegExp(`^Operation cost limit of ${DEFAULT_OPERATION_LIMITS.maxCost} exceeded, found \\d+\\. Ask for smaller pages`),
    );
    expect(limitError(await query(t.url, bomb('$n'), { n: 100 }, ANONYMOUS))).toMatch(/^Operation cost limit/);
    expect(t.queries.filter((q) => q.includes('"Site"'))).toEqual([]);
    // Without first, connections count as the default page of 20: four levels are too many.
    const unpaged = '{ sites { edges { node { children { edges { node { children { edges { node { teams { edges { node { name } } } } } } } } } } } } }';
    expect(limitError(await query(t.url, unpaged, undefined, ANONYMOUS))).toMatch(/^Operation cost limit/);
    // A bad argument elsewhere in the operation does not stop the count (nor let the bomb through).
    const withBadId = bomb('100').replace(/^query Bomb \{/, '{ bad: site(id: "not-an-id") { name } ');
    expect(limitError(await query(t.url, withBadId, undefined, ANONYMOUS))).toMatch(/^Operation cost limit/);
    // The same shape with small pages is fine.
    const small = await query(t.url, bomb('$n'), { n: 3 }, ANONYMOUS);
    expect(small.status, small.text).toBe(200);
    expect(small.body.errors).toBeUndefined();
  });

  it('refuses variables nested too deeply, before any scalar parses them', async () => {
    const source = 'query($f: SiteFilter) { sites(filter: $f) { totalCount } }';
    let f: unknown = 'CENTER';
    for (let i = 0; i <= DEFAULT_OPERATION_LIMITS.maxInputDepth; i++) f = { level: f };
    const justOver = await post(t.url, { query: source, variables: { f } });
    expect(limitError(justOver)).toBe(`Variables nest more than ${DEFAULT_OPERATION_LIMITS.maxInputDepth} levels of objects and lists.`);
    // 100,000 levels of arrays where a Date goes: the scalar's error message would recurse into them.
    const dates = `${'['.repeat(100_000)}"2026-05-01"${']'.repeat(100_000)}`;
    const body = `{"query":"query($d: Date) { roster(filter: { date: $d }, first: 1) { totalCount } }","variables":{"d":${dates}}}`;
    expect(limitError(await post(t.url, body))).toMatch(/^Variables nest more than/);
    // Within the limit, the usual coercion error.
    const shallow = await post(t.url, { query: source, variables: { f: { level: ['CENTER'] } } });
    expect(shallow.body.errors[0].message).toMatch(/^Variable "\$f" got invalid value/);
  });

  it('applies the limits over WebSocket too', async () => {
    const deep = await overWebSocket(t.wsUrl, { query: nested(50) });
    expect(deep.errors?.[0]?.message).toMatch(/^Query depth limit of \d+ exceeded, found 50\.$/);
    const bomb = await overWebSocket(t.wsUrl, {
      query: 'query($n: Int) { sites(first: $n) { edges { node { children(first: $n) { edges { node { children(first: $n) { totalCount } } } } } } } }',
      variables: { n: 100 },
    });
    expect(bomb.errors?.[0]?.message).toMatch(/^Operation cost limit/);
  });

  it('applies the cost limit over SSE too, and passes the same operation with small pages', async () => {
    const source = 'query($n: Int) { sites(first: $n) { edges { node { children(first: $n) { edges { node { children(first: $n) { totalCount } } } } } } } }';
    const overSse = async (n: number) => {
      const response = await fetch(t.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ query: source, variables: { n } }),
      });
      return { status: response.status, text: await response.text() };
    };
    const bomb = await overSse(100);
    expect(bomb.status).toBe(400);
    expect(bomb.text).toMatch(new RegExp(`Operation cost limit of ${DEFAULT_OPERATION_LIMITS.maxCost} exceeded, found \\d+\\.`));
    const small = await overSse(3);
    expect(small.status).toBe(200);
    expect(small.text).toMatch(/^event: next\ndata: \{"data":\{"sites":/m);
  });

  it('refuses a batch over the limit (413) and serves one within it', async () => {
    const one = { query: '{ sites(first: 1) { totalCount } }' };
    const over = await post(t.url, Array.from({ length: DEFAULT_OPERATION_LIMITS.maxBatch + 1 }, () => one));
    expect(over.status).toBe(413);
    expect(over.body.errors[0].message).toBe(`Batching is limited to ${DEFAULT_OPERATION_LIMITS.maxBatch} operations per request.`);
    const within = await post(t.url, Array.from({ length: DEFAULT_OPERATION_LIMITS.maxBatch }, () => one));
    expect(within.status, within.text).toBe(200);
    expect(within.body).toHaveLength(DEFAULT_OPERATION_LIMITS.maxBatch);
    expect(within.body.every((r: any) => typeof r.data.sites.totalCount === 'number')).toBe(true);
  });

  it('hides field suggestions, in validation and in variables', async () => {
    const field = await query(t.url, '{ sitez(first: 1) { totalCount } }');
    expect(field.body.errors[0].message).toBe('Cannot query field "sitez" on type "Query".');
    const argument = await query(t.url, '{ sites(frist: 1) { totalCount } }');
    expect(argument.body.errors[0].message).toBe('Unknown argument "frist" on field "Query.sites".');
    const enumLiteral = await query(t.url, '{ sites(filter: { level: CENTRE }) { totalCount } }');
    expect(enumLiteral.body.errors[0].message).toBe('Value "CENTRE" does not exist in "SiteLevel" enum.');
    const source = 'query($f: SiteFilter) { sites(filter: $f) { totalCount } }';
    const enumVariable = await query(t.url, source, { f: { level: 'CENTRE' } });
    expect(enumVariable.body.errors[0].message).toMatch(/^Variable "\$f" got invalid value "CENTRE" at "f.level"; Value "CENTRE" does not exist in "SiteLevel" enum\.$/);
    const inputField = await query(t.url, source, { f: { levle: 'CENTER' } });
    expect(inputField.body.errors[0].message).toBe('Variable "$f" got invalid value { levle: "CENTER" }; Field "levle" is not defined by type "SiteFilter".');
    for (const reply of [field, argument, enumLiteral, enumVariable, inputField]) expect(reply.text).not.toMatch(/Did you mean/);
    const ws = await overWebSocket(t.wsUrl, { query: '{ sitez { totalCount } }' });
    expect(ws.errors?.[0]?.message).toBe('Cannot query field "sitez" on type "Query".');
  });

  it('answers introspection outside production', async () => {
    const reply = await query(t.url, '{ __schema { queryType { name } } }');
    expect(reply.body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });

  describe('CSRF prevention', () => {
    const get = (path: string, headers: Record<string, string> = {}) => fetch(new URL(path, t.url), { headers });

    it('refuses a GET without the CSRF header and serves it with the header', async () => {
      const refused = await get(`/graphql?query=${encodeURIComponent('{ sites(first: 1) { totalCount } }')}`, { accept: 'application/json' });
      expect(refused.status).toBe(403);
      expect((await refused.json()).errors[0].message).toBe('Required CSRF header(s) not present');
      const allowed = await get(`/graphql?query=${encodeURIComponent('{ sites(first: 1) { totalCount } }')}`, {
        accept: 'application/json',
        'x-graphql-yoga-csrf': '1',
      });
      expect(allowed.status).toBe(200);
      expect((await allowed.json()).data.sites.totalCount).toBeGreaterThanOrEqual(0);
    });

    it('refuses "simple" POSTs (form, text/plain) a page could send cross-site', async () => {
      const text = await post(t.url, JSON.stringify({ query: '{ __typename }' }), { 'content-type': 'text/plain' });
      expect(text.status).toBe(403);
      const form = await post(t.url, `query=${encodeURIComponent('{ __typename }')}`, { 'content-type': 'application/x-www-form-urlencoded' });
      expect(form.status).toBe(403);
      const multipart = await post(t.url, '--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{"query":"{ __typename }"}\r\n--x--\r\n', {
        'content-type': 'multipart/form-data; boundary=x',
      });
      expect(multipart.status).toBe(403);
    });

    it('serves JSON POSTs, GraphiQL, and the health checks', async () => {
      const json = await query(t.url, '{ __typename }');
      expect(json.body).toEqual({ data: { __typename: 'Query' } });
      const graphiql = await get('/graphql', { accept: 'text/html' });
      expect(graphiql.status).toBe(200);
      expect(await graphiql.text()).toMatch(/graphiql/i);
      expect((await get('/healthz')).status).toBe(200);
      expect((await get('/readyz')).status).toBe(200);
    });
  });

  describe('request bodies', () => {
    const limit = 1024 * 1024;
    const tooLarge = { errors: [{ message: `Request body too large: at most ${limit} bytes are accepted.`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] };

    it('accepts a body just under the limit', async () => {
      const body = JSON.stringify({ query: '{ __typename }', variables: { pad: '' } });
      const padded = JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(limit - body.length) } });
      expect(Buffer.byteLength(padded)).toBe(limit);
      const reply = await post(t.url, padded);
      expect(reply.body).toEqual({ data: { __typename: 'Query' } });
    });

    it('refuses a larger body with 413 and a GraphQL error (Content-Length)', async () => {
      const reply = await post(t.url, JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(limit) } }));
      expect(reply.status).toBe(413);
      expect(reply.body).toEqual(tooLarge);
    });

    it('refuses a larger chunked body without Content-Length, without reading all of it', async () => {
      let sent = 0;
      const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"query":"{ __typename }","variables":{"pad":"'));
        },
        pull(controller) {
          // Up to 64 MiB, unless the server stops listening first.
          if (sent >= 64 * 1024 * 1024) {
            controller.enqueue(new TextEncoder().encode('"}}'));
            controller.close();
            return;
          }
          sent += chunk.length;
          controller.enqueue(chunk);
        },
      });
      const response = await fetch(t.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: stream,
        duplex: 'half',
      } as RequestInit);
      expect(response.headers.get('content-length')).not.toBeNull();
      expect(response.status).toBe(413);
      expect(await response.json()).toEqual(tooLarge);
      expect(sent).toBeLessThan(32 * 1024 * 1024);
    });

    it('accepts a small chunked body', async () => {
      const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(t.url, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        req.on('error', reject);
        req.write('{"query":');
        req.write('"{ __typename }"}');
        req.end();
      });
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toEqual({ data: { __typename: 'Query' } });
    });

    it('refuses invalid UTF-8, malformed JSON and an empty body with 400', async () => {
      const invalid = Buffer.concat([Buffer.from('{"query":"{ __typename }","variables":{"s":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}}')]);
      const utf8 = await post(t.url, invalid);
      expect(utf8.status).toBe(400);
      expect(utf8.body.errors[0]).toEqual({ message: 'Request body is not valid UTF-8.', extensions: { code: 'BAD_REQUEST' } });
      const json = await post(t.url, '{"query": "{ __typename }"');
      expect(json.status).toBe(400);
      expect(json.body.errors[0].message).toBe('POST body sent invalid JSON.');
      const empty = await post(t.url, '');
      expect(empty.status).toBe(400);
      expect(empty.body.errors[0].message).toBeTruthy();
    });

    it('caps WebSocket messages at the same size', async () => {
      const huge = await overWebSocket(t.wsUrl, { query: '{ __typename }', variables: { pad: 'x'.repeat(limit + 1) } }).then(
        () => 'answered',
        (error: { code?: number }) => error.code,
      );
      expect(huge).toBe(1009); // Message Too Big
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Variants: production, introspection off, configured limits, persisted-only
// ---------------------------------------------------------------------------------------------

describe('production', () => {
  let prod: Variant;
  let dev: Variant;
  beforeAll(async () => {
    [prod, dev] = await Promise.all([startVariant({ env: 'production' }), startVariant({ env: 'development' })]);
    // A real unexpected failure: the table behind `sites` is gone, so Prisma's query fails.
    for (const v of [prod, dev]) await v.db.sql.withSession((s) => s.exec('DROP TABLE "Site" CASCADE'));
  });
  afterAll(async () => {
    await Promise.all([prod?.close(), dev?.close()]);
  });

  const broken = '{ sites(first: 1) { totalCount edges { node { name } } } }';

  it('masks an unexpected (database) error: no message, stack or SQL', async () => {
    const reply = await query(prod.url, broken);
    expect(reply.body.errors).toEqual([
      { message: 'Unexpected error.', locations: expect.any(Array), path: ['sites'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    ]);
    expect(reply.text).not.toMatch(/prisma|SELECT|stack|node_modules|does not exist/i);
    // What the same failure says where errors are not masked:
    const unmasked = await query(dev.url, broken);
    const original = unmasked.body.errors[0].extensions.originalError;
    expect(original.message).toMatch(/Site/);
    expect(original.stack).toBeTruthy();
    expect(reply.text).not.toContain(original.message);
  });

  it('still shows the client its own mistakes: rejected arguments, syntax and validation errors', async () => {
    const tooMany = await query(prod.url, '{ sites(first: 101) { totalCount } }');
    expect(tooMany.body.errors[0]).toMatchObject({ message: expect.stringMatching(/first may be at most 100$/), extensions: { code: 'BAD_USER_INPUT' } });
    const syntax = await query(prod.url, '{ sites(');
    expect(syntax.body.errors[0].message).toMatch(/^Syntax Error/);
    const unknown = await query(prod.url, '{ sitez }');
    expect(unknown.body.errors[0].message).toBe('Cannot query field "sitez" on type "Query".');
  });

  it('refuses introspection by default', async () => {
    const reply = await query(prod.url, '{ __schema { queryType { name } } }');
    expect(reply.status).toBe(400);
    expect(reply.body.errors[0].message).toMatch(/introspection has been disabled/);
  });
});

describe('configuration', () => {
  let v: Variant;
  beforeAll(async () => {
    v = await startVariant({ introspection: false, operationLimits: { maxDepth: 5, maxAliases: 100, maxTokens: 50_000 }, maxBodyBytes: 64 * 1024 });
  });
  afterAll(() => v?.close());

  it('turns introspection off (HTTP and WebSocket); __typename still works', async () => {
    for (const source of ['{ __schema { types { name } } }', '{ __type(name: "Site") { name } }']) {
      const reply = await query(v.url, source);
      expect(reply.status).toBe(400);
      expect(reply.body.errors[0].message).toMatch(/^GraphQL introspection has been disabled/);
    }
    const ws = await overWebSocket(v.wsUrl, { query: '{ __schema { types { name } } }' });
    expect(ws.errors?.[0]?.message).toMatch(/^GraphQL introspection has been disabled/);
    expect((await query(v.url, '{ __typename }')).body).toEqual({ data: { __typename: 'Query' } });
  });

  it('takes the limits given: depth 5, and 1,000 aliases refused by the alias limit itself', async () => {
    expect((await query(v.url, nested(5))).body.errors).toBeUndefined();
    expect(limitError(await query(v.url, nested(6)))).toBe('Query depth limit of 5 exceeded, found 6.');
    const thousand = `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: sites(first: 1) { totalCount }`).join(' ')} }`;
    expect(limitError(await query(v.url, thousand))).toBe('Aliases limit of 100 exceeded, found 1000.');
  });

  it('takes the body limit given', async () => {
    const reply = await post(v.url, { query: '{ __typename }', variables: { pad: 'x'.repeat(64 * 1024) } });
    expect(reply.status).toBe(413);
    expect(reply.body.errors[0].message).toBe('Request body too large: at most 65536 bytes are accepted.');
  });

  it('reads the limits from the environment', () => {
    const config = loadConfig({ GRAPHQL_MAX_DEPTH: '7', GRAPHQL_MAX_COST: '1000', GRAPHQL_MAX_BATCH: '3', MAX_BODY_BYTES: '2048' });
    expect(config.operationLimits).toEqual({
      maxDepth: 7,
      maxCost: 1000,
      maxBatch: 3,
      maxAliases: undefined,
      maxTokens: undefined,
      maxDirectives: undefined,
      maxInputDepth: undefined,
    });
    expect(config.maxBodyBytes).toBe(2048);
    expect(() => loadConfig({ GRAPHQL_MAX_DEPTH: 'deep' })).toThrow(/GRAPHQL_MAX_DEPTH must be a number/);
    expect(() => loadConfig({ GRAPHQL_MAX_ALIASES: '0' })).toThrow(/GRAPHQL_MAX_ALIASES must be at least 1/);
  });

  it('sizes the PostgreSQL pool from DATABASE_POOL_SIZE (20 by default, 1 to 200)', () => {
    expect(loadConfig({}).databasePoolSize).toBe(20);
    expect(loadConfig({ DATABASE_POOL_SIZE: '40' }).databasePoolSize).toBe(40);
    expect(() => loadConfig({ DATABASE_POOL_SIZE: '0' })).toThrow(/DATABASE_POOL_SIZE must be between 1 and 200/);
    expect(() => loadConfig({ DATABASE_POOL_SIZE: 'many' })).toThrow(/DATABASE_POOL_SIZE must be a number/);
  });
});

describe('persisted operations only', () => {
  let v: Variant;
  const hash = (SitesDocument as unknown as { __meta__: { hash: string } }).__meta__.hash;
  const hex = hash.replace(/^sha256:/, '');
  beforeAll(async () => {
    v = await startVariant({ persistedOperations: { mode: 'only' } });
  });
  afterAll(() => v?.close());

  it('has every generated operation in the manifest codegen wrote', () => {
    const manifest = loadPersistedManifest({ mode: 'only' });
    const documents = Object.entries(generated).filter(([name, value]) => name.endsWith('Document') && value instanceof generated.TypedDocumentString);
    expect(documents.length).toBeGreaterThan(50);
    for (const [name, document] of documents) {
      const meta = (document as unknown as { __meta__?: { hash?: string } }).__meta__;
      expect(meta?.hash, name).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(manifest.has(meta!.hash!.slice(7)), name).toBe(true);
    }
  });

  it('serves a persisted operation by Apollo-style hash and by documentId', async () => {
    const apollo = await post(v.url, { variables: { first: 5 }, extensions: { persistedQuery: { version: 1, sha256Hash: hex } } });
    expect(apollo.status, apollo.text).toBe(200);
    expect(apollo.body.data.sites.totalCount).toBe(0);
    const documentId = await post(v.url, { documentId: hash, variables: { first: 5 } });
    expect(documentId.status, documentId.text).toBe(200);
    expect(documentId.body.data.sites.totalCount).toBe(0);
    const ws = await overWebSocket(v.wsUrl, { query: '', variables: { first: 5 }, extensions: { persistedQuery: { version: 1, sha256Hash: hex } } });
    expect(ws.data?.sites.totalCount).toBe(0);
  });

  it('refuses an arbitrary query and an unknown hash', async () => {
    const arbitrary = await query(v.url, '{ sites(first: 5) { totalCount } }');
    expect(arbitrary.status).toBe(400);
    expect(arbitrary.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_ONLY');
    // Even the text of a persisted operation: only its hash is accepted.
    const text = await query(v.url, SitesDocument.toString(), { first: 5 });
    expect(text.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_ONLY');
    const unknown = await post(v.url, { extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const nothing = await post(v.url, { variables: {} });
    expect(nothing.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_ID_REQUIRED');
    const ws = await overWebSocket(v.wsUrl, { query: '{ sites(first: 5) { totalCount } }' });
    expect(ws.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');
  });

  it('fails to start without its manifest, naming the file', async () => {
    // It stops before touching the database.
    await expect(
      startServer(
        { db: {} as Database, logger: createLogger('silent'), persistedOperations: { mode: 'only', manifestPath: 'no/such/manifest.json' } },
        { port: 0, host: '127.0.0.1' },
      ),
    ).rejects.toThrow(/no\/such\/manifest\.json/);
  });
});
