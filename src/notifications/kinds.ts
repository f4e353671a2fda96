import { builder } from '../builder.js';
import type { NotificationKind } from '../generated/prisma/client.js';

/*
 * The kinds of notification (issue 13), shared by the notification worker, webhooks and
 * preferences: one list, one GraphQL enum.
 */

export type { NotificationKind };

export const NOTIFICATION_KINDS = [
  'REMINDER',
  'PROMOTED',
  'SHIFT_CHANGED',
  'SHIFT_CANCELLED',
  'UNASSIGNED',
  'BROADCAST',
  'ORDER_UPDATE',
  'REPORT_UPDATE',
] as const satisfies readonly NotificationKind[];

const KIND_DESCRIPTIONS: Record<(typeof NOTIFICATION_KINDS)[number], string> = {
  REMINDER: 'A reminder before a shift the volunteer holds a place on, at one of the project’s offsets.',
  PROMOTED: 'The volunteer moved up from a waitlist to a place.',
  SHIFT_CHANGED: 'The time or post of a shift the volunteer is on (or waitlisted for) changed.',
  SHIFT_CANCELLED: 'A shift the volunteer was on (or waitlisted for) was cancelled.',
  UNASSIGNED: 'The volunteer is no longer on a shift or its waitlist.',
  BROADCAST: 'A message from whoever manages the shift or project.',
  ORDER_UPDATE: 'A service order the volunteer placed or serves moved along.',
  REPORT_UPDATE: 'A street report the volunteer filed moved along.',
};

export const NotificationKindEnum = builder.enumType('NotificationKind', {
  description: 'What a notification is about.',
  values: Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, { description: KIND_DESCRIPTIONS[k] }])) as {
    [K in (typeof NOTIFICATION_KINDS)[number]]: { description: string };
  },
});
