/**
 * Summarises a V8 CPU profile (node --cpu-prof; see BENCH_CPU_PROFILE in bench/index.ts): where
 * the API process spent its time, by package and by function (self time).
 *
 *   npx tsx bench/profile-summary.ts /tmp/prof/CPU.*.cpuprofile
 *   npx tsx bench/profile-summary.ts <profile> --busiest 2   # only the busiest 2 s (e.g. the burst)
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
const { values: options, positionals } = parseArgs({ allowPositionals: true, options: { busiest: { type: 'string' } } });
const profile = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

// Which samples count: all, or those of the window of --busiest seconds with the fewest idle ones.
const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
let from = 0;
let to = profile.samples.length;
if (options.busiest) {
  const span = Number(options.busiest) * 1e6;
  const at: number[] = [];
  profile.timeDeltas.reduce((t, d, i) => (at[i] = t + d), 0);
  let best = -1;
  let busy = 0;
  for (let end = 0, start = 0; end < at.length; end++) {
    if (!idle.has(profile.samples[end]!)) busy++;
    while (at[end]! - at[start]! > span) if (!idle.has(profile.samples[start++]!)) busy--;
    if (busy > best) [best, from, to] = [busy, start, end + 1];
  }
  console.log(`busiest ${options.busiest} s: from ${((at[from]! - at[0]!) / 1e6).toFixed(1)} s into the profile, ${((100 * best) / (to - from)).toFixed(0)}% busy`);
}
const hits = new Map<number, number>();
for (const id of profile.samples.slice(from, to)) hits.set(id, (hits.get(id) ?? 0) + 1);
const total = to - from;

const where = (url: string) => {
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1];
  if (pkg) return pkg;
  if (url.includes('/src/')) return 'src/' + (url.split('/src/')[1]?.split('/')[0] ?? '');
  return url.startsWith('node:') ? 'node (built-ins)' : url ? 'other' : '(native / gc / idle)';
};
const byPackage = new Map<string, number>();
const byFunction = new Map<string, number>();
for (const node of profile.nodes) {
  const n = hits.get(node.id) ?? 0;
  if (!n) continue;
  const pkg = where(node.callFrame.url);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + n);
  const fn = `${node.callFrame.functionName || '(anonymous)'}  ${pkg}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + n);
}
const top = (map: Map<string, number>, k: number) =>
  [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, k).map(([name, n]) => `${((100 * n) / total).toFixed(1).padStart(5)}%  ${name}`);
console.log(`${total} samples\n\nBy package (self time):\n${top(byPackage, 15).join('\n')}\n\nBy function (self time):\n${top(byFunction, 20).join('\n')}`);
