import { builder } from '../builder.js';
import { ValidationError } from '../common/errors.js';
import { type Count, type Coverage, type Period, type SiteStats, coverage, siteStats } from './service.js';

const CountRef = builder.objectRef<Count>('StatCount').implement({
  description: 'How many of one kind (a status, category or level).',
  fields: (t) => ({
    key: t.exposeString('key', { description: 'The status, category or level, as its enum value.' }),
    count: t.exposeInt('count', { description: 'How many.' }),
  }),
});

const StarCountRef = builder.objectRef<{ level: number; count: number }>('StarLevelCount').implement({
  description: 'Volunteers at one star level (eligible, from their service minutes).',
  fields: (t) => ({
    level: t.exposeInt('level', { description: 'Star level 0–5.' }),
    count: t.exposeInt('count', { description: 'Volunteers at it.' }),
  }),
});

const VolunteerStatsRef = builder.objectRef<SiteStats['volunteers']>('VolunteerStats').implement({
  description: 'Volunteers homed in the area.',
  fields: (t) => ({
    registered: t.exposeInt('registered', { description: 'Registered volunteers (any time).' }),
    registeredInPeriod: t.exposeInt('registeredInPeriod', { description: 'Registered during the period.' }),
    activeInPeriod: t.exposeInt('activeInPeriod', { description: 'Volunteers who served in the area in the period (completed duty or approved records).' }),
    byStarLevel: t.field({ type: [StarCountRef], description: 'Registered volunteers by eligible star level, 0 to 5.', resolve: (v) => v.byStarLevel }),
  }),
});

const ShiftStatsRef = builder.objectRef<SiteStats['shifts']>('ShiftStats').implement({
  description: 'OPEN shifts at posts in the area starting in the period.',
  fields: (t) => ({
    total: t.exposeInt('total', { description: 'Shifts.' }),
    staffed: t.exposeInt('staffed', { description: 'Shifts with at least their minimum assigned.' }),
    understaffed: t.exposeInt('understaffed', { description: 'Shifts below their minimum.' }),
    assigned: t.exposeInt('assigned', { description: 'Places taken, summed.' }),
    capacity: t.exposeInt('capacity', { description: 'Places offered, summed.' }),
    fillRate: t.exposeFloat('fillRate', { nullable: true, description: 'assigned / capacity; null without shifts.' }),
  }),
});

const OrderStatsRef = builder.objectRef<SiteStats['serviceOrders']>('ServiceOrderStats').implement({
  description: 'Service orders (点单–派单–接单–评单) of the area’s sites in the period.',
  fields: (t) => ({
    placed: t.exposeInt('placed', { description: 'Orders placed in the period.' }),
    byStatus: t.field({ type: [CountRef], description: 'Those orders by their status now.', resolve: (o) => o.byStatus }),
    completed: t.exposeInt('completed', { description: 'Orders completed in the period (whenever placed).' }),
    medianMinutesToComplete: t.exposeFloat('medianMinutesToComplete', {
      nullable: true,
      description: 'Median minutes from placement to completion of the orders completed in the period; null without any.',
    }),
    ratings: t.exposeInt('ratings', { description: 'Orders rated in the period.' }),
    meanRating: t.exposeFloat('meanRating', { nullable: true, description: 'Mean stars (1–5) of those ratings; null without any.' }),
  }),
});

const ReportStatsRef = builder.objectRef<SiteStats['communityReports']>('CommunityReportStats').implement({
  description: 'Street reports (随手拍) filed at the area’s sites in the period.',
  fields: (t) => ({
    submitted: t.exposeInt('submitted', { description: 'Reports filed in the period.' }),
    byStatus: t.field({ type: [CountRef], description: 'Those reports by their status now.', resolve: (r) => r.byStatus }),
    open: t.exposeInt('open', { description: 'Of those, still SUBMITTED, ACKNOWLEDGED or IN_PROGRESS.' }),
    resolved: t.exposeInt('resolved', { description: 'Of those, RESOLVED.' }),
  }),
});

const StatsRef = builder.objectRef<SiteStats>('AreaStats').implement({
  description: 'Statistics of an area (a site and everything below it, or the whole city) over a period, computed by SQL.',
  fields: (t) => ({
    volunteers: t.field({ type: VolunteerStatsRef, description: 'Volunteers homed in the area.', resolve: (s) => s.volunteers }),
    teams: t.exposeInt('teams', { description: 'Teams belonging to sites in the area.' }),
    serviceMinutes: t.exposeInt('serviceMinutes', { description: 'Minutes served in the period: completed duty at the area’s posts plus approved records of its teams.' }),
    projectsByStatus: t.field({ type: [CountRef], description: 'Projects of the area running in the period, by status.', resolve: (s) => s.projectsByStatus }),
    projectsByCategory: t.field({ type: [CountRef], description: 'The same projects by category.', resolve: (s) => s.projectsByCategory }),
    shifts: t.field({ type: ShiftStatsRef, description: 'Shifts staffed versus understaffed, and the fill rate.', resolve: (s) => s.shifts }),
    beneficiariesReached: t.int({ description: 'Beneficiaries of the area visited in the period.', resolve: (s) => s.care.beneficiariesReached }),
    careVisits: t.int({ description: 'Care visits to beneficiaries of the area in the period.', resolve: (s) => s.care.visits }),
    honorsByLevel: t.field({ type: [CountRef], description: 'Honours of recipients in the area in the period’s years, by level.', resolve: (s) => s.honorsByLevel }),
    civilisedFamiliesByLevel: t.field({ type: [CountRef], description: 'Families honoured in those years, by level.', resolve: (s) => s.civilisedFamiliesByLevel }),
    serviceOrders: t.field({ type: OrderStatsRef, description: 'Service orders placed, completed and rated in the period.', resolve: (s) => s.serviceOrders }),
    communityReports: t.field({ type: ReportStatsRef, description: 'Street reports filed in the period, by status.', resolve: (s) => s.communityReports }),
  }),
});

const CoverageRef = builder.objectRef<Coverage>('SiteCoverage').implement({
  description: 'How many institutes and stations below a site meet 有场所、有队伍、有活动、有项目、有机制 in the period.',
  fields: (t) => ({
    sites: t.exposeInt('sites', { description: 'Institutes and stations in the subtree (each is a place: 有场所).' }),
    covered: t.exposeInt('covered', { description: 'Those meeting all five.' }),
    share: t.exposeFloat('share', { nullable: true, description: 'covered / sites; null without sites.' }),
    withTeam: t.exposeInt('withTeam', { description: 'With a team (有队伍).' }),
    withActivity: t.exposeInt('withActivity', { description: 'With activity in the period: duty, approved records or care visits (有活动).' }),
    withProject: t.exposeInt('withProject', { description: 'With a project running in the period (有项目).' }),
    withPostOrMenu: t.exposeInt('withPostOrMenu', { description: 'With an active duty post or a service menu (有机制).' }),
  }),
});

const MAX_DAYS = 366 * 10;

function period(from: Date, to: Date): Period {
  if (to < from) throw ValidationError.field('to', 'to must not be before from');
  if ((to.getTime() - from.getTime()) / 86_400_000 > MAX_DAYS) throw ValidationError.field('to', 'the period may be at most 10 years');
  return { from, to };
}


/** The period arguments every statistic takes. */
const periodArgs = builder.args((t) => ({
  from: t.field({ type: 'Date', required: true, description: 'First day (Shanghai).' }),
  to: t.field({ type: 'Date', required: true, description: 'Last day (Shanghai), inclusive.' }),
}));

builder.queryField('cityStats', (t) =>
  t.field({
    type: StatsRef,
    nullable: true,
    authScopes: { staff: true },
    description: 'City-wide statistics for the period (Shanghai days, inclusive). Staff only.',
    args: periodArgs,
    resolve: (_root, args, ctx) => siteStats(ctx.prisma, null, period(args.from, args.to)),
  }),
);

builder.prismaObjectFields('Site', (t) => ({
  stats: t.field({
    type: StatsRef,
    nullable: true,
    authScopes: { staff: true },
    description: 'Statistics of this site and everything below it for the period (Shanghai days, inclusive). Staff only.',
    args: periodArgs,
    select: { path: true },
    resolve: (site, args, ctx) => siteStats(ctx.prisma, site.path, period(args.from, args.to)),
  }),
  coverage: t.field({
    type: CoverageRef,
    nullable: true,
    authScopes: { staff: true },
    description: 'The “full coverage” check of the institutes and stations below this site for the period. Staff only.',
    args: periodArgs,
    select: { path: true },
    resolve: (site, args, ctx) => coverage(ctx.prisma, site.path, period(args.from, args.to)),
  }),
}));

