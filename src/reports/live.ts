import { GraphQLError } from 'graphql';
import { filter, pipe } from 'graphql-yoga';
import { builder } from '../builder.js';
import { whileSessionLasts } from '../auth/live-sessions.js';
import { managesPath } from '../auth/viewer.js';
import { SiteRef } from '../sites/schema.js';
import { atOrBelow } from '../orders/rules.js';
import { streamEvents } from '../events/live-events.js';
import type { CommunityReportMessage } from './events.js';
import { CommunityReportRef, CommunityReportStatusEnum } from './schema.js';

const CommunityReportUpdateRef = builder.objectRef<CommunityReportMessage>('CommunityReportUpdate').implement({
  description: 'A street report was filed or changed status. The report is loaded when the update is delivered.',
  fields: (t) => ({
    status: t.field({ type: CommunityReportStatusEnum, description: 'The status it moved to.', resolve: (m) => m.status }),
    previousStatus: t.field({ type: CommunityReportStatusEnum, nullable: true, description: 'The status it left; null when just filed.', resolve: (m) => m.previousStatus }),
    occurredAt: t.field({ type: 'DateTime', description: 'When it happened.', resolve: (m) => new Date(m.occurredAt) }),
    report: t.prismaField({
      type: 'CommunityReport',
      nullable: true,
      description: 'The report as it is now.',
      resolve: (query, m, _args, ctx) => ctx.prisma.communityReport.findUnique({ ...query, where: { id: m.reportId } }),
    }),
  }),
});

const CommunityReportUpdatedFilter = builder.inputType('CommunityReportUpdatedFilter', {
  description: 'Which report updates to receive. All given conditions must hold; none means every report you may see.',
  fields: (t) => ({
    reportId: t.globalID({ for: CommunityReportRef, description: 'This report.' }),
    siteId: t.globalID({ for: SiteRef, description: 'Reports at this site or below it.' }),
  }),
});

builder.subscriptionField('communityReportUpdated', (t) =>
  t.field({
    type: CommunityReportUpdateRef,
    authScopes: { authenticated: true },
    description: 'Street reports as they are filed and move along, in order: a reporter’s own reports, and for managers those at their sites.',
    args: { filter: t.arg({ type: CommunityReportUpdatedFilter, description: 'Which updates to receive.' }) },
    subscribe: async (_root, args, ctx) => {
      const viewer = ctx.viewer!;
      const reportId = args.filter?.reportId?.id;
      const siteId = args.filter?.siteId?.id;
      let sitePath: string | null = null;
      if (siteId != null) {
        const site = await ctx.prisma.site.findUnique({ where: { id: siteId }, select: { path: true } });
        if (!site) throw new GraphQLError('No such site.', { extensions: { code: 'NOT_FOUND' } });
        sitePath = site.path;
      }
      // The same rule as `seeCommunityReport`: the reporter, and managers of the site or above.
      const visible = (m: CommunityReportMessage) => viewer.volunteerId === m.reporterId || managesPath(viewer, m.sitePath);
      return whileSessionLasts(
        ctx,
        pipe(
          streamEvents(ctx.events, 'communityReport'),
          filter(
            (m: CommunityReportMessage) =>
              visible(m) &&
              (reportId == null || m.reportId === reportId) &&
              (sitePath == null || atOrBelow(m.sitePath, sitePath)),
          ),
        ),
      );
    },
    resolve: (m: CommunityReportMessage) => m,
  }),
);
