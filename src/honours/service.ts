import { z } from 'zod';
import { NotFoundError } from '../common/errors.js';
import { optionalText, parseInput, text } from '../common/validation.js';
import type { PrismaClient } from '../db/index.js';
import type { Honor, HonorLevel, HonorRecipientKind, Prisma } from '../generated/prisma/client.js';
import { subtreeFilter } from '../sites/service.js';

/*
 * Honours (道德模范, 中国好人, 最美骑手, 文明家庭 …): each for exactly one volunteer, team or family.
 * The recipient's site is stored with the honour, so "honours in this township" is one indexed filter.
 */

type Tx = Prisma.TransactionClient;

export const HONOR_LEVELS = ['NATIONAL', 'PROVINCIAL', 'CITY', 'DISTRICT'] as const satisfies readonly HonorLevel[];

export type Recipient = { kind: HonorRecipientKind; id: number };

const HonorFields = z.object({
  title: text('title', 100),
  level: z.enum(HONOR_LEVELS),
  year: z.number().int().min(1949, 'year must be 1949 or later').max(2100, 'year must be 2100 or earlier'),
  nominationOnly: z.boolean().default(false),
  citation: optionalText('citation', 2000),
  awardedBy: text('awardedBy', 100),
});

export type AwardHonorInput = z.input<typeof HonorFields> & { recipient: Recipient };

/** The site a recipient belongs to; NotFoundError when there is no such recipient. */
async function recipientSite(tx: Tx | PrismaClient, recipient: Recipient): Promise<number> {
  const row =
    recipient.kind === 'VOLUNTEER'
      ? await tx.volunteer.findUnique({ where: { id: recipient.id }, select: { homeSiteId: true } }).then((v) => v && { siteId: v.homeSiteId })
      : recipient.kind === 'TEAM'
        ? await tx.team.findUnique({ where: { id: recipient.id }, select: { siteId: true } })
        : await tx.family.findUnique({ where: { id: recipient.id }, select: { siteId: true } });
  if (!row) throw new NotFoundError(recipient.kind === 'VOLUNTEER' ? 'Volunteer' : recipient.kind === 'TEAM' ? 'Team' : 'Family', recipient.id);
  return row.siteId;
}

const recipientColumns = (r: Recipient) => ({
  recipientKind: r.kind,
  volunteerId: r.kind === 'VOLUNTEER' ? r.id : null,
  teamId: r.kind === 'TEAM' ? r.id : null,
  familyId: r.kind === 'FAMILY' ? r.id : null,
});

/** Awards an honour to one recipient. */
export async function awardHonor(prisma: PrismaClient | Tx, raw: AwardHonorInput, nominationId?: number): Promise<Honor> {
  const input = parseInput(HonorFields, raw);
  const siteId = await recipientSite(prisma, raw.recipient);
  return prisma.honor.create({ data: { ...input, citation: input.citation ?? null, ...recipientColumns(raw.recipient), siteId, nominationId } });
}

export interface HonorFilter {
  level?: HonorLevel[] | null;
  year?: number | null;
  recipientKind?: HonorRecipientKind | null;
  siteId?: number | null;
}

export async function honorWhere(prisma: PrismaClient, filter: HonorFilter = {}): Promise<Prisma.HonorWhereInput> {
  return {
    ...(filter.level?.length && { level: { in: filter.level } }),
    ...(filter.year != null && { year: filter.year }),
    ...(filter.recipientKind && { recipientKind: filter.recipientKind }),
    ...(filter.siteId != null && { site: await subtreeFilter(prisma, filter.siteId) }),
  };
}

/** Honours by level, most important first, then newest. */
export const HONOR_ORDER: Prisma.HonorOrderByWithRelationInput[] = [{ year: 'desc' }, { level: 'asc' }, { id: 'asc' }];
