import { cached, requestLoader } from '../common/loaders.js';
import type { Context } from '../context.js';
import { type IdParam, type Rule, idOf, leads } from './scope-rules.js';
import { type Viewer, managesPath } from './viewer.js';

/*
 * The scopes of care (beneficiaries) and of certificates and star levels: part of the one policy,
 * which src/auth/policy.ts spreads into its scopes.
 */

// ---- care (src/care) ------------------------------------------------------------------------------

/** Who may see and act on a beneficiary: judged on its site and its caring team, batched per request. */
export function careScopes(ctx: Context, rule: Rule) {
  const beneficiaries = requestLoader<number, { sitePath: string; careTeamId: number | null } | null>(
    ctx,
    'policy:beneficiary',
    async (ids) => {
      const rows = await ctx.prisma.beneficiary.findMany({
        where: { id: { in: [...ids] } },
        select: { id: true, careTeamId: true, site: { select: { path: true } } },
      });
      const byId = new Map(rows.map((r) => [r.id, { sitePath: r.site.path, careTeamId: r.careTeamId }]));
      return ids.map((id) => byId.get(id) ?? null);
    },
  );
  // The viewer's own team memberships, once per request.
  const myTeams = (v: Viewer) =>
    cached(ctx, 'care:myTeams', async () =>
      v.volunteerId == null
        ? new Set<number>()
        : new Set(
            (await ctx.prisma.teamMembership.findMany({ where: { volunteerId: v.volunteerId }, select: { teamId: true } })).map(
              (m) => m.teamId,
            ),
          ),
    );
  return {
    manageBeneficiary: rule('Beneficiary', async (v, id) => {
      const b = await beneficiaries.load(id);
      return !!b && managesPath(v, b.sitePath);
    }),
    careForBeneficiary: rule('Beneficiary', async (v, id) => {
      const b = await beneficiaries.load(id);
      return !!b && (managesPath(v, b.sitePath) || (b.careTeamId != null && leads(v, b.careTeamId)));
    }),
    seeBeneficiaryPersonalData: rule('Beneficiary', async (v, id) => {
      const b = await beneficiaries.load(id);
      if (!b) return false;
      if (managesPath(v, b.sitePath)) return true;
      if (b.careTeamId == null) return false;
      return leads(v, b.careTeamId) || (await myTeams(v)).has(b.careTeamId);
    }),
  };
}

// ---- certificates and star levels (src/certificates) ---------------------------------------------

export function certificateScopes(ctx: Context, rule: Rule) {
  const certificate = (id: number) =>
    cached(ctx, `certificate:${id}`, () =>
      ctx.prisma.serviceCertificate.findUnique({
        where: { id },
        select: { volunteerId: true, teamId: true, team: { select: { site: { select: { path: true } } } } },
      }),
    );
  return {
    seeCertificate: rule('ServiceCertificate', async (v, id) => {
      const c = await certificate(id);
      return !!c && (c.volunteerId === v.volunteerId || leads(v, c.teamId) || managesPath(v, c.team.site.path));
    }),
    issueCertificate: async (value: IdParam) => {
      const id = idOf(value, 'ServiceCertificate');
      const v = ctx.viewer;
      if (!v || id == null) return !!v?.admin;
      const c = await certificate(id);
      if (!c) return v.admin;
      return c.volunteerId !== v.volunteerId && (v.admin || leads(v, c.teamId) || managesPath(v, c.team.site.path));
    },
    reviewStarApplication: async (value: IdParam) => {
      const id = idOf(value, 'StarLevelApplication');
      const v = ctx.viewer;
      if (!v || id == null) return !!v?.admin;
      const a = await ctx.prisma.starLevelApplication.findUnique({
        where: { id },
        select: { volunteerId: true, volunteer: { select: { homeSite: { select: { path: true } } } } },
      });
      if (!a) return v.admin;
      return a.volunteerId !== v.volunteerId && managesPath(v, a.volunteer.homeSite.path);
    },
  };
}
