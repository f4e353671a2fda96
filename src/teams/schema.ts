import { builder } from '../builder.js';
import { ConflictError, DuplicateNameError } from '../common/errors.js';
import { KEYED_ID, keyedNode } from '../common/ids.js';
import { sortOrder } from '../common/ordering.js';
import { payloadType } from '../common/payload.js';
import { COMMON_ERRORS, OrderDirection } from '../common/schema-base.js';
import { searchTerm } from '../common/validation.js';
import type { Context } from '../context.js';
import type { Prisma } from '../generated/prisma/client.js';
import { SiteRef } from '../sites/schema.js';
import { subtreeFilter } from '../sites/service.js';
import { VolunteerRef } from '../volunteers/schema.js';
import { AlreadyTeamMemberError } from './errors.js';
import { addTeamMember, createTeam, removeTeamMember, updateTeam } from './service.js';

export const TeamRoleEnum = builder.enumType('TeamRole', {
  description: 'A member’s role in a team.',
  values: {
    LEADER: { description: 'The team leader (队长).' },
    MEMBER: { description: 'An ordinary member (队员).' },
  } as const,
});

const TeamMemberOrder = sortOrder<'JOINED_AT' | 'NAME', Prisma.TeamMembershipOrderByWithRelationInput>(
  'TeamMemberOrder',
  'a team’s members',
  {
    JOINED_AT: { description: 'When they joined.', orderBy: (direction) => ({ joinedAt: direction }) },
    NAME: { description: 'The member’s name.', orderBy: (direction) => ({ volunteer: { name: direction } }) },
  },
  { field: 'JOINED_AT', direction: 'ASC' },
);

export const TeamRef = keyedNode(builder.prismaNode('Team', {
  description: 'A volunteer service team (志愿服务队). A team belongs to a site.',
  id: KEYED_ID,
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Team name, unique at its site.' }),
    description: t.exposeString('description', { nullable: true, description: 'What the team does.' }),
    site: t.relation('site', { description: 'The site the team belongs to.' }),
    leader: t.relation('leader', { nullable: true, description: 'The team leader, if one is appointed.' }),
    members: t.relatedConnection(
      'memberships',
      {
        cursor: 'id',
        totalCount: true,
        // Refusable on its own: the team is public, its members only for logged-in accounts.
        nullable: true,
        authScopes: { authenticated: true },
        description:
          'The team’s members with their roles, in order of joining unless told otherwise. Needs a login (null with a FORBIDDEN error for anonymous callers).',
        args: { orderBy: t.arg({ type: TeamMemberOrder.input, description: TeamMemberOrder.defaultDescription }) },
        query: (args) => ({ orderBy: TeamMemberOrder.orderBy(args.orderBy) }),
      },
      { name: 'TeamMemberConnection', description: 'A page of team members.' },
      { name: 'TeamMemberEdge', description: 'A team member on a page.' },
    ),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the team was formed.' }),
  }),
}));

// A Node, as Relay wants of what an edge leads to: `node(id:)` fetches a membership again.
export const TeamMemberRef = keyedNode(builder.prismaNode('TeamMembership', {
  name: 'TeamMember',
  description: 'A volunteer’s membership of a team. Visible to logged-in accounts.',
  id: KEYED_ID,
  authScopes: { authenticated: true },
  fields: (t) => ({
    volunteer: t.relation('volunteer', { description: 'The member.' }),
    team: t.relation('team', { description: 'The team.' }),
    role: t.field({
      type: TeamRoleEnum,
      description: 'LEADER for the team’s leader, MEMBER otherwise.',
      select: { volunteerId: true, team: { select: { leaderId: true } } },
      resolve: (m) => (m.team.leaderId === m.volunteerId ? 'LEADER' : 'MEMBER'),
    }),
    joinedAt: t.expose('joinedAt', { type: 'DateTime', description: 'When the volunteer joined.' }),
  }),
}));

const TeamFilter = builder.inputType('TeamFilter', {
  description: 'Narrows a list of teams. All given conditions must hold.',
  fields: (t) => ({
    siteId: t.globalID({ for: SiteRef, description: 'Only teams of this site or any site below it.' }),
    search: t.string({ description: 'Substring of the team name, e.g. 及时雨.' }),
  }),
});

const TeamOrderField = builder.enumType('TeamOrderField', {
  description: 'What teams can be sorted by.',
  values: {
    NAME: { description: 'Name.' },
    CREATED_AT: { description: 'When the team was formed.' },
  } as const,
});

const TeamOrder = builder.inputType('TeamOrder', {
  description: 'Sort order for teams; ties are broken by ID.',
  fields: (t) => ({
    field: t.field({ type: TeamOrderField, required: true, description: 'What to sort by.' }),
    direction: t.field({ type: OrderDirection, required: true, description: 'Which way.' }),
  }),
});

async function teamWhere(
  ctx: Context,
  filter: typeof TeamFilter.$inferInput | null | undefined,
): Promise<Prisma.TeamWhereInput> {
  if (!filter) return {};
  const term = searchTerm(filter.search);
  const siteId = filter.siteId?.id;
  return {
    ...(term && { name: { contains: term, mode: 'insensitive' } }),
    ...(siteId != null && { site: await subtreeFilter(ctx.prisma, siteId) }),
  };
}

builder.queryFields((t) => ({
  team: t.prismaField({
    type: 'Team',
    nullable: true,
    description: 'A team by global ID.',
    args: { id: t.arg.globalID({ for: TeamRef, required: true, description: 'The team’s global ID.' }) },
    resolve: (query, _root, { id }, ctx) => ctx.prisma.team.findUnique({ ...query, where: { id: id.id } }),
  }),
  teams: t.prismaConnection(
    {
      type: 'Team',
      cursor: 'id',
      description: 'Volunteer teams, filtered and sorted (by name unless told otherwise).',
      args: {
        filter: t.arg({ type: TeamFilter, description: 'Conditions the teams must meet.' }),
        orderBy: t.arg({ type: TeamOrder, description: 'Sort order; default NAME ascending.' }),
      },
      totalCount: async (_parent, args, ctx) => ctx.prisma.team.count({ where: await teamWhere(ctx, args.filter) }),
      resolve: async (query, _root, args, ctx) => {
        const order = args.orderBy ?? { field: 'NAME', direction: 'ASC' };
        const direction = order.direction === 'DESC' ? 'desc' : 'asc';
        const column = order.field === 'CREATED_AT' ? 'createdAt' : 'name';
        return ctx.prisma.team.findMany({
          ...query,
          where: await teamWhere(ctx, args.filter),
          orderBy: [{ [column]: direction }, { id: direction }],
        });
      },
    },
    { name: 'TeamConnection', description: 'A page of teams.' },
    { name: 'TeamEdge', description: 'A team on a page.' },
  ),
}));

// ---------------------------------------------------------------- mutations

const TeamPayload = (name: string, description: string) =>
  payloadType(name, description, 'team', TeamRef, 'The team as it now stands.');

const CreateTeamInput = builder.inputType('CreateTeamInput', {
  description: 'A new team.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Team name, 1–100 characters, unique at its site.' }),
    description: t.string({ description: 'What the team does, up to 2000 characters.' }),
    siteId: t.globalID({ for: SiteRef, required: true, description: 'The site the team belongs to.' }),
    leaderId: t.globalID({ for: VolunteerRef, description: 'The leader; they become a member too.' }),
  }),
});

builder.mutationField('createTeam', (t) =>
  t.field({
    description:
      'Forms a new volunteer team at a site. Needs a manager of the site; a leader given here must be someone the caller manages (they become a member without being asked).',
    authScopes: (_root, args) =>
      args.input.leaderId
        ? { $all: { manageSite: args.input.siteId, appointLeader: { teamId: null, volunteerId: args.input.leaderId } } }
        : { manageSite: args.input.siteId },
    type: TeamPayload('CreateTeamPayload', 'The team was created.'),
    args: { input: t.arg({ type: CreateTeamInput, required: true, description: 'The new team.' }) },
    errors: {
      types: [...COMMON_ERRORS, DuplicateNameError],
      directResult: true,
      union: { name: 'CreateTeamResult', description: 'The new team, or why it was refused.' },
    },
    resolve: async (_root, { input }, ctx) => ({
      team: await createTeam(ctx.prisma, {
        name: input.name,
        description: input.description,
        siteId: input.siteId.id,
        leaderId: input.leaderId?.id,
      }),
    }),
  }),
);

const UpdateTeamInput = builder.inputType('UpdateTeamInput', {
  description: 'Changes to a team. Omitted fields stay as they are.',
  fields: (t) => ({
    id: t.globalID({ for: TeamRef, required: true, description: 'The team to change.' }),
    name: t.string({ description: 'New name, unique at the team’s site.' }),
    description: t.string({ description: 'New description; empty string clears it.' }),
    leaderId: t.globalID({
      for: VolunteerRef,
      description: 'New leader (joins the team if not a member); null removes the leader.',
    }),
  }),
});

builder.mutationField('updateTeam', (t) =>
  t.field({
    description:
      'Renames a team, changes its description or appoints its leader. Needs its leader or a manager of its site; a new leader must already be a member, unless the caller manages the volunteer’s home site.',
    authScopes: (_root, args) =>
      args.input.leaderId
        ? { $all: { manageTeam: args.input.id, appointLeader: { teamId: args.input.id, volunteerId: args.input.leaderId } } }
        : { manageTeam: args.input.id },
    type: TeamPayload('UpdateTeamPayload', 'The team was updated.'),
    args: { input: t.arg({ type: UpdateTeamInput, required: true, description: 'What to change.' }) },
    errors: {
      types: [...COMMON_ERRORS, DuplicateNameError],
      directResult: true,
      union: { name: 'UpdateTeamResult', description: 'The updated team, or why the change was refused.' },
    },
    resolve: async (_root, { input }, ctx) => ({
      team: await updateTeam(ctx.prisma, input.id.id, {
        name: input.name ?? undefined,
        description: input.description,
        leaderId: input.leaderId === null ? null : input.leaderId?.id,
      }),
    }),
  }),
);

const AddTeamMemberInput = builder.inputType('AddTeamMemberInput', {
  description: 'A volunteer joining a team.',
  fields: (t) => ({
    teamId: t.globalID({ for: TeamRef, required: true, description: 'The team.' }),
    volunteerId: t.globalID({ for: VolunteerRef, required: true, description: 'The volunteer joining.' }),
    role: t.field({ type: TeamRoleEnum, description: 'LEADER also makes them the team’s leader; default MEMBER.' }),
  }),
});

builder.mutationField('addTeamMember', (t) =>
  t.field({
    description:
      'Adds a volunteer to a team without asking them. Only for managers of the volunteer’s home site (who also manage the team) and admins; team leaders invite instead (inviteToTeam).',
    authScopes: (_root, args) => ({ $all: { manageVolunteer: args.input.volunteerId, manageTeam: args.input.teamId } }),
    type: payloadType('AddTeamMemberPayload', 'The volunteer joined the team.', 'member', TeamMemberRef, 'The new membership.'),
    args: { input: t.arg({ type: AddTeamMemberInput, required: true, description: 'Who joins which team.' }) },
    errors: {
      types: [...COMMON_ERRORS, AlreadyTeamMemberError],
      directResult: true,
      union: { name: 'AddTeamMemberResult', description: 'The new membership, or why it was refused.' },
    },
    resolve: async (_root, { input }, ctx) => ({
      member: await addTeamMember(ctx.prisma, {
        teamId: input.teamId.id,
        volunteerId: input.volunteerId.id,
        role: input.role ?? undefined,
      }),
    }),
  }),
);

const RemoveTeamMemberInput = builder.inputType('RemoveTeamMemberInput', {
  description: 'A volunteer leaving a team.',
  fields: (t) => ({
    teamId: t.globalID({ for: TeamRef, required: true, description: 'The team.' }),
    volunteerId: t.globalID({ for: VolunteerRef, required: true, description: 'The volunteer leaving.' }),
  }),
});

builder.mutationField('removeTeamMember', (t) =>
  t.field({
    description:
      'Removes a volunteer from a team. Removing the leader leaves the team without one. The volunteer themself (leaving), the team’s leader or a manager of its site.',
    authScopes: (_root, args) => ({ $any: { selfVolunteer: args.input.volunteerId, manageTeam: args.input.teamId } }),
    type: TeamPayload('RemoveTeamMemberPayload', 'The volunteer left the team.'),
    args: { input: t.arg({ type: RemoveTeamMemberInput, required: true, description: 'Who leaves which team.' }) },
    errors: {
      types: [...COMMON_ERRORS, ConflictError],
      directResult: true,
      union: { name: 'RemoveTeamMemberResult', description: 'The team after the removal, or why it was refused.' },
    },
    resolve: async (_root, { input }, ctx) => ({
      team: await removeTeamMember(ctx.prisma, {
        teamId: input.teamId.id,
        volunteerId: input.volunteerId.id,
      }),
    }),
  }),
);
