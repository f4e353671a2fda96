import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'graphql-yoga';
import { getRoute } from '../common/get-route.js';

/*
 * GET /board: the live duty-board page (web/board/), served as the static files `vite build`
 * wrote to web/board/dist at `npm install` / `npm run build`. The page talks to this server's
 * public GraphQL API only (/graphql over HTTP and graphql-ws). When the bundle is missing the
 * route answers 503 with how to build it, rather than a bare 404.
 */

/** web/board/dist, from src/boards (tsx) or dist/boards (compiled) alike. */
export const BOARD_DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../../web/board/dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

const MISSING = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>值班看板未构建</title>
<body style="font-family:sans-serif;max-width:40em;margin:3em auto;line-height:1.6">
<h1>值班看板尚未构建 (the duty board is not built)</h1>
<p>The page's bundle (web/board/dist) is missing. Build it with <code>npm run build:board</code>
(<code>npm install</code> and <code>npm run build</code> do it too), then reload.</p></body></html>`;

// The page loads only its own bundle and talks only to this server.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export function useBoardPage(dist: string = BOARD_DIST): Plugin {
  return getRoute(
    (url) => (url.pathname === '/board' || url.pathname.startsWith('/board/') ? url.pathname : null),
    (request, _url, path) => {
      const index = join(dist, 'index.html');
      if (!existsSync(index)) {
        return new Response(MISSING, { status: 503, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } });
      }
      // /board/assets/<hashed file>: immutable; anything else under /board is the page (one route).
      const rest = path === '/board' ? '' : decodeURIComponent(path.slice('/board/'.length));
      if (rest.startsWith('assets/')) {
        const file = normalize(join(dist, rest));
        if (!file.startsWith(dist + sep) || !existsSync(file) || !statSync(file).isFile()) {
          return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
        }
        return new Response(request.method === 'HEAD' ? null : readFileSync(file), {
          headers: {
            'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
            'cache-control': 'public, max-age=31536000, immutable',
            ...SECURITY_HEADERS,
          },
        });
      }
      return new Response(request.method === 'HEAD' ? null : readFileSync(index), {
        headers: { 'content-type': TYPES['.html']!, 'cache-control': 'no-cache', ...SECURITY_HEADERS },
      });
    },
  );
}
