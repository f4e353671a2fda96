import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import type { Database } from '../src/db/index.js';
import { loadPersistedManifest } from '../src/hardening.js';
import { createLogger } from '../src/logger.js';
import { startServer } from '../src/server.js';
import { SitesDocument } from './generated/graphql.js';
import * as generated from './generated/graphql.js';
import { post, query, overWebSocket, type Variant, startVariant, nested, limitError } from './support/hardening.js';

/*
 * Hardening in other configurations, each on a server of its own (test/support/hardening.ts,
 * startVariant): production's masked errors, introspection off, configured limits, persisted-only
 * mode. The default server's limits: test/hardening.test.ts.
 */

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
