/**
 * BENCH_TRACE=1 prints where a bench run spends its time: each step's start, in seconds since the
 * bench process began, on stderr (the table on stdout stays as it is).
 */
const on = Boolean(process.env.BENCH_TRACE);

export function trace(step: string): void {
  if (on) console.error(`  [${(performance.now() / 1000).toFixed(1).padStart(5)} s] ${step}`);
}
