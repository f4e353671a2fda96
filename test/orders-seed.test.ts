import { describe, expect, it } from 'vitest';
import { ORDER_TRANSITIONS, isOverdue, pathAndAncestors } from '../src/orders/rules.js';
import { REPORT_TRANSITIONS } from '../src/reports/service.js';
import { buildCity } from '../src/seed/index.js';
import { buildOrders } from '../src/seed/orders.js';
import { buildReports } from '../src/seed/reports.js';

/*
 * The demo service orders and street reports, as built (no database needed): deterministic, in
 * every status, and consistent with the rules the API enforces.
 */

const NOW = new Date('2026-12-01T04:00:00Z');

describe('demo service orders and street reports', () => {
  const city = buildCity();
  const orders = buildOrders(city, NOW);
  const reports = buildReports(city, NOW);

  it('are the same on every build', () => {
    expect(buildOrders(buildCity(), NOW)).toEqual(orders);
    expect(buildReports(buildCity(), NOW)).toEqual(reports);
  });

  it('give every institute a menu and ~200 orders in every status, some overdue and many rated', () => {
    const institutes = city.sites.filter((s) => s.level === 'INSTITUTE');
    for (const institute of institutes) expect(orders.menuItems.some((m) => m.siteId === institute.id), institute.name).toBe(true);
    expect(orders.orders).toHaveLength(200);
    expect(new Set(orders.orders.map((o) => o.status))).toEqual(new Set(Object.keys(ORDER_TRANSITIONS)));
    const overdue = orders.orders.filter((o) => isOverdue({ status: o.status!, dispatchDueAt: o.dispatchDueAt as Date, completeDueAt: o.completeDueAt as Date }, NOW));
    expect(overdue.length).toBeGreaterThan(5);
    expect(overdue.length).toBeLessThan(100);
    expect(orders.orders.filter((o) => o.status === 'RATED' && o.ratingStars).length).toBeGreaterThan(20);
  });

  it('follow the workflow: legal histories, menus from the site or above, teams of the site, records for completed ones', () => {
    const sites = new Map(city.sites.map((s) => [s.id, s]));
    const teams = new Map(city.teams.map((t) => [t.id, t]));
    const items = new Map(orders.menuItems.map((m) => [m.id, m]));
    const members = new Set(city.memberships.map((m) => `${m.teamId}:${m.volunteerId}`));
    for (const order of orders.orders) {
      const history = orders.events.filter((e) => e.orderId === order.id);
      expect(history[0]).toMatchObject({ fromStatus: null, toStatus: 'PLACED' });
      for (const e of history.slice(1)) expect(ORDER_TRANSITIONS[e.fromStatus!], `order ${order.id}`).toContain(e.toStatus);
      expect(history.at(-1)!.toStatus).toBe(order.status);
      const site = sites.get(order.siteId)!;
      if (order.menuItemId) expect(pathAndAncestors(site.path)).toContain(sites.get(items.get(order.menuItemId)!.siteId)!.path);
      if (order.teamId) expect(teams.get(order.teamId)!.siteId).toBe(order.siteId);
    }
    const completed = new Set(orders.orders.filter((o) => o.completedAt).map((o) => o.id));
    expect(new Set(orders.records.map((r) => Number(/#(\d+)/.exec(r.description)![1])))).toEqual(completed);
    for (const r of orders.records) expect(members.has(`${r.teamId}:${r.volunteerId}`)).toBe(true);
  });

  it('put 30 reports at the riders’ station, six in each status, filed by its riders', () => {
    const station = city.siteByKey.riders!;
    const riders = new Set(city.memberships.filter((m) => m.teamId === city.teamByKey['riders-team']!.id).map((m) => m.volunteerId));
    expect(reports.reports).toHaveLength(30);
    for (const status of Object.keys(REPORT_TRANSITIONS)) expect(reports.reports.filter((r) => r.status === status)).toHaveLength(6);
    for (const r of reports.reports) {
      expect(r.siteId).toBe(station.id);
      expect(riders.has(r.reporterId)).toBe(true);
      const history = reports.events.filter((e) => e.reportId === r.id);
      for (const e of history.slice(1)) expect(REPORT_TRANSITIONS[e.fromStatus!]).toContain(e.toStatus);
      expect(history.at(-1)!.toStatus).toBe(r.status);
    }
    expect(reports.reports.filter((r) => r.duplicateOfId).every((r) => r.status === 'REJECTED')).toBe(true);
  });
});
