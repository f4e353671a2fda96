import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs, one object per line. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: 'volunteer-api' } }, destination);
}
