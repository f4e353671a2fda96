import DataLoader from 'dataloader';
import type { Context } from '../context.js';
import type { PersonalDataField } from '../generated/prisma/client.js';

/*
 * The log of reads of personal data (phone numbers, birth dates). Every time a request returns
 * someone else's personal data, a row says which account read which field of whose record, and
 * when. The rows of one request (or of one subscription event) are written together, in one
 * INSERT, and the data is returned only once they are written: a read that cannot be logged fails.
 */

interface PendingRead {
  readerAccountId: number;
  volunteerId: number;
  field: PersonalDataField;
}

// Not cached: a subscription reuses its context for every event, and each event is a new read.
const writers = new WeakMap<Context, DataLoader<PendingRead, true>>();

function writerFor(ctx: Context): DataLoader<PendingRead, true> {
  let writer = writers.get(ctx);
  if (!writer) {
    writer = new DataLoader<PendingRead, true>(
      async (reads) => {
        const readAt = ctx.clock.now();
        const unique = new Map(reads.map((r) => [`${r.readerAccountId}:${r.volunteerId}:${r.field}`, r]));
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
 * Logs that the viewer is reading a field of a volunteer's personal data; resolves when the log row
 * is written. Reading one's own data is not logged. Call it only after the read was authorised.
 */
export async function logPersonalDataRead(ctx: Context, volunteerId: number, field: PersonalDataField): Promise<void> {
  const viewer = ctx.viewer;
  if (!viewer || viewer.volunteerId === volunteerId) return;
  await writerFor(ctx).load({ readerAccountId: viewer.accountId, volunteerId, field });
}
