import { builder } from '../builder.js';
import { ConflictError } from '../common/errors.js';
import { payloadType } from '../common/payload.js';
import { COMMON_ERRORS, statusTransitionErrorType } from '../common/schema-base.js';
import '../honours/schema.js';
import { SiteRef } from '../sites/schema.js';
import { VolunteerRef } from '../volunteers/schema.js';
import { AlreadyNominatedError, BatchAnnouncedError, NominationWindowClosedError } from './errors.js';
import {
  FamilyNominationRef,
  FamilyRef,
  FamilySelectionBatchRef,
  FamilySelectionCycleRef,
  HonorLevelEnum,
  OutreachVenueKindEnum,
} from './schema.js';
import { announceBatch, createFamily, createSelectionCycle, nominateFamily, recordOutreach, reviewNomination } from './service.js';
import { NominationStatusTransitionError } from './service.js';
import { NominationStatusEnum } from './schema.js';

const union = (name: string, description: string) => ({ name, description });

const FamilyMemberInput = builder.inputType('FamilyMemberInput', {
  description: 'A member of a new family.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Name, 1–50 characters.' }),
    relation: t.string({ description: 'Place in the family, e.g. 父亲, up to 20 characters.' }),
    volunteerId: t.globalID({ for: VolunteerRef, description: 'Their volunteer profile, if registered.' }),
  }),
});

const CreateFamilyInput = builder.inputType('CreateFamilyInput', {
  description: 'A new family.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'The family’s name, e.g. 王家, 1–50 characters.' }),
    siteId: t.globalID({ for: SiteRef, required: true, description: 'The site it lives under.' }),
    story: t.string({ description: 'Its story, up to 5000 characters.' }),
    members: t.field({ type: [FamilyMemberInput], required: true, description: 'Its members, 1–30.' }),
  }),
});

// The transition error of this status machine, with its statuses typed (src/common/schema-base.ts).
statusTransitionErrorType(NominationStatusTransitionError, 'NominationStatusTransitionError', 'A nomination', NominationStatusEnum);

builder.mutationField('createFamily', (t) =>
  t.field({
    description: 'Registers a family. Needs a manager of its site (or above).',
    authScopes: (_root, args) => ({ manageSite: args.input.siteId }),
    type: payloadType('CreateFamilyPayload', 'The family was registered.', 'family', FamilyRef, 'The new family.'),
    args: { input: t.arg({ type: CreateFamilyInput, required: true, description: 'The new family.' }) },
    errors: { types: [...COMMON_ERRORS], directResult: true, union: union('CreateFamilyResult', 'The new family, or why it was refused.') },
    resolve: async (_root, { input }, ctx) => ({
      family: await createFamily(ctx.prisma, {
        name: input.name,
        story: input.story ?? undefined,
        siteId: input.siteId.id,
        members: input.members.map((m, i) => ({ ...m, volunteerId: m.volunteerId?.id })),
      }),
    }),
  }),
);

const CreateFamilySelectionCycleInput = builder.inputType('CreateFamilySelectionCycleInput', {
  description: 'A new 3-year selection cycle.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Name, unique, 1–100 characters.' }),
    startYear: t.int({ required: true, description: 'First year; the cycle runs three years.' }),
    batchCount: t.int({ required: true, description: 'How many numbered batches, 1–6.' }),
    nominationOpensAt: t.field({ type: 'DateTime', required: true, description: 'When nominations open.' }),
    nominationClosesAt: t.field({ type: 'DateTime', required: true, description: 'When they close; after nominationOpensAt.' }),
  }),
});

builder.mutationField('createFamilySelectionCycle', (t) =>
  t.field({
    description: 'Opens a selection cycle with its batches. Needs an admin.',
    authScopes: { admin: true },
    type: payloadType('CreateFamilySelectionCyclePayload', 'The cycle was created.', 'cycle', FamilySelectionCycleRef, 'The new cycle.'),
    args: { input: t.arg({ type: CreateFamilySelectionCycleInput, required: true, description: 'The new cycle.' }) },
    errors: { types: [...COMMON_ERRORS], directResult: true, union: union('CreateFamilySelectionCycleResult', 'The new cycle, or why it was refused.') },
    resolve: async (_root, { input }, ctx) => ({ cycle: await createSelectionCycle(ctx.prisma, input) }),
  }),
);

const NominateFamilyInput = builder.inputType('NominateFamilyInput', {
  description: 'A family nominated for a batch of a cycle.',
  fields: (t) => ({
    familyId: t.globalID({ for: FamilyRef, required: true, description: 'The family; once per cycle.' }),
    batchId: t.globalID({ for: FamilySelectionBatchRef, required: true, description: 'The batch, not yet announced.' }),
    statement: t.string({ required: true, description: 'Why, 1–2000 characters.' }),
  }),
});

const NominationPayload = (name: string, description: string) =>
  payloadType(name, description, 'nomination', FamilyNominationRef, 'The nomination as it now stands.');

builder.mutationField('nominateFamily', (t) =>
  t.field({
    description: 'Nominates a family while the cycle’s window is open. Needs a manager of the family’s site.',
    authScopes: (_root, args) => ({ manageFamily: args.input.familyId }),
    type: NominationPayload('NominateFamilyPayload', 'The family was nominated.'),
    args: { input: t.arg({ type: NominateFamilyInput, required: true, description: 'The nomination.' }) },
    errors: {
      types: [...COMMON_ERRORS, NominationWindowClosedError, AlreadyNominatedError, BatchAnnouncedError],
      directResult: true,
      union: union('NominateFamilyResult', 'The nomination, or why it was refused.'),
    },
    resolve: async (_root, { input }, ctx) => ({
      nomination: await nominateFamily(
        ctx.prisma,
        { familyId: input.familyId.id, batchId: input.batchId.id, statement: input.statement },
        ctx.clock.now(),
      ),
    }),
  }),
);

const NominationDecisionEnum = builder.enumType('NominationDecision', {
  description: 'A reviewer’s decision on a nomination.',
  values: {
    APPROVED: { description: 'Approve: the family is named when the batch is announced.' },
    REJECTED: { description: 'Reject, with a reason.' },
  } as const,
});

const ReviewNominationInput = builder.inputType('ReviewNominationInput', {
  description: 'A decision on a PENDING nomination.',
  fields: (t) => ({
    id: t.globalID({ for: FamilyNominationRef, required: true, description: 'The nomination.' }),
    decision: t.field({ type: NominationDecisionEnum, required: true, description: 'Approve or reject.' }),
    reason: t.string({ description: 'Why; required to reject, up to 500 characters.' }),
  }),
});

builder.mutationField('reviewNomination', (t) =>
  t.field({
    description: 'Approves or rejects a PENDING nomination of a batch not yet announced. Needs an admin.',
    authScopes: { admin: true },
    type: NominationPayload('ReviewNominationPayload', 'The nomination was reviewed.'),
    args: { input: t.arg({ type: ReviewNominationInput, required: true, description: 'The nomination and the decision.' }) },
    errors: {
      types: [...COMMON_ERRORS, NominationStatusTransitionError, BatchAnnouncedError],
      directResult: true,
      union: union('ReviewNominationResult', 'The reviewed nomination, or why the review was refused.'),
    },
    resolve: async (_root, { input }, ctx) => ({
      nomination: await reviewNomination(
        ctx.prisma,
        { nominationId: input.id.id, decision: input.decision, reason: input.reason },
        ctx.clock.now(),
      ),
    }),
  }),
);

const AnnounceBatchInput = builder.inputType('AnnounceBatchInput', {
  description: 'Announcing a batch at a level.',
  fields: (t) => ({
    batchId: t.globalID({ for: FamilySelectionBatchRef, required: true, description: 'The batch; every nomination must be reviewed.' }),
    level: t.field({ type: HonorLevelEnum, required: true, description: 'The level its families are named at.' }),
    awardedBy: t.string({ required: true, description: 'Who names them, e.g. 市文明委, 1–100 characters.' }),
  }),
});

const AnnounceBatchPayload = builder.objectRef<{ batch: { id: number }; honorIds: number[] }>('AnnounceBatchPayload').implement({
  description: 'The batch was announced; its approved families are now civilised families.',
  fields: (t) => ({
    batch: t.field({ type: FamilySelectionBatchRef, description: 'The announced batch.', resolve: (p) => p.batch as never }),
    honors: t.prismaField({
      type: ['Honor'],
      description: 'The honours created, one per approved family.',
      resolve: (query, p, _args, ctx) => ctx.prisma.honor.findMany({ ...query, where: { id: { in: p.honorIds } }, orderBy: { id: 'asc' } }),
    }),
  }),
});

builder.mutationField('announceBatch', (t) =>
  t.field({
    description: 'Announces a batch: each APPROVED family is named at the level and gets an honour. Final. Needs an admin.',
    authScopes: { admin: true },
    type: AnnounceBatchPayload,
    args: { input: t.arg({ type: AnnounceBatchInput, required: true, description: 'The batch and the level.' }) },
    errors: {
      types: [...COMMON_ERRORS, ConflictError, BatchAnnouncedError],
      directResult: true,
      union: union('AnnounceBatchResult', 'The announced batch, or why it was refused.'),
    },
    resolve: async (_root, { input }, ctx) =>
      announceBatch(ctx.prisma, { batchId: input.batchId.id, level: input.level, awardedBy: input.awardedBy }, ctx.clock.now()),
  }),
);

const RecordFamilyOutreachInput = builder.inputType('RecordFamilyOutreachInput', {
  description: 'A talk a family gave.',
  fields: (t) => ({
    familyId: t.globalID({ for: FamilyRef, required: true, description: 'The family.' }),
    heldOn: t.field({ type: 'Date', required: true, description: 'The day; not in the future.' }),
    venueKind: t.field({ type: OutreachVenueKindEnum, required: true, description: 'Kind of venue.' }),
    venue: t.string({ description: 'The venue, up to 100 characters.' }),
    audienceSize: t.int({ required: true, description: 'People in the audience, 1–100000.' }),
    topic: t.string({ required: true, description: 'The topic, 1–200 characters.' }),
  }),
});

builder.mutationField('recordFamilyOutreach', (t) =>
  t.field({
    description: 'Records a talk a family gave. Needs a manager of the family’s site.',
    authScopes: (_root, args) => ({ manageFamily: args.input.familyId }),
    type: payloadType('RecordFamilyOutreachPayload', 'The talk was recorded.', 'family', FamilyRef, 'The family, with its talks.'),
    args: { input: t.arg({ type: RecordFamilyOutreachInput, required: true, description: 'The talk.' }) },
    errors: { types: [...COMMON_ERRORS], directResult: true, union: union('RecordFamilyOutreachResult', 'The family, or why it was refused.') },
    resolve: async (_root, { input }, ctx) => {
      const talk = await recordOutreach(ctx.prisma, { ...input, familyId: input.familyId.id }, ctx.clock.now());
      return { family: await ctx.prisma.family.findUniqueOrThrow({ where: { id: talk.familyId } }) };
    },
  }),
);

