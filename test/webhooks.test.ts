import { createHmac, timingSafeEqual } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../src/common/clock.js';
import { type NotificationLike, enqueueWebhookDeliveries } from '../src/webhooks/service.js';
import {
  WebhookCreateDocument,
  WebhookDeleteDocument,
  WebhookDeliveriesDocument,
  WebhookEndpointsDocument,
  WebhookReplayDocument,
  WebhookRotateSecretDocument,
  WebhookUpdateDocument,
} from './generated/graphql.js';
import { ANONYMOUS, type Session, accountSession } from './support/accounts.js';
import { expectType, gql, request } from './support/client.js';
import { DATABASE_KINDS, type TestServer, startTestServer } from './support/server.js';

/*
 * Webhooks (issue 13): an ADMIN registers endpoints; each notification of a kind an endpoint wants
 * becomes a durable delivery row that the worker POSTs, signed, and retries with backoff. The
 * worker is driven by hand (webhooks.pollMs: 0) against a manual clock: no sleeping.
 */

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A local HTTP receiver: records each request and answers with `answer(n)` (n counts from 1); null = never answer. */
async function receiver(answer: (n: number) => number | null) {
  const received: Received[] = [];
  const hanging: ServerResponse[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      for (const w of waiters.filter((w) => received.length >= w.count)) w.resolve();
      const status = answer(received.length);
      if (status == null) hanging.push(res);
      else res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'receiver says no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    hanging,
    /** Resolves once `count` requests have arrived. */
    arrived: (count: number) =>
      new Promise<void>((resolve) => (received.length >= count ? resolve() : waiters.push({ count, resolve }))),
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The receiver's check: HMAC-SHA256 of "<timestamp>.<body>" with the secret, compared in constant time. */
function signatureValid(secret: string, r: Received): boolean {
  const timestamp = String(r.headers['x-signature-timestamp']);
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${r.body}`).digest('hex')}`);
  const given = Buffer.from(String(r.headers['x-signature']));
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** A closed port: connections are refused at once. */
async function deadUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return `http://127.0.0.1:${port}/gone`;
}

let notificationSeq = 0;
const notification = (kind: NotificationLike['kind'], at: Date): NotificationLike => {
  notificationSeq += 1;
  return {
    id: 9000 + notificationSeq,
    kind,
    recipientId: 42,
    title: '候补转正通知',
    body: `您已从候补转为正式上岗（第 ${notificationSeq} 条）。`,
    links: ['U2hpZnQ6MQ=='],
    createdAt: at,
  };
};

describe.each(DATABASE_KINDS)('webhooks (%s)', (kind) => {
  let t: TestServer;
  let admin: Session;
  let volunteer: Session;
  const clock = manualClock('2026-07-07T06:00:00+08:00');

  beforeAll(async () => {
    t = await startTestServer(kind, { clock, server: { webhooks: { pollMs: 0, timeoutMs: 400, concurrency: 4, perEndpoint: 2 } } });
    admin = await accountSession(t.url, t.db.prisma, { roles: [{ role: 'ADMIN' }] });
    volunteer = await accountSession(t.url, t.db.prisma, {});
  });
  afterAll(() => t?.close());

  const worker = () => t.server.webhooks;
  const enqueue = (n: NotificationLike) => t.db.prisma.$transaction((tx) => enqueueWebhookDeliveries(tx, n, clock.now()));
  const create = async (input: { url: string; kinds: NotificationLike['kind'][]; secret?: string }) =>
    expectType((await gql(t.url, WebhookCreateDocument, { input }, admin.headers)).createWebhookEndpoint, 'CreateWebhookEndpointPayload');
  const deliveries = async (endpointId: string) =>
    (await gql(t.url, WebhookDeliveriesDocument, { filter: { endpointId } }, admin.headers)).webhookDeliveries.edges.map((e) => e.node);

  it('as ADMIN: signs each attempt, fails three times with growing backoff, is accepted on the fourth with the same idempotency key; replay sends it again', async () => {
    const hook = await receiver((n) => (n <= 3 ? 500 : 200));
    try {
      const secret = 'a-receiver-shared-secret-of-32-chars';
      const { endpoint } = await create({ url: hook.url, kinds: ['PROMOTED', 'SHIFT_CHANGED'], secret });
      expect(endpoint.kinds).toEqual(['PROMOTED', 'SHIFT_CHANGED']);

      // A kind the endpoint does not want queues nothing for it; the one it wants queues one delivery, once.
      expect(await enqueue(notification('REMINDER', clock.now()))).toBe(0);
      const promoted = notification('PROMOTED', clock.now());
      expect(await enqueue(promoted)).toBe(1);
      expect(await enqueue(promoted)).toBe(0);

      const waits: number[] = [];
      for (let attempt = 1; attempt <= 4; attempt += 1) {
        const started = await worker().tick();
        expect(started).toHaveLength(1);
        await worker().whenDone(started);
        expect(hook.received).toHaveLength(attempt);
        const [row] = await deliveries(endpoint.id);
        expect(row!.attempts).toBe(attempt);
        if (attempt < 4) {
          expect(row).toMatchObject({ status: 'PENDING', lastStatusCode: 500, lastError: 'HTTP 500: receiver says no' });
          const wait = Date.parse(row!.nextAttemptAt!) - clock.now().getTime();
          waits.push(wait);
          // Not due yet: a tick a second early sends nothing.
          clock.advance(wait - 1000);
          expect(await worker().tick()).toEqual([]);
          clock.advance(1000);
        } else {
          expect(row).toMatchObject({ status: 'DELIVERED', lastStatusCode: 200, lastError: null, nextAttemptAt: null });
          expect(row!.deliveredAt).toBe(clock.now().toISOString());
        }
      }
      // Exponential backoff: 30 s, then 1 min, then 2 min.
      expect(waits).toEqual([30_000, 60_000, 120_000]);

      // The receiver saw the four attempts in order, each correctly signed, with one idempotency key and one body.
      expect(hook.received.map((r) => r.headers['x-webhook-attempt'])).toEqual(['1', '2', '3', '4']);
      expect(hook.received.every((r) => signatureValid(secret, r))).toBe(true);
      expect(signatureValid('some-other-secret-entirely', hook.received[0]!)).toBe(false);
      expect(new Set(hook.received.map((r) => r.headers['idempotency-key'])).size).toBe(1);
      expect(new Set(hook.received.map((r) => r.body)).size).toBe(1);
      // The signed timestamp is the (injected) clock's, at each attempt.
      expect(Number(hook.received[3]!.headers['x-signature-timestamp'])).toBe(Math.floor(clock.now().getTime() / 1000));
      expect(JSON.parse(hook.received[0]!.body)).toEqual({
        type: 'notification',
        notification: {
          id: Buffer.from(`Notification:${promoted.id}`).toString('base64'),
          kind: 'PROMOTED',
          recipientId: Buffer.from('Volunteer:42').toString('base64'),
          title: promoted.title,
          body: promoted.body,
          links: promoted.links,
          createdAt: promoted.createdAt.toISOString(),
        },
      });

      // Replay: due at once, same key and body, counted as a fifth attempt.
      const [delivered] = await deliveries(endpoint.id);
      const replay = expectType((await gql(t.url, WebhookReplayDocument, { input: { id: delivered!.id } }, admin.headers)).replayWebhookDelivery, 'ReplayWebhookDeliveryPayload');
      expect(replay.delivery).toMatchObject({ status: 'PENDING', nextAttemptAt: clock.now().toISOString() });
      await worker().whenDone(await worker().tick());
      expect(hook.received).toHaveLength(5);
      expect(hook.received[4]!.headers['idempotency-key']).toBe(hook.received[0]!.headers['idempotency-key']);
      expect(hook.received[4]!.body).toBe(hook.received[0]!.body);
      expect((await deliveries(endpoint.id))[0]).toMatchObject({ status: 'DELIVERED', attempts: 5 });

      // A rotated secret signs every attempt from then on.
      const rotated = expectType((await gql(t.url, WebhookRotateSecretDocument, { input: { id: endpoint.id } }, admin.headers)).rotateWebhookEndpointSecret, 'RotateWebhookEndpointSecretPayload');
      expect(rotated.secret).not.toBe(secret);
      await gql(t.url, WebhookReplayDocument, { input: { id: delivered!.id } }, admin.headers);
      await worker().whenDone(await worker().tick());
      expect(signatureValid(rotated.secret, hook.received[5]!)).toBe(true);
      expect(signatureValid(secret, hook.received[5]!)).toBe(false);
    } finally {
      await gql(t.url, WebhookEndpointsDocument, {}, admin.headers).then(async (r) => {
        for (const e of r.webhookEndpoints.edges) await gql(t.url, WebhookDeleteDocument, { input: { id: e.node.id } }, admin.headers);
      });
      await hook.close();
    }
  });

  it('as ADMIN: a hanging and a dead endpoint with backlogs do not delay a healthy one; the hanging request times out', async () => {
    const hanging = await receiver(() => null);
    const healthy = await receiver(() => 204);
    try {
      const slow = (await create({ url: hanging.url, kinds: ['BROADCAST'] })).endpoint;
      const dead = (await create({ url: await deadUrl(), kinds: ['BROADCAST'] })).endpoint;
      const good = (await create({ url: healthy.url, kinds: ['BROADCAST'] })).endpoint;
      // Four notifications: the hanging and dead endpoints' rows come first in every one.
      for (let i = 0; i < 4; i += 1) expect(await enqueue(notification('BROADCAST', clock.now()))).toBe(3);
      const rowIds = async (endpointId: string) =>
        new Set((await deliveries(endpointId)).map((d) => Number(Buffer.from(d.id, 'base64').toString().split(':')[1])));
      const goodIds = await rowIds(good.id);
      const deadIds = await rowIds(dead.id);

      // Tick until the healthy endpoint has all four, waiting only for its own requests.
      const started: number[] = [];
      for (let i = 0; i < 10 && healthy.received.length < 4; i += 1) {
        const ids = await worker().tick();
        started.push(...ids);
        await worker().whenDone(ids.filter((id) => goodIds.has(id)));
      }
      expect(healthy.received).toHaveLength(4);
      expect((await deliveries(good.id)).every((d) => d.status === 'DELIVERED' && d.attempts === 1)).toBe(true);
      // Meanwhile the hanging endpoint holds two requests (its share), still unanswered …
      await hanging.arrived(2);
      expect(hanging.received).toHaveLength(2);
      expect(hanging.hanging).toHaveLength(2);
      expect((await deliveries(slow.id)).filter((d) => d.attempts > 0)).toEqual([]);
      // … and the dead one's connections were refused and are scheduled for retry.
      await worker().whenDone(started.filter((id) => deadIds.has(id)));
      const deadRows = await deliveries(dead.id);
      expect(deadRows.some((d) => d.attempts === 1 && d.status === 'PENDING' && /ECONNREFUSED/.test(d.lastError ?? ''))).toBe(true);

      // The hanging requests end at their timeout and count as failed attempts.
      await worker().idle();
      const slowRows = await deliveries(slow.id);
      expect(slowRows.filter((d) => d.attempts === 1).map((d) => d.lastError)).toEqual(['timed out after 400 ms', 'timed out after 400 ms']);
    } finally {
      await gql(t.url, WebhookEndpointsDocument, {}, admin.headers).then(async (r) => {
        for (const e of r.webhookEndpoints.edges) await gql(t.url, WebhookDeleteDocument, { input: { id: e.node.id } }, admin.headers);
      });
      await hanging.close();
      await healthy.close();
    }
  });

  it('as ADMIN: refuses URLs that are not http(s) or carry credentials; updates kinds; a deleted endpoint gets nothing', async () => {
    for (const url of ['ftp://example.org/hook', 'file:///etc/passwd', 'javascript:alert(1)', 'gopher://127.0.0.1:6379/_INFO', 'not a url', 'http://user:pw@127.0.0.1/hook']) {
      const result = (await gql(t.url, WebhookCreateDocument, { input: { url, kinds: ['PROMOTED'] } }, admin.headers)).createWebhookEndpoint;
      expect(expectType(result, 'ValidationError').fields[0]!.path).toBe('input.url');
    }
    expect(await t.db.prisma.webhookEndpoint.count()).toBe(0);

    const hook = await receiver(() => 200);
    try {
      const { endpoint } = await create({ url: hook.url, kinds: ['PROMOTED'] });
      const updated = expectType(
        (await gql(t.url, WebhookUpdateDocument, { input: { id: endpoint.id, kinds: ['ORDER_UPDATE'] } }, admin.headers)).updateWebhookEndpoint,
        'UpdateWebhookEndpointPayload',
      );
      expect(updated.endpoint.kinds).toEqual(['ORDER_UPDATE']);
      expect(await enqueue(notification('PROMOTED', clock.now()))).toBe(0);
      expect(await enqueue(notification('ORDER_UPDATE', clock.now()))).toBe(1);
      expectType((await gql(t.url, WebhookDeleteDocument, { input: { id: endpoint.id } }, admin.headers)).deleteWebhookEndpoint, 'DeleteWebhookEndpointPayload');
      expect(await enqueue(notification('ORDER_UPDATE', clock.now()))).toBe(0);
      expect(await worker().tick()).toEqual([]);
      expect(hook.received).toHaveLength(0);
    } finally {
      await hook.close();
    }
  });

  it('refuses a VOLUNTEER and an anonymous caller every webhook query and mutation', async () => {
    const hook = await receiver(() => 200);
    try {
      const { endpoint } = await create({ url: hook.url, kinds: ['PROMOTED'] });
      await enqueue(notification('PROMOTED', clock.now()));
      const [delivery] = await deliveries(endpoint.id);
      for (const headers of [volunteer.headers, ANONYMOUS]) {
        const attempts = [
          await request(t.url, WebhookCreateDocument, { input: { url: hook.url, kinds: ['PROMOTED'] } }, headers),
          await request(t.url, WebhookUpdateDocument, { input: { id: endpoint.id, url: 'http://127.0.0.1:1/evil' } }, headers),
          await request(t.url, WebhookRotateSecretDocument, { input: { id: endpoint.id } }, headers),
          await request(t.url, WebhookReplayDocument, { input: { id: delivery!.id } }, headers),
          await request(t.url, WebhookDeleteDocument, { input: { id: endpoint.id } }, headers),
          await request(t.url, WebhookEndpointsDocument, {}, headers),
          await request(t.url, WebhookDeliveriesDocument, {}, headers),
        ];
        for (const result of attempts) {
          expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
          expect(Object.values(result.data ?? {}).every((v) => v == null)).toBe(true);
        }
      }
      // Nothing changed.
      const stored = await t.db.prisma.webhookEndpoint.findMany();
      expect(stored.map((e) => e.url)).toEqual([hook.url]);
      expect(await t.db.prisma.webhookDelivery.count({ where: { status: 'PENDING', attempts: 0 } })).toBe(1);
    } finally {
      await hook.close();
    }
  });
});

describe('webhooks: the server ticks its own worker (pglite)', () => {
  let t: TestServer;
  let admin: Session;

  beforeAll(async () => {
    // Polling as in production (every 20 ms here), the real clock, and a 10 ms first backoff.
    t = await startTestServer('pglite', { server: { webhooks: { pollMs: 20, baseBackoffMs: 10 } } });
    admin = await accountSession(t.url, t.db.prisma, { roles: [{ role: 'ADMIN' }] });
  });
  afterAll(() => t?.close());

  it('as ADMIN: a queued delivery is sent and retried without anyone ticking the worker', async () => {
    const hook = await receiver((n) => (n === 1 ? 503 : 200));
    try {
      const { endpoint, secret } = expectType(
        (await gql(t.url, WebhookCreateDocument, { input: { url: hook.url, kinds: ['SHIFT_CANCELLED'] } }, admin.headers)).createWebhookEndpoint,
        'CreateWebhookEndpointPayload',
      );
      expect(secret).toMatch(/^whsec_/);
      await t.db.prisma.$transaction((tx) => enqueueWebhookDeliveries(tx, notification('SHIFT_CANCELLED', new Date())));
      await hook.arrived(2);
      await t.server.webhooks.idle();
      const [delivery] = (await gql(t.url, WebhookDeliveriesDocument, { filter: { endpointId: endpoint.id } }, admin.headers)).webhookDeliveries.edges;
      expect(delivery!.node).toMatchObject({ status: 'DELIVERED', attempts: 2, lastStatusCode: 200 });
      expect(hook.received.every((r) => signatureValid(secret, r))).toBe(true);
    } finally {
      await hook.close();
    }
  });
});
