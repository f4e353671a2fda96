import { builder } from '../builder.js';
import type { Prisma } from '../generated/prisma/client.js';
import { BeneficiaryRef } from '../care/schema.js';
import { VolunteerRef } from '../volunteers/schema.js';

export const PersonalDataFieldEnum = builder.enumType('PersonalDataField', {
  description: 'A field of a volunteer’s or a beneficiary’s record that is personal data.',
  values: {
    PHONE: { description: 'The (mobile) phone number.' },
    BIRTH_DATE: { description: 'The date of birth (volunteers).' },
    NAME: { description: 'The name of the person or head of household (beneficiaries).' },
    ADDRESS: { description: 'The home address (beneficiaries).' },
    ID_NUMBER: { description: 'The ID-card or veteran-certificate number (beneficiaries).' },
  } as const,
});

export const PersonalDataSubjectEnum = builder.enumType('PersonalDataSubject', {
  description: 'Whose personal data was read: the kind of record.',
  values: {
    VOLUNTEER: { description: 'A volunteer’s record.' },
    BENEFICIARY: { description: 'A beneficiary’s record (a person or household the city cares for).' },
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
  description:
    'One read of someone else’s personal data — a volunteer’s or a beneficiary’s: who read which field of whose record, through which operation, and when. Visible to admins only.',
  authScopes: { admin: true },
  fields: (t) => ({
    reader: t.relation('reader', { description: 'The account that read it.' }),
    subjectType: t.expose('subjectType', { type: PersonalDataSubjectEnum, description: 'Whose record it was: a volunteer’s or a beneficiary’s.' }),
    volunteer: t.prismaField({
      type: 'Volunteer',
      nullable: true,
      description: 'The volunteer whose record was read; null when it was a beneficiary’s.',
      resolve: (query, r, _args, ctx) =>
        r.subjectType === 'VOLUNTEER' ? ctx.prisma.volunteer.findUnique({ ...query, where: { id: r.subjectId } }) : null,
    }),
    beneficiary: t.prismaField({
      type: 'Beneficiary',
      nullable: true,
      description: 'The beneficiary whose record was read; null when it was a volunteer’s.',
      resolve: (query, r, _args, ctx) =>
        r.subjectType === 'BENEFICIARY' ? ctx.prisma.beneficiary.findUnique({ ...query, where: { id: r.subjectId } }) : null,
    }),
    field: t.expose('field', { type: PersonalDataFieldEnum, description: 'Which field was read.' }),
    operation: t.exposeString('operation', { nullable: true, description: 'The name of the GraphQL operation that read it, when it had one.' }),
    readAt: t.expose('readAt', { type: 'DateTime', description: 'When it was read.' }),
  }),
});

const PersonalDataReadFilter = builder.inputType('PersonalDataReadFilter', {
  description: 'Narrows the log of personal-data reads. All given conditions must hold.',
  fields: (t) => ({
    subjectType: t.field({ type: PersonalDataSubjectEnum, description: 'Only reads of volunteers’ or of beneficiaries’ records.' }),
    volunteerId: t.globalID({ for: VolunteerRef, description: 'Only reads of this volunteer’s record.' }),
    beneficiaryId: t.globalID({ for: BeneficiaryRef, description: 'Only reads of this beneficiary’s record.' }),
    readerVolunteerId: t.globalID({ for: VolunteerRef, description: 'Only reads by the account of this volunteer.' }),
    from: t.field({ type: 'DateTime', description: 'Only reads at or after this instant.' }),
    to: t.field({ type: 'DateTime', description: 'Only reads before this instant.' }),
  }),
});

function readWhere(filter: typeof PersonalDataReadFilter.$inferInput | null | undefined): Prisma.PersonalDataReadWhereInput {
  if (!filter) return {};
  const volunteerId = filter.volunteerId?.id;
  const beneficiaryId = filter.beneficiaryId?.id;
  const readerVolunteerId = filter.readerVolunteerId?.id;
  const subjects: Prisma.PersonalDataReadWhereInput[] = [
    ...(filter.subjectType ? [{ subjectType: filter.subjectType }] : []),
    ...(volunteerId != null ? [{ subjectType: 'VOLUNTEER' as const, subjectId: volunteerId }] : []),
    ...(beneficiaryId != null ? [{ subjectType: 'BENEFICIARY' as const, subjectId: beneficiaryId }] : []),
  ];
  return {
    ...(subjects.length && { AND: subjects }),
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
      description:
        'The one log of reads of personal data — volunteers’ phone numbers and birth dates, beneficiaries’ names, phones, addresses and ID numbers — newest first. Admins only.',
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
