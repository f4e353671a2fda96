import { builder } from '../builder.js';
import { KEYED_ID, keyedNode } from '../common/ids.js';
import { payloadType } from '../common/payload.js';
import { COMMON_ERRORS } from '../common/schema-base.js';
import { FamilyRef, HonorLevelEnum } from '../families/schema.js';
import type { Family, HonorRecipientKind, Team, Volunteer } from '../generated/prisma/client.js';
import { SiteRef } from '../sites/schema.js';
import { TeamRef } from '../teams/schema.js';
import { VolunteerRef } from '../volunteers/schema.js';
import { HONOR_ORDER, awardHonor, honorWhere } from './service.js';

const HonorRecipientKindEnum = builder.enumType('HonorRecipientKind', {
  description: 'Who an honour is for.',
  values: {
    VOLUNTEER: { description: 'A volunteer, e.g. a moral model (道德模范) or 中国好人.' },
    TEAM: { description: 'A team, e.g. an outstanding volunteer team.' },
    FAMILY: { description: 'A family, e.g. a civilised family (文明家庭).' },
  } as const,
});

type RecipientRow = (Volunteer | Team | Family) & { __kind: HonorRecipientKind };

const HonorRecipient = builder.unionType('HonorRecipient', {
  description: 'Whom an honour is for: a volunteer, a team or a family.',
  types: [VolunteerRef, TeamRef, FamilyRef],
  resolveType: (row) => {
    const kind = (row as unknown as RecipientRow).__kind;
    return kind === 'VOLUNTEER' ? 'Volunteer' : kind === 'TEAM' ? 'Team' : 'Family';
  },
});

export const HonorRef = keyedNode(builder.prismaNode('Honor', {
  description: 'An honour (道德模范, 中国好人, 最美骑手, 文明家庭 …) for a volunteer, a team or a family. Public.',
  id: KEYED_ID,
  fields: (t) => ({
    title: t.exposeString('title', { description: 'Title, e.g. 中国好人, 市级道德模范, 最美骑手.' }),
    level: t.expose('level', { type: HonorLevelEnum, description: 'Level.' }),
    year: t.exposeInt('year', { description: 'Year awarded.' }),
    nominationOnly: t.exposeBoolean('nominationOnly', { description: 'A nomination award (提名奖) rather than the honour itself.' }),
    citation: t.exposeString('citation', { nullable: true, description: 'The citation (事迹), if any.' }),
    awardedBy: t.exposeString('awardedBy', { description: 'Who awarded it, e.g. 中央文明办.' }),
    recipientKind: t.expose('recipientKind', { type: HonorRecipientKindEnum, description: 'Whom it is for.' }),
    recipient: t.field({
      type: HonorRecipient,
      nullable: true,
      description: 'The volunteer, team or family honoured. A volunteer needs a login to see (null with FORBIDDEN otherwise).',
      select: { recipientKind: true, volunteer: true, team: true, family: true },
      resolve: (h) => {
        const row = h.volunteer ?? h.team ?? h.family;
        return row ? (Object.assign({ ...row }, { __kind: h.recipientKind }) as never) : null;
      },
    }),
    site: t.relation('site', { description: 'The recipient’s site when honoured.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was recorded.' }),
  }),
}));

const HonorFilter = builder.inputType('HonorFilter', {
  description: 'Narrows a list of honours. All given conditions must hold.',
  fields: (t) => ({
    level: t.field({ type: [HonorLevelEnum], description: 'Only honours at one of these levels.' }),
    year: t.int({ description: 'Only honours of this year.' }),
    recipientKind: t.field({ type: HonorRecipientKindEnum, description: 'Only honours for this kind of recipient.' }),
    siteId: t.globalID({ for: SiteRef, description: 'Only honours whose recipient is at this site or below it.' }),
  }),
});

const honorsConnection = { name: 'HonorConnection', description: 'A page of honours.' };
const honorsEdge = { name: 'HonorEdge', description: 'An honour on a page.' };

builder.queryFields((t) => ({
  honors: t.prismaConnection(
    {
      type: 'Honor',
      cursor: 'id',
      description: 'Honours, newest year first, then by level (national first).',
      args: { filter: t.arg({ type: HonorFilter, description: 'Conditions the honours must meet.' }) },
      totalCount: async (_p, args, ctx) => ctx.prisma.honor.count({ where: await where(ctx.prisma, args.filter) }),
      resolve: async (query, _root, args, ctx) =>
        ctx.prisma.honor.findMany({ ...query, where: await where(ctx.prisma, args.filter), orderBy: HONOR_ORDER }),
    },
    honorsConnection,
    honorsEdge,
  ),
}));

function where(prisma: Parameters<typeof honorWhere>[0], filter: typeof HonorFilter.$inferInput | null | undefined) {
  return honorWhere(prisma, {
    level: filter?.level,
    year: filter?.year,
    recipientKind: filter?.recipientKind,
    siteId: filter?.siteId?.id,
  });
}

for (const model of ['Volunteer', 'Team', 'Family'] as const) {
  builder.prismaObjectFields(model, (t) => ({
    honors: t.relatedConnection(
      'honors',
      { cursor: 'id', totalCount: true, description: 'Honours received, newest year first.', query: () => ({ orderBy: HONOR_ORDER }) },
      { name: `${model}HonorsConnection`, description: `A page of a ${model.toLowerCase()}’s honours.` },
      { name: `${model}HonorsEdge`, description: 'An honour on a page.' },
    ),
  }));
}

const AwardHonorInput = builder.inputType('AwardHonorInput', {
  description: 'An honour for a volunteer, a team or a family.',
  fields: (t) => ({
    recipientId: t.globalID({ for: [VolunteerRef, TeamRef, FamilyRef], required: true, description: 'The global ID of the Volunteer, Team or Family honoured.' }),
    title: t.string({ required: true, description: 'Title, 1–100 characters.' }),
    level: t.field({ type: HonorLevelEnum, required: true, description: 'Level.' }),
    year: t.int({ required: true, description: 'Year awarded, 1949–2100.' }),
    nominationOnly: t.boolean({ description: 'A nomination award (提名奖); default false.' }),
    citation: t.string({ description: 'The citation, up to 2000 characters.' }),
    awardedBy: t.string({ required: true, description: 'Who awarded it, 1–100 characters.' }),
  }),
});

const KIND_BY_TYPE: Record<string, HonorRecipientKind> = { Volunteer: 'VOLUNTEER', Team: 'TEAM', Family: 'FAMILY' };

builder.mutationField('awardHonor', (t) =>
  t.field({
    description: 'Records an honour for a volunteer, a team or a family. Needs an admin (the civilisation office).',
    authScopes: { admin: true },
    type: payloadType('AwardHonorPayload', 'The honour was recorded.', 'honor', HonorRef, 'The new honour.'),
    args: { input: t.arg({ type: AwardHonorInput, required: true, description: 'The honour.' }) },
    errors: { types: [...COMMON_ERRORS], directResult: true, union: { name: 'AwardHonorResult', description: 'The honour, or why it was refused.' } },
    resolve: async (_root, { input }, ctx) => {
      // The relay plugin has refused any other type of ID.
      const kind = KIND_BY_TYPE[input.recipientId.typename]!;
      const { recipientId, ...fields } = input;
      return {
        honor: await awardHonor(ctx.prisma, {
          ...fields,
          nominationOnly: fields.nominationOnly ?? undefined,
          recipient: { kind, id: recipientId.id },
        }),
      };
    },
  }),
);
