import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { addWeeks, isoWeekOf } from '@pks/projections';
import { PKS_BIN } from '../support/server-process.js';
import { benchScript, processMemory, startBenchServer, waitForProjections, type BenchServer } from './bench-server.js';
import type { HistoryFacts } from './history.js';
import { addDaysUtc } from './history.js';
import { clockMs, percentiles, sleep, type Percentiles } from './stats.js';

/** Runs a command to its end and returns stdout (throws with stderr when it fails). */
async function run(args: string[], nodeArgs: string[] = []): Promise<{ stdout: string; seconds: number }> {
  const started = clockMs();
  const child = spawn(process.execPath, [...nodeArgs, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? -1)));
  if (code !== 0) throw new Error(`${args.join(' ')} failed (${code}):\n${stderr.slice(-3000)}`);
  return { stdout, seconds: (clockMs() - started) / 1000 };
}

/** `pks rebuild` once, untimed: the snapshot a server loads at start. */
export async function makeSnapshot(dataDir: string): Promise<void> {
  await run([PKS_BIN, 'rebuild', '--data', dataDir]);
}

export interface RebuildRepeat {
  /** `pks rebuild` (the CLI): replay into every projection and save the snapshot, as it reports */
  cliPerSecond: number;
  cliSeconds: number;
  /** rebuildProjections in a fresh process, no snapshot saved */
  replayPerSecond: number;
  replaySeconds: number;
  /** the baseline: readAll + JSON.parse of the same events in a fresh process, nothing applied */
  decodePerSecond: number;
  decodeSeconds: number;
  replayRss: number;
  events: number;
}

/** Rebuild: `pks rebuild`, a pure replay and the decode-only baseline, each in its own process, per repeat. */
export async function rebuildBench(dataDir: string, repeats: number, options: { cpuProfileDir?: string; log: (line: string) => void }): Promise<RebuildRepeat[]> {
  const out: RebuildRepeat[] = [];
  const worker = benchScript('replay-worker.js');
  for (let r = 0; r < repeats; r++) {
    const decode = JSON.parse((await run([worker, 'decode', dataDir])).stdout) as { events: number; seconds: number; perSecond: number };
    const replay = JSON.parse((await run([worker, 'replay', dataDir])).stdout) as { events: number; seconds: number; perSecond: number; rss: number };
    const cli = await run([PKS_BIN, 'rebuild', '--data', dataDir]);
    const m = /from (\d+) events to position \d+ in ([\d.]+) s \((\d+) events\/s\)/.exec(cli.stdout);
    if (!m) throw new Error(`pks rebuild said: ${cli.stdout}`);
    const repeat: RebuildRepeat = {
      cliPerSecond: Number(m[3]),
      cliSeconds: Number(m[2]),
      replayPerSecond: replay.perSecond,
      replaySeconds: replay.seconds,
      decodePerSecond: decode.perSecond,
      decodeSeconds: decode.seconds,
      replayRss: replay.rss,
      events: replay.events,
    };
    if (decode.events !== replay.events || Number(m[1]) !== replay.events) throw new Error(`rebuild: event counts differ (${decode.events}, ${replay.events}, ${m[1]})`);
    options.log(
      `rebuild repeat ${r + 1}/${repeats}: pks rebuild ${Math.round(repeat.cliPerSecond)} events/s, replay ${Math.round(repeat.replayPerSecond)} events/s, decode-only ${Math.round(repeat.decodePerSecond)} events/s (${repeat.events} events)`,
    );
    out.push(repeat);
  }
  if (options.cpuProfileDir) {
    mkdirSync(options.cpuProfileDir, { recursive: true });
    await run([worker, 'replay', dataDir], ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir]);
  }
  return out;
}

export interface MemoryPoint {
  events: number;
  rss: number;
  peakRss: number;
  heapUsed: number | null;
  /** seconds from spawning the server until its projections were at the store's head (snapshot load included) */
  catchUpSeconds: number;
}

/**
 * Starts the server on a store with its snapshot (written by `pks rebuild`: a server started on a large store
 * without one does not come up, see the notes), waits until the projections are at the head and settles, reads RSS.
 */
export async function memoryPoint(dataDir: string, options: { settleMs?: number; keep?: boolean; cpuProfileDir?: string } = {}): Promise<{ point: MemoryPoint; server: BenchServer | null }> {
  const started = clockMs();
  const server = await startBenchServer(dataDir, { timeoutMs: 30 * 60_000, ...(options.cpuProfileDir && { cpuProfileDir: options.cpuProfileDir }), env: { PKS_SNAPSHOT_EVERY_EVENTS: '1000000000', PKS_SNAPSHOT_EVERY_MS: '3600000' } });
  try {
    let health = await waitForProjections(server.url, undefined, { pollMs: 250 });
    const catchUpSeconds = (clockMs() - started) / 1000;
    // the alert engine sweeps once caught up and appends its own events: wait until the log stands still
    const settleUntil = clockMs() + 180_000;
    for (let stableSince = clockMs(), head = health.store.position; clockMs() < settleUntil; ) {
      await sleep(500);
      health = await waitForProjections(server.url, undefined, { pollMs: 250 });
      if (health.store.position !== head) {
        head = health.store.position;
        stableSince = clockMs();
      } else if (clockMs() - stableSince >= (options.settleMs ?? 3000)) break;
    }
    const memory = processMemory(server.pid);
    const heapUsed = await metricValue(server, 'nodejs_heap_size_used_bytes');
    const point: MemoryPoint = { events: health.store.position, rss: memory.rss, peakRss: memory.peakRss, heapUsed, catchUpSeconds };
    if (options.keep) return { point, server };
    await server.kill();
    return { point, server: null };
  } catch (error) {
    await server.kill();
    throw error;
  }
}

async function metricValue(server: BenchServer, name: string): Promise<number | null> {
  try {
    const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${await server.token('admin')}` } });
    const text = await response.text();
    const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([\\d.e+]+)`, 'm').exec(text);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

export interface QueryRepeat {
  gapList: Percentiles;
  scheduleVsPlan: Percentiles;
  /** the baseline: GET /api/v1/health */
  health: Percentiles;
  /** the same requests, each kind in a run of its own (nothing else in between) */
  alone: { gapList: Percentiles; scheduleVsPlan: Percentiles; health: Percentiles };
  /** wall seconds of the repeat */
  seconds: number;
}

export interface QueryTargets {
  departmentId: string;
  units: number;
  week: string;
  gapListPath: string;
  scheduleVsPlanPath: string;
  gapListBytes: number;
  scheduleVsPlanBytes: number;
}

/** The department with the most units, the last full week of the slice, and the two department queries. */
export function queryTargets(facts: HistoryFacts, from: string, days: number): Omit<QueryTargets, 'gapListBytes' | 'scheduleVsPlanBytes'> {
  const counts = new Map<string, number>();
  for (const u of facts.units) counts.set(u.departmentId, (counts.get(u.departmentId) ?? 0) + 1);
  const [departmentId, units] = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]!;
  const week = isoWeekOf(addDaysUtc(from, Math.max(0, days - 7)));
  return {
    departmentId,
    units,
    week,
    gapListPath: `/api/v1/gap-list?departmentId=${encodeURIComponent(departmentId)}&week=${week}`,
    scheduleVsPlanPath: `/api/v1/schedule-vs-plan?departmentId=${encodeURIComponent(departmentId)}&from=${addWeeks(week, -12)}&to=${addWeeks(week, 12)}`,
  };
}

async function timedGet(url: string, token: string | null): Promise<{ ms: number; bytes: number }> {
  const started = clockMs();
  const response = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  const body = await response.arrayBuffer();
  const ms = clockMs() - started;
  if (response.status >= 400 && response.status !== 503) throw new Error(`GET ${url} answered ${response.status}: ${Buffer.from(body).toString().slice(0, 500)}`);
  return { ms, bytes: body.byteLength };
}

/**
 * Query latency over HTTP, one request at a time (keep-alive): first the three requests taking turns (mixed traffic;
 * noise hits them alike): the department's gap list for one week, its schedule vs plan, and GET /api/v1/health (the
 * baseline); then each kind in a run of its own.
 */
export async function queryBench(server: { url: string; token: BenchServer['token'] }, targets: Omit<QueryTargets, 'gapListBytes' | 'scheduleVsPlanBytes'>, options: { requests: number; warmup: number; repeats: number; log: (line: string) => void }): Promise<{ targets: QueryTargets; repeats: QueryRepeat[] }> {
  const token = await server.token('tactical', { sub: 'bench-tactical', departments: [targets.departmentId] });
  const gap = `${server.url}${targets.gapListPath}`;
  const svp = `${server.url}${targets.scheduleVsPlanPath}`;
  const health = `${server.url}/api/v1/health`;
  let gapListBytes = 0;
  let scheduleVsPlanBytes = 0;
  for (let i = 0; i < options.warmup; i++) {
    gapListBytes = (await timedGet(gap, token)).bytes;
    scheduleVsPlanBytes = (await timedGet(svp, token)).bytes;
    await timedGet(health, null);
  }
  const repeats: QueryRepeat[] = [];
  for (let r = 0; r < options.repeats; r++) {
    const g: number[] = [];
    const s: number[] = [];
    const h: number[] = [];
    const started = clockMs();
    for (let i = 0; i < options.requests; i++) {
      g.push((await timedGet(gap, token)).ms);
      s.push((await timedGet(svp, token)).ms);
      h.push((await timedGet(health, null)).ms);
    }
    const alone = async (url: string, auth: string | null) => {
      const times: number[] = [];
      for (let i = 0; i < options.requests; i++) times.push((await timedGet(url, auth)).ms);
      return percentiles(times);
    };
    const gapAlone = await alone(gap, token);
    const svpAlone = await alone(svp, token);
    const healthAlone = await alone(health, null);
    const seconds = (clockMs() - started) / 1000;
    const repeat: QueryRepeat = { gapList: percentiles(g), scheduleVsPlan: percentiles(s), health: percentiles(h), alone: { gapList: gapAlone, scheduleVsPlan: svpAlone, health: healthAlone }, seconds };
    options.log(
      `query repeat ${r + 1}/${options.repeats}: p99 gap-list ${repeat.gapList.p99.toFixed(1)} ms, schedule-vs-plan ${repeat.scheduleVsPlan.p99.toFixed(1)} ms, health ${repeat.health.p99.toFixed(2)} ms (${options.requests} each, p50 ${repeat.gapList.p50.toFixed(1)}, ${repeat.scheduleVsPlan.p50.toFixed(1)}, ${repeat.health.p50.toFixed(2)} ms); ` +
        `each kind alone: p99 ${gapAlone.p99.toFixed(1)}, ${svpAlone.p99.toFixed(1)}, ${healthAlone.p99.toFixed(2)} ms`,
    );
    repeats.push(repeat);
  }
  return { targets: { ...targets, gapListBytes, scheduleVsPlanBytes }, repeats };
}
