import { builder } from '../builder.js';

/*
 * The kinds of notification (issue 13), shared by the notification worker, webhooks and
 * preferences. Stored as text (the value's name) wherever a table keeps a kind.
 */

export const NOTIFICATION_KINDS = [
  'REMINDER',
  'PROMOTED',
  'SHIFT_CHANGED',
  'SHIFT_CANCELLED',
  'UNASSIGNED',
  'BROADCAST',
  'ORDER_UPDATE',
  'REPORT_UPDATE',
] as const;

export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const isNotificationKind = (value: string): value is NotificationKind =>
  (NOTIFICATION_KINDS as readonly string[]).includes(value);

export const NotificationKindEnum = builder.enumType('NotificationKind', {
  description: 'What a notification is about.',
  values: {
    REMINDER: { description: 'A reminder before an assigned shift.' },
    PROMOTED: { description: 'The volunteer was moved from the waitlist onto the shift.' },
    SHIFT_CHANGED: { description: 'The time or post of one of the volunteer’s shifts changed.' },
    SHIFT_CANCELLED: { description: 'One of the volunteer’s shifts was cancelled.' },
    UNASSIGNED: { description: 'The volunteer was removed from a shift.' },
    BROADCAST: { description: 'A message from those who manage a shift or project.' },
    ORDER_UPDATE: { description: 'A service order the recipient is concerned with moved on.' },
    REPORT_UPDATE: { description: 'A street report the recipient filed or handles moved on.' },
  } as const,
});
