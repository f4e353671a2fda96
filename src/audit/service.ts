import DataLoader from 'dataloader';
import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../context.js';
import type { PersonalDataField, PersonalDataSubject } from '../generated/prisma/client.js';

/*
 * The one log of reads of personal data — volunteers' phone numbers and birth dates,
 * beneficiaries' names, phones, addresses and ID numbers. Every time a request returns someone
 * else's personal data, a row says which account read which field of whose record (subject type
 * and id), through which operation, and when. The rows of one request (or of one subscription
 * event) are written together, in one INSERT, and the data is returned only once they are
 * written: a read that cannot be logged fails.
 */

export interface PersonalDataReadOf {
  subjectType: PersonalDataSubject;
  subjectId: number;
  field: PersonalDataField;
}

interface PendingRead extends PersonalDataReadOf {
  readerAccountId: number;
  operation: string | null;
}

// Not cached: a subscription reuses its context for every event, and each event is a new read.
const writers = new WeakMap<Context, DataLoader<PendingRead, true>>();

function writerFor(ctx: Context): DataLoader<PendingRead, true> {
  let writer = writers.get(ctx);
  if (!writer) {
    writer = new DataLoader<PendingRead, true>(
      async (reads) => {
        const readAt = ctx.clock.now();
        const unique = new Map(reads.map((r) => [`${r.readerAccountId}:${r.subjectType}:${r.subjectId}:${r.field}:${r.operation}`, r]));
        await ctx.prisma.personalDataRead.createMany({ data: [...unique.values()].map((r) => ({ ...r, readAt })) });
        return reads.map(() => true as const);
      },
      { cache: false },
    );
    writers.set(ctx, writer);
  }
  return writer;
}

/**
 * Logs that the viewer is reading a field of someone's personal data; resolves when the log row
 * is written. A volunteer reading their own data is not logged. Call it only after the read was
 * authorised.
 */
export async function logPersonalDataRead(ctx: Context, read: PersonalDataReadOf, info?: GraphQLResolveInfo): Promise<void> {
  const viewer = ctx.viewer;
  if (!viewer) throw new Error('Personal data may only be read by a logged-in account.');
  if (read.subjectType === 'VOLUNTEER' && viewer.volunteerId === read.subjectId) return;
  await writerFor(ctx).load({ ...read, readerAccountId: viewer.accountId, operation: info?.operation.name?.value ?? null });
}

/** A personal-data field's resolver: logs the read, then releases the value. */
export function loggedRead<T extends { id: number }, V>(subjectType: PersonalDataSubject, field: PersonalDataField, value: (row: T) => V) {
  return async (row: T, _args: unknown, ctx: Context, info: GraphQLResolveInfo): Promise<V> => {
    await logPersonalDataRead(ctx, { subjectType, subjectId: row.id, field }, info);
    return value(row);
  };
}
