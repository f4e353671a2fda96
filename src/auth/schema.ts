import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../builder.js';
import { ShiftConnection } from '../roster/schema.js';
import { ACTIVE_ASSIGNMENT_STATUSES } from '../roster/service.js';
import { COMMON_ERRORS, ErrorInterface } from '../common/schema-base.js';
import { AccountSuspendedError, InvalidCredentialsError, InvalidRefreshTokenError, TooManyRequestsError, unauthenticated } from './errors.js';
import { type IssuedTokens, login, logout, refreshTokens } from './service.js';
import type { RoleName, Viewer } from './viewer.js';

const RoleEnum = builder.enumType('Role', {
  description: 'What an account may do. Roles combine: a volunteer who leads a team is VOLUNTEER and TEAM_LEADER.',
  values: {
    ADMIN: { description: 'The city civilisation office: everything.' },
    SITE_MANAGER: { description: 'Manager of one or more sites: everything at those sites and below them.' },
    TEAM_LEADER: { description: 'Leader of a team: its members, its projects and their shifts, its service records.' },
    VOLUNTEER: { description: 'A volunteer: their own profile, sign-ups, check-in and check-out.' },
  } satisfies Record<RoleName, { description: string }>,
});

/** The viewer's volunteer's active assignments on shifts that have not ended. */
function upcomingWhere(v: Viewer, now: Date) {
  if (v.volunteerId == null) return { id: -1 };
  return {
    endsAt: { gt: now },
    status: 'OPEN' as const,
    assignments: { some: { volunteerId: v.volunteerId, status: { in: [...ACTIVE_ASSIGNMENT_STATUSES] } } },
  };
}

export const ViewerRef = builder.objectRef<Viewer>('Viewer').implement({
  description: 'The logged-in account making the request.',
  fields: (t) => ({
    id: t.id({
      description: 'The account’s global ID (stable across sessions), so client caches keep one Viewer per account.',
      resolve: (v) => encodeGlobalID('Account', v.accountId),
    }),
    phone: t.exposeString('phone', { description: 'The account’s login phone number (E.164).' }),
    roles: t.field({ type: [RoleEnum], description: 'The account’s roles.', resolve: (v) => v.roles }),
    volunteer: t.prismaField({
      type: 'Volunteer',
      nullable: true,
      description: 'The volunteer this account belongs to, if any.',
      resolve: (query, v, _args, ctx) =>
        v.volunteerId == null ? null : ctx.prisma.volunteer.findUnique({ ...query, where: { id: v.volunteerId } }),
    }),
    upcomingShifts: t.prismaConnection(
      {
        type: 'Shift',
        cursor: 'id',
        description:
          'Shifts this account’s volunteer holds a place on or is waitlisted for (or is on duty in now) that have not ended, soonest first. Empty without a volunteer.',
        totalCount: (v, _args, ctx) => ctx.prisma.shift.count({ where: upcomingWhere(v, ctx.clock.now()) }),
        resolve: (query, v, _args, ctx) =>
          ctx.prisma.shift.findMany({ ...query, where: upcomingWhere(v, ctx.clock.now()), orderBy: [{ startsAt: 'asc' }, { id: 'asc' }] }),
      },
      ShiftConnection,
    ),
    managedSites: t.prismaField({
      type: ['Site'],
      description: 'Sites this account manages (each with everything below it).',
      resolve: (query, v, _args, ctx) =>
        ctx.prisma.site.findMany({ ...query, where: { path: { in: v.managedSitePaths } }, orderBy: { path: 'asc' } }),
    }),
    ledTeams: t.prismaField({
      type: ['Team'],
      description: 'Teams this account’s volunteer leads.',
      resolve: (query, v, _args, ctx) =>
        ctx.prisma.team.findMany({ ...query, where: { id: { in: v.ledTeamIds } }, orderBy: { id: 'asc' } }),
    }),
  }),
});

builder.queryField('viewer', (t) =>
  t.field({
    type: ViewerRef,
    nullable: true,
    description: 'The logged-in account, or null when the request carries no access token.',
    resolve: (_root, _args, ctx) => ctx.viewer,
  }),
);

const AuthTokensRef = builder.objectRef<IssuedTokens>('AuthTokens').implement({
  description:
    'Tokens for a session. Send the access token as `Authorization: Bearer <accessToken>` (graphql-ws: connectionParams.authorization); exchange the refresh token with `refreshToken` before it expires.',
  fields: (t) => ({
    accessToken: t.exposeString('accessToken', { description: 'A short-lived JWT for the Authorization header.' }),
    accessTokenExpiresAt: t.field({ type: 'DateTime', description: 'When the access token stops working.', resolve: (x) => x.accessTokenExpiresAt }),
    refreshToken: t.exposeString('refreshToken', {
      description: 'Single-use: each refresh returns a new one, and reusing an old one revokes the session.',
    }),
    refreshTokenExpiresAt: t.field({ type: 'DateTime', description: 'When the session ends at the latest.', resolve: (x) => x.refreshTokenExpiresAt }),
  }),
});

builder.objectType(InvalidCredentialsError, {
  name: 'InvalidCredentialsError',
  description: 'The phone number or password is wrong.',
  interfaces: [ErrorInterface],
});

builder.objectType(AccountSuspendedError, {
  name: 'AccountSuspendedError',
  description: 'The account’s volunteer is suspended; no login until they are reinstated.',
  interfaces: [ErrorInterface],
});

builder.objectType(TooManyRequestsError, {
  name: 'TooManyRequestsError',
  description: 'Too many failed logins for this phone number or from this address (TOO_MANY_REQUESTS).',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    code: t.string({ description: 'Always TOO_MANY_REQUESTS.', resolve: () => 'TOO_MANY_REQUESTS' }),
    retryAfterSeconds: t.exposeInt('retryAfterSeconds', { description: 'Seconds until logins are accepted again.' }),
  }),
});

builder.objectType(InvalidRefreshTokenError, {
  name: 'InvalidRefreshTokenError',
  description: 'The refresh token is unknown, expired, revoked or already used (UNAUTHENTICATED).',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    code: t.string({ description: 'Always UNAUTHENTICATED.', resolve: () => 'UNAUTHENTICATED' }),
  }),
});

const LoginInput = builder.inputType('LoginInput', {
  description: 'Phone number and password.',
  fields: (t) => ({
    phone: t.string({ required: true, description: 'The account’s phone number, as typed.' }),
    password: t.string({ required: true, description: 'The password.' }),
  }),
});

const tokensPayload = (name: string, description: string) =>
  builder.objectRef<{ tokens: IssuedTokens }>(name).implement({
    description,
    fields: (t) => ({
      tokens: t.field({ type: AuthTokensRef, description: 'The new tokens.', resolve: (p) => p.tokens }),
    }),
  });

builder.mutationField('login', (t) =>
  t.field({
    description: 'Logs in with phone number and password. Failed logins are limited per phone number and per address.',
    type: tokensPayload('LoginPayload', 'Logged in.'),
    args: { input: t.arg({ type: LoginInput, required: true, description: 'The credentials.' }) },
    errors: {
      types: [...COMMON_ERRORS, InvalidCredentialsError, AccountSuspendedError, TooManyRequestsError],
      directResult: true,
      union: { name: 'LoginResult', description: 'Tokens, or why the login was refused.' },
    },
    resolve: async (_root, { input }, ctx) => ({
      tokens: await login(ctx.prisma, ctx.tokens, { ...input, ip: ctx.clientIp }, ctx.loginLimits),
    }),
  }),
);

const RefreshTokenInput = builder.inputType('RefreshTokenInput', {
  description: 'The current refresh token.',
  fields: (t) => ({
    refreshToken: t.string({ required: true, description: 'The refresh token from login or the last refresh.' }),
  }),
});

builder.mutationField('refreshToken', (t) =>
  t.field({
    description: 'Exchanges the refresh token for new tokens. The old refresh token stops working (rotation).',
    type: tokensPayload('RefreshTokenPayload', 'New tokens were issued.'),
    args: { input: t.arg({ type: RefreshTokenInput, required: true, description: 'The refresh token.' }) },
    errors: {
      types: [...COMMON_ERRORS, InvalidRefreshTokenError],
      directResult: true,
      union: { name: 'RefreshTokenResult', description: 'New tokens, or why the refresh was refused.' },
    },
    resolve: async (_root, { input }, ctx) => {
      try {
        return { tokens: await refreshTokens(ctx.prisma, ctx.tokens, input.refreshToken) };
      } catch (error) {
        // A reused token revoked its session: end that session's live connections too.
        if (error instanceof InvalidRefreshTokenError && error.revokedSessionId) {
          ctx.pubsub.publish('sessionRevoked', error.revokedSessionId);
        }
        throw error;
      }
    },
  }),
);

const LogoutPayload = builder.simpleObject('LogoutPayload', {
  description: 'The session ended.',
  fields: (t) => ({
    loggedOut: t.boolean({ description: 'Always true.' }),
  }),
});

builder.mutationField('logout', (t) =>
  t.field({
    description: 'Ends the current session: its refresh token and access tokens stop working.',
    type: LogoutPayload,
    errors: {
      types: [...COMMON_ERRORS],
      directResult: true,
      union: { name: 'LogoutResult', description: 'Logged out, or why not.' },
    },
    resolve: async (_root, _args, ctx) => {
      if (!ctx.viewer) throw unauthenticated('Log in first: there is no session to end.');
      await logout(ctx.prisma, ctx.viewer.sessionId);
      ctx.pubsub.publish('sessionRevoked', ctx.viewer.sessionId);
      return { loggedOut: true };
    },
  }),
);
