import { requireViewer } from '../auth/viewer.js';
import { DailyServiceLimitError } from '../roster/credit.js';
import { builder } from '../builder.js';
import { ConflictError } from '../common/errors.js';
import { payloadType } from '../common/payload.js';
import { COMMON_ERRORS, statusTransitionErrorType } from '../common/schema-base.js';
import { ProjectRef } from '../projects/schema.js';
import { SiteRef } from '../sites/schema.js';
import { TeamRef } from '../teams/schema.js';
import { VolunteerRef } from '../volunteers/schema.js';
import {
  BeneficiaryKindEnum,
  BeneficiaryRef,
  BeneficiaryStatusEnum,
  CareAssignmentRef,
  CareServiceEnum,
  CareVisitRef,
} from './schema.js';
import {
  MAX_VISIT_VOLUNTEERS,
  assignCareTeam,
  changeBeneficiaryStatus,
  createBeneficiary,
  recordCareVisit,
  updateBeneficiary,
} from './service.js';
import { BeneficiaryStatusTransitionError } from './service.js';

const BeneficiaryPayload = (name: string, description: string) =>
  payloadType(name, description, 'beneficiary', BeneficiaryRef, 'The beneficiary as it now stands.');

const CreateBeneficiaryInput = builder.inputType('CreateBeneficiaryInput', {
  description: 'A new beneficiary, ACTIVE from the start.',
  fields: (t) => ({
    kind: t.field({ type: BeneficiaryKindEnum, required: true, description: 'Who this is.' }),
    siteId: t.globalID({ for: SiteRef, required: true, description: 'The site they live under.' }),
    name: t.string({ required: true, description: 'Name of the person or head of household, 1–50 characters.' }),
    phone: t.string({ description: 'Contact phone, digits with optional spaces or dashes.' }),
    address: t.string({ required: true, description: 'Home address, 1–200 characters.' }),
    idNumber: t.string({ description: 'ID-card or veteran-certificate number, up to 30 characters.' }),
    needs: t.stringList({ description: 'Needs as tags, up to 20, each 1–30 characters.' }),
    householdSize: t.int({ description: 'People in the household, 1–30; default 1.' }),
    careTeamId: t.globalID({ for: TeamRef, description: 'The team responsible from the start, if already chosen.' }),
  }),
});

// The transition error of this status machine, with its statuses typed (src/common/schema-base.ts).
statusTransitionErrorType(BeneficiaryStatusTransitionError, 'BeneficiaryStatusTransitionError', 'A beneficiary', BeneficiaryStatusEnum);

builder.mutationField('createBeneficiary', (t) =>
  t.field({
    description: 'Registers a beneficiary. Needs a manager of the site (or above).',
    authScopes: (_root, args) => ({ manageSite: args.input.siteId }),
    type: BeneficiaryPayload('CreateBeneficiaryPayload', 'The beneficiary was registered.'),
    args: { input: t.arg({ type: CreateBeneficiaryInput, required: true, description: 'The new beneficiary.' }) },
    errors: {
      types: [...COMMON_ERRORS],
      directResult: true,
      union: { name: 'CreateBeneficiaryResult', description: 'The new beneficiary, or why it was refused.' },
    },
    resolve: async (_root, { input }, ctx) => ({
      beneficiary: await createBeneficiary(
        ctx.prisma,
        {
          ...input,
          needs: input.needs ?? undefined,
          householdSize: input.householdSize ?? undefined,
          siteId: input.siteId.id,
          careTeamId: input.careTeamId?.id,
        },
        ctx.clock.now(),
      ),
    }),
  }),
);

const UpdateBeneficiaryInput = builder.inputType('UpdateBeneficiaryInput', {
  description: 'Changes to a beneficiary. Omitted fields stay as they are; null clears phone and idNumber.',
  fields: (t) => ({
    id: t.globalID({ for: BeneficiaryRef, required: true, description: 'The beneficiary to change.' }),
    kind: t.field({ type: BeneficiaryKindEnum, description: 'New kind.' }),
    name: t.string({ description: 'New name.' }),
    phone: t.string({ description: 'New phone; null clears it.' }),
    address: t.string({ description: 'New address.' }),
    idNumber: t.string({ description: 'New ID number; null clears it.' }),
    needs: t.stringList({ description: 'Replaces the needs.' }),
    householdSize: t.int({ description: 'New household size.' }),
  }),
});

builder.mutationField('updateBeneficiary', (t) =>
  t.field({
    description: 'Changes a beneficiary’s details. Needs a manager of their site (or above).',
    authScopes: (_root, args) => ({ manageBeneficiary: args.input.id }),
    type: BeneficiaryPayload('UpdateBeneficiaryPayload', 'The beneficiary was updated.'),
    args: { input: t.arg({ type: UpdateBeneficiaryInput, required: true, description: 'What to change.' }) },
    errors: {
      types: [...COMMON_ERRORS],
      directResult: true,
      union: { name: 'UpdateBeneficiaryResult', description: 'The updated beneficiary, or why the change was refused.' },
    },
    resolve: async (_root, { input }, ctx) => {
      const { id, ...changes } = input;
      return {
        beneficiary: await updateBeneficiary(ctx.prisma, id.id, {
          kind: changes.kind ?? undefined,
          name: changes.name ?? undefined,
          phone: changes.phone,
          address: changes.address ?? undefined,
          idNumber: changes.idNumber,
          needs: changes.needs ?? undefined,
          householdSize: changes.householdSize ?? undefined,
        }),
      };
    },
  }),
);

const ChangeBeneficiaryStatusInput = builder.inputType('ChangeBeneficiaryStatusInput', {
  description: 'Closing care for a beneficiary (with a reason), or reopening it.',
  fields: (t) => ({
    id: t.globalID({ for: BeneficiaryRef, required: true, description: 'The beneficiary.' }),
    status: t.field({ type: BeneficiaryStatusEnum, required: true, description: 'CLOSED or ACTIVE.' }),
    reason: t.string({ description: 'Why care is closed; required for CLOSED, up to 500 characters.' }),
  }),
});

builder.mutationField('changeBeneficiaryStatus', (t) =>
  t.field({
    description:
      'Closes care (the caring team’s assignment ends) or reopens it (assign a team again). Needs a manager of the beneficiary’s site.',
    authScopes: (_root, args) => ({ manageBeneficiary: args.input.id }),
    type: BeneficiaryPayload('ChangeBeneficiaryStatusPayload', 'The beneficiary’s status changed.'),
    args: { input: t.arg({ type: ChangeBeneficiaryStatusInput, required: true, description: 'The beneficiary and its new status.' }) },
    errors: {
      types: [...COMMON_ERRORS, BeneficiaryStatusTransitionError],
      directResult: true,
      union: { name: 'ChangeBeneficiaryStatusResult', description: 'The beneficiary, or why the change was refused.' },
    },
    resolve: async (_root, { input }, ctx) => ({
      beneficiary: await changeBeneficiaryStatus(
        ctx.prisma,
        input.id.id,
        { status: input.status, reason: input.reason },
        ctx.clock.now(),
      ),
    }),
  }),
);

const AssignCareTeamInput = builder.inputType('AssignCareTeamInput', {
  description: 'A team taking over responsibility for a beneficiary.',
  fields: (t) => ({
    beneficiaryId: t.globalID({ for: BeneficiaryRef, required: true, description: 'The beneficiary; must be ACTIVE.' }),
    teamId: t.globalID({ for: TeamRef, required: true, description: 'The team taking over.' }),
    note: t.string({ description: 'Why, up to 500 characters.' }),
  }),
});

const AssignCareTeamPayload = builder.objectRef<{ beneficiary: { id: number }; assignment: { id: number } }>('AssignCareTeamPayload').implement({
  description: 'The team is now responsible; the previous assignment (if any) has ended.',
  fields: (t) => ({
    beneficiary: t.field({ type: BeneficiaryRef, description: 'The beneficiary, with its new caring team.', resolve: (p) => p.beneficiary as never }),
    assignment: t.field({ type: CareAssignmentRef, description: 'The new, current assignment.', resolve: (p) => p.assignment as never }),
  }),
});

builder.mutationField('assignCareTeam', (t) =>
  t.field({
    description:
      'Makes a team the one responsible for a beneficiary; the previous team’s assignment ends now and stays in the history. Needs a manager of the beneficiary’s site.',
    authScopes: (_root, args) => ({ manageBeneficiary: args.input.beneficiaryId }),
    type: AssignCareTeamPayload,
    args: { input: t.arg({ type: AssignCareTeamInput, required: true, description: 'The beneficiary and the team.' }) },
    errors: {
      types: [...COMMON_ERRORS, ConflictError],
      directResult: true,
      union: { name: 'AssignCareTeamResult', description: 'The new assignment, or why it was refused.' },
    },
    resolve: async (_root, { input }, ctx) =>
      assignCareTeam(
        ctx.prisma,
        {
          beneficiaryId: input.beneficiaryId.id,
          teamId: input.teamId.id,
          note: input.note,
        },
        ctx.clock.now(),
      ),
  }),
);

const RecordCareVisitInput = builder.inputType('RecordCareVisitInput', {
  description: 'A visit the caring team made.',
  fields: (t) => ({
    beneficiaryId: t.globalID({ for: BeneficiaryRef, required: true, description: 'Who was visited; must be ACTIVE with a caring team.' }),
    visitedOn: t.field({ type: 'Date', required: true, description: 'The day of the visit; not in the future.' }),
    volunteerIds: t.globalIDList({
      for: VolunteerRef,
      required: true,
      description: `The volunteers present, 1–${MAX_VISIT_VOLUNTEERS}, each a member of the caring team.`,
    }),
    services: t.field({ type: [CareServiceEnum], required: true, description: 'What was given; at least one.' }),
    minutes: t.int({ required: true, description: 'How long the visit lasted, 1–1440 minutes.' }),
    notes: t.string({ description: 'Notes, up to 2000 characters.' }),
    projectId: t.globalID({ for: ProjectRef, description: 'The project the visit belongs to, e.g. 浓情年味·暖冬.' }),
  }),
});

builder.mutationField('recordCareVisit', (t) =>
  t.field({
    description:
      'Records a care visit. Each volunteer present gets a PENDING service record of its minutes, reviewed like any other (reviewServiceRecord). Needs the caring team’s leader or a manager of the beneficiary’s site.',
    authScopes: (_root, args) => ({ careForBeneficiary: args.input.beneficiaryId }),
    type: payloadType('RecordCareVisitPayload', 'The visit was recorded.', 'visit', CareVisitRef, 'The new visit.'),
    args: { input: t.arg({ type: RecordCareVisitInput, required: true, description: 'The visit.' }) },
    errors: {
      types: [...COMMON_ERRORS, ConflictError, DailyServiceLimitError],
      directResult: true,
      union: { name: 'RecordCareVisitResult', description: 'The new visit, or why it was refused.' },
    },
    resolve: async (_root, { input }, ctx) => ({
      visit: await recordCareVisit(
        ctx.prisma,
        {
          ...input,
          beneficiaryId: input.beneficiaryId.id,
          volunteerIds: input.volunteerIds.map((v, i) => v.id),
          projectId: input.projectId?.id,
        },
        ctx.clock.now(),
        requireViewer(ctx.viewer),
      ),
    }),
  }),
);
