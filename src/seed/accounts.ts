import { hashPassword } from '../auth/passwords.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { DemoCity } from './city/index.js';

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
  const accountIds: Partial<Record<(typeof DEMO_ACCOUNTS)[number]['role'], number>> = {};
  for (const account of DEMO_ACCOUNTS) {
    const created = await tx.account.create({
      data: { phone: account.phone, passwordHash: await hashPassword(account.password), ...links[account.role] },
    });
    accountIds[account.role] = created.id;
  }
  return { accounts: DEMO_ACCOUNTS.length, ...(await writeDemoJoinRequests(tx, city, team, accountIds)) };
}

/**
 * Team members in the demo city are accepted members (the memberships above). To show the consent
 * flow, the demo leader's team has one pending invitation (to an active volunteer of the institute
 * outside the team) and the demo volunteer one pending application (to another team there).
 */
async function writeDemoJoinRequests(
  tx: Prisma.TransactionClient,
  city: DemoCity,
  team: DemoCity['teams'][number],
  accountIds: Partial<Record<(typeof DEMO_ACCOUNTS)[number]['role'], number>>,
): Promise<Record<string, number>> {
  const institute = city.siteByKey.chengguan!;
  const under = new Set(city.sites.filter((s) => s.path.startsWith(`${institute.path}.`)).map((s) => s.id));
  const inTeam = new Set(city.memberships.filter((m) => m.teamId === team.id).map((m) => m.volunteerId));
  const invitee = city.volunteers.find((v) => v.status === 'ACTIVE' && under.has(v.homeSiteId) && !inTeam.has(v.id));
  const member = await tx.account.findUniqueOrThrow({ where: { id: accountIds.VOLUNTEER! }, select: { volunteerId: true } });
  const memberTeams = new Set(city.memberships.filter((m) => m.volunteerId === member.volunteerId).map((m) => m.teamId));
  const otherTeam = city.teams.find((t) => under.has(t.siteId) && !memberTeams.has(t.id));
  const rows = [
    invitee && {
      kind: 'INVITATION' as const,
      teamId: team.id,
      volunteerId: invitee.id,
      message: '欢迎加入我们的志愿服务队！',
      createdByAccountId: accountIds.TEAM_LEADER!,
      createdAt: city.asOf,
    },
    otherTeam && {
      kind: 'APPLICATION' as const,
      teamId: otherTeam.id,
      volunteerId: member.volunteerId!,
      message: '周末有空，想参加服务。',
      createdByAccountId: accountIds.VOLUNTEER!,
      createdAt: city.asOf,
    },
  ].filter((row) => !!row);
  const { count } = await tx.teamJoinRequest.createMany({ data: rows });
  return { teamJoinRequests: count };
}
