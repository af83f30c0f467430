import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dataPaths, issueEmbeddedToken, loadOrCreateEmbeddedSecret } from '@pks/backend';
import type { HealthResponse, Role } from '@pks/contracts';
import { PKS_BIN } from '../support/server-process.js';
import { sleep } from './stats.js';

/**
 * The real server as the benchmark drives it: `node backend/bin/pks.js start --data DIR --port 0 --no-simulation`
 * in its own process (optionally under `--cpu-prof`), reached only over HTTP and socket.io.
 */
export interface BenchServer {
  url: string;
  dataDir: string;
  child: ChildProcess;
  pid: number;
  output(): string;
  health(): Promise<HealthResponse>;
  token(role: Role, scope?: { sub?: string; units?: string[]; pools?: string[]; departments?: string[] }): Promise<string>;
  /** stops with SIGTERM (the server writes its snapshot, and its CPU profile when profiled) */
  stop(): Promise<void>;
  kill(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** a directory for `--cpu-prof` output; none = not profiled */
  cpuProfileDir?: string;
  timeoutMs?: number;
}

export async function startBenchServer(dataDir: string, options: StartOptions = {}): Promise<BenchServer> {
  const nodeArgs = options.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir] : [];
  const child = spawn(process.execPath, [...nodeArgs, PKS_BIN, 'start', '--data', dataDir, '--port', '0', '--no-simulation'], {
    env: { ...process.env, PKS_LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in time:\n${output}`)), options.timeoutMs ?? 120_000);
    const check = () => {
      const m = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stderr!.on('data', check);
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${String(code)}) before listening:\n${output}`));
    });
  });
  const secret = loadOrCreateEmbeddedSecret(dataPaths(dataDir).secret);
  return {
    url,
    dataDir,
    child,
    pid: child.pid!,
    output: () => output,
    health: () => fetchHealth(url),
    token: (role, scope = {}) => issueEmbeddedToken(secret, { sub: scope.sub ?? `bench-${role}`, role, ...scope, expiresIn: '12h' }),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

export async function fetchHealth(url: string): Promise<HealthResponse> {
  const response = await fetch(`${url}/api/v1/health`, { signal: AbortSignal.timeout(10_000) });
  return (await response.json()) as HealthResponse;
}

/** The position every projection has reached (the minimum). */
export const projectedPosition = (health: HealthResponse) => health.projections.reduce((min, p) => Math.min(min, p.position), Number.POSITIVE_INFINITY);

/** Polls health until every projection has folded in `position` (or the store head when not given). */
export async function waitForProjections(url: string, position?: number, options: { timeoutMs?: number; pollMs?: number } = {}): Promise<HealthResponse> {
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  for (;;) {
    const health = await fetchHealth(url);
    const target = position ?? health.store.position;
    if (projectedPosition(health) >= target && (position !== undefined || !health.catchingUp)) return health;
    if (Date.now() > deadline) throw new Error(`projections did not reach position ${target} in time (at ${projectedPosition(health)})`);
    await sleep(options.pollMs ?? 20);
  }
}

/** Resident set size (and its peak) of a process, bytes, from /proc (Linux). */
export function processMemory(pid: number): { rss: number; peakRss: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kb('VmRSS'), peakRss: kb('VmHWM') };
}

/** A compiled helper of the harness next to this module (children run the built JavaScript, also under vitest). */
export function benchScript(name: string): string {
  const here = fileURLToPath(import.meta.url);
  const dir = here.endsWith('.ts') ? here.replace(/[/\\]src[/\\]bench[/\\][^/\\]+$/, '/dist/bench/') : here.replace(/[^/\\]+$/, '');
  return `${dir}${name}`;
}
