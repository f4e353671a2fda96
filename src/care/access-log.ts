import type { GraphQLResolveInfo } from 'graphql';
import { requestLoader } from '../common/loaders.js';
import type { Context } from '../context.js';

/*
 * The personal-data access log for beneficiaries: every read of a PII field is written down
 * (who, whose, which fields, through which operation, when) BEFORE the value is returned; if the
 * log cannot be written the field fails and nothing is released.
 *
 * The logger is generic over the subject (`{ subject, id, field }`) so it can later serve every
 * kind of personal data from one table; today it writes BeneficiaryDataAccess rows. All reads of
 * one request tick are batched into a single INSERT, one row per subject with the list of fields.
 */

export interface PersonalDataRead {
  /** The type whose personal data is read. */
  subject: 'Beneficiary';
  id: number;
  field: string;
}

type Key = string;

function loader(ctx: Context, operation: string | null) {
  return requestLoader<Key, true>(ctx, `personal-data-log:${operation ?? ''}`, async (keys) => {
    const accountId = ctx.viewer?.accountId;
    if (accountId == null) throw new Error('Personal data may only be read by a logged-in account.');
    const fieldsById = new Map<number, Set<string>>();
    for (const key of keys) {
      const { id, field } = JSON.parse(key) as PersonalDataRead;
      fieldsById.set(id, (fieldsById.get(id) ?? new Set()).add(field));
    }
    const accessedAt = ctx.clock.now();
    await ctx.prisma.beneficiaryDataAccess.createMany({
      data: [...fieldsById].map(([beneficiaryId, fields]) => ({
        beneficiaryId,
        accountId,
        fields: [...fields].sort(),
        operation,
        accessedAt,
      })),
    });
    return keys.map(() => true as const);
  });
}

/** Records that the viewer reads `field` of a subject in this operation; resolves once it is logged. */
export async function logPersonalDataRead(ctx: Context, info: GraphQLResolveInfo, read: PersonalDataRead): Promise<void> {
  const operation = info.operation.name?.value ?? null;
  await loader(ctx, operation).load(JSON.stringify({ subject: read.subject, id: read.id, field: read.field }));
}

/** A PII field's resolver: logs the read, then releases the value. */
export function loggedRead<T extends { id: number }, V>(field: string, value: (row: T) => V) {
  return async (row: T, _args: unknown, ctx: Context, info: GraphQLResolveInfo): Promise<V> => {
    await logPersonalDataRead(ctx, info, { subject: 'Beneficiary', id: row.id, field });
    return value(row);
  };
}
