import { request as httpRequest } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBoardPage } from '../src/boards/page.js';
import { type TestServer, startTestServer } from './support/server.js';

/*
 * GET /board serves the built duty-board page (web/board/dist) as static files, to anyone (the
 * page itself logs in; the files hold no data). Requests are anonymous: no Authorization header.
 */

/** A GET with the path sent exactly as written (fetch would normalise "..").  */
function rawGet(url: string, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const req = httpRequest({ hostname, port, path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('GET /board', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('pglite');
  });
  afterAll(async () => t?.close());

  it('serves the page and its bundled assets from this server only', async () => {
    const page = await fetch(new URL('/board', t.url), { headers: {} });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).toContain('<html lang="zh-CN">');
    const assets = [...html.matchAll(/(?:src|href)="(\/board\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(html).not.toMatch(/https?:\/\//);
    for (const asset of assets) {
      const response = await fetch(new URL(asset, t.url), { headers: {} });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(asset.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
      expect(response.headers.get('cache-control')).toContain('immutable');
    }
  });

  it('answers 404 for files outside the bundle, and 405 for other methods', async () => {
    expect((await rawGet(t.url, '/board/assets/../../../package.json')).status).toBe(404);
    expect((await rawGet(t.url, '/board/assets/%2e%2e/%2e%2e/%2e%2e/package.json')).status).toBe(404);
    expect((await rawGet(t.url, '/board/assets/none.js')).status).toBe(404);
    expect((await fetch(new URL('/board', t.url), { method: 'POST', headers: {} })).status).toBe(405);
  });

  it('says how to build the page when the bundle is missing', async () => {
    const yoga = createYoga({ schema: createSchema({ typeDefs: 'type Query { ok: Boolean }' }), plugins: [useBoardPage('/nonexistent/board/dist')] });
    const response = await yoga.fetch('http://localhost/board');
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm run build:board');
  });
});
