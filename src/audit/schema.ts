import { builder } from '../builder.js';
import type { Prisma } from '../generated/prisma/client.js';
import { VolunteerRef } from '../volunteers/schema.js';

export const PersonalDataFieldEnum = builder.enumType('PersonalDataField', {
  description: 'A field of a volunteer’s record that is personal data.',
  values: {
    PHONE: { description: 'The mobile number.' },
    BIRTH_DATE: { description: 'The date of birth.' },
  } as const,
});

builder.prismaObject('Account', {
  name: 'Account',
  description: 'A login account. Visible to admins only.',
  authScopes: { admin: true },
  fields: (t) => ({
    phone: t.exposeString('phone', { description: 'The login phone number (E.164).' }),
    volunteer: t.relation('volunteer', { nullable: true, description: 'The volunteer the account belongs to, if any.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the account was created.' }),
  }),
});

builder.prismaObject('PersonalDataRead', {
  description: 'One read of someone else’s personal data: who read which field of whose record, and when. Visible to admins only.',
  authScopes: { admin: true },
  fields: (t) => ({
    reader: t.relation('reader', { description: 'The account that read it.' }),
    volunteer: t.relation('volunteer', { description: 'Whose record was read.' }),
    field: t.expose('field', { type: PersonalDataFieldEnum, description: 'Which field was read.' }),
    readAt: t.expose('readAt', { type: 'DateTime', description: 'When it was read.' }),
  }),
});

const PersonalDataReadFilter = builder.inputType('PersonalDataReadFilter', {
  description: 'Narrows the log of personal-data reads. All given conditions must hold.',
  fields: (t) => ({
    volunteerId: t.globalID({ for: VolunteerRef, description: 'Only reads of this volunteer’s record.' }),
    readerVolunteerId: t.globalID({ for: VolunteerRef, description: 'Only reads by the account of this volunteer.' }),
    from: t.field({ type: 'DateTime', description: 'Only reads at or after this instant.' }),
    to: t.field({ type: 'DateTime', description: 'Only reads before this instant.' }),
  }),
});

function readWhere(filter: typeof PersonalDataReadFilter.$inferInput | null | undefined): Prisma.PersonalDataReadWhereInput {
  if (!filter) return {};
  const volunteerId = filter.volunteerId?.id;
  const readerVolunteerId = filter.readerVolunteerId?.id;
  return {
    ...(volunteerId != null && { volunteerId }),
    ...(readerVolunteerId != null && { reader: { volunteerId: readerVolunteerId } }),
    ...((filter.from || filter.to) && {
      readAt: { ...(filter.from && { gte: filter.from }), ...(filter.to && { lt: filter.to }) },
    }),
  };
}

builder.queryField('personalDataReads', (t) =>
  t.prismaConnection(
    {
      type: 'PersonalDataRead',
      cursor: 'id',
      nullable: true,
      authScopes: { admin: true },
      description: 'The log of reads of personal data (phone numbers, birth dates), newest first. Admins only.',
      args: { filter: t.arg({ type: PersonalDataReadFilter, description: 'Conditions the reads must meet.' }) },
      totalCount: (_parent, args, ctx) => ctx.prisma.personalDataRead.count({ where: readWhere(args.filter) }),
      resolve: (query, _root, args, ctx) =>
        ctx.prisma.personalDataRead.findMany({
          ...query,
          where: readWhere(args.filter),
          orderBy: [{ readAt: 'desc' }, { id: 'desc' }],
        }),
    },
    { name: 'PersonalDataReadConnection', description: 'A page of personal-data reads.' },
    { name: 'PersonalDataReadEdge', description: 'A personal-data read on a page.' },
  ),
);
