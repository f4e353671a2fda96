import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { type AppBus, createEventBus } from '../src/events/topics.js';
import { RosterCheckInDocument } from './generated/graphql.js';
import { type Session, accountSession, bearer } from './support/accounts.js';
import { offlineBrowser } from './support/browser.js';
import { expectType, gql } from './support/client.js';
import { gid } from './support/fixtures.js';
import { makeAssignment, makePost, makeShift, makeVolunteers, rosterWorld, shanghai, shanghaiDate, testClock } from './support/roster-fixtures.js';
import { type TestServer, startTestServer } from './support/server.js';

/*
 * The duty board (/board) in headless Chromium, with no network but the server. A SITE_MANAGER
 * of institute A logs in through the page's form and watches institute A's board. The changes
 * the board must show live are made by that same manager over HTTP from the test (check-ins),
 * or by the manager through the page itself (assignments). The server's clock is fixed at 10:00
 * Shanghai today, so check-in windows and "today" do not depend on when the suite runs.
 */

const ARTIFACTS = join(import.meta.dirname, 'artifacts');

describe('the duty board in a browser', () => {
  let t: TestServer;
  let bus: AppBus;
  let browser: Awaited<ReturnType<typeof offlineBrowser>>;
  let page: Page;
  let manager: Session;
  let world: Awaited<ReturnType<typeof rosterWorld>>;
  let morning: { id: number }; // 09:30–12:00 at the south gate, 1 of at least 2: understaffed
  let late: { id: number }; // 10:00–13:00 at the east gate, nobody yet: understaffed
  let onMorning: { id: number; name: string }[]; // assigned to `morning`, not checked in
  let free: { id: number; name: string }; // on no shift

  beforeAll(async () => {
    const clock = testClock(shanghai(shanghaiDate(0, new Date()), '10:00'));
    bus = createEventBus({ logger: createLogger('silent') });
    t = await startTestServer('pglite', { pubsub: bus, clock });
    world = await rosterWorld(t.db.prisma, '看板');
    const eastGate = await makePost(t.db.prisma, world.sites.stationA.id, '东门广场引导岗');
    const today = shanghaiDate(0);
    morning = await makeShift(t.db.prisma, {
      projectId: world.projectId,
      postId: world.postId,
      startsAt: shanghai(today, '09:30'),
      endsAt: shanghai(today, '12:00'),
      capacity: 5,
      minimum: 3,
    });
    late = await makeShift(t.db.prisma, {
      projectId: world.projectId,
      postId: eastGate.id,
      startsAt: shanghai(today, '10:00'),
      endsAt: shanghai(today, '13:00'),
      capacity: 3,
      minimum: 2,
    });
    const people = await makeVolunteers(t.db.prisma, world.sites.stationA.id, 3, '看板志愿者');
    onMorning = people.slice(0, 2);
    free = people[2]!;
    for (const v of onMorning) await makeAssignment(t.db.prisma, { shiftId: morning.id, volunteerId: v.id, status: 'ASSIGNED' });
    manager = await accountSession(t.url, t.db.prisma, { roles: [{ role: 'SITE_MANAGER', siteId: world.sites.instituteA.id }] });
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

  const boardUrl = () => new URL('/board', t.url).toString();
  const number = (testid: string) => page.locator(`[data-testid="${testid}"] .value`);
  const bar = (shiftId: number) => page.locator(`.shift[data-shift="${gid('Shift', shiftId)}"]`);
  const connection = (p: Page) => p.locator('[data-testid="connection"]');
  const assignmentOf = async (shiftId: number, volunteerId: number) =>
    t.db.prisma.shiftAssignment.findFirstOrThrow({ where: { shiftId, volunteerId }, select: { id: true } });
  /** Checks a volunteer in through the API, as the manager. */
  async function checkIn(shiftId: number, volunteerId: number) {
    const { id } = await assignmentOf(shiftId, volunteerId);
    const { checkIn: result } = await gql(t.url, RosterCheckInDocument, { input: { id: gid('ShiftAssignment', id) } }, bearer(manager.accessToken));
    expectType(result, 'CheckInPayload');
  }

  it('logs in as the site manager and opens the live board of the manager’s institute', async () => {
    await page.goto(boardUrl());
    await page.getByLabel('手机号').fill(manager.phone);
    await page.getByLabel('密码').fill(manager.password);
    await page.getByRole('button', { name: '进入看板' }).click();
    await expect.poll(() => connection(page).getAttribute('data-state'), { timeout: 30_000 }).toBe('live');
    await expect.poll(() => page.locator('h1').textContent()).toContain(world.sites.instituteA.name);
    // The token stays out of the URL.
    expect(page.url()).not.toContain(manager.accessToken);
    expect(page.url()).not.toMatch(/token/i);
    expect(await number('on-duty').textContent()).toBe('0');
    expect(await number('understaffed').textContent()).toBe('2');
    expect(await bar(morning.id).getAttribute('data-assigned')).toBe('2');
    expect(await bar(morning.id).getAttribute('data-staffing')).toBe('UNDERSTAFFED');
    expect(await bar(late.id).getAttribute('data-assigned')).toBe('0');
    expect(browser.blocked).toEqual([]);
  }, 60_000);

  it('shows a check-in made through the API within 2 s, without a reload', async () => {
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => navigations.push(frame.url()));
    await checkIn(morning.id, onMorning[0]!.id);
    const shift = gid('Shift', morning.id);
    await page.waitForFunction(
      (id) =>
        document.querySelector('[data-testid="on-duty"] .value')?.textContent === '1' &&
        document.querySelector(`.shift[data-shift="${id}"]`)?.getAttribute('data-checked-in') === '1',
      shift,
      { timeout: 2_000 },
    );
    expect(navigations).toEqual([]);
  }, 30_000);

  it('assigns a volunteer from the understaffed list, and shows a double booking in words', async () => {
    const item = page.locator(`[data-testid="understaffed-list"] li[data-shift="${gid('Shift', late.id)}"]`);
    await item.getByRole('button', { name: '指派志愿者' }).click();
    const panel = item.getByTestId('assign-panel');
    await panel.getByLabel('搜索志愿者（姓名或拼音）').fill(free.name);
    await panel.getByRole('button', { name: '搜索' }).click();
    await panel.getByRole('button', { name: new RegExp(`指派 ${free.name}`) }).click();
    await expect.poll(() => panel.getByTestId('assign-result').textContent(), { timeout: 10_000 }).toContain(`已指派 ${free.name}`);
    await page.waitForFunction((id) => document.querySelector(`.shift[data-shift="${id}"]`)?.getAttribute('data-assigned') === '1', gid('Shift', late.id), {
      timeout: 2_000,
    });
    expect((await t.db.prisma.shiftAssignment.findMany({ where: { shiftId: late.id }, select: { volunteerId: true } })).map((a) => a.volunteerId)).toEqual([free.id]);

    // Someone already on the 09:30–12:00 shift cannot also take 10:00–13:00.
    const busy = onMorning[1]!;
    await panel.getByLabel('搜索志愿者（姓名或拼音）').fill(busy.name);
    await panel.getByRole('button', { name: '搜索' }).click();
    await panel.getByRole('button', { name: new RegExp(`指派 ${busy.name}`) }).click();
    const message = panel.getByRole('alert');
    await expect.poll(() => message.textContent(), { timeout: 10_000 }).toContain('重复排班');
    expect(await message.textContent()).toContain('09:30–12:00');
    expect(await t.db.prisma.shiftAssignment.count({ where: { shiftId: late.id } })).toBe(1);
  }, 60_000);

  it('goes to reconnecting when the WebSocket is cut, then live again with the numbers caught up', async () => {
    expect(await number('on-duty').textContent()).toBe('1');
    expect(t.server.cutWebSockets()).toBeGreaterThan(0);
    // While the page is cut off, another volunteer checks in.
    await checkIn(morning.id, onMorning[1]!.id);
    await page.waitForSelector('[data-testid="connection"][data-state="reconnecting"], [data-testid="connection"][data-state="offline"]', {
      timeout: 5_000,
    });
    // The page was told nothing of the check-in over the cut connection.
    expect(await number('on-duty').textContent()).toBe('1');
    await expect.poll(() => connection(page).getAttribute('data-state'), { timeout: 30_000 }).toBe('live');
    await page.waitForFunction(
      (id) =>
        document.querySelector('[data-testid="on-duty"] .value')?.textContent === '2' &&
        document.querySelector(`.shift[data-shift="${id}"]`)?.getAttribute('data-checked-in') === '2',
      gid('Shift', morning.id),
      { timeout: 5_000 },
    );
    const log = await page.getByTestId('connection-log').textContent();
    expect(log).toContain('连接中断');
    expect(log).toContain('已重新连接，数据已同步');
    // Still live afterwards: a later check-in arrives over the new connection.
    await checkIn(late.id, free.id);
    await page.waitForFunction(
      (id) =>
        document.querySelector('[data-testid="on-duty"] .value')?.textContent === '3' &&
        document.querySelector(`.shift[data-shift="${id}"]`)?.getAttribute('data-checked-in') === '1',
      gid('Shift', late.id),
      { timeout: 2_000 },
    );
  }, 60_000);

  it('says offline when the browser loses the network, and goes live again when it is back', async () => {
    await browser.context.setOffline(true);
    await expect.poll(() => connection(page).getAttribute('data-state'), { timeout: 10_000 }).toBe('offline');
    expect(await connection(page).textContent()).toContain('离线');
    await browser.context.setOffline(false);
    await expect.poll(() => connection(page).getAttribute('data-state'), { timeout: 30_000 }).toBe('live');
    expect(await number('on-duty').textContent()).toBe('3');
  }, 60_000);

  it('keeps screenshots at 1920×1080 and 1024 wide as test artifacts', async () => {
    await page.screenshot({ path: join(ARTIFACTS, 'board-1920x1080.png') });
    await page.setViewportSize({ width: 1024, height: 768 });
    // At tablet width the controls are still on screen, not cut off.
    const box = await page.getByRole('button', { name: '退出登录' }).boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(1024);
    await page.screenshot({ path: join(ARTIFACTS, 'board-1024.png'), fullPage: true });
    expect(browser.blocked).toEqual([]);
  }, 30_000);
});
