import { createServer as createNetServer } from 'node:net';
import { developmentSecret } from './auth/dev-secret.js';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/index.js';
import { migrate } from './db/migrate.js';
import { createLogger } from './logger.js';
import { createEventBus } from './events/topics.js';
import { DEMO_ACCOUNTS, seedIfEmpty } from './seed/index.js';
import { startServer } from './server.js';
import { backfillNameSearch } from './volunteers/search.js';

/** `npm start`: migrate, seed demo data on first start, serve, and shut down gracefully. */
async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  // Before migrating and seeding: a taken port should stop the start at once.
  const portProblem = await portInUse(config.port, config.host);
  if (portProblem) {
    console.error(portProblem);
    process.exit(1);
  }
  const db = await openDatabase({ databaseUrl: config.databaseUrl, poolSize: config.databasePoolSize, dataDir: config.dataDir });
  const applied = await migrate(db.sql);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  const seeded = await seedIfEmpty(db.prisma);
  if (seeded) logger.info(seeded, 'demo data seeded');
  const backfilled = await backfillNameSearch(db.prisma);
  if (backfilled) logger.info({ volunteers: backfilled }, 'pinyin search columns filled');

  // Without JWT_SECRET (development and test only): a random secret kept in DATA_DIR.
  let jwtSecret = config.jwtSecret;
  if (!jwtSecret) {
    const generated = developmentSecret(config.dataDir);
    jwtSecret = generated.secret;
    if (generated.created) logger.info({ dataDir: config.dataDir }, 'generated a development JWT secret');
  }
  const pubsub = createEventBus({ redisUrl: config.redisUrl, channelPrefix: config.redisChannelPrefix, logger });
  const server = await startServer({
      db,
      logger,
      env: config.env,
      pubsub,
      wsMaxSubscriptions: config.wsMaxSubscriptions,
      groupSubscriptions: config.groupSubscriptions,
      wsLimits: config.wsLimits,
      requestTimeoutMs: config.requestTimeoutMs,
      headersTimeoutMs: config.headersTimeoutMs,
      events: { retentionHours: config.eventRetentionHours },
      tokens: {
        secret: new TextEncoder().encode(jwtSecret),
        accessTokenTtlSeconds: config.accessTokenTtlSeconds,
        refreshTokenTtlSeconds: config.refreshTokenTtlSeconds,
      },
      loginLimits: config.loginLimits,
      introspection: config.introspection,
      operationLimits: config.operationLimits,
      maxBodyBytes: config.maxBodyBytes,
      persistedOperations: config.persistedOperations,
      corsOrigins: config.corsOrigins,
      sessionCacheMs: config.sessionCacheMs,
    }, { port: config.port, host: config.host });
  logger.info(
    { url: server.url, database: db.kind === 'pglite' ? `pglite:${config.dataDir}` : 'postgresql', events: pubsub.transport },
    'server listening',
  );
  // The one line people look for; printed plainly on stdout as well.
  console.log(`\n  Volunteer service API ready: ${server.url}  (open it in a browser for GraphiQL)`);
  console.log(`  Live duty board: ${server.url.replace(/\/graphql$/, '/board')}\n`);
  if (config.env === 'development') await printDemoAccounts(db);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    await server.close();
    await pubsub.close();
    await db.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

/** A message when host:port cannot be listened on (taken, or not allowed); null when it is free. */
function portInUse(port: number, host: string): Promise<string | null> {
  if (port === 0) return Promise.resolve(null);
  return new Promise((resolve) => {
    const probe = createNetServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      resolve(
        error.code === 'EADDRINUSE'
          ? `PORT ${port} on ${host} is already in use; stop what is listening there or set PORT to another port.`
          : `Cannot listen on ${host}:${port} (${error.code ?? error.message}); check PORT and HOST.`,
      ),
    );
    probe.listen(port, host, () => probe.close(() => resolve(null)));
  });
}

/** In development, lists the demo logins that exist in this database (never in production). */
async function printDemoAccounts(db: Awaited<ReturnType<typeof openDatabase>>) {
  const present = new Set(
    (await db.prisma.account.findMany({ where: { phone: { in: DEMO_ACCOUNTS.map((a) => a.phone) } }, select: { phone: true } })).map(
      (a) => a.phone,
    ),
  );
  const accounts = DEMO_ACCOUNTS.filter((a) => present.has(a.phone));
  if (!accounts.length) return;
  console.log('  Demo logins (development only) — use them with the Login example in GraphiQL:');
  for (const a of accounts) console.log(`    ${a.role.padEnd(13)} ${a.phone}  ${a.password.padEnd(20)} ${a.who}`);
  console.log('  Then set the Headers tab to {"Authorization": "Bearer <accessToken>"}.\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
