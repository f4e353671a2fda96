import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql@16 ships CJS (main) and ESM (module) builds. Node, and so Pothos and Yoga, load the
    // CJS one; point our own imports at the same file so there is one graphql "realm" in tests.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // One migrated PGlite and PostgreSQL database per run, which test servers start from copies of.
    globalSetup: ['test/support/global-setup.ts'],
    // Per file: module state a file leaves behind is reset for the next one (see the file).
    setupFiles: ['test/support/file-setup.ts'],
    // Each file starts its own servers and databases (and Redis channels), so files run side by
    // side: two at a time. (Vitest's own default is one fewer worker than cores: one, on two.)
    pool: 'forks',
    maxWorkers: 2,
    // A worker runs its files one after another in the same module graph: the application (Pothos
    // schema, Prisma client, PGlite) is loaded once per worker, not once per file, which was a
    // third of the suite's time. Each file still starts its own servers and databases.
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
