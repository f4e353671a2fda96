import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command } from '../src/common/command.js';
import { createLogger } from '../src/logger.js';
import { type AppBus, createEventBus } from '../src/events/topics.js';
import { shiftChange } from '../src/roster/events.js';
import { scaleSizes } from '../src/seed/scale/index.js';
import { writeTree } from '../src/seed/scale/tree.js';
import { createTeam } from '../src/teams/service.js';
import { type Session, accountSession } from './support/accounts.js';
import { offlineBrowser } from './support/browser.js';
import { makeProject, shanghai, shanghaiDate, testClock } from './support/roster-fixtures.js';
import { type TestServer, startTestServer } from './support/server.js';

/*
 * The command center's board at the city's size: the center with its 100 institutes and 2,445
 * stations (2,545 sites below it, the real tree from the city-scale seed) and 720 shifts today at
 * 360 posts. An ADMIN logs in through the page and watches the center. Then one command changes
 * all 720 shifts at once (720 roster events in a burst): the page must show every change, repaint
 * at most a few times a second while they arrive, and keep its main thread free.
 */

const POSTS = 360;

describe('the center’s duty board at the city’s size', () => {
  let t: TestServer;
  let bus: AppBus;
  let browser: Awaited<ReturnType<typeof offlineBrowser>>;
  let page: Page;
  let admin: Session;
  let shiftIds: number[];

  beforeAll(async () => {
    const clock = testClock(shanghai(shanghaiDate(0, new Date()), '10:00'));
    bus = createEventBus({ logger: createLogger('silent') });
    t = await startTestServer('pglite', { pubsub: bus, clock });
    const sizes = { ...scaleSizes(1), institutes: 100, stations: 2445 };
    await t.db.sql.withSession((session) => writeTree(session, sizes, new Date('2024-01-01T00:00:00Z')));
    expect(await t.db.prisma.site.count()).toBe(2546);
    const team = await createTeam(t.db.prisma, { name: '城市指挥中心志愿服务队', siteId: 1 });
    const project = await makeProject(t.db.prisma, { organizerId: team.id, siteId: 1, title: '全城值守' });
    // Posts at stations across the tree (ids 102… are stations).
    const posts = await t.db.prisma.dutyPost.createManyAndReturn({
      data: Array.from({ length: POSTS }, (_, i) => ({ name: `值守岗${i + 1}`, kind: 'COMMUNITY' as const, siteId: 102 + i * 6, address: '村口' })),
    });
    const today = shanghaiDate(0);
    const shifts = await t.db.prisma.shift.createManyAndReturn({
      data: posts.flatMap((post) => [
        { projectId: project.id, postId: post.id, startsAt: shanghai(today, '08:00'), endsAt: shanghai(today, '12:00'), capacity: 4, minimum: 2, role: '秩序维护' },
        { projectId: project.id, postId: post.id, startsAt: shanghai(today, '13:00'), endsAt: shanghai(today, '17:00'), capacity: 4, minimum: 2, role: '文明劝导' },
      ]),
    });
    shiftIds = shifts.map((s) => s.id);
    admin = await accountSession(t.url, t.db.prisma, { roles: [{ role: 'ADMIN' }] });
    browser = await offlineBrowser(new URL(t.url).origin);
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1920, height: 1080 });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await bus?.close();
  });

  it('opens the center’s board with every shift of the day', async () => {
    await page.goto(new URL('/board', t.url).toString());
    await page.getByLabel('手机号').fill(admin.phone);
    await page.getByLabel('密码').fill(admin.password);
    await page.getByRole('button', { name: '进入看板' }).click();
    await expect.poll(() => page.getByTestId('connection').getAttribute('data-state'), { timeout: 60_000 }).toBe('live');
    expect(await page.locator('h1').textContent()).toContain('云溪市新时代文明实践中心');
    expect(await page.locator('.shift').count()).toBe(2 * POSTS);
    expect(await page.locator('[data-testid="understaffed"] .value').textContent()).toBe(String(2 * POSTS));
  }, 90_000);

  it('shows a burst of 720 changes, repainting at most a few times a second and staying responsive', async () => {
    // The longest the page's main thread went without running a 50 ms timer, from now on.
    await page.evaluate(() => {
      const w = window as unknown as { maxGap: number; last: number };
      w.maxGap = 0;
      w.last = performance.now();
      setInterval(() => {
        const now = performance.now();
        w.maxGap = Math.max(w.maxGap, now - w.last);
        w.last = now;
      }, 50);
    });
    const repaints = async () => Number(await page.evaluate(() => document.documentElement.dataset.repaints ?? '0'));
    const before = await repaints();
    const started = Date.now();
    await command(t.server.services, async (tx) => {
      await tx.shift.updateMany({ where: { id: { in: shiftIds } }, data: { capacity: 6 } });
      const now = t.server.services.clock.now();
      return { events: shiftIds.map((id) => shiftChange('SHIFT_UPDATED', id, now)) };
    });
    expect(shiftIds).toHaveLength(720);
    await page.waitForFunction((n) => document.querySelectorAll('.shift[data-capacity="6"]').length === n, 2 * POSTS, { timeout: 60_000, polling: 100 });
    const seconds = (Date.now() - started) / 1000;
    const painted = (await repaints()) - before;
    // 720 events, but no more than about 4 repaints a second (one per 250 ms), plus the last.
    expect(painted).toBeGreaterThan(0);
    expect(painted).toBeLessThanOrEqual(Math.ceil(seconds * 4) + 2);
    const maxGap = await page.evaluate(() => (window as unknown as { maxGap: number }).maxGap);
    expect(maxGap).toBeLessThan(1_000);
    // The page still answers a click at once.
    await page.getByRole('button', { name: '只看缺员' }).click();
    await expect.poll(() => page.getByRole('button', { name: '只看缺员' }).getAttribute('aria-pressed'), { timeout: 2_000 }).toBe('true');
  }, 90_000);
});
