import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The duty board (served at /board by the API server). `npm run build:board` bundles it, with
 * preact and graphql-ws from npm, into web/board/dist: no CDN, nothing fetched at run time.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/board/',
  // JSX (.tsx) through preact's automatic runtime.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 400,
  },
  logLevel: 'warn',
});
