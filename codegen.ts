import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for the operations the tests and examples send, and schema/possible-types.json. Operations live in .graphql
 * files; `npm run codegen` turns them into TypedDocumentStrings in test/generated/.
 *
 * It also writes test/generated/persisted-documents.json, the manifest of persisted operations
 * (sha256 hash → document) that `PERSISTED_OPERATIONS=only` serves; each typed document carries
 * its hash as `__meta__.hash`, for clients that send only the hash.
 */
/** Typed string documents with their persisted hashes: the same for the tests' and the board's output. */
const typedDocuments = {
  preset: 'client',
  presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: 'sha256' } },
  config: {
    documentMode: 'string',
    enumsAsTypes: true,
    useTypeImports: true,
    // Every custom scalar, typed as it travels in JSON (DateTime: ISO 8601, Date: YYYY-MM-DD).
    scalars: {
      DateTime: { input: 'string', output: 'string' },
      Date: { input: 'string', output: 'string' },
      ID: { input: 'string', output: 'string' },
    },
    strictScalars: true,
  },
} as const;

const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  ignoreNoDocuments: false,
  // ESM output with .js import suffixes, as NodeNext requires.
  emitLegacyCommonJSImports: false,
  generates: {
    'test/generated/': {
      // The duty board's operations (web/board/operations) are here too, so they are in the
      // persisted-operations manifest and the page works with PERSISTED_OPERATIONS=only.
      documents: ['test/operations/**/*.graphql', 'examples/**/*.graphql', 'web/board/operations/**/*.graphql'],
      ...typedDocuments,
    },
    // The duty board's own typed documents (web/board/src/generated), from its operations only, so
    // the bundle carries just what the page sends; each has its persisted hash as `__meta__.hash`.
    'web/board/src/generated/': {
      documents: ['web/board/operations/**/*.graphql'],
      ...typedDocuments,
    },
    // Apollo Client's `possibleTypes` (InMemoryCache({ possibleTypes })): without it Apollo cannot
    // match fragments on interfaces and unions, e.g. `... on Error { message }`. Committed with
    // the schema; a test fails when it is stale.
    'schema/possible-types.json': {
      plugins: ['fragment-matcher'],
      config: { apolloClientVersion: 3, useExplicitTyping: false },
    },
  },
};

export default config;
