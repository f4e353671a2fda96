import { z } from 'zod';

/**
 * Everything the server reads from its environment, validated once at start-up.
 * A bad value stops the process with a message that names the variable and what it expects.
 */
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
  DATA_DIR: z.string().min(1, 'DATA_DIR must not be empty').default('./.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/.+/, 'REDIS_URL must be a redis:// connection string')
    .optional(),
  REDIS_CHANNEL_PREFIX: z.string().max(100).default('volunteer-api:'),
  WS_MAX_SUBSCRIPTIONS: z.coerce
    .number({ error: 'WS_MAX_SUBSCRIPTIONS must be a number' })
    .int()
    .min(1, 'WS_MAX_SUBSCRIPTIONS must be at least 1')
    .max(10_000)
    .default(20),
});

export type Config = {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** PostgreSQL connection string; absent means the embedded PGlite database. */
  databaseUrl?: string;
  /** PGlite data directory, or 'memory' to keep the embedded database in memory. */
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  redisUrl?: string;
  redisChannelPrefix: string;
  /** Most concurrent subscriptions one WebSocket connection may hold. */
  wsMaxSubscriptions: number;
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
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    redisUrl: e.REDIS_URL,
    redisChannelPrefix: e.REDIS_CHANNEL_PREFIX,
    wsMaxSubscriptions: e.WS_MAX_SUBSCRIPTIONS,
  };
}
