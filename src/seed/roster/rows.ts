/** The demo roster's rows (src/seed/roster/index.ts): exactly the columns written, ids included. */
import type { AssignmentStatus, DutyPostKind, ServiceRecordStatus, ShiftStatus } from '../../generated/prisma/client.js';

export interface DutyPostRow {
  id: number;
  name: string;
  kind: DutyPostKind;
  siteId: number;
  address: string;
  latitude: number;
  longitude: number;
  instructions: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface ShiftRow {
  id: number;
  projectId: number;
  postId: number;
  startsAt: Date;
  endsAt: Date;
  capacity: number;
  minimum: number;
  role: string;
  notes: string | null;
  status: ShiftStatus;
  assignedCount: number;
  checkedInCount: number;
  closedAt: Date | null;
  cancelledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface AssignmentRow {
  id: number;
  shiftId: number;
  volunteerId: number;
  status: AssignmentStatus;
  assignedAt: Date;
  promotedAt: Date | null;
  checkedInAt: Date | null;
  checkedOutAt: Date | null;
  serviceMinutes: number | null;
  cancelledAt: Date | null;
  cancelReason: string | null;
  updatedAt: Date;
}

export interface ServiceRecordRow {
  id: number;
  volunteerId: number;
  teamId: number;
  description: string;
  servedOn: Date;
  minutes: number;
  status: ServiceRecordStatus;
  reviewNote: string | null;
  reviewedAt: Date | null;
  createdAt: Date;
}

export interface DemoRoster {
  /** The instant the live part was built around. */
  now: Date;
  posts: DutyPostRow[];
  shifts: ShiftRow[];
  assignments: AssignmentRow[];
  serviceRecords: ServiceRecordRow[];
  postByKey: Record<string, DutyPostRow>;
}
