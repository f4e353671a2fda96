import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ApolloClient, HttpLink, InMemoryCache, split } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { buildSchema, isAbstractType, parse } from 'graphql';
import { createClient } from 'graphql-ws';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createLogger } from '../src/logger.js';
import { type AppBus, createEventBus } from '../src/events/topics.js';
import { ClientAssignDocument, ClientRosterChangedDocument, ClientShiftDocument } from './generated/graphql.js';
import { type Session, accountSession, authWorld } from './support/accounts.js';
import { gid } from './support/fixtures.js';
import { futureSlot, makeShift, makeVolunteers } from './support/roster-fixtures.js';
import { type TestServer, startTestServer } from './support/server.js';

/*
 * The API against clients no one here wrote: relay-compiler on the committed schema, and Apollo
 * Client (graphql-ws link, normalised cache, the committed possibleTypes).
 */

const ROOT = resolve(import.meta.dirname, '..');
const SCHEMA = join(ROOT, 'schema/schema.graphql');
const RELAY = join(ROOT, 'node_modules/relay-compiler/cli.js');

describe('schema/possible-types.json', () => {
  it('lists every interface and union of the committed schema with exactly its members', () => {
    const schema = buildSchema(readFileSync(SCHEMA, 'utf8'));
    const expected: Record<string, string[]> = {};
    for (const type of Object.values(schema.getTypeMap())) {
      if (isAbstractType(type) && !type.name.startsWith('__')) {
        expected[type.name] = schema.getPossibleTypes(type).map((t) => t.name).sort();
      }
    }
    const committed = JSON.parse(readFileSync(join(ROOT, 'schema/possible-types.json'), 'utf8')).possibleTypes as Record<string, string[]>;
    expect(Object.fromEntries(Object.entries(committed).map(([k, v]) => [k, [...v].sort()]))).toEqual(expected);
    expect(expected.Error).toContain('ValidationError');
  });
});

describe('relay-compiler on the committed schema', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  /** A throwaway Relay project holding `source`; returns the compiler's exit and output. */
  async function compile(source: string) {
    const dir = mkdtempSync(join(tmpdir(), 'volunteer-relay-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'src/__generated__'), { recursive: true });
    writeFileSync(join(dir, 'src/fragments.ts'), source);
    writeFileSync(
      join(dir, 'relay.config.json'),
      JSON.stringify({ src: './src', schema: SCHEMA, language: 'typescript', artifactDirectory: './src/__generated__' }),
    );
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [RELAY], { cwd: dir });
      return { code: 0, output: stdout + stderr, dir };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}`, dir };
    }
  }

  it('compiles fragments with @connection and @refetchable (Node and Query)', async () => {
    const { code, output, dir } = await compile(`
      import { graphql } from 'relay-runtime';
      export const team = graphql\`
        fragment TeamMembers_team on Team
          @refetchable(queryName: "TeamMembersRefetchQuery")
          @argumentDefinitions(count: { type: "Int", defaultValue: 20 }, cursor: { type: "String" }) {
          name
          members(first: $count, after: $cursor) @connection(key: "TeamMembers_members") {
            edges { node { volunteer { id name } } }
          }
        }
      \`;
      export const roster = graphql\`
        fragment Roster_query on Query
          @refetchable(queryName: "RosterRefetchQuery")
          @argumentDefinitions(count: { type: "Int", defaultValue: 20 }, cursor: { type: "String" }, date: { type: "Date" }) {
          roster(first: $count, after: $cursor, filter: { date: $date }) @connection(key: "Roster_roster") {
            totalCount
            edges { node { id startsAt assignedCount staffing post { name } } }
          }
        }
      \`;
      export const site = graphql\`
        fragment SiteChildren_site on Site
          @refetchable(queryName: "SiteChildrenRefetchQuery")
          @argumentDefinitions(count: { type: "Int", defaultValue: 10 }, cursor: { type: "String" }) {
          name
          children(first: $count, after: $cursor) @connection(key: "SiteChildren_children") {
            edges { node { id name level } }
          }
        }
      \`;
    `);
    expect(code, output).toBe(0);
    for (const artifact of ['TeamMembersRefetchQuery.graphql.ts', 'RosterRefetchQuery.graphql.ts', 'SiteChildrenRefetchQuery.graphql.ts']) {
      expect(readFileSync(join(dir, 'src/__generated__', artifact), 'utf8')).toContain('"kind": "Request"');
    }
  }, 60_000);

  it('refuses a fragment that does not fit the schema (the check can fail)', async () => {
    const { code, output } = await compile(`
      import { graphql } from 'relay-runtime';
      export const bad = graphql\`fragment Bad_site on Site { noSuchField }\`;
    `);
    expect(code).not.toBe(0);
    expect(output).toMatch(/noSuchField/);
  }, 60_000);
});

describe('Apollo Client with a graphql-ws link', () => {
  let t: TestServer;
  let bus: AppBus;
  let admin: Session;
  let apollo: ApolloClient;
  let disposeWs: () => Promise<void>;

  beforeAll(async () => {
    bus = createEventBus({ logger: createLogger('silent') });
    t = await startTestServer('pglite', { pubsub: bus });
    // Apollo acts as an ADMIN, over HTTP and WebSocket alike.
    admin = await accountSession(t.url, t.db.prisma, { roles: [{ role: 'ADMIN' }] });
    const ws = createClient({ url: t.wsUrl, webSocketImpl: WebSocket, connectionParams: admin.headers, retryAttempts: 0 });
    disposeWs = async () => {
      await ws.dispose();
    };
    const possibleTypes = JSON.parse(readFileSync(join(ROOT, 'schema/possible-types.json'), 'utf8')).possibleTypes;
    apollo = new ApolloClient({
      cache: new InMemoryCache({ possibleTypes }),
      link: split(
        ({ query }) => {
          const definition = getMainDefinition(query);
          return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
        },
        new GraphQLWsLink(ws),
        new HttpLink({ uri: t.url, headers: admin.headers }),
      ),
    });
  });
  afterAll(async () => {
    apollo?.stop();
    await disposeWs?.();
    await t?.close();
    await bus?.close();
  });

  it('receives rosterChanged and updates the shift in its normalised cache; `... on Error` matches through possibleTypes', async () => {
    const w = await authWorld(t.db.prisma, randomBytes(3).toString('hex'));
    const shift = await makeShift(t.db.prisma, { projectId: w.otherProject.id, postId: w.postB, capacity: 3, minimum: 1, ...futureSlot(5) });
    const [volunteer] = await makeVolunteers(t.db.prisma, w.sites.stationB.id, 1, 'Apollo-');
    const shiftId = gid('Shift', shift.id);

    const first = await apollo.query({ query: parse(ClientShiftDocument.toString()), variables: { id: shiftId } });
    expect(first.data).toMatchObject({ node: { __typename: 'Shift', id: shiftId, assignedCount: 0, openSlots: 3 } });

    const received: unknown[] = [];
    const before = t.live.subscriptionsStarted();
    const event = new Promise<void>((resolveEvent, reject) => {
      const subscription = apollo
        .subscribe({ query: parse(ClientRosterChangedDocument.toString()), variables: { filter: { shiftId } } })
        .subscribe({
          next: (result) => {
            received.push(result.data);
            subscription.unsubscribe();
            resolveEvent();
          },
          error: reject,
        });
    });
    await t.live.waitForSubscriptionsStarted(before + 1);

    const assigned = await apollo.mutate({
      mutation: parse(ClientAssignDocument.toString()),
      variables: { input: { shiftId, volunteerId: gid('Volunteer', volunteer!.id) } },
    });
    expect(assigned.data).toMatchObject({ assignVolunteer: { __typename: 'AssignVolunteerPayload', assignment: { status: 'ASSIGNED' } } });
    await event;
    expect(received[0]).toMatchObject({ rosterChanged: { kind: 'ASSIGNED', shift: { id: shiftId, assignedCount: 1, openSlots: 2 } } });

    // The event's shift was written into the same normalised entry the query read.
    const cached = apollo.cache.readQuery({ query: parse(ClientShiftDocument.toString()), variables: { id: shiftId } });
    expect(cached).toMatchObject({ node: { id: shiftId, assignedCount: 1, openSlots: 2 } });
    expect(apollo.cache.identify({ __typename: 'Shift', id: shiftId })).toBe(`Shift:${shiftId}`);

    // A typed error arrives with its message through `... on Error`.
    const refused = await apollo.mutate({
      mutation: parse(ClientAssignDocument.toString()),
      variables: { input: { shiftId, volunteerId: gid('Volunteer', volunteer!.id) } },
    });
    const result = (refused.data as { assignVolunteer: { __typename: string; message?: string } }).assignVolunteer;
    expect(result.__typename).toBe('AlreadyAssignedError');
    expect(result.message).toMatch(/\S/);
  });
});
