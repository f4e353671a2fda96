/**
 * Summarises a V8 CPU profile (node --cpu-prof; see BENCH_CPU_PROFILE in bench/index.ts): where
 * the API process spent its time, by package and by function (self time).
 *
 *   npx tsx bench/profile-summary.ts /tmp/prof/CPU.*.cpuprofile
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
const profile = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as { nodes: ProfileNode[]; samples: number[] };
const hits = new Map<number, number>();
for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
const total = profile.samples.length;

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
