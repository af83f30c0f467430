import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where a V8 CPU profile (`node --cpu-prof`) spent its self time: top functions and packages. */
export interface ProfileSummary {
  file: string;
  totalMs: number;
  functions: { name: string; where: string; package: string; selfMs: number; share: number }[];
  packages: { package: string; selfMs: number; share: number }[];
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** node_modules/<pkg> (or @scope/pkg), the workspace package of a dist file, node internals, or V8's own entries. */
export function packageOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node (internals)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  const ws = /\/(contracts|projections|backend|tests|frontend)\/(?:dist|src)\//.exec(url);
  if (ws) return `@pks/${ws[1]}`;
  return url.replace(/^file:\/\//, '');
}

export function summariseCpuProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  if (profile.samples && profile.timeDeltas) {
    for (let i = 0; i < profile.samples.length; i++) {
      const delta = profile.timeDeltas[i + 1] ?? 0;
      selfUs.set(profile.samples[i]!, (selfUs.get(profile.samples[i]!) ?? 0) + Math.max(0, delta));
    }
  } else {
    const interval = (profile.endTime - profile.startTime) / Math.max(1, profile.nodes.reduce((n, x) => n + (x.hitCount ?? 0), 0));
    for (const n of profile.nodes) selfUs.set(n.id, (n.hitCount ?? 0) * interval);
  }
  const functions = new Map<string, { name: string; where: string; package: string; us: number }>();
  const packages = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    total += us;
    const name = functionName || '(anonymous)';
    const where = url ? `${url.replace(/^file:\/\//, '').replace(/^.*?\/(node_modules\/|contracts\/|projections\/|backend\/|tests\/)/, '$1')}:${lineNumber + 1}` : '';
    const pkg = packageOf(url, name);
    const key = `${name}@${where}`;
    const entry = functions.get(key) ?? { name, where, package: pkg, us: 0 };
    entry.us += us;
    functions.set(key, entry);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
  }
  const ms = (us: number) => Math.round(us / 100) / 10;
  return {
    file,
    totalMs: ms(total),
    functions: [...functions.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, package: f.package, selfMs: ms(f.us), share: f.us / total })),
    packages: [...packages.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([pkg, us]) => ({ package: pkg, selfMs: ms(us), share: us / total })),
  };
}

/** Summaries of every .cpuprofile in a directory. */
export function summariseProfiles(dir: string, top = 15): ProfileSummary[] {
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  } catch {
    return [];
  }
  return files.map((f) => summariseCpuProfile(join(dir, f), top));
}

export function formatProfile(label: string, summary: ProfileSummary, lines = 12): string {
  const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)} %`;
  return [
    `${label}: ${summary.file} (${(summary.totalMs / 1000).toFixed(1)} s of samples, idle excluded)`,
    '  by package:  ' + summary.packages.slice(0, 8).map((p) => `${p.package} ${(p.share * 100).toFixed(1)} %`).join(', '),
    ...summary.functions.slice(0, lines).map((f) => `  ${pct(f.share)}  ${f.name}  ${f.where}`),
  ].join('\n');
}
