import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../builder.js';
import { KEYED_ID, type KeyedId, keyedNode } from '../common/ids.js';
import { COMMON_ERRORS, ErrorInterface } from '../common/schema-base.js';
import { requireViewer } from '../auth/viewer.js';
import type { TeamJoinRequest, TeamMembership } from '../generated/prisma/client.js';
import { VolunteerRef } from '../volunteers/schema.js';
import { AlreadyTeamMemberError, JoinRequestPendingError, NoPendingJoinRequestError, NotYourInvitationError } from './errors.js';
import { applyToTeam, inviteToTeam, respondToTeamInvitation, reviewTeamApplication } from './joining.js';
import { TeamMemberRef, TeamRef } from './schema.js';

// ================================================================ types

export const TeamJoinKindEnum = builder.enumType('TeamJoinKind', {
  description: 'Who asked: the team (an invitation) or the volunteer (an application).',
  values: {
    INVITATION: { description: 'The team invited the volunteer; the volunteer answers.' },
    APPLICATION: { description: 'The volunteer applied; the team’s leader or a manager answers.' },
  } as const,
});

export const TeamJoinStatusEnum = builder.enumType('TeamJoinStatus', {
  description: 'Where a request to join a team stands.',
  values: {
    PENDING: { description: 'Waiting for an answer. Grants nothing.' },
    ACCEPTED: { description: 'Accepted: the volunteer became a member.' },
    DECLINED: { description: 'Declined. Final.' },
  } as const,
});

const TeamJoinAnswerEnum = builder.enumType('TeamJoinAnswer', {
  description: 'An answer to an invitation or application.',
  values: {
    ACCEPT: { description: 'Accept: the volunteer becomes a member.' },
    DECLINE: { description: 'Decline: nothing changes.' },
  } as const,
});

export const TeamJoinRequestRef = keyedNode(builder.prismaNode('TeamJoinRequest', {
  description:
    'An invitation to join a team, or an application to one. It grants nothing until accepted. Visible to the volunteer, the team’s leader and managers of the team’s site.',
  id: KEYED_ID,
  authScopes: (r) => ({ $any: { selfVolunteer: r.volunteerId, manageTeam: r.teamId } }),
  fields: (t) => ({
    kind: t.expose('kind', { type: TeamJoinKindEnum, description: 'Invitation or application.' }),
    status: t.expose('status', { type: TeamJoinStatusEnum, description: 'Pending, accepted or declined.' }),
    team: t.relation('team', { description: 'The team.' }),
    volunteer: t.relation('volunteer', { description: 'The volunteer invited or applying.' }),
    message: t.exposeString('message', { nullable: true, description: 'A note from whoever asked.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was sent.' }),
    decidedAt: t.expose('decidedAt', { type: 'DateTime', nullable: true, description: 'When it was answered.' }),
  }),
}));

const JoinRequestFilterStatus = { type: TeamJoinStatusEnum, description: 'Only requests in this status.' } as const;

builder.prismaObjectFields('Team', (t) => ({
  joinRequests: t.relatedConnection(
    'joinRequests',
    {
      cursor: 'id',
      totalCount: true,
      nullable: true,
      authScopes: (team) => ({ manageTeam: team.id }),
      description: 'Invitations and applications of this team, newest first. For its leader and managers of its site.',
      args: { status: t.arg(JoinRequestFilterStatus) },
      query: (args) => ({ where: args.status ? { status: args.status } : {}, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
    },
    { name: 'TeamJoinRequestsConnection', description: 'A page of a team’s invitations and applications.' },
    { name: 'TeamJoinRequestsEdge', description: 'An invitation or application on a page.' },
  ),
}));

builder.prismaObjectFields('Volunteer', (t) => ({
  joinRequests: t.relatedConnection(
    'joinRequests',
    {
      cursor: 'id',
      totalCount: true,
      nullable: true,
      authScopes: (v) => ({ $any: { selfVolunteer: v.id, manageVolunteer: v.id } }),
      description:
        'The volunteer’s invitations and applications, newest first. For the volunteer and managers of their home site.',
      args: { status: t.arg(JoinRequestFilterStatus) },
      query: (args) => ({ where: args.status ? { status: args.status } : {}, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
    },
    { name: 'VolunteerJoinRequestsConnection', description: 'A page of a volunteer’s invitations and applications.' },
    { name: 'VolunteerJoinRequestsEdge', description: 'An invitation or application on a page.' },
  ),
}));

builder.objectType(AlreadyTeamMemberError, {
  name: 'AlreadyTeamMemberError',
  description: 'The volunteer is already a member of the team.',
  interfaces: [ErrorInterface],
});

builder.objectType(JoinRequestPendingError, {
  name: 'JoinRequestPendingError',
  description: 'An invitation or application between this team and volunteer is already waiting for an answer.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    requestId: t.id({ description: 'The pending request.', resolve: (e) => encodeGlobalID('TeamJoinRequest', e.requestId) }),
    kind: t.field({ type: TeamJoinKindEnum, description: 'Whether it is an invitation or an application.', resolve: (e) => e.kind }),
  }),
});

builder.objectType(NoPendingJoinRequestError, {
  name: 'NoPendingJoinRequestError',
  description: 'There is no pending invitation (or application) to answer: it was answered already, or is of the other kind.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    status: t.expose('status', { type: TeamJoinStatusEnum, description: 'The request’s current status.' }),
    kind: t.expose('kind', { type: TeamJoinKindEnum, description: 'What the request is: an invitation or an application.' }),
  }),
});

builder.objectType(NotYourInvitationError, {
  name: 'NotYourInvitationError',
  description: 'Only the invited volunteer may accept or decline an invitation.',
  interfaces: [ErrorInterface],
});

// ================================================================ mutations

const JOIN_ERRORS = [...COMMON_ERRORS, AlreadyTeamMemberError, JoinRequestPendingError] as const;
const ANSWER_ERRORS = [...COMMON_ERRORS, NoPendingJoinRequestError, AlreadyTeamMemberError] as const;

const requestPayload = (name: string, description: string, key: 'invitation' | 'application') =>
  builder.objectRef<{ request: TeamJoinRequest }>(name).implement({
    description,
    fields: (t) => ({
      [key]: t.field({ type: TeamJoinRequestRef, description: `The ${key}, PENDING.`, resolve: (p) => p.request }),
    }),
  });

const answerPayload = (name: string, description: string, key: 'invitation' | 'application') =>
  builder.objectRef<{ request: TeamJoinRequest; membership: TeamMembership | null }>(name).implement({
    description,
    fields: (t) => ({
      [key]: t.field({ type: TeamJoinRequestRef, description: `The ${key}, ACCEPTED or DECLINED.`, resolve: (p) => p.request }),
      member: t.field({
        type: TeamMemberRef,
        nullable: true,
        description: 'The new membership when accepted; null when declined.',
        resolve: (p) => p.membership,
      }),
    }),
  });

/** The rules' arguments from the GraphQL inputs. */
const requestArgs = (input: { teamId: KeyedId; volunteerId: KeyedId; message?: string | null }) => ({
  teamId: input.teamId.id,
  volunteerId: input.volunteerId.id,
  message: input.message,
});
const answerArgs = (input: { id: KeyedId; answer: 'ACCEPT' | 'DECLINE' }) => ({
  requestId: input.id.id,
  accept: input.answer === 'ACCEPT',
});

const InviteToTeamInput = builder.inputType('InviteToTeamInput', {
  description: 'A team inviting a volunteer.',
  fields: (t) => ({
    teamId: t.globalID({ for: TeamRef, required: true, description: 'The team.' }),
    volunteerId: t.globalID({ for: VolunteerRef, required: true, description: 'The volunteer invited.' }),
    message: t.string({ description: 'A note for the volunteer, up to 500 characters.' }),
  }),
});

builder.mutationField('inviteToTeam', (t) =>
  t.field({
    description:
      'Invites a volunteer to join a team. They become a member only when they accept (respondToTeamInvitation); until then the invitation grants nothing. Needs the team’s leader or a manager of its site.',
    authScopes: (_root, args) => ({ manageTeam: args.input.teamId }),
    type: requestPayload('InviteToTeamPayload', 'The invitation was sent.', 'invitation'),
    args: { input: t.arg({ type: InviteToTeamInput, required: true, description: 'Who is invited to which team.' }) },
    errors: { types: [...JOIN_ERRORS], directResult: true, union: { name: 'InviteToTeamResult', description: 'The invitation, or why it was refused.' } },
    resolve: async (_root, { input }, ctx) => ({
      request: await inviteToTeam(ctx.prisma, requestArgs(input), requireViewer(ctx.viewer), ctx.clock.now()),
    }),
  }),
);

const RespondToTeamInvitationInput = builder.inputType('RespondToTeamInvitationInput', {
  description: 'The invited volunteer’s answer.',
  fields: (t) => ({
    id: t.globalID({ for: TeamJoinRequestRef, required: true, description: 'The invitation.' }),
    answer: t.field({ type: TeamJoinAnswerEnum, required: true, description: 'Accept or decline.' }),
  }),
});

builder.mutationField('respondToTeamInvitation', (t) =>
  t.field({
    description: 'Accepts (joining the team) or declines an invitation. Only the invited volunteer.',
    authScopes: { authenticated: true },
    type: answerPayload('RespondToTeamInvitationPayload', 'The invitation was answered.', 'invitation'),
    args: { input: t.arg({ type: RespondToTeamInvitationInput, required: true, description: 'The invitation and the answer.' }) },
    errors: {
      types: [...ANSWER_ERRORS, NotYourInvitationError],
      directResult: true,
      union: { name: 'RespondToTeamInvitationResult', description: 'The answered invitation, or why the answer was refused.' },
    },
    resolve: (_root, { input }, ctx) => respondToTeamInvitation(ctx.prisma, answerArgs(input), requireViewer(ctx.viewer), ctx.clock.now()),
  }),
);

const ApplyToTeamInput = builder.inputType('ApplyToTeamInput', {
  description: 'A volunteer applying to join a team.',
  fields: (t) => ({
    teamId: t.globalID({ for: TeamRef, required: true, description: 'The team.' }),
    volunteerId: t.globalID({ for: VolunteerRef, required: true, description: 'The volunteer applying (themselves).' }),
    message: t.string({ description: 'A note for the team, up to 500 characters.' }),
  }),
});

builder.mutationField('applyToTeam', (t) =>
  t.field({
    description:
      'Applies to join a team. The volunteer becomes a member when the team’s leader or a manager accepts (reviewTeamApplication). Only the volunteer themself.',
    authScopes: (_root, args) => ({ selfVolunteer: args.input.volunteerId }),
    type: requestPayload('ApplyToTeamPayload', 'The application was sent.', 'application'),
    args: { input: t.arg({ type: ApplyToTeamInput, required: true, description: 'Which team, and who applies.' }) },
    errors: { types: [...JOIN_ERRORS], directResult: true, union: { name: 'ApplyToTeamResult', description: 'The application, or why it was refused.' } },
    resolve: async (_root, { input }, ctx) => ({
      request: await applyToTeam(ctx.prisma, requestArgs(input), requireViewer(ctx.viewer), ctx.clock.now()),
    }),
  }),
);

const ReviewTeamApplicationInput = builder.inputType('ReviewTeamApplicationInput', {
  description: 'The team’s answer to an application.',
  fields: (t) => ({
    id: t.globalID({ for: TeamJoinRequestRef, required: true, description: 'The application.' }),
    answer: t.field({ type: TeamJoinAnswerEnum, required: true, description: 'Accept or decline.' }),
  }),
});

builder.mutationField('reviewTeamApplication', (t) =>
  t.field({
    description: 'Accepts (the applicant joins) or declines an application. Needs the team’s leader or a manager of its site.',
    authScopes: (_root, args) => ({ manageJoinRequest: args.input.id }),
    type: answerPayload('ReviewTeamApplicationPayload', 'The application was answered.', 'application'),
    args: { input: t.arg({ type: ReviewTeamApplicationInput, required: true, description: 'The application and the answer.' }) },
    errors: {
      types: [...ANSWER_ERRORS],
      directResult: true,
      union: { name: 'ReviewTeamApplicationResult', description: 'The answered application, or why the answer was refused.' },
    },
    resolve: (_root, { input }, ctx) => reviewTeamApplication(ctx.prisma, answerArgs(input), requireViewer(ctx.viewer), ctx.clock.now()),
  }),
);
