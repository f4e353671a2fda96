import { builder } from '../builder.js';
import { ConflictError } from '../common/errors.js';
import { COMMON_ERRORS } from '../common/schema-base.js';
import type { Context } from '../context.js';
import type { CalendarFeed } from '../generated/prisma/client.js';
import { ViewerRef } from '../auth/schema.js';
import { issueCalendarFeed, revokeCalendarFeed } from './service.js';

/* The volunteer's own calendar feed: issue (or replace) and revoke its token; see src/calendar/service.ts. */

const CalendarFeedRef = builder.objectRef<CalendarFeed>('CalendarFeed').implement({
  description:
    'Your iCal feed of your shifts (Asia/Shanghai times; changed shifts updated, cancelled ones marked cancelled). Its address holds a secret token shown only when issued.',
  fields: (t) => ({
    issuedAt: t.expose('createdAt', { type: 'DateTime', description: 'When its current token was issued.' }),
  }),
});

builder.objectField(ViewerRef, 'calendarFeed', (t) =>
  t.field({
    type: CalendarFeedRef,
    nullable: true,
    description: 'Your calendar feed, if you have one (volunteers only); its token is not shown again.',
    resolve: (v, _args, ctx) => (v.volunteerId == null ? null : ctx.prisma.calendarFeed.findUnique({ where: { volunteerId: v.volunteerId } })),
  }),
);

function ownVolunteer(ctx: Context): number {
  const id = ctx.viewer?.volunteerId;
  if (id == null) throw new ConflictError('Only a volunteer’s account has a calendar feed.');
  return id;
}

builder.mutationField('issueCalendarFeed', (t) =>
  t.field({
    description:
      'Issues your calendar feed’s address, or a new one in place of the old (which stops working at once). Subscribe to it in a calendar app (webcal:// or https:// with the API’s host). Volunteers only.',
    authScopes: { authenticated: true },
    type: builder.objectRef<{ feed: CalendarFeed; token: string }>('IssueCalendarFeedPayload').implement({
      description: 'The feed and its address. Copy the address now: it is not shown again.',
      fields: (f) => ({
        feed: f.field({ type: CalendarFeedRef, description: 'The feed.', resolve: (p) => p.feed }),
        token: f.exposeString('token', { description: 'The feed’s secret token (not an access token).' }),
        path: f.string({ description: 'The feed’s address on this API’s host: /calendar/<token>.ics.', resolve: (p) => `/calendar/${p.token}.ics` }),
      }),
    }),
    errors: {
      types: [...COMMON_ERRORS, ConflictError],
      directResult: true,
      union: { name: 'IssueCalendarFeedResult', description: 'The feed’s new address, or why not.' },
    },
    resolve: (_root, _args, ctx) => issueCalendarFeed(ctx.prisma, ownVolunteer(ctx), ctx.clock.now()),
  }),
);

builder.mutationField('revokeCalendarFeed', (t) =>
  t.field({
    description: 'Revokes your calendar feed: its address answers 404 from now on. Volunteers only.',
    authScopes: { authenticated: true },
    type: builder.objectRef<{ revoked: true }>('RevokeCalendarFeedPayload').implement({
      description: 'The feed is revoked.',
      fields: (f) => ({ revoked: f.exposeBoolean('revoked', { description: 'Always true.' }) }),
    }),
    errors: {
      types: [...COMMON_ERRORS, ConflictError],
      directResult: true,
      union: { name: 'RevokeCalendarFeedResult', description: 'Revoked, or why not.' },
    },
    resolve: async (_root, _args, ctx) => {
      await revokeCalendarFeed(ctx.prisma, ownVolunteer(ctx));
      return { revoked: true as const };
    },
  }),
);
