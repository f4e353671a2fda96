import { request as httpRequest } from 'node:http';
import {
  type DocumentNode,
  type GraphQLError,
  type GraphQLInputType,
  Kind,
  Lexer,
  Source,
  TokenKind,
  print,
  typeFromAST,
} from 'graphql';
import { createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PAGE_SIZE } from '../src/builder.js';
import { GRAPHIQL_EXAMPLES } from '../src/graphiql.js';
import { DEFAULT_OPERATION_LIMITS, inputDepth, operationCost, useOperationLimits } from '../src/hardening.js';
import { schema } from '../src/schema.js';
import { SitesDocument } from './generated/graphql.js';
import { gql } from './support/client.js';
import { startTestServer, type TestServer } from './support/server.js';
import { ANONYMOUS, post, query, overWebSocket, nested, limitError, realOperations, sampleValue } from './support/hardening.js';

/*
 * Hardening of the GraphQL surface on the default-configured server (the ordinary test server):
 * every real operation fits the operation limits, and abuse is refused — limits, masked errors,
 * no suggestions, CSRF prevention, body and batch limits. Other configurations (production,
 * introspection, configured limits, persisted-only): test/hardening-modes.test.ts.
 */

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
