/**
 * The benchmark's floor for `{ __typename }`: a bare graphql-yoga on node:http with a one-field
 * schema — no plugins, no authentication, no database. Run as a child process by bench/index.ts.
 */
import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';

const yoga = createYoga({
  schema: createSchema({ typeDefs: 'type Query { ok: Boolean }', resolvers: { Query: { ok: () => true } } }),
  logging: false,
  graphiql: false,
});
const server = createServer(yoga);
server.listen(0, '127.0.0.1', () => {
  console.log(`bare yoga ready: http://127.0.0.1:${(server.address() as { port: number }).port}/graphql`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
