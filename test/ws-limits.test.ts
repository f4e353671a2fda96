import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { WS_CLOSE } from '../src/ws-limits.js';
import { accountSession, type Session } from './support/accounts.js';
import { type RawSocket, acked, rawSocket, until } from './support/raw-socket.js';
import { startTestServer, type TestServer } from './support/server.js';

/*
 * WebSocket abuse (src/ws-limits.ts): sockets per client address and in total, a client that
 * stops reading (slow consumer), and operations per socket per second. Spoken in the raw
 * graphql-transport-ws protocol over `ws`, so the test sees every frame and close code. Every
 * socket says who it is: an admin's token in connectionParams.
 */

describe('WebSocket limits', () => {
  let t: TestServer;
  let admin: Session;
  const sockets: RawSocket[] = [];
  const open = (localAddress?: string, params?: Record<string, unknown>) => {
    const socket = rawSocket(t.wsUrl, params ?? { authorization: admin.headers.authorization }, localAddress);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    t = await startTestServer('pglite', {
      server: { wsLimits: { maxConnectionsPerIp: 3, maxConnections: 5, maxBufferedBytes: 64 * 1024, maxOperationsPerSecond: 5 } },
    });
    admin = await accountSession(t.url, t.db.prisma, { roles: [{ role: 'ADMIN' }] });
  });
  afterAll(async () => {
    for (const s of sockets) s.ws.terminate();
    await t?.close();
  });

  it('caps sockets per client address (1013), and in total', async () => {
    const first = [open('127.0.0.1'), open('127.0.0.1'), open('127.0.0.1')];
    await Promise.all(first.map(acked));
    const fourth = open('127.0.0.1');
    expect(await fourth.closed).toEqual({ code: WS_CLOSE.TOO_MANY_CONNECTIONS, reason: 'Too many connections from your address' });
    // Another address still gets in, up to the total of 5.
    const others = [open('127.0.0.2'), open('127.0.0.3')];
    await Promise.all(others.map(acked));
    const sixth = open('127.0.0.4');
    expect(await sixth.closed).toEqual({ code: WS_CLOSE.TOO_MANY_CONNECTIONS, reason: 'Too many connections' });
    // Closing one frees its place for its address.
    first[0]!.ws.close(1000);
    await first[0]!.closed;
    const again = open('127.0.0.1');
    await acked(again);
    expect(t.server.wsLimits.refusedConnections).toBe(2);
    for (const s of [...first, ...others, again]) {
      s.ws.close(1000);
      await s.closed;
    }
  });

  it('refuses operations beyond the per-second rate with RATE_LIMITED; the socket stays open', async () => {
    const socket = open();
    await acked(socket);
    for (let i = 0; i < 30; i++) socket.subscribe(`q${i}`, '{ __typename }');
    await socket.waitFor((m) => m.type === 'complete' || m.type === 'error', 30);
    const refused = socket.messages.filter((m) => m.type === 'error');
    const served = socket.messages.filter((m) => m.type === 'next');
    // A burst of 5 is allowed (plus what refills while the 30 are handled); the rest are refused.
    expect(served.length).toBeGreaterThanOrEqual(5);
    expect(served.length).toBeLessThan(10);
    expect(refused.length).toBe(30 - served.length);
    expect(refused[0]!.payload).toEqual([
      { message: 'Too many operations: at most 5 per second on one connection.', extensions: { code: 'RATE_LIMITED' } },
    ]);
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    socket.ws.close(1000);
    await socket.closed;
  });

  it('closes a client that stops reading (slow consumer) with 1008 instead of buffering', async () => {
    // Its own server: no rate limit to speak of, 64 KiB of unsent data at most.
    const fast = await startTestServer('pglite', { server: { wsLimits: { maxBufferedBytes: 64 * 1024, maxOperationsPerSecond: 100_000 } } });
    try {
      const token = (await accountSession(fast.url, fast.db.prisma, { roles: [{ role: 'ADMIN' }] })).headers.authorization;
      const socket = rawSocket(fast.wsUrl, { authorization: token });
      sockets.push(socket);
      await acked(socket);
      socket.ws.pause(); // stop reading: the kernel's buffers fill, then the server's queue would grow
      // 100 sites with 10 KB addresses: 1 MB per answer, 100 answers, far more than loopback buffers hold.
      await fast.db.prisma.site.createMany({
        data: Array.from({ length: 100 }, (_, i) => ({ name: `大站${i}`, level: 'CENTER' as const, address: '地'.repeat(10_000), path: `p${i}` })),
      });
      const big = '{ sites(first: 100) { edges { node { address } } } }';
      for (let i = 0; i < 100; i++) socket.subscribe(`big${i}`, big);
      await until(() => fast.server.wsLimits.slowConsumersClosed === 1);
      socket.ws.resume();
      const { code, reason } = await socket.closed;
      expect(code).toBe(WS_CLOSE.SLOW_CONSUMER);
      expect(reason).toBe('Slow consumer: more than 65536 bytes unsent');
      // It got far fewer than the 100 answers it asked for.
      expect(socket.messages.filter((m) => m.type === 'next').length).toBeLessThan(100);
    } finally {
      await fast.close();
    }
  });

  it('reads the Authorization key of connectionParams in any case', async () => {
    for (const key of ['authorization', 'Authorization', 'AUTHORIZATION']) {
      const socket = open(undefined, { [key]: admin.headers.authorization });
      await acked(socket);
      socket.subscribe('me', '{ viewer { roles } }');
      await socket.waitFor((m) => m.type === 'next');
      expect(socket.messages.find((m) => m.type === 'next')!.payload.data.viewer, key).toMatchObject({ roles: expect.arrayContaining(['ADMIN']) });
      socket.ws.close(1000);
      await socket.closed;
    }
  });
});
