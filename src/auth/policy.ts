import { cached, requestLoader } from '../common/loaders.js';
import type { Context } from '../context.js';
import { isPublicShift } from '../roster/open-shifts.js';
import { trackingCodeHash } from '../orders/rules.js';
import { ledTeamSitePathsOf, orderVisibleTo } from './order-visibility.js';
import { type Viewer, managesPath } from './viewer.js';
import { careScopes, certificateScopes } from './care-scopes.js';
import { type IdParam, idOf, leads } from './scope-rules.js';
import { boardCovers } from '../boards/service.js';

/**
 * Who may do what — every authorization rule of the API, in one place. Fields declare which
 * scope they need (`authScopes`); this file says what each scope means.
 *
 * - ADMIN: everything.
 * - SITE_MANAGER of a site: everything at that site and below it.
 * - TEAM_LEADER: their team's members (who joined by accepting an invitation, or whose application
 *   the team accepted), their team's projects and those projects' shifts, and the team's service
 *   records. Only managers of a volunteer's home site (and admins) add members directly.
 * - VOLUNTEER: their own profile, self sign-up, cancelling their own assignment, their own check-in/out.
 * - Anonymous: public information only (sites, posts, RECRUITING/ACTIVE projects, open shifts).
 *
 * Scope parameters are IDs as the client sent them (global IDs) or database ids. An ID that
 * names nothing grants nothing, except to ADMIN, who then gets the resolver's own NotFoundError
 * or ValidationError.
 */
export interface AuthScopes {
  public: boolean;
  authenticated: boolean;
  admin: boolean;
  /** Any staff role (admin, site manager or team leader). */
  staff: boolean;
  manageSite: IdParam;
  /** Every one of these sites. */
  manageSites: (IdParam)[];
  /** Managers of the volunteer's home site (and admins). */
  manageVolunteer: IdParam;
  /**
   * Making a volunteer a team's leader: an accepted member of the team, or anyone a manager of
   * the volunteer's home site (so nobody becomes a member without consent).
   */
  appointLeader: { teamId: IdParam | null; volunteerId: IdParam };
  manageDutyPost: IdParam;
  manageTeam: IdParam;
  manageProject: IdParam;
  /**
   * Where a project may be placed (createProject, or updateProject moving it): the organiser is a
   * team the caller leads or manages, and the site is one the caller manages — or, for the
   * organiser's leader, the organiser's site or a site below it. Omitted values are the project's own.
   */
  placeProject: { siteId?: IdParam | null; organizerId?: IdParam | null; projectId?: IdParam | null };
  manageShift: IdParam;
  manageServiceRecord: IdParam;
  /** Whoever manages the team an invitation or application is for. */
  manageJoinRequest: IdParam;
  /** Whoever manages the assignment's shift. */
  manageAssignment: IdParam;
  /** The assignment's own volunteer, or whoever manages its shift. */
  actOnAssignment: IdParam;
  /** An OPEN shift with free places of an open (RECRUITING or ACTIVE) project: what anyone may see. */
  publicShift: { status: string; assignedCount: number; capacity: number; projectId: number };
  /** A shift at a post in a board credential's site subtree: what a wall screen may see. */
  boardShift: { postId: number };
  /** The volunteer themself. */
  selfVolunteer: IdParam;
  /** Phone, birth date: the person, leaders of teams they are an accepted member of, managers of their home site and above, admins. */
  seePersonalData: IdParam;

  // ---- care (src/care) ------------------------------------------------------------------------
  /** Managers of the beneficiary's site and above (and admins): create, edit, close, assign teams. */
  manageBeneficiary: IdParam;
  /** The leader of the beneficiary's caring team, or a manager of its site: record visits. */
  careForBeneficiary: IdParam;
  /** Name, phone, address, ID number: the caring team's leader and members, managers of the site and above, admins. */
  seeBeneficiaryPersonalData: IdParam;

  // ---- civilised families (src/families) -------------------------------------------------------
  /** Managers of the family's site and above (and admins): edit it, nominate it, record its talks. */
  manageFamily: IdParam;

  // ---- certificates and star levels (src/certificates) ----------------------------------------
  /** A certificate's owner, the issuing team's leader, managers of its site and above, admins. */
  seeCertificate: IdParam;
  /** The issuing team's leader or a manager of its site — never the certificate's own volunteer. */
  issueCertificate: IdParam;
  /** Managers of the applicant's home site and above (and admins) — never the applicant themself. */
  reviewStarApplication: IdParam;

  // ---- Service orders and street reports (src/orders, src/reports) ----
  /** Managers of the order's site or above: dispatch, open for claim, reject. */
  manageServiceOrder: IdParam;
  /** The leader of the order's team, or managers of its site or above: start and complete. */
  serveServiceOrder: IdParam;
  /** The team's own leader (and admins): claiming an order for the team. */
  leadTeam: IdParam;
  /** The order's requester: the account that placed it, or whoever holds its tracking code. */
  serviceOrderRequester: { orderId?: IdParam | null; trackingCode?: string | null };
  /** Seeing an order: see `serviceOrderVisibility`. */
  seeServiceOrder: OrderScope;
  /** The requester's name, phone and address: the requester, managers of the site or above, the order's team leader. */
  seeServiceOrderContact: OrderScope;
  /** Any account with a volunteer profile: filing a street report. */
  reporter: boolean;
  /** Managers of the report's site or above: moving a report along, marking duplicates. */
  manageCommunityReport: IdParam;
  /** Seeing a report: its reporter, and managers of its site or above. */
  seeCommunityReport: { siteId: number; reporterId: number };
}

/** The columns of a service order that decide who may see it. */
export interface OrderScope {
  siteId: number;
  teamId: number | null;
  requesterAccountId: number | null;
  status: string;
}

/** Whether the site with this path is the site at `root` or below it. */
const isWithin = (path: string, root: string) => path === root || path.startsWith(`${root}.`);

export function scopesFor(ctx: Context) {
  const viewer = ctx.viewer;
  const admin = viewer?.admin ?? false;

  /** Runs a rule for an id of a type; admins pass, unknown ids fail for everyone else. */
  const rule =
    (typename: string, check: (viewer: Viewer, id: number) => Promise<boolean>) =>
    async (value: IdParam): Promise<boolean> => {
      if (!viewer) return false;
      if (admin) return true;
      const id = idOf(value, typename);
      return id != null && check(viewer, id);
    };

  const sitePath = (id: number) =>
    cached(ctx, `site:${id}`, () => ctx.prisma.site.findUnique({ where: { id }, select: { path: true } }));
  const team = (id: number) =>
    cached(ctx, `team:${id}`, () =>
      ctx.prisma.team.findUnique({ where: { id }, select: { id: true, site: { select: { path: true } } } }),
    );
  const project = (id: number) =>
    cached(ctx, `project:${id}`, () =>
      ctx.prisma.project.findUnique({ where: { id }, select: { organizerId: true, site: { select: { path: true } } } }),
    );
  const shift = (id: number) =>
    cached(ctx, `shift:${id}`, () =>
      ctx.prisma.shift.findUnique({
        where: { id },
        select: {
          project: { select: { organizerId: true, site: { select: { path: true } } } },
          post: { select: { site: { select: { path: true } } } },
        },
      }),
    );

  const serviceOrder = (id: number) =>
    cached(ctx, `serviceOrder:${id}`, () =>
      ctx.prisma.serviceOrder.findUnique({
        where: { id },
        select: { teamId: true, requesterAccountId: true, site: { select: { path: true } } },
      }),
    );
  const ledTeamSitePaths = () => ledTeamSitePathsOf(ctx);

  // Personal-data checks run once per volunteer in a list: batch them into one query.
  const people = requestLoader<number, { homeSite: { path: string }; memberships: { teamId: number }[] } | null>(
    ctx,
    'policy:people',
    async (ids) => {
      const rows = await ctx.prisma.volunteer.findMany({
        where: { id: { in: [...ids] } },
        select: { id: true, homeSite: { select: { path: true } }, memberships: { select: { teamId: true } } },
      });
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    },
  );

  const projectStatuses = requestLoader<number, string | null>(ctx, 'policy:projectStatus', async (ids) => {
    const rows = await ctx.prisma.project.findMany({ where: { id: { in: [...ids] } }, select: { id: true, status: true } });
    const byId = new Map(rows.map((r) => [r.id, r.status as string]));
    return ids.map((id) => byId.get(id) ?? null);
  });

  const postPaths = requestLoader<number, string | null>(ctx, 'policy:postPath', async (ids) => {
    const rows = await ctx.prisma.dutyPost.findMany({ where: { id: { in: [...ids] } }, select: { id: true, site: { select: { path: true } } } });
    const byId = new Map(rows.map((r) => [r.id, r.site.path]));
    return ids.map((id) => byId.get(id) ?? null);
  });

  const canManageSite = async (v: Viewer, id: number) => {
    const site = await sitePath(id);
    return !!site && managesPath(v, site.path);
  };

  const canManageShift = async (v: Viewer, id: number) => {
    const s = await shift(id);
    return !!s && (leads(v, s.project.organizerId) || managesPath(v, s.post.site.path) || managesPath(v, s.project.site.path));
  };

  const canManageVolunteer = async (v: Viewer, id: number) => {
    const person = await people.load(id);
    return !!person && managesPath(v, person.homeSite.path);
  };

  return {
    public: true,
    authenticated: !!viewer,
    admin,
    staff: admin || (!!viewer && (viewer.managedSitePaths.length > 0 || viewer.ledTeamIds.length > 0)),
    manageSite: rule('Site', canManageSite),
    manageSites: async (values: (IdParam)[]) => {
      const checks = values.map(rule('Site', canManageSite));
      return (await Promise.all(checks)).every(Boolean);
    },
    manageVolunteer: rule('Volunteer', canManageVolunteer),
    appointLeader: async ({ teamId, volunteerId }) =>
      rule('Volunteer', async (v, id) => {
        if (await canManageVolunteer(v, id)) return true;
        const team = teamId == null ? null : idOf(teamId, 'Team');
        const person = await people.load(id);
        return team != null && !!person && person.memberships.some((m) => m.teamId === team);
      })(volunteerId),
    manageDutyPost: rule('DutyPost', async (v, id) => {
      const post = await ctx.prisma.dutyPost.findUnique({ where: { id }, select: { site: { select: { path: true } } } });
      return !!post && managesPath(v, post.site.path);
    }),
    manageTeam: rule('Team', async (v, id) => {
      const t = await team(id);
      return !!t && (leads(v, t.id) || managesPath(v, t.site.path));
    }),
    manageProject: rule('Project', async (v, id) => {
      const p = await project(id);
      return !!p && (leads(v, p.organizerId) || managesPath(v, p.site.path));
    }),
    manageShift: rule('Shift', canManageShift),
    placeProject: async ({ siteId, organizerId, projectId }) => {
      if (!viewer) return false;
      if (admin) return true;
      let teamId = organizerId == null ? null : idOf(organizerId, 'Team');
      let siteDbId = siteId == null ? null : idOf(siteId, 'Site');
      if ((organizerId != null && teamId == null) || (siteId != null && siteDbId == null)) return false;
      if (teamId == null || siteDbId == null) {
        const id = projectId == null ? null : idOf(projectId, 'Project');
        const current = id == null ? null : await ctx.prisma.project.findUnique({ where: { id }, select: { organizerId: true, siteId: true } });
        if (!current) return false;
        teamId ??= current.organizerId;
        siteDbId ??= current.siteId;
      }
      const [organizer, site] = await Promise.all([team(teamId), sitePath(siteDbId)]);
      if (!organizer || !site) return false;
      const leadsOrganizer = leads(viewer, organizer.id);
      if (!leadsOrganizer && !managesPath(viewer, organizer.site.path)) return false;
      return managesPath(viewer, site.path) || (leadsOrganizer && isWithin(site.path, organizer.site.path));
    },
    manageServiceRecord: rule('ServiceRecord', async (v, id) => {
      const record = await ctx.prisma.serviceRecord.findUnique({
        where: { id },
        select: { teamId: true, team: { select: { site: { select: { path: true } } } } },
      });
      return !!record && (leads(v, record.teamId) || managesPath(v, record.team.site.path));
    }),
    manageJoinRequest: rule('TeamJoinRequest', async (v, id) => {
      const request = await ctx.prisma.teamJoinRequest.findUnique({
        where: { id },
        select: { teamId: true, team: { select: { site: { select: { path: true } } } } },
      });
      return !!request && (leads(v, request.teamId) || managesPath(v, request.team.site.path));
    }),
    manageAssignment: rule('ShiftAssignment', async (v, id) => {
      const a = await ctx.prisma.shiftAssignment.findUnique({ where: { id }, select: { shiftId: true } });
      return !!a && canManageShift(v, a.shiftId);
    }),
    actOnAssignment: rule('ShiftAssignment', async (v, id) => {
      const a = await ctx.prisma.shiftAssignment.findUnique({ where: { id }, select: { volunteerId: true, shiftId: true } });
      return !!a && (a.volunteerId === v.volunteerId || canManageShift(v, a.shiftId));
    }),
    publicShift: (shift: AuthScopes['publicShift']) => isPublicShift(shift, (id) => projectStatuses.load(id)),
    boardShift: async (shift: AuthScopes['boardShift']) => {
      const board = ctx.board;
      if (!board) return false;
      const path = await postPaths.load(shift.postId);
      return path != null && boardCovers(board, path);
    },
    selfVolunteer: rule('Volunteer', async (v, id) => v.volunteerId === id),
    seePersonalData: rule('Volunteer', async (v, id) => {
      if (v.volunteerId === id) return true;
      const person = await people.load(id);
      return (
        !!person && (managesPath(v, person.homeSite.path) || person.memberships.some((m) => leads(v, m.teamId)))
      );
    }),
    ...careScopes(ctx, rule),
    ...certificateScopes(ctx, rule),
    manageFamily: rule('Family', async (v, id) => {
      const family = await ctx.prisma.family.findUnique({ where: { id }, select: { site: { select: { path: true } } } });
      return !!family && managesPath(v, family.site.path);
    }),

    // ---- Service orders and street reports (src/orders, src/reports) ----
    manageServiceOrder: rule('ServiceOrder', async (v, id) => {
      const order = await serviceOrder(id);
      return !!order && managesPath(v, order.site.path);
    }),
    serveServiceOrder: rule('ServiceOrder', async (v, id) => {
      const order = await serviceOrder(id);
      return !!order && ((order.teamId != null && leads(v, order.teamId)) || managesPath(v, order.site.path));
    }),
    leadTeam: rule('Team', async (v, id) => leads(v, id)),
    serviceOrderRequester: async ({ orderId, trackingCode }: AuthScopes['serviceOrderRequester']) => {
      const id = orderId == null ? null : idOf(orderId, 'ServiceOrder');
      if (trackingCode != null) {
        const hash = trackingCodeHash(trackingCode);
        if (!hash) return false;
        const order = await ctx.prisma.serviceOrder.findUnique({ where: { trackingCodeHash: hash }, select: { id: true } });
        return !!order && (orderId == null || order.id === id);
      }
      if (!viewer || id == null) return false;
      const order = await serviceOrder(id);
      return !!order && order.requesterAccountId === viewer.accountId;
    },
    seeServiceOrder: async (order: OrderScope) => {
      if (!viewer) return false;
      const path = (await sitePath(order.siteId))?.path;
      return !!path && orderVisibleTo(viewer, { ...order, sitePath: path }, await ledTeamSitePaths());
    },
    seeServiceOrderContact: async (order: OrderScope) => {
      if (!viewer) return false;
      if (admin || order.requesterAccountId === viewer.accountId) return true;
      if (order.teamId != null && leads(viewer, order.teamId)) return true;
      const path = (await sitePath(order.siteId))?.path;
      return !!path && managesPath(viewer, path);
    },
    reporter: viewer?.volunteerId != null,
    manageCommunityReport: rule('CommunityReport', async (v, id) => {
      const report = await ctx.prisma.communityReport.findUnique({ where: { id }, select: { site: { select: { path: true } } } });
      return !!report && managesPath(v, report.site.path);
    }),
    seeCommunityReport: async ({ siteId, reporterId }: AuthScopes['seeCommunityReport']) => {
      if (!viewer) return false;
      if (admin || viewer.volunteerId === reporterId) return true;
      const path = (await sitePath(siteId))?.path;
      return !!path && managesPath(viewer, path);
    },
  } satisfies {
    [K in keyof AuthScopes]: AuthScopes[K] extends boolean ? boolean : (param: AuthScopes[K]) => Promise<boolean>;
  };
}
