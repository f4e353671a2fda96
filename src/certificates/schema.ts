import { builder } from '../builder.js';
import { ConflictError } from '../common/errors.js';
import { KEYED_ID, keyedNode } from '../common/ids.js';
import { requestLoader } from '../common/loaders.js';
import { payloadType } from '../common/payload.js';
import { COMMON_ERRORS, statusTransitionErrorType } from '../common/schema-base.js';
import { SiteRef } from '../sites/schema.js';
import { TeamRef } from '../teams/schema.js';
import { starLevel } from '../volunteers/stars.js';
import { declineCertificate, downloadPath, type HoursLine, issueCertificate, requestCertificate } from './service.js';
import { applyForStarLevel, grantedLevels, noticeWhere, phaseOf, reviewStarLevel } from './stars.js';
import { CertificateStatusTransitionError } from './service.js';
import { StarApplicationStatusTransitionError } from './stars.js';

const CertificateStatusEnum = builder.enumType('CertificateStatus', {
  description: 'Where a certificate request stands.',
  values: {
    REQUESTED: { description: 'Asked for; awaiting the issuing team.' },
    ISSUED: { description: 'Issued, with a verification code and a PDF.' },
    DECLINED: { description: 'Declined by the team, with a reason.' },
  } as const,
});

const HoursLineRef = builder.objectRef<HoursLine>('CertificateHoursLine').implement({
  description: 'Service minutes on a certificate for one project.',
  fields: (t) => ({
    project: t.exposeString('project', { description: 'The project (or 其他志愿服务 for records outside projects).' }),
    minutes: t.exposeInt('minutes', { description: 'Minutes served.' }),
  }),
});

export const ServiceCertificateRef = keyedNode(builder.prismaNode('ServiceCertificate', {
  description:
    'A certificate of service hours (志愿服务证明) for a period, issued by the team that recorded them. Seen by its volunteer, the team’s leader and managers of its site.',
  id: KEYED_ID,
  authScopes: (c) => ({ seeCertificate: c.id }),
  fields: (t) => ({
    volunteer: t.relation('volunteer', { description: 'Whose hours.' }),
    issuer: t.relation('team', { description: 'The team that recorded the hours and issues the certificate.' }),
    periodFrom: t.expose('periodFrom', { type: 'Date', description: 'First day of the period.' }),
    periodTo: t.expose('periodTo', { type: 'Date', description: 'Last day of the period.' }),
    status: t.expose('status', { type: CertificateStatusEnum, description: 'Where the request stands.' }),
    requestedAt: t.expose('requestedAt', { type: 'DateTime', description: 'When it was requested.' }),
    issuedAt: t.expose('issuedAt', { type: 'DateTime', nullable: true, description: 'When it was issued.' }),
    declinedReason: t.exposeString('declinedReason', { nullable: true, description: 'Why it was declined.' }),
    code: t.exposeString('code', { nullable: true, description: 'Verification code; check it at GET /certificates/<code>. Null until issued.' }),
    totalMinutes: t.exposeInt('totalMinutes', { nullable: true, description: 'Total minutes certified; null until issued.' }),
    byProject: t.field({
      type: [HoursLineRef],
      description: 'Minutes certified by project; empty until issued.',
      resolve: (c) => (c.breakdown ?? []) as unknown as HoursLine[],
    }),
    downloadUrl: t.string({
      nullable: true,
      description: 'A signed link to the PDF, valid for 10 minutes; only for the certificate’s own volunteer. Null until issued.',
      authScopes: (c) => ({ selfVolunteer: c.volunteerId }),
      resolve: (c, _args, ctx) => (c.code ? downloadPath(ctx.tokens.secret, c.code, ctx.clock.now()) : null),
    }),
  }),
}));

const StarPhaseEnum = builder.enumType('StarApplicationPhase', {
  description: 'Where a star-level application is: review, then public notice, then granted.',
  values: {
    PENDING_REVIEW: { description: 'Awaiting review by a manager of the home site.' },
    REJECTED: { description: 'Rejected, with a note.' },
    UNDER_NOTICE: { description: 'Approved and under public notice (公示) until noticeEndsAt.' },
    GRANTED: { description: 'The notice has ended: the level is granted.' },
  } as const,
});

export const StarApplicationRef = keyedNode(builder.prismaNode('StarLevelApplication', {
  description: 'An application for a star level. Public while under notice; needs a login otherwise.',
  id: KEYED_ID,
  fields: (t) => ({
    level: t.exposeInt('level', { description: 'The star level applied for, 1–5.' }),
    volunteerName: t.string({ description: 'The applicant’s name, as the public notice shows it.', select: { volunteer: { select: { name: true } } }, resolve: (a) => a.volunteer.name }),
    volunteer: t.relation('volunteer', { nullable: true, description: 'The applicant (needs a login).' }),
    phase: t.field({ type: StarPhaseEnum, description: 'Where the application is now.', resolve: (a, _args, ctx) => phaseOf(a, ctx.clock.now()) }),
    appliedAt: t.expose('appliedAt', { type: 'DateTime', description: 'When they applied.' }),
    reviewedAt: t.expose('reviewedAt', { type: 'DateTime', nullable: true, description: 'When it was reviewed.' }),
    reviewNote: t.exposeString('reviewNote', { nullable: true, description: 'The reviewer’s note.' }),
    noticeEndsAt: t.expose('noticeEndsAt', { type: 'DateTime', nullable: true, description: 'When the public notice ends and the level is granted.' }),
  }),
}));

builder.prismaObjectFields('Volunteer', (t) => ({
  starLevel: t.int({
    description: 'The granted star level 0–5: applied for, reviewed by the home site and through its public notice.',
    select: { id: true },
    resolve: (v, _args, ctx) =>
      requestLoader<number, number>(ctx, 'stars:granted', async (ids) => {
        const levels = await grantedLevels(ctx.prisma, ids, ctx.clock.now());
        return ids.map((id) => levels.get(id) ?? 0);
      }).load(v.id),
  }),
  eligibleStarLevel: t.int({
    description: 'The star level the service minutes reach (1★ 100 h, 2★ 300 h, 3★ 600 h, 4★ 1000 h, 5★ 1500 h); apply to have it granted.',
    select: { serviceMinutes: true },
    resolve: (v) => starLevel(v.serviceMinutes),
  }),
  certificates: t.relatedConnection(
    'certificates',
    {
      cursor: 'id',
      totalCount: true,
      nullable: true,
      authScopes: (v) => ({ seePersonalData: v.id }),
      description: 'The volunteer’s certificate requests, newest first (for the volunteer, their leaders and managers).',
      query: () => ({ orderBy: [{ requestedAt: 'desc' }, { id: 'desc' }] }),
    },
    { name: 'VolunteerCertificatesConnection', description: 'A page of certificates.' },
    { name: 'VolunteerCertificatesEdge', description: 'A certificate on a page.' },
  ),
  starApplications: t.relatedConnection(
    'starApplications',
    { cursor: 'id', totalCount: true, description: 'Star-level applications, newest first.', query: () => ({ orderBy: [{ appliedAt: 'desc' }, { id: 'desc' }] }) },
    { name: 'VolunteerStarApplicationsConnection', description: 'A page of star applications.' },
    { name: 'VolunteerStarApplicationsEdge', description: 'A star application on a page.' },
  ),
}));

builder.queryFields((t) => ({
  certificate: t.prismaField({
    type: 'ServiceCertificate',
    nullable: true,
    description: 'A certificate by global ID (its volunteer, the issuing team’s leader, managers).',
    args: { id: t.arg.globalID({ for: ServiceCertificateRef, required: true, description: 'The certificate’s global ID.' }) },
    resolve: (query, _root, { id }, ctx) => ctx.prisma.serviceCertificate.findUnique({ ...query, where: { id: id.id } }),
  }),
  starNotices: t.prismaConnection(
    {
      type: 'StarLevelApplication',
      cursor: 'id',
      description: 'Who is under public notice (公示) for a star level now, notice ending soonest first. Public.',
      args: { siteId: t.arg.globalID({ for: SiteRef, description: 'Only volunteers homed at this site or below it.' }) },
      totalCount: async (_p, args, ctx) =>
        ctx.prisma.starLevelApplication.count({ where: await noticeWhere(ctx.prisma, ctx.clock.now(), args.siteId?.id) }),
      resolve: async (query, _root, args, ctx) =>
        ctx.prisma.starLevelApplication.findMany({
          ...query,
          where: await noticeWhere(ctx.prisma, ctx.clock.now(), args.siteId?.id),
          orderBy: [{ noticeEndsAt: 'asc' }, { id: 'asc' }],
        }),
    },
    { name: 'StarNoticeConnection', description: 'A page of star-level public notices.' },
    { name: 'StarNoticeEdge', description: 'A notice on a page.' },
  ),
}));

// ---------------------------------------------------------------- mutations

const CertificatePayload = (name: string, description: string) =>
  payloadType(name, description, 'certificate', ServiceCertificateRef, 'The certificate as it now stands.');

const RequestCertificateInput = builder.inputType('RequestCertificateInput', {
  description: 'A certificate of the hours a team recorded for you in a period.',
  fields: (t) => ({
    teamId: t.globalID({ for: TeamRef, required: true, description: 'The team that recorded the hours; it issues the certificate.' }),
    periodFrom: t.field({ type: 'Date', required: true, description: 'First day.' }),
    periodTo: t.field({ type: 'Date', required: true, description: 'Last day; not before periodFrom, not in the future.' }),
  }),
});

const StarApplicationStatusEnum = builder.enumType('StarApplicationStatus', {
  description: 'The review status of a star-level application (its phase adds the public notice).',
  values: {
    PENDING: { description: 'Awaiting review.' },
    APPROVED: { description: 'Approved (under notice, or granted once the notice ends).' },
    REJECTED: { description: 'Rejected, with a note.' },
  } as const,
});

// The transition error of this status machine, with its statuses typed (src/common/schema-base.ts).
statusTransitionErrorType(CertificateStatusTransitionError, 'CertificateStatusTransitionError', 'A certificate', CertificateStatusEnum);
statusTransitionErrorType(StarApplicationStatusTransitionError, 'StarApplicationStatusTransitionError', 'A star-level application', StarApplicationStatusEnum);

builder.mutationField('requestCertificate', (t) =>
  t.field({
    description: 'Asks a team for a certificate of your hours in a period. Needs a volunteer’s login.',
    authScopes: { authenticated: true },
    type: CertificatePayload('RequestCertificatePayload', 'The certificate was requested.'),
    args: { input: t.arg({ type: RequestCertificateInput, required: true, description: 'The team and the period.' }) },
    errors: { types: [...COMMON_ERRORS, ConflictError], directResult: true, union: { name: 'RequestCertificateResult', description: 'The request, or why it was refused.' } },
    resolve: async (_root, { input }, ctx) => {
      const volunteerId = ctx.viewer?.volunteerId;
      if (volunteerId == null) throw new ConflictError('Only a volunteer’s account can request a certificate.');
      return {
        certificate: await requestCertificate(
          ctx.prisma,
          { volunteerId, teamId: input.teamId.id, periodFrom: input.periodFrom, periodTo: input.periodTo },
          ctx.clock.now(),
        ),
      };
    },
  }),
);

const CertificateDecisionInput = builder.inputType('DecideCertificateInput', {
  description: 'The issuing team’s decision on a requested certificate.',
  fields: (t) => ({
    id: t.globalID({ for: ServiceCertificateRef, required: true, description: 'The certificate.' }),
    issue: t.boolean({ required: true, description: 'true issues it; false declines it.' }),
    reason: t.string({ description: 'Why it is declined; required to decline, up to 500 characters.' }),
  }),
});

builder.mutationField('decideCertificate', (t) =>
  t.field({
    description:
      'Issues a REQUESTED certificate (snapshotting the hours and setting its verification code) or declines it. Needs the issuing team’s leader or a manager of its site, never the volunteer themself.',
    authScopes: (_root, args) => ({ issueCertificate: args.input.id }),
    type: CertificatePayload('DecideCertificatePayload', 'The certificate was issued or declined.'),
    args: { input: t.arg({ type: CertificateDecisionInput, required: true, description: 'The certificate and the decision.' }) },
    errors: { types: [...COMMON_ERRORS, CertificateStatusTransitionError], directResult: true, union: { name: 'DecideCertificateResult', description: 'The certificate, or why the decision was refused.' } },
    resolve: async (_root, { input }, ctx) => {
      const id = input.id.id;
      return { certificate: input.issue ? await issueCertificate(ctx.prisma, id, ctx.clock.now()) : await declineCertificate(ctx.prisma, id, input.reason) };
    },
  }),
);

const StarPayload = (name: string, description: string) =>
  payloadType(name, description, 'application', StarApplicationRef, 'The application as it now stands.');

const ApplyForStarLevelInput = builder.inputType('ApplyForStarLevelInput', {
  description: 'An application for the star level your hours reach.',
  fields: (t) => ({ level: t.int({ required: true, description: 'The level, 1–5; at most your eligibleStarLevel and above your starLevel.' }) }),
});

builder.mutationField('applyForStarLevel', (t) =>
  t.field({
    description: 'Applies for a star level you are eligible for. Needs a volunteer’s login; one open application at a time.',
    authScopes: { authenticated: true },
    type: StarPayload('ApplyForStarLevelPayload', 'The application was made.'),
    args: { input: t.arg({ type: ApplyForStarLevelInput, required: true, description: 'The level.' }) },
    errors: { types: [...COMMON_ERRORS, ConflictError], directResult: true, union: { name: 'ApplyForStarLevelResult', description: 'The application, or why it was refused.' } },
    resolve: async (_root, { input }, ctx) => {
      const volunteerId = ctx.viewer?.volunteerId;
      if (volunteerId == null) throw new ConflictError('Only a volunteer’s account can apply for a star level.');
      return { application: await applyForStarLevel(ctx.prisma, { volunteerId, level: input.level }, ctx.clock.now()) };
    },
  }),
);

const StarDecisionEnum = builder.enumType('StarLevelDecision', {
  description: 'A reviewer’s decision on a star-level application.',
  values: {
    APPROVED: { description: 'Approve: the public notice starts.' },
    REJECTED: { description: 'Reject, with a note.' },
  } as const,
});

const ReviewStarLevelInput = builder.inputType('ReviewStarLevelInput', {
  description: 'A decision on a PENDING star-level application.',
  fields: (t) => ({
    id: t.globalID({ for: StarApplicationRef, required: true, description: 'The application.' }),
    decision: t.field({ type: StarDecisionEnum, required: true, description: 'Approve or reject.' }),
    note: t.string({ description: 'A note; required to reject, up to 500 characters.' }),
    noticeDays: t.int({ description: 'Length of the public notice in days, 1–30; default 7.' }),
  }),
});

builder.mutationField('reviewStarLevel', (t) =>
  t.field({
    description: 'Reviews a star-level application; approval starts the public notice, after which the level is granted. Needs a manager of the applicant’s home site (not the applicant).',
    authScopes: (_root, args) => ({ reviewStarApplication: args.input.id }),
    type: StarPayload('ReviewStarLevelPayload', 'The application was reviewed.'),
    args: { input: t.arg({ type: ReviewStarLevelInput, required: true, description: 'The application and the decision.' }) },
    errors: { types: [...COMMON_ERRORS, StarApplicationStatusTransitionError], directResult: true, union: { name: 'ReviewStarLevelResult', description: 'The application, or why the review was refused.' } },
    resolve: async (_root, { input }, ctx) => ({
      application: await reviewStarLevel(
        ctx.prisma,
        { applicationId: input.id.id, decision: input.decision, note: input.note, noticeDays: input.noticeDays ?? undefined },
        ctx.clock.now(),
      ),
    }),
  }),
);
