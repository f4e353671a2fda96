import { request as httpRequest } from 'node:http';
import { SignJWT, decodeJwt } from 'jose';
import { type CreateAccountInput, createAccount } from '../../src/auth/service.js';
import type { PrismaClient } from '../../src/db/index.js';
import { developmentTokens } from '../../src/server.js';
import { addTeamMember, createTeam } from '../../src/teams/service.js';
import { AuthLoginDocument, type AuthLoginMutation } from '../generated/graphql.js';
import { expectType, request } from './client.js';
import { uniquePhone } from './fixtures.js';
import { makePost, makeProject, makeShift, makeVolunteers, minutesFromNow, rosterWorld } from './roster-fixtures.js';

/*
 * Accounts and sessions for the auth tests. Accounts are created with the service (setup); every
 * token is obtained through the real `login` mutation over HTTP.
 */

/** Explicit empty headers: an anonymous request (without them, the test client sends the admin's). */
export const ANONYMOUS: Record<string, string> = Object.freeze({}) as Record<string, string>;

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

export interface Session {
  accountId: number;
  sessionId: string;
  phone: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  /** HTTP headers (and graphql-ws connectionParams) carrying the access token. */
  headers: Record<string, string>;
}

type LoginResult = AuthLoginMutation['login'];

/** Sends `login` over HTTP as an anonymous client and returns the result union. */
export async function loginOverHttp(url: string, phone: string, password: string): Promise<LoginResult> {
  const result = await request(url, AuthLoginDocument, { input: { phone, password } }, ANONYMOUS);
  if (result.errors?.length || !result.data) throw new Error(`login failed: ${JSON.stringify(result.errors ?? result)}`);
  return result.data.login;
}

/** Logs in over HTTP and fails unless tokens come back. */
export async function logIn(url: string, phone: string, password: string): Promise<Session> {
  const { tokens } = expectType(await loginOverHttp(url, phone, password), 'LoginPayload');
  const claims = decodeJwt(tokens.accessToken);
  return {
    accountId: Number(claims.sub),
    sessionId: String(claims.sid),
    phone,
    password,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    headers: bearer(tokens.accessToken),
  };
}

let passwordCounter = 0;

/** Creates an account (service, in setup) and logs it in over HTTP. */
export async function accountSession(
  url: string,
  prisma: PrismaClient,
  input: Partial<CreateAccountInput> = {},
): Promise<Session> {
  passwordCounter += 1;
  const phone = input.phone ?? `+86${uniquePhone()}`;
  const password = input.password ?? `correct horse ${passwordCounter} battery`;
  const account = await createAccount(prisma, { ...input, phone, password });
  const session = await logIn(url, phone, password);
  if (session.accountId !== account.id) throw new Error(`logged in as ${session.accountId}, expected ${account.id}`);
  return session;
}

/**
 * An HS256 access token signed like the server's, with the development secret unless told
 * otherwise. `expiresIn` is in seconds from now; negative makes an already expired token.
 */
export async function signAccessToken(options: {
  accountId: number;
  sessionId: string;
  expiresIn: number;
  secret?: Uint8Array;
  issuer?: string;
  audience?: string;
}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sid: options.sessionId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(String(options.accountId))
    .setIssuer(options.issuer ?? 'volunteer-api')
    .setAudience(options.audience ?? 'volunteer-api')
    .setIssuedAt(now + Math.min(0, options.expiresIn) - 60)
    .setExpirationTime(now + options.expiresIn)
    .sign(options.secret ?? developmentTokens().secret);
}

export interface RawResponse {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

/**
 * A GraphQL POST over node:http, for what fetch cannot do: read the status with any headers and
 * send from another loopback address (`localAddress: '127.0.0.2'`) to test per-address limits.
 */
export function rawPost(
  url: string,
  body: { query: string; variables?: Record<string, unknown> },
  headers: Record<string, string> = {},
  localAddress?: string,
): Promise<RawResponse> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: 'POST',
        localAddress,
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json',
          'content-length': Buffer.byteLength(payload),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as RawResponse['body'] });
          } catch {
            reject(new Error(`HTTP ${res.statusCode}: ${text}`));
          }
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** The error codes of a GraphQL response, in order. */
export const codesOf = (errors: readonly { extensions?: Record<string, unknown> }[] | undefined) =>
  (errors ?? []).map((e) => e.extensions?.code);

/**
 * The people and places of the authorization matrix:
 *
 * - sites: center → institute A → station A, center → institute B → station B
 * - team "led" at station A, led by `leader`; `member` (home station B) belongs to it
 * - team "other" at station B, no leader of ours
 * - `homeA`: a volunteer homed at station A (under institute A), in no team
 * - `plain`: the VOLUNTEER account's own volunteer (home station B), in no team
 * - `elsewhere`: a volunteer at station B, in no team
 * - project "ledProject" (organised by the led team, based at institute A) with a shift at a post
 *   at station A; project "otherProject" (organised by the other team, based at institute B) with
 *   a shift at a post at station B. Both shifts start in 10 minutes (check-in open), 10 places.
 * - a DRAFT project and a CANCELLED project of the other team, each with an OPEN shift with free places.
 */
export async function authWorld(prisma: PrismaClient, label: string) {
  const world = await rosterWorld(prisma, label);
  const { sites } = world;
  const [leader, homeA] = await makeVolunteers(prisma, sites.stationA.id, 2, `甲站${label}-`);
  const [member, plain, elsewhere, spare] = await makeVolunteers(prisma, sites.stationB.id, 4, `乙站${label}-`);
  const born = async (v: { id: number }, i: number) =>
    prisma.volunteer.update({ where: { id: v.id }, data: { birthDate: new Date(Date.UTC(1980 + i, 4, 1 + i)) } });
  const people = {
    leader: await born(leader!, 0),
    homeA: await born(homeA!, 1),
    member: await born(member!, 2),
    plain: await born(plain!, 3),
    elsewhere: await born(elsewhere!, 4),
    spare: await born(spare!, 5),
  };
  const ledTeam = await createTeam(prisma, { name: `城关文明引导队${label}`, siteId: sites.stationA.id, leaderId: people.leader.id });
  await addTeamMember(prisma, { teamId: ledTeam.id, volunteerId: people.member.id });
  const otherTeam = await createTeam(prisma, { name: `青山志愿服务队${label}`, siteId: sites.stationB.id });

  const postA = world.postId;
  const postB = (await makePost(prisma, sites.stationB.id, `青山村路口岗${label}`)).id;
  const ledProject = await makeProject(prisma, { organizerId: ledTeam.id, siteId: sites.instituteA.id, title: `城关引导${label}` });
  const otherProject = await makeProject(prisma, { organizerId: otherTeam.id, siteId: sites.instituteB.id, title: `青山引导${label}` });
  const draftProject = await makeProject(prisma, {
    organizerId: otherTeam.id,
    siteId: sites.instituteB.id,
    status: 'DRAFT',
    title: `草稿项目${label}`,
  });
  const cancelledProject = await makeProject(prisma, {
    organizerId: otherTeam.id,
    siteId: sites.instituteB.id,
    status: 'CANCELLED',
    title: `已取消项目${label}`,
  });
  const times = { startsAt: minutesFromNow(10), endsAt: minutesFromNow(190) };
  const shiftA = await makeShift(prisma, { projectId: ledProject.id, postId: postA, capacity: 10, minimum: 1, ...times });
  const shiftB = await makeShift(prisma, { projectId: otherProject.id, postId: postB, capacity: 10, minimum: 1, ...times });
  const cancelledProjectShift = await makeShift(prisma, {
    projectId: cancelledProject.id,
    postId: postB,
    capacity: 10,
    minimum: 1,
    startsAt: minutesFromNow(3 * 24 * 60),
    endsAt: minutesFromNow(3 * 24 * 60 + 180),
  });
  // Shifts may be planned while a project is a DRAFT (createShifts allows it).
  const draftProjectShift = await makeShift(prisma, {
    projectId: draftProject.id,
    postId: postB,
    capacity: 10,
    minimum: 1,
    startsAt: minutesFromNow(4 * 24 * 60),
    endsAt: minutesFromNow(4 * 24 * 60 + 180),
  });
  return {
    sites,
    people,
    ledTeam,
    otherTeam,
    postA,
    postB,
    ledProject,
    otherProject,
    draftProject,
    cancelledProject,
    shiftA,
    shiftB,
    cancelledProjectShift,
    draftProjectShift,
  };
}

export type AuthWorld = Awaited<ReturnType<typeof authWorld>>;

/** One session per role of the matrix (anonymous has none). */
export async function roleSessions(url: string, prisma: PrismaClient, w: AuthWorld) {
  const [admin, manager, leader, volunteer] = await Promise.all([
    accountSession(url, prisma, { roles: [{ role: 'ADMIN' }] }),
    accountSession(url, prisma, { roles: [{ role: 'SITE_MANAGER', siteId: w.sites.instituteA.id }] }),
    accountSession(url, prisma, { phone: w.people.leader.phone, volunteerId: w.people.leader.id }),
    accountSession(url, prisma, { phone: w.people.plain.phone, volunteerId: w.people.plain.id }),
  ]);
  return { admin, manager, leader, volunteer };
}
