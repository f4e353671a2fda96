import { hashPassword } from '../auth/passwords.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { DemoCity } from './city.js';

/**
 * One demo login per role. The passwords are public on purpose: they exist only in the demo data,
 * and `npm start` prints them in development so people can try each role in GraphiQL.
 */
export const DEMO_ACCOUNTS = [
  { role: 'ADMIN', phone: '+8613800000001', password: 'demo-admin-2026', who: '县文明办 (city civilisation office)' },
  { role: 'SITE_MANAGER', phone: '+8613800000002', password: 'demo-manager-2026', who: 'manager of 城关镇 institute' },
  { role: 'TEAM_LEADER', phone: '+8613800000003', password: 'demo-leader-2026', who: 'leader of a team in 城关镇' },
  { role: 'VOLUNTEER', phone: '+8613800000004', password: 'demo-volunteer-2026', who: 'a member of that team' },
] as const;

/** Creates the demo accounts, linked to people and places of the demo city. */
export async function writeDemoAccounts(tx: Prisma.TransactionClient, city: DemoCity): Promise<Record<string, number>> {
  const institute = city.siteByKey.chengguan!;
  const underInstitute = new Set(city.sites.filter((s) => s.path.startsWith(`${institute.path}.`)).map((s) => s.id));
  const team = city.teams.find((t) => t.leaderId != null && underInstitute.has(t.siteId))!;
  const volunteers = new Map(city.volunteers.map((v) => [v.id, v]));
  const member = city.memberships
    .filter((m) => m.teamId === team.id && m.volunteerId !== team.leaderId)
    .map((m) => volunteers.get(m.volunteerId)!)
    .find((v) => v.status === 'ACTIVE')!;

  const links: Record<(typeof DEMO_ACCOUNTS)[number]['role'], Omit<Prisma.AccountUncheckedCreateInput, 'phone' | 'passwordHash'>> = {
    ADMIN: { roles: { create: [{ role: 'ADMIN' }] } },
    SITE_MANAGER: { roles: { create: [{ role: 'SITE_MANAGER', siteId: institute.id }] } },
    TEAM_LEADER: { volunteerId: team.leaderId },
    VOLUNTEER: { volunteerId: member.id },
  };
  for (const account of DEMO_ACCOUNTS) {
    await tx.account.create({
      data: { phone: account.phone, passwordHash: await hashPassword(account.password), ...links[account.role] },
    });
  }
  return { accounts: DEMO_ACCOUNTS.length };
}
