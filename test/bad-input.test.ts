import { appendToOutbox, eventsAfter, outboxPosition } from '../src/events/outbox.js';
import { shiftChange } from '../src/roster/events.js';
import { type GraphQLInputType, getNamedType, getNullableType, isListType, isNonNullType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMIT_ERROR_CODE } from '../src/hardening.js';
import { schema } from '../src/schema.js';
import {
  CreateSiteDocument,
  RegisterVolunteerDocument,
  SiteDocument,
  SitesDocument,
  UpdateSiteDocument,
  VolunteerDocument,
} from './generated/graphql.js';
import { bearer } from './support/accounts.js';
import { expectType, gql } from './support/client.js';
import { gid, uniquePhone } from './support/fixtures.js';
import { makeAssignment, makeShift, makeVolunteers, rosterWorld } from './support/roster-fixtures.js';
import { DATABASE_KINDS, startTestServer, type TestServer } from './support/server.js';
import {
  SQL,
  SCRIPT,
  MEGABYTE,
  mutations,
  nodeTypes,
  leaves,
  idLeaves,
  stringLeaves,
  likelyIdType,
  sample,
  withValue,
  wrongValues,
  resultSelection,
  variableDefinitions,
  argumentList,
  mutationDocument,
  deepSelection,
  send,
  operation,
  fingerprint,
  expectRefused,
  expectRefusedUpFront,
  itIf,
  careRows,
  familyRows,
  webhookRows,
} from './support/bad-input.js';

/*
 * Bad input against EVERY mutation of the schema (read from the schema, so a new mutation is
 * covered without touching this file): wrong types, 1 MB strings, deep nesting, 1,000 aliases,
 * unknown ids and ids of the wrong type, SQL- and script-looking ids, malformed JSON, invalid
 * UTF-8 and an empty body. Each must get a clear error and change nothing: a fingerprint of every
 * table (row count and a hash of all rows) is the same before and after.
 *
 * Then SQL- and script-looking text where a mutation accepts text: stored and returned verbatim.
 * Requests go as an admin, so refusals come from the input, not from access rules.
 */

describe.each(DATABASE_KINDS)('bad input on %s', (kind) => {
  let t: TestServer;
  /** A real row of every node type, by type name (global IDs). */
  const real: Record<string, string> = {};
  /**
   * The fingerprint as the last check found it. Nothing between two checks writes, so each test's
   * "before" is the previous test's "after": one fingerprint per test, not two. A test that did
   * change something fails, and the next one compares with what it left.
   */
  let baseline: Record<string, string>;

  beforeAll(async () => {
    t = await startTestServer(kind);
    const prisma = t.db.prisma;
    const world = await rosterWorld(prisma, '（坏输入）');
    const [volunteer] = await makeVolunteers(prisma, world.sites.stationA.id, 2, '坏输入志愿者');
    const shift = await makeShift(prisma, { projectId: world.projectId, postId: world.postId, startsAt: new Date(Date.now() + 7 * 86_400_000), endsAt: new Date(Date.now() + 7 * 86_400_000 + 3 * 3_600_000) });
    const assignment = await makeAssignment(prisma, { shiftId: shift.id, volunteerId: volunteer!.id, status: 'ASSIGNED' });
    const brand = await prisma.brand.create({ data: { name: '坏输入品牌', teamId: world.teamId } });
    const record = await prisma.serviceRecord.create({
      data: { volunteerId: volunteer!.id, teamId: world.teamId, description: '整理图书', servedOn: new Date('2026-01-05T00:00:00Z'), minutes: 60 },
    });
    const anyAccount = await prisma.account.findFirstOrThrow({ select: { id: true } });
    const joinRequest = await prisma.teamJoinRequest.create({
      data: { kind: 'INVITATION', teamId: world.teamId, volunteerId: volunteer!.id, createdByAccountId: anyAccount.id, createdAt: new Date() },
    });
    const menuItem = await prisma.serviceMenuItem.create({ data: { name: '坏输入理发', category: 'PERSONAL_CARE', siteId: world.sites.stationA.id } });
    const at = new Date('2026-01-05T02:00:00Z');
    const order = await prisma.serviceOrder.create({
      data: {
        menuItemId: menuItem.id, category: 'PERSONAL_CARE', siteId: world.sites.stationA.id, description: '', address: '东门社区1号', addressKey: '东门社区1号',
        requesterName: '王奶奶', requesterPhone: '+8613800000000', trackingCodeHash: 'bad-input', placedAt: at, dispatchDueAt: at, completeDueAt: at,
      },
    });
    const report = await prisma.communityReport.create({
      data: { category: 'WATER_LEAK', description: '消防栓漏水', siteId: world.sites.stationA.id, reporterId: volunteer!.id, submittedAt: at },
    });
    const issuer = await prisma.account.create({ data: { phone: '+8613900000777', passwordHash: 'not-a-login' } });
    const board = await prisma.boardCredential.create({
      data: { siteId: world.sites.stationA.id, label: '坏输入看板', secretHash: 'not-a-secret', issuedById: issuer.id },
    });
    // A stored roster event (as a command writes it), for RosterEvent, a node type.
    const { latest } = await outboxPosition(prisma);
    await prisma.$transaction((tx) => appendToOutbox(tx, [shiftChange('SHIFT_UPDATED', shift.id, at)], at, { markSent: true }));
    const [event] = await eventsAfter(prisma, latest, 1);
    Object.assign(real, {
      RosterEvent: gid('RosterEvent', event!.sequence),
      BoardCredential: gid('BoardCredential', board.id),
      CommunityReport: gid('CommunityReport', report.id),
      ServiceMenuItem: gid('ServiceMenuItem', menuItem.id),
      ServiceOrder: gid('ServiceOrder', order.id),
      Site: gid('Site', world.sites.stationA.id),
      Volunteer: gid('Volunteer', volunteer!.id),
      Team: gid('Team', world.teamId),
      Project: gid('Project', world.projectId),
      DutyPost: gid('DutyPost', world.postId),
      Shift: gid('Shift', shift.id),
      ShiftAssignment: gid('ShiftAssignment', assignment.id),
      Brand: gid('Brand', brand.id),
      ServiceRecord: gid('ServiceRecord', record.id),
      TeamJoinRequest: gid('TeamJoinRequest', joinRequest.id),
      TeamMember: gid('TeamMember', (await prisma.teamMembership.upsert({ where: { teamId_volunteerId: { teamId: world.teamId, volunteerId: volunteer!.id } }, create: { teamId: world.teamId, volunteerId: volunteer!.id }, update: {} })).id),
      ...(await careRows(prisma, world, volunteer!.id)),
      ...(await familyRows(prisma, world.sites.stationA.id)),
      ServiceCertificate: gid(
        'ServiceCertificate',
        (await prisma.serviceCertificate.create({
          data: { volunteerId: volunteer!.id, teamId: world.teamId, periodFrom: new Date('2026-01-01T00:00:00Z'), periodTo: new Date('2026-01-31T00:00:00Z'), requestedAt: new Date() },
        })).id,
      ),
      StarLevelApplication: gid(
        'StarLevelApplication',
        (await prisma.starLevelApplication.create({ data: { volunteerId: volunteer!.id, level: 1, appliedAt: new Date() } })).id,
      ),
      ...(await webhookRows(prisma)),
      Notification: gid(
        'Notification',
        (await prisma.notification.create({
          data: { recipientId: volunteer!.id, kind: 'BROADCAST', title: '坏输入', body: '坏输入', targetIds: [], dedupeKey: 'bad-input', createdAt: new Date() },
        })).id,
      ),
    });
    baseline = await fingerprint(t.db);
  });
  afterAll(() => t?.close());

  it('covers every mutation and every node type', () => {
    expect(mutations.length).toBeGreaterThanOrEqual(29);
    expect(Object.keys(real).sort()).toEqual([...nodeTypes].sort());
  });

  /** Runs the requests and checks that none of them changed anything. */
  async function unchanged(fn: () => Promise<void>) {
    await fn();
    const after = await fingerprint(t.db);
    const before = baseline;
    baseline = after;
    expect(after).toEqual(before);
  }

  describe.each(mutations.map((m) => [m.name, m] as const))('%s', (name, field) => {
    const ids = idLeaves(field);
    const strings = stringLeaves(field);
    const document = mutationDocument(field);
    /** Variables with every ID set by `id`, everything else plausible. */
    const variablesWith = (id: (path: (string | number)[], leafName: string) => unknown) =>
      Object.fromEntries(field.args.map((a) => [a.name, sample(a.type, a.name, [a.name], id)]));
    /** Real ids of the likely type where one can be guessed: as near to a valid call as the schema lets us get. */
    const plausible = () =>
      variablesWith((path, leafName) => {
        const type = likelyIdType(name, { path, name: leafName, type: schema.getType('ID') as GraphQLInputType });
        return type ? real[type] : gid('Site', 2_000_000_000);
      });

    it('refuses wrong types (string where Int expected, object where ID expected, …)', async () => {
      await unchanged(async () => {
        const base = plausible();
        let checked = 0;
        // The whole argument of the wrong type.
        for (const arg of field.args) {
          for (const wrong of ['not an object', [1, 2, 3], null, 7]) {
            if (wrong === null && !isNonNullType(arg.type)) continue;
            const message = expectRefusedUpFront(await operation(t.url, document, { ...base, [arg.name]: wrong }, t.admin), name);
            expect(message).toMatch(new RegExp(`^Variable "\\$${arg.name}" (got invalid value|of non-null type)`));
            checked++;
          }
          // A literal of the wrong type fails validation.
          const literal = `mutation { ${name}(${arg.name}: 5) ${resultSelection(field)} }`;
          expectRefusedUpFront(await operation(t.url, literal, undefined, t.admin), name);
        }
        // Every field inside the arguments, one at a time.
        for (const leaf of leaves(field)) {
          if (leaf.path.length < 2) continue;
          for (const wrong of wrongValues(leaf.type)) {
            const reply = await operation(t.url, document, withValue(base, leaf.path, wrong), t.admin);
            const message = expectRefusedUpFront(reply, name);
            expect(message, `${leaf.path.join('.')} = ${JSON.stringify(wrong)}`).toMatch(/^Variable "\$\w+" got invalid value/);
            checked++;
          }
        }
        if (!field.args.length) {
          expectRefusedUpFront(await operation(t.url, `mutation { ${name}(input: 5) ${resultSelection(field)} }`, undefined, t.admin), name);
          checked++;
        }
        expect(checked).toBeGreaterThan(0);
      });
    });

    itIf(strings.length > 0)('refuses 1 MB strings', async () => {
      await unchanged(async () => {
        for (const leaf of strings) {
          const reply = await operation(t.url, document, withValue(plausible(), leaf.path, MEGABYTE), t.admin);
          expect(reply.status, `${leaf.path.join('.')}: ${reply.text.slice(0, 200)}`).not.toBe(413);
          const message = expectRefused(reply, name);
          // Where the input is validated, the refusal names the oversized field.
          if (message.startsWith('ValidationError')) expect(message).toContain(`${leaf.path.join('.')}: `);
          expect(reply.text.length, 'the error does not echo the megabyte back').toBeLessThan(100_000);
        }
      });
    });

    itIf(strings.length > 0)('refuses NUL characters and lone surrogates in every string, naming the field (as an admin)', async () => {
      const asAdmin = bearer(t.adminToken);
      await unchanged(async () => {
        for (const leaf of strings) {
          for (const bad of ['前\u0000后', '\u0000', '前\uD800后', '\uDC00后', '后\uDBFF']) {
            const reply = await operation(t.url, document, withValue(plausible(), leaf.path, bad), asAdmin);
            const message = expectRefused(reply, name);
            expect(message, JSON.stringify(bad)).toMatch(new RegExp(`(^|: )${leaf.path.join('\\.')}: .*(NUL character|lone UTF-16 surrogate)`));
            expect(reply.text).not.toMatch(/INTERNAL_SERVER_ERROR/);
          }
        }
      });
    });

    it('refuses deep nesting: in the selection and in the variables', async () => {
      await unchanged(async () => {
        const deep = deepSelection(getNamedType(field.type), 50);
        // Without a 50-deep path below the result, nest inline fragments instead (the token limit stops those).
        const resultType = getNamedType(field.type).name;
        const selection = deep ?? `{ ${'... on '.concat(resultType, ' { ').repeat(1000)}__typename${' }'.repeat(1000)} }`;
        const reply = await operation(t.url, mutationDocument(field, selection), plausible(), t.admin);
        expectRefusedUpFront(reply, name);
        expect(reply.body.errors[0].extensions?.code).toBe(LIMIT_ERROR_CODE);
        expect(reply.body.errors[0].message).toMatch(deep ? /^Query depth limit of \d+ exceeded/ : /^Token limit of \d+ exceeded/);
        if (!field.args.length) return;
        // 10,000 levels of JSON where an input object (or a string) is expected. Written by hand:
        // JSON.stringify itself runs out of stack that deep.
        const placeholder = '"__NESTED__"';
        const nestedObjects = `${'{"deeper":'.repeat(10_000)}"bottom"${'}'.repeat(10_000)}`;
        const nestedArrays = `${'['.repeat(10_000)}"bottom"${']'.repeat(10_000)}`;
        const arg = field.args[0]!;
        const withNested = (variables: Record<string, unknown>, json: string) =>
          send(t.url, JSON.stringify({ query: document, variables }).replace(placeholder, json), undefined, t.admin);
        const viaArgument = await withNested({ ...plausible(), [arg.name]: '__NESTED__' }, nestedObjects);
        expect(expectRefusedUpFront(viaArgument, name)).toMatch(/^Variables nest more than \d+ levels/);
        expect(viaArgument.body.errors[0].extensions?.code).toBe(LIMIT_ERROR_CODE);
        const list = leaves(field).find((l) => isListType(getNullableType(l.type)) && l.path.length >= 2) ?? strings[0];
        if (list) {
          const viaList = await withNested(withValue(plausible(), list.path, '__NESTED__'), nestedArrays);
          expect(expectRefusedUpFront(viaList, name)).toMatch(/^Variables nest more than \d+ levels/);
        }
      });
    });

    it('refuses 1,000 aliases of it in one operation', async () => {
      await unchanged(async () => {
        const selection = resultSelection(field);
        const body = Array.from({ length: 1000 }, (_, i) => `m${i}: ${name}${argumentList(field)} ${selection}`).join(' ');
        const reply = await operation(t.url, `mutation Aliases${variableDefinitions(field)} { ${body} }`, plausible(), t.admin);
        expectRefusedUpFront(reply, name);
        expect(reply.status).toBe(400);
        expect(reply.body.errors[0].extensions?.code).toBe(LIMIT_ERROR_CODE);
      });
    });

    itIf(ids.length > 0)('refuses unknown ids and ids of the wrong type', async () => {
      await unchanged(async () => {
        const wrongType: string[] = [];
        // Every ID input names a row that does not exist, of each node type in turn: for the right
        // type that is an unknown id, for the others an id of the wrong type.
        for (const type of nodeTypes) {
          const reply = await operation(t.url, document, variablesWith(() => gid(type, 2_000_000_000)), t.admin);
          const message = expectRefused(reply, name);
          if (!/NotFoundError/.test(message)) wrongType.push(type);
        }
        expect(wrongType.length, 'some type must be the wrong one').toBeGreaterThan(0);
        // Real rows of a type this mutation refused as the wrong type: refused again, not looked up.
        for (const type of wrongType) {
          expectRefused(await operation(t.url, document, variablesWith(() => real[type]), t.admin), name);
        }
        // Things that are not global IDs at all.
        for (const bad of ['not-an-id', '', Buffer.from('Site:abc').toString('base64'), Buffer.from('NoSuchType:1').toString('base64'), 1e30, -1]) {
          expectRefused(await operation(t.url, document, variablesWith(() => bad), t.admin), name);
        }
        // Keys that are not a positive int4 are refused as such, naming the field, never an internal error.
        const asAdmin = bearer(t.adminToken);
        for (const key of ['abc', '9007199254740993', '2147483648', '0', '-1', '1.5', '1e3', ' 1']) {
          for (const leaf of ids) {
            const type = likelyIdType(name, leaf) ?? 'Site';
            const reply = await operation(t.url, document, withValue(plausible(), leaf.path, Buffer.from(`${type}:${key}`).toString('base64')), asAdmin);
            const message = expectRefused(reply, name);
            expect(message, `${leaf.path.join('.')} = ${type}:${key}`).toMatch(new RegExp(`${leaf.path.join('\\.')}: .*is not a valid ${type} ID`));
            expect(reply.text).not.toMatch(/INTERNAL_SERVER_ERROR/);
          }
        }
      });
    });

    itIf(ids.length > 0)('refuses SQL- and script-looking ids, executing nothing', async () => {
      await unchanged(async () => {
        for (const bad of [SQL, SCRIPT, Buffer.from(`Site:1; DELETE FROM "Site"`).toString('base64'), Buffer.from(`Volunteer:1 OR 1=1`).toString('base64')]) {
          const reply = await operation(t.url, document, variablesWith(() => bad), t.admin);
          expectRefused(reply, name);
        }
      });
      // The table named in the SQL is still there, rows and all.
      expect(await t.db.prisma.volunteer.count()).toBeGreaterThan(0);
    });

    it('refuses malformed JSON, invalid UTF-8 and an empty body with 400', async () => {
      await unchanged(async () => {
        const json = JSON.stringify({ query: document, variables: plausible() });
        for (const broken of [json.slice(0, -7), `${json},`, json.replace('"query"', "'query'")]) {
          const reply = await send(t.url, broken, undefined, t.admin);
          expect(reply.status).toBe(400);
          expect(reply.body.errors[0].message).toBe('POST body sent invalid JSON.');
        }
        // Invalid UTF-8 inside a string value (or, without one, inside the query's whitespace).
        const at = json.indexOf('测试');
        const cut = at >= 0 ? Buffer.byteLength(json.slice(0, at)) : Buffer.byteLength(json) - 2;
        const raw = Buffer.from(json);
        const invalid = Buffer.concat([raw.subarray(0, cut), Buffer.from([0xe6, 0xb5, 0x28, 0xff]), raw.subarray(cut)]);
        const utf8 = await send(t.url, invalid, undefined, t.admin);
        expect(utf8.status).toBe(400);
        expect(utf8.body.errors[0].message).toBe('Request body is not valid UTF-8.');
        for (const contentType of ['application/json', 'application/graphql+json']) {
          const empty = await send(t.url, '', contentType, t.admin);
          expect(empty.status).toBe(400);
          expect(empty.body.errors[0].message).toMatch(/\S/);
        }
      });
    });
  });

  describe('SQL- and script-looking text where text is accepted', () => {
    it('is stored as text and returned verbatim (createSite, updateSite)', async () => {
      const volunteers = await t.db.prisma.volunteer.count();
      const site = expectType(
        (await gql(t.url, CreateSiteDocument, { input: { name: SQL, level: 'CENTER', address: SCRIPT, hostOrganization: `${SQL} ${SCRIPT}`, services: [SQL, SCRIPT] } }, t.admin))
          .createSite,
        'CreateSitePayload',
      ).site;
      expect(site).toMatchObject({ name: SQL, address: SCRIPT, hostOrganization: `${SQL} ${SCRIPT}`, services: [SQL, SCRIPT] });
      const read = await gql(t.url, SiteDocument, { id: site.id }, t.admin);
      expect(read.site?.name).toBe(SQL);
      const row = await t.db.prisma.site.findFirstOrThrow({ where: { name: SQL } });
      expect(row).toMatchObject({ name: SQL, address: SCRIPT, services: [SQL, SCRIPT] });

      const renamed = expectType((await gql(t.url, UpdateSiteDocument, { input: { id: site.id, name: SCRIPT, address: SQL } }, t.admin)).updateSite, 'UpdateSitePayload');
      expect(renamed.site).toMatchObject({ name: SCRIPT, address: SQL });
      // Searching with it is a plain substring match.
      const found = await gql(t.url, SitesDocument, { filter: { search: SCRIPT } }, t.admin);
      expect(found.sites.edges.map((e) => e.node.name)).toEqual([SCRIPT]);
      const none = await gql(t.url, SitesDocument, { filter: { search: `' OR '1'='1` } }, t.admin);
      expect(none.sites.totalCount).toBe(0);
      expect(await t.db.prisma.volunteer.count()).toBe(volunteers);
    });

    it('is stored as text and returned verbatim (registerVolunteer)', async () => {
      const volunteers = await t.db.prisma.volunteer.count();
      const home = real.Site!;
      for (const name of [SQL, SCRIPT]) {
        const result = (await gql(t.url, RegisterVolunteerDocument, { input: { name, phone: uniquePhone(), homeSiteId: home, skills: [SQL, SCRIPT] } }, t.admin)).registerVolunteer;
        const volunteer = expectType(result, 'RegisterVolunteerPayload').volunteer;
        expect(volunteer.name).toBe(name);
        const read = await gql(t.url, VolunteerDocument, { id: volunteer.id }, t.admin);
        expect(read.volunteer?.name).toBe(name);
        const row = await t.db.prisma.volunteer.findFirstOrThrow({ where: { name } });
        expect(row.skills).toEqual([SQL, SCRIPT]);
      }
      // Two more rows, and the table the SQL names is intact.
      expect(await t.db.prisma.volunteer.count()).toBe(volunteers + 2);
    });
  });
});

