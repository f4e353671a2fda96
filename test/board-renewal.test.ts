import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { type AppBus, createEventBus } from '../src/events/topics.js';
import { developmentTokens } from '../src/server.js';
import { RosterCheckInDocument } from './generated/graphql.js';
import { type Session, accountSession, bearer } from './support/accounts.js';
import { offlineBrowser } from './support/browser.js';
import { expectType, gql } from './support/client.js';
import { gid } from './support/fixtures.js';
import { makeAssignment, makeShift, makeVolunteers, rosterWorld, shanghai, shanghaiDate, testClock } from './support/roster-fixtures.js';
import { type TestServer, startTestServer } from './support/server.js';

/*
 * The board keeps running past its access token's life: on a server whose access tokens last
 * 8 seconds, a SITE_MANAGER logged in through the page stays connected — the page refreshes its
 * token and renews the open connection in-band before each expiry — so the connection never
 * closes with 4401, and a check-in made afterwards (by an ADMIN over HTTP, with a token from the
 * harness that lives 15 minutes) still arrives live.
 */

describe('the duty board renews its login before the token expires', () => {
  let t: TestServer;
  let bus: AppBus;
  let browser: Awaited<ReturnType<typeof offlineBrowser>>;
  let page: Page;
  let manager: Session;
  let shift: { id: number };
  let assignmentId: number;

  beforeAll(async () => {
    const clock = testClock(shanghai(shanghaiDate(0, new Date()), '10:00'));
    bus = createEventBus({ logger: createLogger('silent') });
    t = await startTestServer('pglite', { pubsub: bus, clock, tokens: { ...developmentTokens(), accessTokenTtlSeconds: 8 } });
    const world = await rosterWorld(t.db.prisma, '续期');
    const today = shanghaiDate(0);
    shift = await makeShift(t.db.prisma, { projectId: world.projectId, postId: world.postId, startsAt: shanghai(today, '09:30'), endsAt: shanghai(today, '12:00'), capacity: 3, minimum: 1 });
    const [volunteer] = await makeVolunteers(t.db.prisma, world.sites.stationA.id, 1, '续期志愿者');
    assignmentId = (await makeAssignment(t.db.prisma, { shiftId: shift.id, volunteerId: volunteer!.id, status: 'ASSIGNED' })).id;
    manager = await accountSession(t.url, t.db.prisma, { roles: [{ role: 'SITE_MANAGER', siteId: world.sites.instituteA.id }] });
    browser = await offlineBrowser(new URL(t.url).origin);
    page = await browser.context.newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await bus?.close();
  });

  it('renews in-band twice without dropping the connection, and still shows changes live', async () => {
    await page.goto(new URL('/board', t.url).toString());
    await page.getByLabel('手机号').fill(manager.phone);
    await page.getByLabel('密码').fill(manager.password);
    await page.getByRole('button', { name: '进入看板' }).click();
    await expect.poll(() => page.getByTestId('connection').getAttribute('data-state'), { timeout: 30_000 }).toBe('live');
    const log = page.getByTestId('connection-log');
    // Two renewals: the second renews a token that itself came from a renewal; by then the
    // login's first access token (8 s) has expired.
    await page.waitForFunction(() => (document.querySelector('[data-testid="connection-log"]')?.textContent?.match(/登录凭证已续期/g) ?? []).length >= 2, undefined, {
      timeout: 40_000,
    });
    const text = await log.textContent();
    expect(text).not.toContain('连接中断');
    expect(text).not.toContain('登录凭证已更新，正在重连');
    expect(await page.getByTestId('connection').getAttribute('data-state')).toBe('live');

    const { checkIn } = await gql(t.url, RosterCheckInDocument, { input: { id: gid('ShiftAssignment', assignmentId) } }, bearer(t.adminToken));
    expectType(checkIn, 'CheckInPayload');
    await page.waitForFunction(
      (id) =>
        document.querySelector('[data-testid="on-duty"] .value')?.textContent === '1' &&
        document.querySelector(`.shift[data-shift="${id}"]`)?.getAttribute('data-checked-in') === '1',
      gid('Shift', shift.id),
      { timeout: 2_000 },
    );
    expect(await log.textContent()).not.toContain('连接中断');
  }, 90_000);
});
