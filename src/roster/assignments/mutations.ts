import { queryFromInfo } from '@pothos/plugin-prisma';
import type { GraphQLResolveInfo } from 'graphql';
import { builder } from '../../builder.js';
import type { Context } from '../../context.js';
import { command } from '../../common/command.js';
import { payloadType } from '../../common/payload.js';
import { COMMON_ERRORS } from '../../common/schema-base.js';
import { VolunteerRef } from '../../volunteers/schema.js';
import {
  AlreadyAssignedError,
  CheckInWindowError,
  DoubleBookingError,
  InvalidAssignmentStateError,
  ProjectNotRecruitingError,
  ShiftCancelledError,
  ShiftClosedError,
  ShiftNotStartedError,
  VolunteerSuspendedError,
} from '../errors.js';
import { SHIFT_STATE_ERRORS } from '../shifts/mutations.js';
import { ShiftRef } from '../shifts/schema.js';
import { type SignUp, assignVolunteer, cancelAssignment, checkIn, checkOut, markNoShow, selfSignUp } from './rules.js';
import { ShiftAssignmentRef } from './schema.js';

/*
 * A volunteer's actions on a shift: assignVolunteer, selfSignUp, cancelAssignment, checkIn,
 * checkOut, markNoShow.
 */

/**
 * A sign-up's payload, answering `assignment { shift { … } }` from the shift row the sign-up
 * locked and updated, with no read after the commit: planning the payload's selection records
 * that `shift` resolves from the row handed on (src/roster/assignment-pages.ts does the same). What
 * that row does not carry (the volunteer, the shift's post, …) is loaded as usual.
 */
function withShift(signedUp: SignUp, ctx: Context, info: GraphQLResolveInfo, payload: string) {
  queryFromInfo({ context: ctx, info, path: [{ name: 'assignment', type: payload }] });
  return { assignment: { ...signedUp.assignment, shift: signedUp.shift } };
}

const AssignmentPayload = (name: string, description: string) =>
  payloadType(name, description, 'assignment', ShiftAssignmentRef, 'The assignment as it now stands; its shift carries the new counts.');

const SIGN_UP_ERRORS = [
  ...COMMON_ERRORS,
  ...SHIFT_STATE_ERRORS,
  VolunteerSuspendedError,
  DoubleBookingError,
  AlreadyAssignedError,
  // A COMPLETED or NO_SHOW record on the shift is final.
  InvalidAssignmentStateError,
] as const;

const AssignVolunteerInput = builder.inputType('AssignVolunteerInput', {
  description: 'A volunteer to put on a shift.',
  fields: (t) => ({
    shiftId: t.globalID({ for: ShiftRef, required: true, description: 'The shift.' }),
    volunteerId: t.globalID({ for: VolunteerRef, required: true, description: 'The volunteer.' }),
  }),
});

builder.mutationField('assignVolunteer', (t) =>
  t.field({
    description:
      'Puts a volunteer on a shift. When the shift is full they join its waitlist (status WAITLISTED) instead of being refused. Needs a manager of the post’s site or the project’s team leader.',
    authScopes: (_root, args) => ({ manageShift: args.input.shiftId.id }),
    type: AssignmentPayload('AssignVolunteerPayload', 'The volunteer is on the shift or its waitlist.'),
    args: { input: t.arg({ type: AssignVolunteerInput, required: true, description: 'Who goes on which shift.' }) },
    errors: { types: [...SIGN_UP_ERRORS], directResult: true, union: { name: 'AssignVolunteerResult', description: 'The assignment, or why it was refused.' } },
    resolve: async (_root, { input }, ctx, info) => {
      const signedUp = await command(
        ctx,
        (tx) => assignVolunteer(tx, { shiftId: input.shiftId.id, volunteerId: input.volunteerId.id }, ctx.clock),
      );
      return withShift(signedUp, ctx, info, 'AssignVolunteerPayload');
    },
  }),
);

const SelfSignUpInput = builder.inputType('SelfSignUpInput', {
  description: 'A volunteer signing themselves up for a shift.',
  fields: (t) => ({
    shiftId: t.globalID({ for: ShiftRef, required: true, description: 'The shift.' }),
    volunteerId: t.globalID({ for: VolunteerRef, required: true, description: 'The volunteer signing up (themselves).' }),
  }),
});

builder.mutationField('selfSignUp', (t) =>
  t.field({
    description:
      'A volunteer signs up for a shift themselves; same rules as assignVolunteer (a full shift waitlists). Only the volunteer themself.',
    authScopes: (_root, args) => ({ selfVolunteer: args.input.volunteerId }),
    type: AssignmentPayload('SelfSignUpPayload', 'The volunteer is on the shift or its waitlist.'),
    args: { input: t.arg({ type: SelfSignUpInput, required: true, description: 'The shift and the volunteer.' }) },
    errors: { types: [...SIGN_UP_ERRORS], directResult: true, union: { name: 'SelfSignUpResult', description: 'The assignment, or why the sign-up was refused.' } },
    resolve: async (_root, { input }, ctx, info) => {
      const signedUp = await command(
        ctx,
        (tx) => selfSignUp(tx, { shiftId: input.shiftId.id, volunteerId: input.volunteerId.id }, ctx.clock),
      );
      return withShift(signedUp, ctx, info, 'SelfSignUpPayload');
    },
  }),
);

const CancelAssignmentInput = builder.inputType('CancelAssignmentInput', {
  description: 'An assignment to withdraw.',
  fields: (t) => ({
    id: t.globalID({ for: ShiftAssignmentRef, required: true, description: 'The assignment.' }),
    reason: t.string({ description: 'Why (up to 500 characters).' }),
  }),
});

builder.mutationField('cancelAssignment', (t) =>
  t.field({
    description:
      'Withdraws a volunteer from a shift or its waitlist. A freed place goes to the first on the waitlist. The volunteer themself, or whoever manages the shift.',
    authScopes: (_root, args) => ({ actOnAssignment: args.input.id.id }),
    type: AssignmentPayload('CancelAssignmentPayload', 'The assignment was cancelled.'),
    args: { input: t.arg({ type: CancelAssignmentInput, required: true, description: 'The assignment and the reason.' }) },
    errors: {
      types: [...COMMON_ERRORS, InvalidAssignmentStateError, ShiftCancelledError, ShiftClosedError],
      directResult: true,
      union: { name: 'CancelAssignmentResult', description: 'The cancelled assignment, or why it could not be cancelled.' },
    },
    resolve: async (_root, { input }, ctx) => {
      const { assignment } = await command(ctx, (tx) => cancelAssignment(tx, { assignmentId: input.id.id, reason: input.reason }, ctx.clock.now()));
      return { assignment };
    },
  }),
);

const AssignmentActionInput = builder.inputType('AssignmentActionInput', {
  description: 'The assignment to act on.',
  fields: (t) => ({ id: t.globalID({ for: ShiftAssignmentRef, required: true, description: 'The assignment.' }) }),
});

const ASSIGNMENT_ACTION_ERRORS = [...COMMON_ERRORS, InvalidAssignmentStateError, ShiftCancelledError, ShiftClosedError] as const;

builder.mutationField('checkIn', (t) =>
  t.field({
    description:
      'Checks a volunteer in for duty: allowed from 30 minutes before the shift starts until it ends, while the project is RECRUITING or ACTIVE. The volunteer themself, or whoever manages the shift.',
    authScopes: (_root, args) => ({ actOnAssignment: args.input.id.id }),
    type: AssignmentPayload('CheckInPayload', 'The volunteer is on duty.'),
    args: { input: t.arg({ type: AssignmentActionInput, required: true, description: 'The assignment.' }) },
    errors: {
      types: [...ASSIGNMENT_ACTION_ERRORS, CheckInWindowError, ProjectNotRecruitingError],
      directResult: true,
      union: { name: 'CheckInResult', description: 'The checked-in assignment, or why check-in was refused.' },
    },
    resolve: async (_root, { input }, ctx) => {
      const { assignment } = await command(ctx, (tx) => checkIn(tx, { assignmentId: input.id.id }, ctx.clock.now()));
      return { assignment };
    },
  }),
);

builder.mutationField('checkOut', (t) =>
  t.field({
    description:
      'Checks a volunteer out and credits the minutes since check-in, capped at the shift’s length plus 30 minutes and at 24 hours credited for the check-in’s Shanghai day; only while the project is RECRUITING or ACTIVE. The volunteer themself, or whoever manages the shift.',
    authScopes: (_root, args) => ({ actOnAssignment: args.input.id.id }),
    type: AssignmentPayload('CheckOutPayload', 'The volunteer’s duty is complete.'),
    args: { input: t.arg({ type: AssignmentActionInput, required: true, description: 'The assignment.' }) },
    errors: {
      types: [...ASSIGNMENT_ACTION_ERRORS, ProjectNotRecruitingError],
      directResult: true,
      union: { name: 'CheckOutResult', description: 'The completed assignment, or why check-out was refused.' },
    },
    resolve: async (_root, { input }, ctx) => {
      const { assignment } = await command(ctx, (tx) => checkOut(tx, { assignmentId: input.id.id }, ctx.clock.now()));
      return { assignment };
    },
  }),
);

builder.mutationField('markNoShow', (t) =>
  t.field({
    description:
      'Marks an ASSIGNED volunteer who did not turn up, once the shift has started. Frees the place. Needs whoever manages the shift.',
    authScopes: (_root, args) => ({ manageAssignment: args.input.id.id }),
    type: AssignmentPayload('MarkNoShowPayload', 'The volunteer was marked as a no-show.'),
    args: { input: t.arg({ type: AssignmentActionInput, required: true, description: 'The assignment.' }) },
    errors: {
      types: [...ASSIGNMENT_ACTION_ERRORS, ShiftNotStartedError],
      directResult: true,
      union: { name: 'MarkNoShowResult', description: 'The assignment, or why it could not be marked.' },
    },
    resolve: async (_root, { input }, ctx) => {
      const { assignment } = await command(ctx, (tx) => markNoShow(tx, { assignmentId: input.id.id }, ctx.clock.now()));
      return { assignment };
    },
  }),
);
