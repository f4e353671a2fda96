import { type InterfaceRef, decodeBase64 } from '@pothos/core';
import { resolveNodes } from '@pothos/plugin-relay';
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { Prisma } from '../generated/prisma/client.js';
import { globalIdProblem } from './ids.js';

/*
 * `node(id:)` and `nodes(ids:)`, in place of the relay plugin's own (src/builder.ts turns those
 * off), for two promises the plugin's versions break:
 *
 * - a well-formed ID of a record that does not exist is null, with no error (the plugin's Prisma
 *   loader throws "No record found");
 * - in `nodes`, each ID stands alone: an ID that is not one of ours is null with a BAD_USER_INPUT
 *   error at its own index, and the others still load (the plugin fails the whole list, and
 *   with it the whole response, as the list is non-null).
 *
 * The shape of an ID is checked by the input guard (`node`) or here (`nodes`), by the same rule.
 */

const NodeRef = (builder as unknown as { nodeInterfaceRef(): InterfaceRef<typeof builder.$inferSchemaTypes, unknown> })
  .nodeInterfaceRef();

const notFound = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025';

/** Loads one node through the relay plugin (so the Prisma selection is built from the query); null when there is no such record. */
async function loadNode(ctx: Context, info: GraphQLResolveInfo, globalId: { typename: string; id: string }) {
  try {
    const [node] = await resolveNodes(builder, ctx, info, [globalId]);
    return (await node) ?? null;
  } catch (error) {
    if (notFound(error)) return null;
    throw error;
  }
}

let nodeTypeNames: Set<string> | undefined;

builder.queryField('node', (t) =>
  t.field({
    type: NodeRef,
    nullable: true,
    description: 'Fetches any object by its global ID, or null when none exists.',
    args: { id: t.arg.globalID({ required: true, description: 'The global ID of the object.' }) },
    resolve: (_root, { id }, ctx, info) => loadNode(ctx, info, id),
  }),
);

builder.queryField('nodes', (t) =>
  t.field({
    type: [NodeRef],
    nullable: { list: false, items: true },
    description:
      'Fetches several objects by global ID, in the same order: null where none exists; an ID that is not one of ours is null with an error at its index.',
    args: { ids: t.arg.idList({ required: true, description: 'The global IDs of the objects.' }) },
    resolve: (_root, { ids }, ctx, info) => {
      nodeTypeNames ??= new Set(info.schema.getPossibleTypes(info.schema.getType('Node') as never).map((type) => type.name));
      return ids.map((raw) => {
        const id = String(raw);
        const problem = globalIdProblem(id, nodeTypeNames!);
        if (problem) {
          return new GraphQLError(`ids: ${problem}.`, { extensions: { code: 'BAD_USER_INPUT' } });
        }
        const decoded = decodeBase64(id);
        const colon = decoded.indexOf(':');
        return loadNode(ctx, info, { typename: decoded.slice(0, colon), id: decoded.slice(colon + 1) });
      });
    },
  }),
);
