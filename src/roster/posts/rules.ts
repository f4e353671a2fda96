import { z } from 'zod';
import { NotFoundError } from '../../common/errors.js';
import { optionalText, parseInput, text } from '../../common/validation.js';
import type { DutyPost, DutyPostKind, Prisma } from '../../generated/prisma/client.js';
import type { RosterChange } from '../events.js';
import { type Tx, id } from '../rules.js';

/*
 * Duty posts (岗位): the places volunteers serve. Setting one up or changing it touches no shift,
 * so these rules take no lock and return no roster events (an empty list, so callers treat every
 * roster mutation alike).
 */

const DUTY_POST_KINDS = [
  'SCENIC_SPOT',
  'TRAFFIC_INTERSECTION',
  'STATION_PORT',
  'COMMUNITY',
  'PRACTICE_SITE',
  'OTHER',
] as const satisfies readonly DutyPostKind[];

const location = z.object({
  lat: z.number().min(-90, 'lat must be between -90 and 90').max(90, 'lat must be between -90 and 90'),
  lng: z.number().min(-180, 'lng must be between -180 and 180').max(180, 'lng must be between -180 and 180'),
});

const DutyPostFields = {
  name: text('name', 100),
  kind: z.enum(DUTY_POST_KINDS),
  siteId: id,
  address: text('address', 200),
  /** null clears the location. */
  location: location.nullish(),
  instructions: optionalText('instructions', 2000),
};

const CreateDutyPostInput = z.object(DutyPostFields);
const UpdateDutyPostInput = z.object({
  name: DutyPostFields.name.optional(),
  kind: DutyPostFields.kind.optional(),
  siteId: id.optional(),
  address: DutyPostFields.address.optional(),
  location: DutyPostFields.location,
  instructions: DutyPostFields.instructions,
});

export type CreateDutyPostInput = z.input<typeof CreateDutyPostInput>;
export type UpdateDutyPostInput = z.input<typeof UpdateDutyPostInput>;

async function requireSite(prisma: Tx, siteId: number): Promise<void> {
  const site = await prisma.site.findUnique({ where: { id: siteId }, select: { id: true } });
  if (!site) throw new NotFoundError('Site', siteId);
}

/** Sets up a duty post at an existing site. */
export async function createDutyPost(
  prisma: Tx,
  raw: CreateDutyPostInput,
): Promise<{ post: DutyPost; events: RosterChange[] }> {
  const input = parseInput(CreateDutyPostInput, raw);
  await requireSite(prisma, input.siteId);
  const post = await prisma.dutyPost.create({
    data: {
      name: input.name,
      kind: input.kind,
      siteId: input.siteId,
      address: input.address,
      latitude: input.location?.lat ?? null,
      longitude: input.location?.lng ?? null,
      instructions: input.instructions ?? null,
    },
  });
  return { post, events: [] };
}

/** Changes a duty post; omitted fields stay, a null location clears it. */
export async function updateDutyPost(
  prisma: Tx,
  postId: number,
  raw: UpdateDutyPostInput,
): Promise<{ post: DutyPost; events: RosterChange[] }> {
  const input = parseInput(UpdateDutyPostInput, raw);
  const existing = await prisma.dutyPost.findUnique({ where: { id: postId }, select: { id: true } });
  if (!existing) throw new NotFoundError('DutyPost', postId);
  if (input.siteId !== undefined) await requireSite(prisma, input.siteId);
  const data: Prisma.DutyPostUncheckedUpdateInput = {
    name: input.name,
    kind: input.kind,
    siteId: input.siteId,
    address: input.address,
    instructions: input.instructions,
  };
  if (input.location !== undefined) {
    data.latitude = input.location?.lat ?? null;
    data.longitude = input.location?.lng ?? null;
  }
  const post = await prisma.dutyPost.update({ where: { id: postId }, data });
  return { post, events: [] };
}
