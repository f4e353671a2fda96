/**
 * What test/bad-input.test.ts sends and checks: every mutation's arguments read from the schema
 * (a valid sample, wrong values for each position, ids of every kind), raw requests, the
 * fingerprint of every table, and rows the by-id cases need.
 */
import {
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  getNamedType,
  getNullableType,
  isAbstractType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import { expect, it } from 'vitest';
import type { Database } from '../../src/db/index.js';
import { schema } from '../../src/schema.js';
import { type RawReply, rawPost } from './client.js';
import { gid, uniquePhone } from './fixtures.js';
import { shanghaiDate } from './roster-fixtures.js';

export const SQL = `'); DROP TABLE "Volunteer";--`;
export const SCRIPT = '<script>alert(1)</script>';
export const MEGABYTE = 'x'.repeat(1_000_000);

export const mutationType = schema.getMutationType()!;
export const mutations = Object.values(mutationType.getFields());
export const nodeTypes = schema.getPossibleTypes(schema.getType('Node') as never).map((t) => t.name);

// ---------------------------------------------------------------------------------------------
// Reading the schema
// ---------------------------------------------------------------------------------------------

/** A leaf (or input object) position inside a mutation's arguments, e.g. ['input', 'windows', 0, 'start']. */
export interface Leaf {
  path: (string | number)[];
  type: GraphQLInputType;
  /** The input field's name (or the argument's). */
  name: string;
}

/** Every field position in the arguments, descending into input objects and (one element of) lists. */
export function leaves(field: GraphQLField<unknown, unknown>): Leaf[] {
  const found: Leaf[] = [];
  const walk = (type: GraphQLInputType, path: (string | number)[], name: string, seen: Set<string>) => {
    found.push({ path, type, name });
    const nullable = getNullableType(type);
    if (isListType(nullable)) {
      walk(nullable.ofType, [...path, 0], name, seen);
    } else if (isInputObjectType(nullable) && !seen.has(nullable.name)) {
      for (const f of Object.values(nullable.getFields())) walk(f.type, [...path, f.name], f.name, new Set([...seen, nullable.name]));
    }
  };
  for (const arg of field.args) walk(arg.type, [arg.name], arg.name, new Set());
  return found;
}

export const namedLeaf = (leaf: Leaf) => getNamedType(leaf.type);
export const idLeaves = (field: GraphQLField<unknown, unknown>) => leaves(field).filter((l) => namedLeaf(l).name === 'ID' && !isListType(getNullableType(l.type)));
export const stringLeaves = (field: GraphQLField<unknown, unknown>) =>
  leaves(field).filter((l) => namedLeaf(l).name === 'String' && !isListType(getNullableType(l.type)));

/** The node type an ID input most likely names; used to send real ids where a mutation expects them. */
export function likelyIdType(mutation: string, leaf: Leaf): string | undefined {
  const byName: Record<string, string> = {
    siteId: 'Site',
    homeSiteId: 'Site',
    parentId: 'Site',
    volunteerId: 'Volunteer',
    leaderId: 'Volunteer',
    teamId: 'Team',
    organizerId: 'Team',
    shiftId: 'Shift',
    projectId: 'Project',
    postIds: 'DutyPost',
    brandId: 'Brand',
    beneficiaryId: 'Beneficiary',
    volunteerIds: 'Volunteer',
    careTeamId: 'Team',
    familyId: 'Family',
    batchId: 'FamilySelectionBatch',
    recipientId: 'Volunteer',
    menuItemId: 'ServiceMenuItem',
    duplicateOfId: 'CommunityReport',
  };
  if (byName[leaf.name]) return byName[leaf.name];
  const named = [...nodeTypes].sort((a, b) => b.length - a.length).find((t) => mutation.toLowerCase().includes(t.toLowerCase()));
  if (named) return named;
  if (/assignment|checkin|checkout|noshow/i.test(mutation)) return 'ShiftAssignment';
  if (/nomination/i.test(mutation)) return 'FamilyNomination';
  if (/certificate/i.test(mutation)) return 'ServiceCertificate';
  if (/starlevel/i.test(mutation)) return 'StarLevelApplication';
  return undefined;
}

/** A plausible value for an input type; ID inputs come from `id(leaf)`. */
export function sample(type: GraphQLInputType, name: string, path: (string | number)[], id: (path: (string | number)[], name: string) => unknown): unknown {
  if (isNonNullType(type)) return sample(type.ofType, name, path, id);
  if (isListType(type)) return [sample(type.ofType, name, [...path, 0], id)];
  if (isInputObjectType(type)) {
    return Object.fromEntries(Object.values(type.getFields()).map((f) => [f.name, sample(f.type, f.name, [...path, f.name], id)]));
  }
  if (isEnumType(type)) return type.getValues()[0]!.value;
  switch (type.name) {
    case 'ID':
      return id(path, name);
    case 'Int':
      return 1;
    case 'Float':
      return name === 'lng' ? 120.1 : 30.2;
    case 'Boolean':
      return false;
    case 'Date':
      return /birth/i.test(name) ? '1990-05-01' : shanghaiDate(30);
    case 'DateTime':
      return new Date(Date.now() + 30 * 86_400_000).toISOString();
    default:
      if (name === 'phone') return uniquePhone();
      if (name === 'start') return '09:00';
      if (name === 'end') return '12:00';
      return `测试${name}`;
  }
}

/** Sets a value at a path inside a (cloned) variables object. */
export function withValue(variables: Record<string, unknown>, path: (string | number)[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(variables);
  let target: any = copy;
  for (const key of path.slice(0, -1)) target = target[key];
  target[path[path.length - 1]!] = value;
  return copy;
}

/** Values of the wrong type for a leaf: each must be refused while the variables are coerced. */
export function wrongValues(type: GraphQLInputType): unknown[] {
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    const inner = wrongValues(nullable.ofType);
    return inner.length ? [[inner[0]]] : [];
  }
  if (isInputObjectType(nullable)) return ['an input object, as a string', 42];
  if (isEnumType(nullable)) return ['NOT_A_VALUE', 3];
  switch ((nullable as GraphQLNamedType).name) {
    case 'Int':
      return ['12', 1.5, 2 ** 40, true];
    case 'Float':
      return ['1.5', { value: 1 }];
    case 'ID':
      return [{ id: 1 }, true, 1.5];
    case 'String':
      return [12345, { text: 'x' }, ['x']];
    case 'Boolean':
      return ['true', 0];
    case 'Date':
      // Year 0 and years PostgreSQL cannot take parse as JavaScript dates: refused by the scalar.
      return ['not a date', '2026-02-30', 20260501, '0000-01-01', '0999-12-31'];
    case 'DateTime':
      return ['yesterday', 1_700_000_000, '0000-06-01T08:00:00+08:00', '9999-12-31T23:00:00-05:00'];
    default:
      return [];
  }
}

/** `__typename` and, where the result can be one, the Error interface's message. */
export function resultSelection(field: GraphQLField<unknown, unknown>): string {
  const type = getNamedType(field.type);
  if (!isCompositeType(type)) return '';
  const error = schema.getType('Error') as GraphQLCompositeType;
  const possible = isAbstractType(type) ? schema.getPossibleTypes(type) : [type];
  const canBeError = possible.some((p) => isObjectType(p) && p.getInterfaces().some((i) => i.name === 'Error'));
  return `{ __typename${canBeError && error ? ' ... on Error { message }' : ''} }`;
}

export function variableDefinitions(field: GraphQLField<unknown, unknown>): string {
  return field.args.length ? `(${field.args.map((a) => `$${a.name}: ${a.type}`).join(', ')})` : '';
}

export function argumentList(field: GraphQLField<unknown, unknown>): string {
  return field.args.length ? `(${field.args.map((a) => `${a.name}: $${a.name}`).join(', ')})` : '';
}

export function mutationDocument(field: GraphQLField<unknown, unknown>, selection = resultSelection(field)): string {
  return `mutation BadInput${variableDefinitions(field)} { ${field.name}${argumentList(field)} ${selection} }`;
}

/**
 * A selection at least `depth` fields deep below a type, following object fields that need no
 * arguments (a site's parent, a shift's post, …); null when the type has no path that deep.
 */
export function deepSelection(type: GraphQLNamedType, depth: number, memo = new Map<string, string | null>()): string | null {
  const key = `${type.name}:${depth}`;
  if (memo.has(key)) return memo.get(key)!;
  memo.set(key, null);
  let result: string | null = null;
  if (depth <= 0 || isLeafType(type)) {
    result = isLeafType(type) ? '' : '{ __typename }';
  } else if (isAbstractType(type)) {
    for (const member of schema.getPossibleTypes(type)) {
      const inner = deepSelection(member, depth, memo);
      if (inner !== null) {
        result = `{ ... on ${member.name} ${inner} }`;
        break;
      }
    }
  } else if (isObjectType(type) || isInterfaceType(type)) {
    for (const f of Object.values(type.getFields())) {
      if (f.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
      const target = getNamedType(f.type);
      if (!isCompositeType(target)) continue;
      const inner = deepSelection(target, depth - 1, memo);
      if (inner !== null) {
        result = `{ ${f.name} ${inner} }`;
        break;
      }
    }
  }
  memo.set(key, result);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Talking to the server and to the database
// ---------------------------------------------------------------------------------------------

export type Reply = RawReply;

export const send = (url: string, body: string | Uint8Array, contentType = 'application/json', headers: Record<string, string>): Promise<Reply> =>
  rawPost(url, body, headers, contentType);

export const operation = (url: string, query: string, variables: Record<string, unknown> | undefined, headers: Record<string, string>) =>
  send(url, JSON.stringify({ query, variables }), 'application/json', headers);

/**
 * Every table's row count and a hash of all its rows, in one statement. Equal fingerprints mean
 * nothing was inserted, updated or deleted.
 */
export async function fingerprint(db: Database): Promise<Record<string, string>> {
  return db.sql.withSession(async (session) => {
    const tables = await session.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    const parts = tables.map(
      ({ table_name: t }) =>
        `SELECT '${t}' AS t, count(*)::text || ':' || coalesce(md5(string_agg(x::text, E'\\n' ORDER BY x::text)), '') AS f FROM "${t}" x`,
    );
    const rows = await session.query<{ t: string; f: string }>(parts.join(' UNION ALL '));
    return Object.fromEntries(rows.map((r) => [r.t, r.f]));
  });
}

/**
 * A clear refusal: a top-level GraphQL error with a message, or a typed error result (a member
 * of the mutation's result union implementing Error) with a message. Returns a short description.
 */
export function expectRefused(reply: Reply, mutation: string): string {
  expect(reply.body, `not JSON (HTTP ${reply.status}): ${reply.text.slice(0, 300)}`).toBeTypeOf('object');
  const errors = reply.body.errors as { message: string }[] | undefined;
  if (errors?.length) {
    for (const error of errors) expect(error.message, reply.text.slice(0, 300)).toMatch(/\S/);
    expect(reply.text).not.toMatch(/Did you mean/);
    return errors[0]!.message;
  }
  const result = reply.body.data?.[mutation];
  expect(result?.__typename, `accepted: ${reply.text.slice(0, 300)}`).toMatch(/Error$/);
  expect(result.message).toMatch(/\S/);
  return `${result.__typename}: ${result.message}`;
}

/** Refused before any resolver ran: errors only, no data (HTTP 200 or 4xx). */
export function expectRefusedUpFront(reply: Reply, mutation: string): string {
  const message = expectRefused(reply, mutation);
  expect(reply.body.data ?? null, reply.text.slice(0, 300)).toBeNull();
  return message;
}

// ---------------------------------------------------------------------------------------------
// The suite
// ---------------------------------------------------------------------------------------------


/**
 * Registers a test only where it applies: a mutation with no text fields (or no ID fields) has no
 * 1 MB-string (or unknown-id) case at all, rather than a skipped one.
 */
export function itIf(applies: boolean): (name: string, fn: () => Promise<void>) => void {
  return applies ? (name, fn) => it(name, fn) : () => {};
}

/** A beneficiary cared for by the world's team, with one visit (and its service record). */
export async function careRows(prisma: Database['prisma'], world: { sites: { stationA: { id: number } }; teamId: number }, volunteerId: number) {
  const beneficiary = await prisma.beneficiary.create({
    data: { kind: 'VETERAN', siteId: world.sites.stationA.id, name: '坏输入老兵', address: '东门', careTeamId: world.teamId },
  });
  const assignment = await prisma.careAssignment.create({ data: { beneficiaryId: beneficiary.id, teamId: world.teamId, startedAt: new Date() } });
  const visit = await prisma.careVisit.create({
    data: { beneficiaryId: beneficiary.id, teamId: world.teamId, visitedOn: new Date('2026-01-05T00:00:00Z'), services: ['COMPANIONSHIP'], minutes: 60 },
  });
  const record = await prisma.serviceRecord.create({
    data: { volunteerId, teamId: world.teamId, description: '关爱走访', servedOn: new Date('2026-01-05T00:00:00Z'), minutes: 60 },
  });
  await prisma.careVisitVolunteer.create({ data: { visitId: visit.id, volunteerId, serviceRecordId: record.id } });
  return {
    Beneficiary: gid('Beneficiary', beneficiary.id),
    CareAssignment: gid('CareAssignment', assignment.id),
    CareVisit: gid('CareVisit', visit.id),
  };
}

/** A family nominated in a cycle (batch 1), with a talk and an honour. */
export async function familyRows(prisma: Database['prisma'], siteId: number) {
  const family = await prisma.family.create({ data: { name: '坏输入家', story: '', siteId, members: { create: [{ name: '坏输入' }] } } });
  const cycle = await prisma.familySelectionCycle.create({
    data: {
      name: '坏输入评选',
      startYear: 2026,
      endYear: 2028,
      nominationOpensAt: new Date('2026-01-01T00:00:00Z'),
      nominationClosesAt: new Date('2099-01-01T00:00:00Z'),
      batches: { create: [{ number: 1 }] },
    },
    include: { batches: true },
  });
  const nomination = await prisma.familyNomination.create({
    data: { cycleId: cycle.id, batchId: cycle.batches[0]!.id, familyId: family.id, statement: '事迹', nominatedAt: new Date() },
  });
  const talk = await prisma.familyOutreach.create({
    data: { familyId: family.id, heldOn: new Date('2026-01-05T00:00:00Z'), venueKind: 'SCHOOL', audienceSize: 10, topic: '家风' },
  });
  const honor = await prisma.honor.create({
    data: { title: '文明家庭', level: 'CITY', year: 2025, awardedBy: '市文明委', recipientKind: 'FAMILY', familyId: family.id, siteId },
  });
  return {
    Family: gid('Family', family.id),
    FamilySelectionCycle: gid('FamilySelectionCycle', cycle.id),
    FamilySelectionBatch: gid('FamilySelectionBatch', cycle.batches[0]!.id),
    FamilyNomination: gid('FamilyNomination', nomination.id),
    FamilyOutreach: gid('FamilyOutreach', talk.id),
    Honor: gid('Honor', honor.id),
  };
}

/** A webhook endpoint and one delivery, for the webhook mutations' by-id cases. */
export async function webhookRows(prisma: Database['prisma']) {
  const at = new Date('2026-01-05T02:00:00Z');
  const endpoint = await prisma.webhookEndpoint.create({
    data: { url: 'http://127.0.0.1:9/bad-input', secret: 'bad-input-secret-0123456789', kinds: ['PROMOTED'], createdAt: at, updatedAt: at },
  });
  const delivery = await prisma.webhookDelivery.create({
    data: { endpointId: endpoint.id, notificationId: 'Tm90aWZpY2F0aW9uOjE=', kind: 'PROMOTED', idempotencyKey: 'whd_bad_input', body: '{}', status: 'DELIVERED', giveUpAt: at, createdAt: at },
  });
  return { WebhookEndpoint: gid('WebhookEndpoint', endpoint.id), WebhookDelivery: gid('WebhookDelivery', delivery.id) };
}
