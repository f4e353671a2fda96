/*
 * The roster's GraphQL types, one module per aggregate:
 *
 * - ./posts/schema.ts                  duty posts (type, lists, create/update)
 * - ./shifts/schema.ts                 shifts, the shift connection, the roster query
 * - ./shifts/mutations.ts              createShifts, updateShift, cancelShift, closeShift
 * - ./assignments/schema.ts            assignments, a volunteer's assignments
 * - ./assignments/mutations.ts         sign-ups, cancellation, check-in/out, no-shows
 * - ./records/schema.ts                service records (type, lists, record/review)
 * - ./error-types.ts                   the typed errors
 * - ./event-schema.ts                  the RosterEvent node; ./live.ts the subscriptions
 *
 * This file loads them all (src/schema.ts imports it) and gathers the refs other domains use.
 */
import './error-types.js';
import './shifts/mutations.js';
import './assignments/mutations.js';

export { AssignmentStatusEnum, ShiftAssignmentRef } from './assignments/schema.js';
export { DutyPostKindEnum, DutyPostRef, GeoPoint, LocationInput } from './posts/schema.js';
export { ServiceRecordRef, ServiceRecordStatusEnum } from './records/schema.js';
export { ShiftConnection, ShiftEdge, ShiftRef, ShiftStatusEnum, StaffingEnum } from './shifts/schema.js';
