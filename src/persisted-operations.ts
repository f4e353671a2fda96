import { readFileSync } from 'node:fs';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/*
 * Persisted-only operations: with PERSISTED_OPERATIONS=only the server runs nothing but the
 * operations of the codegen manifest, sent by hash, over HTTP, SSE and graphql-ws alike.
 */

/** Persisted operations: hash (hex sha256, without the "sha256:" prefix) → document. */
export type PersistedManifest = ReadonlyMap<string, string>;

export interface PersistedOperationsOptions {
  /** 'only': the server runs only operations from the manifest, sent by hash. */
  mode: 'off' | 'only';
  /** The manifest codegen writes (`hash → document`); read at start-up. */
  manifestPath?: string;
  /** The manifest itself, instead of a path. */
  manifest?: Record<string, string>;
}

export const DEFAULT_PERSISTED_MANIFEST = 'test/generated/persisted-documents.json';

function bareHash(hash: string): string {
  return hash.startsWith('sha256:') ? hash.slice('sha256:'.length) : hash;
}

/** Reads a codegen persisted-documents manifest, failing with a message that names the file. */
export function loadPersistedManifest(options: PersistedOperationsOptions): PersistedManifest {
  let entries: Record<string, unknown>;
  if (options.manifest) {
    entries = options.manifest;
  } else {
    const path = options.manifestPath ?? DEFAULT_PERSISTED_MANIFEST;
    try {
      entries = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new Error(
        `PERSISTED_OPERATIONS=only needs the manifest ${path} (npm run codegen writes it): ${(error as Error).message}`,
      );
    }
  }
  const manifest = new Map<string, string>();
  for (const [hash, document] of Object.entries(entries)) {
    if (typeof document !== 'string') throw new Error(`persisted operation ${hash} is not a string`);
    manifest.set(bareHash(hash), document);
  }
  return manifest;
}

/**
 * The hash a client sent: Apollo's `extensions.persistedQuery.sha256Hash`, or `documentId`
 * (the GraphQL-over-HTTP persisted documents form; "sha256:" prefix optional).
 */
export function persistedOperationId(params: { extensions?: unknown; documentId?: unknown }): string | null {
  const persisted = (params.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery;
  if (typeof persisted?.sha256Hash === 'string') return bareHash(persisted.sha256Hash);
  if (typeof params.documentId === 'string') return bareHash(params.documentId);
  return null;
}

/** Serves only the manifest's operations over HTTP and SSE; anything else is refused. */
export function usePersistedOnly(manifest: PersistedManifest): Plugin {
  return usePersistedOperations({
    allowArbitraryOperations: false,
    extractPersistedOperationId: (params) => persistedOperationId(params as never),
    getPersistedOperation: (hash) => manifest.get(hash) ?? null,
    customErrors: {
      persistedQueryOnly: {
        message: 'Only persisted operations are served here: send the hash (extensions.persistedQuery.sha256Hash or documentId), not the query.',
        extensions: { code: 'PERSISTED_QUERY_ONLY', http: { status: 400 } },
      },
      keyNotFound: {
        message: 'Send the hash of a persisted operation (extensions.persistedQuery.sha256Hash or documentId).',
        extensions: { code: 'PERSISTED_QUERY_ID_REQUIRED', http: { status: 400 } },
      },
      notFound: {
        message: 'No persisted operation has this hash.',
        extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 400 } },
      },
    },
  }) as Plugin;
}

/**
 * The same rule for a graphql-ws subscribe message: the query comes from the manifest by hash,
 * or the operation is refused. Returns the params to run, or the error.
 */
export function resolvePersistedOperation<P extends { query?: unknown; extensions?: unknown }>(
  manifest: PersistedManifest,
  params: P,
): P | GraphQLError {
  const hash = persistedOperationId(params as never);
  if (hash === null) {
    return new GraphQLError('Only persisted operations are served here: send the hash, not the query.', {
      extensions: { code: 'PERSISTED_QUERY_ONLY' },
    });
  }
  const query = manifest.get(hash);
  if (query === undefined) {
    return new GraphQLError('No persisted operation has this hash.', { extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } });
  }
  return { ...params, query };
}
