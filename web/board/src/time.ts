/*
 * Asia/Shanghai wall-clock helpers (UTC+8 all year, no daylight saving), and the server's "now":
 * the board takes time from the server's snapshots (DutyBoard.generatedAt), never from the
 * screen's own clock, so "today" and the now-line follow the server's rules.
 */

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** The server's time minus this screen's, learnt from each snapshot. */
let serverOffsetMs = 0;

export function learnServerTime(iso: string): void {
  serverOffsetMs = Date.parse(iso) - Date.now();
}

export const serverNow = (): number => Date.now() + serverOffsetMs;

/** 'YYYY-MM-DD' of the Shanghai day containing an instant. */
export const shanghaiDate = (ms: number): string => new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);

/** Start of a Shanghai day ('YYYY-MM-DD') as epoch milliseconds. */
export const dayStart = (ymd: string): number => Date.parse(`${ymd}T00:00:00+08:00`);

/** 'HH:MM' in Shanghai. */
export const hhmm = (value: string | number): string =>
  new Date((typeof value === 'string' ? Date.parse(value) : value) + SHANGHAI_OFFSET_MS).toISOString().slice(11, 16);

/** 'HH:MM:SS' in Shanghai. */
export const hhmmss = (value: number): string => new Date(value + SHANGHAI_OFFSET_MS).toISOString().slice(11, 19);
