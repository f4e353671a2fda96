import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { type AppBus, createEventBus } from '../src/events/topics.js';
import { shanghaiDateOf, formatCalendarDate } from '../src/roster/time.js';
import { seed } from '../src/seed/index.js';
import { AuthAssignVolunteerDocument } from './generated/graphql.js';
import { bearer } from './support/accounts.js';
import { offlineBrowser } from './support/browser.js';
import { expectType, request } from './support/client.js';
import { type TestServer, startTestServer } from './support/server.js';

/*
 * GraphiQL as a developer meets it: headless Chromium with a new profile and no network but the
 * server, on the seeded demo city. The page must load from the server alone, open with the
 * example tabs and their Variables, and run an authenticated subscription that shows events.
 * The browser acts as the demo ADMIN (logged in through the Login example); the change that
 * produces the event is made over HTTP with that same ADMIN token.
 */

describe('GraphiQL in a browser without network', () => {
  let t: TestServer;
  let bus: AppBus;
  let browser: Awaited<ReturnType<typeof offlineBrowser>>;
  let page: Page;

  beforeAll(async () => {
    bus = createEventBus({ logger: createLogger('silent') });
    t = await startTestServer('pglite', { pubsub: bus });
    await seed(t.db.prisma);
    browser = await offlineBrowser(new URL(t.url).origin);
    page = await browser.context.newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await bus?.close();
  });

  /** The text of the visible Monaco editor inside `container` (Monaco uses non-breaking spaces). */
  const editorText = async (container: string) =>
    ((await page.locator(`${container} .view-lines`).filter({ visible: true }).first().textContent()) ?? '').replace(/\u00a0/g, ' ');
  /** The visible Variables editor's JSON, once the tab's Variables have rendered. */
  async function variables(): Promise<Record<string, string>> {
    let parsed: Record<string, string> | undefined;
    await expect
      .poll(async () => {
        try {
          parsed = JSON.parse(await editorText('.graphiql-editor-tool'));
          return true;
        } catch {
          return false;
        }
      }, { timeout: 10_000 })
      .toBe(true);
    return parsed!;
  }
  const tab = (name: string) => page.locator('.graphiql-tab', { hasText: name }).first();
  /** Clicks a tab until it is the active one (a click while GraphiQL is still starting is lost). */
  async function selectTab(name: string) {
    await expect
      .poll(async () => {
        await tab(name).locator('.graphiql-tab-button').click();
        return tab(name).getAttribute('class');
      }, { timeout: 15_000 })
      .toMatch(/graphiql-tab-active/);
  }
  const run = () => page.locator('.graphiql-execute-button').click();
  const response = () => editorText('.graphiql-response');

  /** Types into the active tab's Headers editor, as a developer pastes the Authorization. */
  async function setHeaders(headers: Record<string, string>) {
    await page.locator('.graphiql-editor-tools button', { hasText: 'Headers' }).click();
    await page.locator('.graphiql-editor-tool .monaco-editor').filter({ visible: true }).first().click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText(JSON.stringify(headers));
    await page.locator('.graphiql-editor-tools button', { hasText: 'Variables' }).click();
  }

  async function waitForResponse(pattern: RegExp, timeout = 20_000): Promise<string> {
    await page.waitForFunction(
      ([source, flags]) => new RegExp(source!, flags).test(document.querySelector('.graphiql-response .view-lines')?.textContent?.replace(/\u00a0/g, ' ') ?? ''),
      [pattern.source, pattern.flags],
      { timeout },
    ).catch(async (error) => {
      await page.screenshot({ path: join(tmpdir(), 'graphiql-browser-failure.png') });
      throw new Error(`${error}: the response pane shows ${JSON.stringify(await response())}`);
    });
    return response();
  }

  it('loads from the server alone and opens with the example tabs', async () => {
    await page.goto(t.url);
    await page.waitForSelector('.graphiql-container', { timeout: 60_000 });
    await expect.poll(() => page.locator('.graphiql-tab').allInnerTexts(), { timeout: 30_000 }).toEqual([
      'Login',
      'Sites',
      'TodaysRoster',
      'AssignVolunteer',
      'LiveRoster',
    ]);
    expect(await page.title()).toBe('Volunteer service API');
    expect(browser.blocked).toEqual([]);
  }, 90_000);

  let token = '';
  let assignVariables: { shiftId: string; volunteerId: string };

  it('runs the Login example and the roster with today’s date filled in', async () => {
    await selectTab('Login');
    // The token as GraphiQL received it (the response pane wraps long lines, so read the wire).
    const received = page.waitForResponse((r) => r.request().method() === 'POST' && (r.request().postData() ?? '').includes('mutation Login'));
    await run();
    await waitForResponse(/"accessToken": "/);
    token = ((await (await received).json()) as { data: { login: { tokens: { accessToken: string } } } }).data.login.tokens.accessToken;

    await selectTab('TodaysRoster');
    const today = formatCalendarDate(shanghaiDateOf(new Date()));
    expect(await variables()).toEqual({ date: today });
    await setHeaders({ Authorization: `Bearer ${token}` });
    await run();
    const roster = await waitForResponse(/"totalCount": \d+/);
    expect(Number(/"totalCount": (\d+)/.exec(roster)![1])).toBeGreaterThan(0);

    await selectTab('AssignVolunteer');
    assignVariables = (await variables()) as typeof assignVariables;
    expect(Object.keys(assignVariables)).toEqual(['shiftId', 'volunteerId']);
  }, 60_000);

  it('runs LiveRoster with the Headers tab’s Authorization and shows the events', async () => {
    await selectTab('LiveRoster');
    await setHeaders({ Authorization: `Bearer ${token}` });
    const before = t.live.subscriptionsStarted();
    const sent = page.waitForRequest((r) => `${r.url()} ${r.postData() ?? ''}`.includes('LiveRoster'));
    await run();
    // The subscription went out over SSE with the Headers tab's Authorization…
    const subscription = await sent;
    expect(subscription.headers()['accept']).toMatch(/text\/event-stream/);
    expect(subscription.headers()['authorization']).toBe(`Bearer ${token}`);
    await t.live.waitForSubscriptionsStarted(before + 1);

    // …and shows the events of the AssignVolunteer example's Variables, run as ADMIN (the token
    // GraphiQL's Login returned) over HTTP.
    const assigned = await request(t.url, AuthAssignVolunteerDocument, { input: assignVariables }, bearer(token));
    const { assignment } = expectType(assigned.data!.assignVolunteer, 'AssignVolunteerPayload');
    expect(assignment.status).toBe('ASSIGNED');
    const events = await waitForResponse(new RegExp(`"shift": \\{\\s*"id": "${assignVariables.shiftId}"`));
    expect(events).not.toMatch(/"errors"/);
    expect(events).toMatch(/"kind": "(ASSIGNED|STAFFING_CHANGED)"/);
    expect(browser.blocked).toEqual([]);
  }, 60_000);
});
