import { z } from 'zod';

/** An optional positive whole number of at most `max`. */
function limit(name: string, max: number) {
  return z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(1, `${name} must be at least 1`)
    .max(max, `${name} may be at most ${max}`)
    .optional();
}

/**
 * Everything the server reads from its environment, validated once at start-up.
 * A bad value stops the process with a message that names the variable and what it expects.
 */
/** An origin: scheme, host and optional port, nothing more (no path, no trailing slash). */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce
    .number({ error: 'PORT must be a number' })
    .int('PORT must be a whole number')
    .min(0, 'PORT must be between 0 and 65535')
    .max(65535, 'PORT must be between 0 and 65535')
    .default(4000),
  HOST: z.string().min(1, 'HOST must not be empty').default('localhost'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/.+/, 'DATABASE_URL must be a postgresql:// connection string')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce
    .number({ error: 'DATABASE_POOL_SIZE must be a number' })
    .int('DATABASE_POOL_SIZE must be a whole number')
    .min(1, 'DATABASE_POOL_SIZE must be between 1 and 200')
    .max(200, 'DATABASE_POOL_SIZE must be between 1 and 200')
    .default(20),
  DATA_DIR: z.string().min(1, 'DATA_DIR must not be empty').default('./.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/.+/, 'REDIS_URL must be a redis:// connection string')
    .optional(),
  REDIS_CHANNEL_PREFIX: z.string().max(100).default('volunteer-api:'),
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters').optional(),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce.number().int().min(300).max(90 * 86_400).default(30 * 86_400),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).max(100_000).default(20),
  LOGIN_WINDOW_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  GRAPHQL_INTROSPECTION: z.enum(['true', 'false'], { error: 'GRAPHQL_INTROSPECTION must be true or false' }).optional(),
  PERSISTED_OPERATIONS: z.enum(['off', 'only'], { error: 'PERSISTED_OPERATIONS must be off or only' }).default('off'),
  PERSISTED_OPERATIONS_MANIFEST: z.string().default('test/generated/persisted-documents.json'),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(1024 * 1024),
  // Operation limits; unset means the defaults in src/hardening.ts.
  GRAPHQL_MAX_DEPTH: limit('GRAPHQL_MAX_DEPTH', 1000),
  GRAPHQL_MAX_ALIASES: limit('GRAPHQL_MAX_ALIASES', 10_000),
  GRAPHQL_MAX_TOKENS: limit('GRAPHQL_MAX_TOKENS', 1_000_000),
  GRAPHQL_MAX_DIRECTIVES: limit('GRAPHQL_MAX_DIRECTIVES', 10_000),
  GRAPHQL_MAX_COST: limit('GRAPHQL_MAX_COST', 100_000_000),
  GRAPHQL_MAX_INPUT_DEPTH: limit('GRAPHQL_MAX_INPUT_DEPTH', 1000),
  GRAPHQL_MAX_BATCH: limit('GRAPHQL_MAX_BATCH', 1000),
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000, 'HTTP_REQUEST_TIMEOUT_MS must be at least 1000').max(3_600_000).default(30_000),
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(1000, 'HTTP_HEADERS_TIMEOUT_MS must be at least 1000').max(3_600_000).default(10_000),
  WS_MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(1, 'WS_MAX_CONNECTIONS_PER_IP must be at least 1').max(100_000).default(20),
  WS_MAX_CONNECTIONS: z.coerce.number().int().min(1, 'WS_MAX_CONNECTIONS must be at least 1').max(1_000_000).default(5_000),
  WS_MAX_BUFFERED_BYTES: z.coerce.number().int().min(64 * 1024, 'WS_MAX_BUFFERED_BYTES must be at least 65536').max(1024 * 1024 * 1024).default(8 * 1024 * 1024),
  WS_MAX_OPERATIONS_PER_SECOND: z.coerce.number().int().min(1, 'WS_MAX_OPERATIONS_PER_SECOND must be at least 1').max(100_000).default(20),
  // How long a valid session is remembered in process (ms); 0: look it up on every request.
  SESSION_CACHE_MS: z.coerce.number().int().min(0, 'SESSION_CACHE_MS must not be negative').max(1000, 'SESSION_CACHE_MS may be at most 1000').default(1000),
  // Comma-separated browser origins allowed to call the API cross-site (CORS); none by default.
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((o) => o.trim()).filter(Boolean))
    .refine((origins) => origins.every(isOrigin), {
      error: 'CORS_ORIGINS must be a comma-separated list of origins such as https://dashboard.example.org',
    }),
  EVENT_RETENTION_HOURS: z.coerce
    .number({ error: 'EVENT_RETENTION_HOURS must be a number' })
    .int('EVENT_RETENTION_HOURS must be a whole number')
    .min(1, 'EVENT_RETENTION_HOURS must be at least 1')
    .max(24 * 90, 'EVENT_RETENTION_HOURS may be at most 2160 (90 days)')
    .default(48),
  WS_MAX_SUBSCRIPTIONS: z.coerce
    .number({ error: 'WS_MAX_SUBSCRIPTIONS must be a number' })
    .int()
    .min(1, 'WS_MAX_SUBSCRIPTIONS must be at least 1')
    .max(10_000)
    .default(20),
  WS_GROUP_SUBSCRIPTIONS: z.enum(['true', 'false'], { error: 'WS_GROUP_SUBSCRIPTIONS must be true or false' }).default('true'),
});

export type Config = {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** PostgreSQL connection string; absent means the embedded PGlite database. */
  databaseUrl?: string;
  /** Connections to PostgreSQL at most. */
  databasePoolSize: number;
  /** PGlite data directory, or 'memory' to keep the embedded database in memory. */
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  redisUrl?: string;
  redisChannelPrefix: string;
  /** Most concurrent subscriptions one WebSocket connection may hold. */
  wsMaxSubscriptions: number;
  /** WS_GROUP_SUBSCRIPTIONS: identical live subscriptions share one execution per event. */
  groupSubscriptions: boolean;
  /** WebSocket caps (src/ws-limits.ts). */
  wsLimits: { maxConnectionsPerIp: number; maxConnections: number; maxBufferedBytes: number; maxOperationsPerSecond: number };
  /** Slow-request limits of the HTTP server. */
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  /** JWT_SECRET; absent in development and test, where src/auth/dev-secret.ts makes one. */
  jwtSecret?: string;
  /** How long roster events stay stored for subscribers that resume. */
  eventRetentionHours: number;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  loginLimits: { maxFailures: number; maxFailuresPerIp: number; windowMinutes: number };
  introspection: boolean;
  persistedOperations: { mode: 'off' | 'only'; manifestPath: string };
  maxBodyBytes: number;
  /** Origins allowed cross-site (CORS); empty: CORS is off. */
  corsOrigins: string[];
  /** SESSION_CACHE_MS: how long a valid session is remembered in process (src/auth/session-cache.ts). */
  sessionCacheMs: number;
  /** Operation limits set in the environment; the rest keep their defaults. */
  operationLimits: {
    maxDepth?: number;
    maxAliases?: number;
    maxTokens?: number;
    maxDirectives?: number;
    maxCost?: number;
    maxInputDepth?: number;
    maxBatch?: number;
  };
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the configuration; blank variables count as unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  if (e.NODE_ENV !== 'development' && e.NODE_ENV !== 'test' && !e.JWT_SECRET) {
    throw new ConfigError([`JWT_SECRET: required in ${e.NODE_ENV} (at least 32 random characters)`]);
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    redisUrl: e.REDIS_URL,
    redisChannelPrefix: e.REDIS_CHANNEL_PREFIX,
    wsMaxSubscriptions: e.WS_MAX_SUBSCRIPTIONS,
    groupSubscriptions: e.WS_GROUP_SUBSCRIPTIONS === 'true',
    wsLimits: {
      maxConnectionsPerIp: e.WS_MAX_CONNECTIONS_PER_IP,
      maxConnections: e.WS_MAX_CONNECTIONS,
      maxBufferedBytes: e.WS_MAX_BUFFERED_BYTES,
      maxOperationsPerSecond: e.WS_MAX_OPERATIONS_PER_SECOND,
    },
    requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
    headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
    jwtSecret: e.JWT_SECRET,
    eventRetentionHours: e.EVENT_RETENTION_HOURS,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlSeconds: e.REFRESH_TOKEN_TTL_SECONDS,
    loginLimits: {
      maxFailures: e.LOGIN_MAX_FAILURES,
      maxFailuresPerIp: e.LOGIN_MAX_FAILURES_PER_IP,
      windowMinutes: e.LOGIN_WINDOW_MINUTES,
    },
    introspection: e.GRAPHQL_INTROSPECTION ? e.GRAPHQL_INTROSPECTION === 'true' : e.NODE_ENV !== 'production',
    persistedOperations: { mode: e.PERSISTED_OPERATIONS, manifestPath: e.PERSISTED_OPERATIONS_MANIFEST },
    maxBodyBytes: e.MAX_BODY_BYTES,
    corsOrigins: e.CORS_ORIGINS,
    sessionCacheMs: e.SESSION_CACHE_MS,
    operationLimits: {
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
      maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
      maxCost: e.GRAPHQL_MAX_COST,
      maxInputDepth: e.GRAPHQL_MAX_INPUT_DEPTH,
      maxBatch: e.GRAPHQL_MAX_BATCH,
    },
  };
}
