import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs, one object per line, on stdout. Written synchronously: a line is on its
 * way before the next statement runs, so logs keep their order with everything else the process
 * prints and nothing is lost when it exits.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: 'volunteer-api' } }, destination ?? pino.destination({ dest: 1, sync: true }));
}
