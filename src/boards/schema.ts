import { type Plugin } from 'graphql-yoga';
import { type DefinitionNode, Kind, type OperationDefinitionNode } from 'graphql';
import { builder } from '../builder.js';
import { KEYED_ID, keyedNode } from '../common/ids.js';
import { COMMON_ERRORS } from '../common/schema-base.js';
import type { Context } from '../context.js';
import { forbidden } from '../auth/errors.js';
import { boardRevocationKey } from '../auth/live-sessions.js';
import { SiteRef } from '../sites/schema.js';
import { subtreeOf } from '../sites/service.js';
import { createBoardCredential, revokeBoardCredential } from './service.js';

export const BoardCredentialRef = keyedNode(builder.prismaNode('BoardCredential', {
  description:
    'A long-lived, read-only credential for a wall screen, scoped to one site and everything below it. Send its token as `Authorization: Bearer <token>` (graphql-ws: connectionParams.authorization). It sees the public view, plus the roster events and duty boards of its sites with their shifts in full (full ones too), never people; it runs no mutations. It lasts until revoked.',
  id: KEYED_ID,
  // Only ADMIN and managers of its site see a credential (`node(id:)` included).
  authScopes: (credential) => ({ manageSite: credential.siteId }),
  fields: (t) => ({
    label: t.exposeString('label', { description: 'Where the screen hangs, e.g. “站厅东墙”.' }),
    site: t.relation('site', { description: 'The site the credential covers (with every site below it).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was issued.' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true, description: 'When it was revoked; null while it works.' }),
  }),
}));

/** Admins see every credential; site managers those of their sites; everyone else none. */
function visibleCredentials(ctx: Context) {
  const viewer = ctx.viewer;
  if (viewer?.admin) return {};
  const paths = viewer?.managedSitePaths ?? [];
  if (!paths.length) return { id: -1 };
  return { site: { OR: paths.map((path) => subtreeOf({ id: -1, path })) } };
}

const BoardCredentialFilter = builder.inputType('BoardCredentialFilter', {
  description: 'Narrows a list of board credentials.',
  fields: (t) => ({
    siteId: t.globalID({ for: SiteRef, description: 'Credentials of this site or any site below it.' }),
    includeRevoked: t.boolean({ description: 'Include revoked credentials (default false).' }),
  }),
});

builder.queryField('boardCredentials', (t) =>
  t.prismaConnection(
    {
      type: 'BoardCredential',
      cursor: 'id',
      // Refusable (README, Nullability): null with FORBIDDEN for anonymous callers, the rest of the query stands.
      nullable: true,
      description: 'Board credentials you manage (ADMIN: all; SITE_MANAGER: those of your sites), newest first. Tokens are never shown again. Needs a login (null with a FORBIDDEN error otherwise).',
      authScopes: { authenticated: true },
      args: { filter: t.arg({ type: BoardCredentialFilter, description: 'Conditions the credentials must meet.' }) },
      totalCount: async (_root, args, ctx) => ctx.prisma.boardCredential.count({ where: await credentialWhere(ctx, args.filter) }),
      resolve: async (query, _root, args, ctx) =>
        ctx.prisma.boardCredential.findMany({ ...query, where: await credentialWhere(ctx, args.filter), orderBy: { id: 'desc' } }),
    },
    { name: 'BoardCredentialConnection', description: 'A page of board credentials.' },
    { name: 'BoardCredentialEdge', description: 'A board credential on a page.' },
  ),
);

async function credentialWhere(ctx: Context, filter: typeof BoardCredentialFilter.$inferInput | null | undefined) {
  const siteId = filter?.siteId ? filter.siteId.id : null;
  const site = siteId == null ? null : await ctx.prisma.site.findUnique({ where: { id: siteId }, select: { id: true, path: true } });
  return {
    AND: [
      visibleCredentials(ctx),
      siteId == null ? {} : site ? { site: subtreeOf(site) } : { id: -1 },
      filter?.includeRevoked ? {} : { revokedAt: null },
    ],
  };
}

const CreateBoardCredentialInput = builder.inputType('CreateBoardCredentialInput', {
  description: 'A new board credential for a wall screen.',
  fields: (t) => ({
    siteId: t.globalID({ for: SiteRef, required: true, description: 'The site the screen shows (with everything below it).' }),
    label: t.string({ required: true, description: 'Where the screen hangs, 1–80 characters.' }),
  }),
});

const CreateBoardCredentialPayload = builder
  .objectRef<{ credential: { id: number }; token: string }>('CreateBoardCredentialPayload')
  .implement({
    description: 'The credential was issued. Copy the token now: it is not shown again.',
    fields: (t) => ({
      credential: t.prismaField({
        type: 'BoardCredential',
        description: 'The new credential.',
        resolve: (query, p, _args, ctx) => ctx.prisma.boardCredential.findUniqueOrThrow({ ...query, where: { id: p.credential.id } }),
      }),
      token: t.exposeString('token', { description: 'The bearer token for the screen; only this once.' }),
    }),
  });

builder.mutationField('createBoardCredential', (t) =>
  t.field({
    description: 'Issues a read-only board credential for a wall screen of a site. Needs ADMIN or a manager of the site.',
    authScopes: (_root, args) => ({ manageSite: args.input.siteId }),
    type: CreateBoardCredentialPayload,
    args: { input: t.arg({ type: CreateBoardCredentialInput, required: true, description: 'The site and label.' }) },
    errors: {
      types: [...COMMON_ERRORS],
      directResult: true,
      union: { name: 'CreateBoardCredentialResult', description: 'The new credential and its token, or why not.' },
    },
    resolve: async (_root, { input }, ctx) =>
      createBoardCredential(ctx.prisma, { siteId: input.siteId.id, label: input.label }, ctx.viewer!.accountId, ctx.clock.now()),
  }),
);

const RevokeBoardCredentialInput = builder.inputType('RevokeBoardCredentialInput', {
  description: 'The credential to revoke.',
  fields: (t) => ({
    id: t.globalID({ for: BoardCredentialRef, required: true, description: 'The credential.' }),
  }),
});

builder.mutationField('revokeBoardCredential', (t) =>
  t.field({
    description:
      'Revokes a board credential at once: its screens’ connections close (4401) and its token stops working. Needs ADMIN or a manager of its site; revoking twice keeps the first revocation.',
    authScopes: async (_root, args, ctx) => {
      const credential = await ctx.prisma.boardCredential.findUnique({ where: { id: args.input.id.id }, select: { siteId: true } });
      return credential ? { manageSite: credential.siteId } : { admin: true };
    },
    type: builder.objectRef<{ credential: { id: number } }>('RevokeBoardCredentialPayload').implement({
      description: 'The credential is revoked.',
      fields: (f) => ({
        credential: f.prismaField({
          type: 'BoardCredential',
          description: 'The revoked credential.',
          resolve: (query, p, _args, ctx) => ctx.prisma.boardCredential.findUniqueOrThrow({ ...query, where: { id: p.credential.id } }),
        }),
      }),
    }),
    args: { input: t.arg({ type: RevokeBoardCredentialInput, required: true, description: 'The credential.' }) },
    errors: {
      types: [...COMMON_ERRORS],
      directResult: true,
      union: { name: 'RevokeBoardCredentialResult', description: 'The revoked credential, or why not.' },
    },
    resolve: async (_root, { input }, ctx) => {
      const credential = await revokeBoardCredential(ctx.prisma, input.id.id, ctx.viewer!.accountId, ctx.clock.now());
      ctx.pubsub.publish('sessionRevoked', boardRevocationKey(credential.id));
      return { credential };
    },
  }),
);

/** Board credentials are read-only: any mutation sent with one is refused before it runs. */
export function useReadOnlyBoards(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (!(args.contextValue as Partial<Context>).board) return;
      const operation = args.document.definitions.find(
        (d: DefinitionNode): d is OperationDefinitionNode =>
          d.kind === Kind.OPERATION_DEFINITION && (args.operationName == null || d.name?.value === args.operationName),
      );
      if (operation?.operation === 'mutation') {
        setResultAndStopExecution({ errors: [forbidden('A board credential is read-only: it cannot run mutations.')] });
      }
    },
  };
}
