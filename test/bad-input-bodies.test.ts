import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from './support/accounts.js';
import { startTestServer, type TestServer } from './support/server.js';

/*
 * The bad-input suite, continued for request bodies (test/bad-input.test.ts covers every
 * mutation): a body far over the limit sent by Node's own fetch, which uploads all of it before
 * reading, must still read the 413; a body that trickles in is cut off. As an admin (explicit
 * header), so nothing but the body is in question.
 */

const LIMIT = 1024 * 1024;

describe('bad request bodies', () => {
  let t: TestServer;
  /** The same, with a 2 s request timeout, for the slow bodies. */
  let slow: TestServer;
  let asAdmin: Record<string, string>;
  beforeAll(async () => {
    t = await startTestServer('pglite');
    slow = await startTestServer('pglite', { server: { requestTimeoutMs: 2_000, headersTimeoutMs: 1_000 } });
    asAdmin = bearer(t.adminToken);
  });
  afterAll(async () => {
    await t?.close();
    await slow?.close();
  });

  it('lets fetch read the 413 for a 5 MB body, every time, and the server stays usable', async () => {
    const body = JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(5 * 1024 * 1024) } });
    for (let attempt = 0; attempt < 10; attempt++) {
      const response = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json', ...asAdmin }, body });
      expect(response.status, `attempt ${attempt}`).toBe(413);
      expect(await response.json()).toEqual({
        errors: [{ message: `Request body too large: at most ${LIMIT} bytes are accepted.`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
      });
    }
    // Several at once, too.
    const replies = await Promise.all(
      Array.from({ length: 4 }, () => fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json', ...asAdmin }, body })),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(4).fill(413));
    const fine = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json', ...asAdmin }, body: '{"query":"{ __typename }"}' });
    expect(await fine.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('answers 413 while the upload goes on, keeps reading it, and the connection serves the next request', async () => {
    // Over a raw connection: send 1.5 MB of a 5 MB body, wait for the 413, then send the rest.
    // A server that closed after answering would reset the connection under the client here.
    const url = new URL(t.url);
    const socket = connect(Number(url.port), url.hostname);
    let answer = '';
    let reset: Error | undefined;
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('error', (error) => (reset = error));
    await new Promise((resolve) => socket.once('connect', resolve));
    let ended = false;
    socket.once('close', () => (ended = true));
    /** The next chunk of the answer, or the end of the connection. */
    const more = () => new Promise((resolve) => (ended ? resolve(null) : (socket.once('data', resolve), socket.once('close', resolve))));
    const total = 5 * 1024 * 1024;
    socket.write(`POST ${url.pathname} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nAuthorization: ${asAdmin.authorization}\r\nContent-Length: ${total}\r\n\r\n`);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let sent = 0;
    const send = async (upTo: number) => {
      while (sent < upTo && !reset && !ended) {
        const piece = chunk.subarray(0, Math.min(chunk.length, upTo - sent));
        sent += piece.length;
        if (!socket.write(piece)) await new Promise((resolve) => (socket.once('drain', resolve), socket.once('close', resolve)));
      }
    };
    await send(1.5 * 1024 * 1024);
    while (!answer.includes('PAYLOAD_TOO_LARGE') && !ended) await more();
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    await send(total);
    // The same connection then serves a request.
    answer = '';
    const next = '{"query":"{ __typename }"}';
    socket.write(`POST ${url.pathname} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nAuthorization: ${asAdmin.authorization}\r\nContent-Length: ${next.length}\r\n\r\n${next}`);
    while (!answer.includes('"__typename"') && !ended) await more();
    expect(reset).toBeUndefined();
    expect(ended, 'the server closed the connection').toBe(false);
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toContain('{"data":{"__typename":"Query"}}');
    socket.destroy();
  });

  /** Opens a raw connection, sends `head`, then one byte of body every `everyMs`; resolves with what the server answered and whether it closed. */
  function trickle(head: string, everyMs: number) {
    return new Promise<{ answer: string; closed: boolean; bytesSent: number }>((resolve, reject) => {
      const url = new URL(slow.url);
      const socket = connect(Number(url.port), url.hostname);
      let answer = '';
      let bytesSent = 0;
      let timer: NodeJS.Timeout | undefined;
      socket.on('connect', () => {
        socket.write(head);
        timer = setInterval(() => {
          bytesSent += 1;
          socket.write(' ');
        }, everyMs);
      });
      socket.on('data', (chunk) => (answer += chunk));
      socket.on('error', () => {});
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ answer, closed: true, bytesSent });
      });
      // Far longer than the server's 2 s request timeout: without it the body would take 5 minutes.
      setTimeout(() => {
        clearInterval(timer);
        socket.destroy();
        reject(new Error(`still open after 20 s; answered: ${answer}`));
      }, 20_000).unref();
    });
  }

  it('cuts off a body that trickles in (408), instead of waiting for it', async () => {
    const path = new URL(t.url).pathname;
    const head =
      `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nAuthorization: ${asAdmin.authorization}\r\n` +
      `Content-Length: 300\r\n\r\n{"query":"{ __typename }"`;
    const { answer, closed, bytesSent } = await trickle(head, 100);
    expect(closed).toBe(true);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(bytesSent).toBeLessThan(274); // it never got to send the whole body
  });

  it('cuts off headers that trickle in', async () => {
    const { answer, closed } = await trickle(`POST ${new URL(t.url).pathname} HTTP/1.1\r\nHost: localhost\r\nX-Slow: `, 100);
    expect(closed).toBe(true);
    expect(answer).toMatch(/^HTTP\/1\.1 408 |^$/);
  });
});
