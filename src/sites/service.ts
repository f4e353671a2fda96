import { z } from 'zod';
import { NotFoundError, ValidationError } from '../common/errors.js';
import { labelList, optionalText, parseInput, text } from '../common/validation.js';
import type { PrismaClient } from '../db/index.js';
import type { Prisma, Site, SiteLevel } from '../generated/prisma/client.js';

/** Which level a site's parent must have; a CENTER is a root. */
export const PARENT_LEVEL: Record<SiteLevel, SiteLevel | null> = {
  CENTER: null,
  INSTITUTE: 'CENTER',
  STATION: 'INSTITUTE',
};

const SiteFields = {
  name: text('name', 100),
  address: text('address', 200),
  services: labelList('service', 30, 50),
  hostOrganization: optionalText('hostOrganization', 100),
};

const CreateSiteInput = z.object({
  ...SiteFields,
  level: z.enum(['CENTER', 'INSTITUTE', 'STATION']),
  parentId: z.number().int().positive().nullish(),
  services: SiteFields.services.default([]),
});

const UpdateSiteInput = z.object({
  name: SiteFields.name.optional(),
  address: SiteFields.address.optional(),
  services: SiteFields.services.optional(),
  hostOrganization: SiteFields.hostOrganization,
  parentId: z.number().int().positive().optional(),
});

export type CreateSiteInput = z.input<typeof CreateSiteInput>;
export type UpdateSiteInput = z.input<typeof UpdateSiteInput>;

/** The rows of a site and everything below it, as a Prisma filter on Site (by id when known, else by path). */
export function subtreeOf(site: Pick<Site, 'path'> & { id?: number }): Prisma.SiteWhereInput {
  return { OR: [site.id != null ? { id: site.id } : { path: site.path }, { path: { startsWith: `${site.path}.` } }] };
}

/**
 * A filter matching the site with this id and all sites below it; matches nothing when the site
 * does not exist.
 */
export async function subtreeFilter(prisma: PrismaClient, siteId: number): Promise<Prisma.SiteWhereInput> {
  const site = await prisma.site.findUnique({ where: { id: siteId }, select: { id: true, path: true } });
  return site ? subtreeOf(site) : { id: -1 };
}

async function checkParent(
  prisma: PrismaClient | Prisma.TransactionClient,
  level: SiteLevel,
  parentId: number | null | undefined,
): Promise<Site | null> {
  const expected = PARENT_LEVEL[level];
  if (expected === null) {
    if (parentId != null) throw ValidationError.field('input.parentId', 'a CENTER has no parent site');
    return null;
  }
  if (parentId == null) {
    throw ValidationError.field('input.parentId', `a ${level} needs a parent ${expected}`);
  }
  const parent = await prisma.site.findUnique({ where: { id: parentId } });
  if (!parent) throw new NotFoundError('Site', parentId);
  if (parent.level !== expected) {
    throw ValidationError.field(
      'input.parentId',
      `a ${level} must sit under a ${expected}, not a ${parent.level}`,
    );
  }
  return parent;
}

export async function createSite(prisma: PrismaClient, raw: CreateSiteInput): Promise<Site> {
  const input = parseInput(CreateSiteInput, raw);
  return prisma.$transaction(async (tx) => {
    const parent = await checkParent(tx, input.level, input.parentId);
    const created = await tx.site.create({
      data: {
        name: input.name,
        level: input.level,
        parentId: parent?.id ?? null,
        address: input.address,
        services: input.services,
        hostOrganization: input.hostOrganization ?? null,
        // Placeholder until the id is known; the path is "<parent path>.<id>".
        path: `new:${crypto.randomUUID()}`,
      },
    });
    return tx.site.update({
      where: { id: created.id },
      data: { path: parent ? `${parent.path}.${created.id}` : String(created.id) },
    });
  });
}

export async function updateSite(prisma: PrismaClient, id: number, raw: UpdateSiteInput): Promise<Site> {
  const input = parseInput(UpdateSiteInput, raw);
  return prisma.$transaction(async (tx) => {
    const site = await tx.site.findUnique({ where: { id } });
    if (!site) throw new NotFoundError('Site', id);
    const data: Prisma.SiteUpdateInput = {
      name: input.name,
      address: input.address,
      services: input.services,
      hostOrganization: input.hostOrganization,
    };
    if (input.parentId !== undefined && input.parentId !== site.parentId) {
      const parent = await checkParent(tx, site.level, input.parentId);
      const newPath = `${parent!.path}.${site.id}`;
      // Move the whole subtree: every descendant's path starts with the old path.
      await tx.$executeRaw`
        UPDATE "Site" SET "path" = ${newPath} || substring("path" from ${site.path.length + 1})
        WHERE "path" LIKE ${`${site.path}.%`}`;
      data.parent = { connect: { id: parent!.id } };
      data.path = newPath;
    }
    return tx.site.update({ where: { id }, data });
  });
}
