import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../builder.js';
import { ErrorInterface } from '../common/schema-base.js';
import { ProjectStatusEnum } from '../projects/schema.js';
import { AssignmentStatusEnum } from './assignments/schema.js';
import { DailyServiceLimitError } from './credit.js';
import {
  AlreadyAssignedError,
  CheckInWindowError,
  DoubleBookingError,
  FourEyesError,
  InvalidAssignmentStateError,
  ProjectNotRecruitingError,
  ShiftCancelledError,
  ShiftClosedError,
  ShiftNotStartedError,
  VolunteerSuspendedError,
} from './errors.js';

/** The roster's typed errors (src/roster/errors.ts, src/roster/credit.ts) as GraphQL types implementing `Error`. */

const gidOf = (typename: string) => (id: number) => encodeGlobalID(typename, id);

builder.objectType(DoubleBookingError, {
  name: 'DoubleBookingError',
  description: 'The volunteer already holds an active assignment on a shift whose time overlaps this one.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    conflictingShiftId: t.id({ description: 'The overlapping shift.', resolve: (e) => gidOf('Shift')(e.conflictingShiftId) }),
    conflictingAssignmentId: t.id({
      description: 'The volunteer’s assignment on the overlapping shift.',
      resolve: (e) => gidOf('ShiftAssignment')(e.conflictingAssignmentId),
    }),
    conflictingStartsAt: t.expose('conflictingStartsAt', { type: 'DateTime', description: 'Start of the overlapping shift.' }),
    conflictingEndsAt: t.expose('conflictingEndsAt', { type: 'DateTime', description: 'End of the overlapping shift.' }),
  }),
});

builder.objectType(CheckInWindowError, {
  name: 'CheckInWindowError',
  description: 'Check-in is allowed only from 30 minutes before the shift starts until it ends.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    opensAt: t.expose('opensAt', { type: 'DateTime', description: 'When check-in opens.' }),
    closesAt: t.expose('closesAt', { type: 'DateTime', description: 'When check-in closes (the shift’s end).' }),
  }),
});

builder.objectType(InvalidAssignmentStateError, {
  name: 'InvalidAssignmentStateError',
  description: 'The assignment’s status does not allow this, e.g. checking out someone who never checked in.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    status: t.field({ type: AssignmentStatusEnum, description: 'The assignment’s current status.', resolve: (e) => e.status as never }),
    allowedFrom: t.field({
      type: [AssignmentStatusEnum],
      description: 'The statuses from which the action is allowed.',
      resolve: (e) => [...e.allowedFrom] as never,
    }),
  }),
});

builder.objectType(ShiftCancelledError, {
  name: 'ShiftCancelledError',
  description: 'The shift was cancelled; nothing more can happen on it.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    cancelledAt: t.expose('cancelledAt', { type: 'DateTime', nullable: true, description: 'When it was cancelled.' }),
  }),
});

builder.objectType(ShiftClosedError, {
  name: 'ShiftClosedError',
  description: 'The shift is over: it has ended, or staff closed it.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    endsAt: t.expose('endsAt', { type: 'DateTime', description: 'When the shift ends or ended.' }),
    closedAt: t.expose('closedAt', { type: 'DateTime', nullable: true, description: 'When staff closed it, if they did.' }),
  }),
});

builder.objectType(ShiftNotStartedError, {
  name: 'ShiftNotStartedError',
  description: 'The action needs the shift to have started, e.g. marking a no-show.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    startsAt: t.expose('startsAt', { type: 'DateTime', description: 'When the shift starts.' }),
  }),
});

builder.objectType(ProjectNotRecruitingError, {
  name: 'ProjectNotRecruitingError',
  description: 'The shift’s project is not RECRUITING or ACTIVE, so it takes no sign-ups (or changes).',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    status: t.field({ type: ProjectStatusEnum, description: 'The project’s current status.', resolve: (e) => e.status }),
    allowed: t.field({
      type: [ProjectStatusEnum],
      description: 'The statuses that would allow it.',
      resolve: (e) => [...e.allowed],
    }),
  }),
});

builder.objectType(FourEyesError, {
  name: 'FourEyesError',
  description: 'A service record must be reviewed by someone other than its volunteer and whoever entered it.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    reason: t.exposeString('reason', { description: 'VOLUNTEER (your own record) or RECORDER (you entered it).' }),
  }),
});

builder.objectType(DailyServiceLimitError, {
  name: 'DailyServiceLimitError',
  description: 'This would credit the volunteer more than 24 hours (1,440 minutes) of service for one Asia/Shanghai day.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    day: t.expose('day', { type: 'Date', description: 'The Shanghai day.' }),
    creditedMinutes: t.exposeInt('creditedMinutes', { description: 'Minutes already credited for that day (duty and approved records).' }),
    remainingMinutes: t.int({ description: 'Minutes that may still be credited for that day.', resolve: (e) => e.remainingMinutes }),
  }),
});

builder.objectType(VolunteerSuspendedError, {
  name: 'VolunteerSuspendedError',
  description: 'A suspended volunteer cannot be put on a shift.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    volunteerId: t.id({ description: 'The suspended volunteer.', resolve: (e) => gidOf('Volunteer')(e.volunteerId) }),
  }),
});

builder.objectType(AlreadyAssignedError, {
  name: 'AlreadyAssignedError',
  description: 'The volunteer is already on this shift (assigned, waitlisted or checked in).',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    assignmentId: t.id({ description: 'The existing assignment.', resolve: (e) => gidOf('ShiftAssignment')(e.assignmentId) }),
  }),
});
