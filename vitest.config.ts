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
    // Each file starts its own servers and databases (and Redis channels), so files run side by
    // side: two at a time. (Vitest's own default is one fewer worker than cores: one, on two.)
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
