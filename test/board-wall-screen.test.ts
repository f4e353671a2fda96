import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { type AppBus, createEventBus } from '../src/events/topics.js';
import { BoardCreateDocument, BoardLoginDocument, BoardRevokeDocument, RosterCheckInDocument, type TypedDocumentString } from './generated/graphql.js';
import { createAccount } from '../src/auth/service.js';
import { bearer } from './support/accounts.js';
import { offlineBrowser } from './support/browser.js';
import { expectType, request } from './support/client.js';
import { gid, uniquePhone } from './support/fixtures.js';
import { makeAssignment, makeShift, makeVolunteers, rosterWorld, shanghai, shanghaiDate, testClock } from './support/roster-fixtures.js';
import { type TestServer, startTestServer } from './support/server.js';

/*
 * The duty board as an unattended wall screen: a board credential (issued over the API by a
 * SITE_MANAGER of institute A) instead of a login, on a server that serves persisted operations
 * only (PERSISTED_OPERATIONS=only, as in production): the page's operations must all be in the
 * manifest codegen writes. The screen sees its subtree's shifts in full (full ones too), offers
 * no assignment (the credential is read-only), follows a check-in live, and when the manager
 * revokes the credential it stops and says so.
 */

const ARTIFACTS = join(import.meta.dirname, 'artifacts');

/** Sends a persisted operation by its hash only (the server refuses query text in this mode). */
async function persisted<R, V>(url: string, document: TypedDocumentString<R, V>, variables: V, headers: Record<string, string>) {
  const hash = (document.__meta__ as { hash: string }).hash.replace(/^sha256:/, '');
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify({ variables, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }),
  });
  const body = (await response.json()) as { data?: R; errors?: unknown[] };
  if (!body.data) throw new Error(`persisted operation failed: ${JSON.stringify(body)}`);
  return body.data;
}

describe('the duty board on a wall screen with a board credential, persisted operations only', () => {
  let t: TestServer;
  let bus: AppBus;
  let browser: Awaited<ReturnType<typeof offlineBrowser>>;
  let page: Page;
  let manager: { accessToken: string };
  let world: Awaited<ReturnType<typeof rosterWorld>>;
  let running: { id: number };
  let full: { id: number };
  let volunteers: { id: number }[];
  let credential: { id: string; token: string };

  beforeAll(async () => {
    const clock = testClock(shanghai(shanghaiDate(0, new Date()), '10:00'));
    bus = createEventBus({ logger: createLogger('silent') });
    t = await startTestServer('pglite', { pubsub: bus, clock, server: { persistedOperations: { mode: 'only' } } });
    world = await rosterWorld(t.db.prisma, '大屏');
    const today = shanghaiDate(0);
    running = await makeShift(t.db.prisma, {
      projectId: world.projectId,
      postId: world.postId,
      startsAt: shanghai(today, '09:00'),
      endsAt: shanghai(today, '11:00'),
      capacity: 4,
      minimum: 1,
    });
    full = await makeShift(t.db.prisma, {
      projectId: world.projectId,
      postId: world.postId,
      startsAt: shanghai(today, '14:00'),
      endsAt: shanghai(today, '16:00'),
      capacity: 1,
      minimum: 1,
    });
    volunteers = await makeVolunteers(t.db.prisma, world.sites.stationA.id, 2, '大屏志愿者');
    await makeAssignment(t.db.prisma, { shiftId: running.id, volunteerId: volunteers[0]!.id, status: 'ASSIGNED' });
    await makeAssignment(t.db.prisma, { shiftId: full.id, volunteerId: volunteers[1]!.id, status: 'ASSIGNED' });
    // The manager's account is set up directly; the login goes through the API (persisted, as the page's).
    const phone = `+86${uniquePhone()}`;
    await createAccount(t.db.prisma, { phone, password: 'wall-screen-manager-pw', roles: [{ role: 'SITE_MANAGER', siteId: world.sites.instituteA.id }] });
    const { login } = await persisted(t.url, BoardLoginDocument, { input: { phone, password: 'wall-screen-manager-pw' } }, {});
    manager = { accessToken: expectType(login, 'LoginPayload').tokens.accessToken };
    const created = await persisted(
      t.url,
      BoardCreateDocument,
      { input: { siteId: gid('Site', world.sites.instituteA.id), label: '城关镇指挥大厅' } },
      bearer(manager.accessToken),
    );
    const payload = expectType(created.createBoardCredential, 'CreateBoardCredentialPayload');
    credential = { id: payload.credential.id, token: payload.token };
    browser = await offlineBrowser(new URL(t.url).origin);
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1920, height: 1080 });
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await bus?.close();
  });

  const bar = (shiftId: number) => page.locator(`.shift[data-shift="${gid('Shift', shiftId)}"]`);

  it('refuses query text here, so the page must be speaking in persisted hashes', async () => {
    const plain = await request(t.url, RosterCheckInDocument, { input: { id: gid('ShiftAssignment', 1) } }, bearer(manager.accessToken));
    expect(plain.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');
  });

  it('opens the board of the bookmarked site with the credential, full shifts included, read-only', async () => {
    await page.goto(`${new URL('/board', t.url)}#site=${encodeURIComponent(gid('Site', world.sites.instituteA.id))}`);
    await page.getByRole('button', { name: '看板凭证（大屏）' }).click();
    await page.getByLabel('看板凭证', { exact: true }).fill(credential.token);
    await page.getByRole('button', { name: '进入看板' }).click();
    await expect.poll(() => page.getByTestId('connection').getAttribute('data-state'), { timeout: 30_000 }).toBe('live');
    expect(page.url()).not.toContain(credential.token);
    expect(await bar(full.id).getAttribute('data-staffing')).toBe('FULL');
    expect(await bar(running.id).getAttribute('data-assigned')).toBe('1');
    expect(await page.locator('[data-testid="expected"] .value').textContent()).toBe('1');
    // A board credential runs no mutations: no assignment buttons.
    expect(await page.getByRole('button', { name: '指派志愿者' }).count()).toBe(0);
    expect(browser.blocked).toEqual([]);
  }, 60_000);

  it('follows a check-in live', async () => {
    const assignment = await t.db.prisma.shiftAssignment.findFirstOrThrow({ where: { shiftId: running.id }, select: { id: true } });
    const { checkIn } = await persisted(t.url, RosterCheckInDocument, { input: { id: gid('ShiftAssignment', assignment.id) } }, bearer(manager.accessToken));
    expectType(checkIn, 'CheckInPayload');
    await page.waitForFunction(
      (id) =>
        document.querySelector('[data-testid="on-duty"] .value')?.textContent === '1' &&
        document.querySelector(`.shift[data-shift="${id}"]`)?.getAttribute('data-checked-in') === '1',
      gid('Shift', running.id),
      { timeout: 2_000 },
    );
    await page.screenshot({ path: join(ARTIFACTS, 'board-wall-screen.png') });
  }, 30_000);

  it('stops and says so when the manager revokes the credential', async () => {
    const { revokeBoardCredential } = await persisted(t.url, BoardRevokeDocument, { input: { id: credential.id } }, bearer(manager.accessToken));
    expectType(revokeBoardCredential, 'RevokeBoardCredentialPayload');
    await expect.poll(() => page.getByRole('alert').first().textContent(), { timeout: 10_000 }).toContain('看板凭证无效或已被撤销');
    await expect.poll(() => page.getByLabel('手机号').count()).toBe(1);
  }, 30_000);
});
