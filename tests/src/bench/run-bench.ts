import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { issueEmbeddedToken } from '@pks/backend';
import { isoWeekOf } from '@pks/projections';
import type { BenchOptions } from './bench-options.js';
import { startBenchServer } from './bench-server.js';
import { formatProfile, summariseProfiles, type ProfileSummary } from './cpu-profile.js';
import { addDaysUtc, factsOf, factsOfFile, preparedStore, readNdjson, simulatedHistory, type History } from './history.js';
import { ingestRun, type IngestRun } from './ingest-bench.js';
import { latencyBench, type LatencyResult, type LatencyTarget } from './latency-bench.js';
import { spread, type Spread } from './stats.js';
import { startMultiNodeTopology, type MultiNodeTopology } from '../support/multi-node.js';
import { makeSnapshot, memoryPoint, queryBench, queryTargets, rebuildBench, type MemoryPoint, type QueryRepeat, type QueryTargets, type RebuildRepeat } from './store-bench.js';

/** One line of the results table: a figure, its same-run baseline, the ratio figure ÷ baseline, over repeats. */
export interface Figure {
  measurement: string;
  figure: string;
  unit: string;
  value: Spread;
  baselineLabel: string;
  baseline: Spread;
  /** figure ÷ baseline per repeat */
  ratio: Spread;
  target: string;
  /** null when the figure has no target */
  targetMet: boolean | null;
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  machine: { cpus: number; cpuModel: string; totalMemoryBytes: number; node: string; loadAverageBefore: number[]; loadAverageAfter: number[] };
  options: BenchOptions;
  histories: Record<string, Omit<History, 'path'> & { path: string }>;
  figures: Figure[];
  ingest?: { runs: IngestRun[] };
  latency?: LatencyResult;
  rebuild?: { events: number; importSeconds: number | null; repeats: RebuildRepeat[] };
  memory?: { full: MemoryPoint[]; half: MemoryPoint | null; empty: MemoryPoint[]; days: number; halfDays: number; yearRss: number; method: string };
  query?: { targets: QueryTargets; repeats: QueryRepeat[] };
  profiles?: Record<string, ProfileSummary[]>;
  notes: string[];
}

const ratios = (a: number[], b: number[]) => a.map((x, i) => x / b[i]!);

/** Runs the selected measurements and returns (and writes) the results. */
export async function runBench(options: BenchOptions, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<BenchResults> {
  const startedAt = new Date().toISOString();
  const loadAverageBefore = loadavg();
  if (options.workDir !== null) mkdirSync(options.workDir, { recursive: true });
  const work = mkdtempSync(join(options.workDir ?? tmpdir(), 'pks-bench-'));
  const profileRoot = options.profile ? join(dirname(options.json), `profiles-${startedAt.replace(/[:.]/g, '-')}`) : null;
  const profileDir = (name: string) => (profileRoot ? join(profileRoot, name) : undefined);
  const selected = new Set(options.only);
  const figures: Figure[] = [];
  const notes: string[] = [];
  const results: Partial<BenchResults> = { histories: {} };
  try {
    const needsMain = selected.has('ingest') || selected.has('rebuild') || selected.has('memory') || selected.has('query');
    const main = needsMain ? await simulatedHistory({ scale: options.scale, seed: options.seed, from: options.from, days: options.days }, options.cacheDir, log) : null;
    if (main) {
      results.histories!.main = main;
      log(`history: ${main.events} events (${main.scale}, ${main.from} + ${main.days} days, ${(main.bytes / 1048576).toFixed(0)} MB${main.cached ? ', cached' : `, generated in ${main.generatedSeconds.toFixed(0)} s`})`);
    }

    // 1. ingest
    if (selected.has('ingest') && main) {
      const lines = await readNdjson(main.path, options.ingestEvents);
      const runs: IngestRun[] = [];
      for (let r = 0; r < options.repeats; r++) {
        const dir = r === 0 ? profileDir('ingest-server') : undefined;
        const run = await ingestRun({ lines, batchSize: options.batchSize, clients: options.ingestClients, workDir: work, log, ...(dir && { cpuProfileDir: dir }) });
        log(
          `ingest repeat ${r + 1}/${options.repeats}: ${Math.round(run.acknowledgedPerSecond)} events/s acknowledged, ${Math.round(run.projectedPerSecond)} projected; raw SQLite inserts ${Math.round(run.rawInsertPerSecond)} events/s (${run.events} events; the server appended ${run.serverAppended} of its own meanwhile)`,
        );
        runs.push(run);
      }
      results.ingest = { runs };
      const raw = runs.map((r) => r.rawInsertPerSecond);
      for (const [figure, values] of [
        ['acknowledged (POST /api/v1/events)', runs.map((r) => r.acknowledgedPerSecond)],
        ['projected (all projections caught up)', runs.map((r) => r.projectedPerSecond)],
      ] as const) {
        const ratio = spread(ratios([...values], raw));
        figures.push({ measurement: 'ingest', figure, unit: 'events/s', value: spread([...values]), baselineLabel: 'raw SQLite inserts, same rows/durability/batch', baseline: spread(raw), ratio, target: '≥ 30 % of baseline', targetMet: ratio.median >= 0.3 });
      }
    }

    // 2. latency
    if (selected.has('latency')) {
      const history = await simulatedHistory({ scale: options.latencyScale, seed: options.seed, from: options.from, days: options.latencyDays }, options.cacheDir, log);
      results.histories!.latency = history;
      const setupLines = await readNdjson(history.path);
      const facts = factsOf(setupLines);
      const week = isoWeekOf(options.from);
      let server: Awaited<ReturnType<typeof startBenchServer>> | null = null;
      let topology: MultiNodeTopology | null = null;
      let target: LatencyTarget;
      if (options.topology > 0) {
        log(`starting ${options.topology} API nodes and a projection node on PostgreSQL + NATS …`);
        const dir = profileDir('latency-topology');
        // snapshots at the production default (every 60 s); the multi-node test takes one every 2 s so that its standby
        // starts near the head, and each one stalls the projection node while it copies the whole state
        topology = await startMultiNodeTopology({
          apiNodes: options.topology,
          projectionNodes: 1,
          label: 'bench',
          env: { PKS_SNAPSHOT_EVERY_MS: '60000' },
          ...(dir && { cpuProfileDir: dir }),
        });
        const t = topology;
        target = {
          urls: t.api.map((n) => n.url),
          ingestToken: await t.token('integration', { sub: 'bench-sender' }),
          clientToken: (unitId) => t.token('manager', { sub: `bench-manager-${unitId}`, units: [unitId] }),
          description: `${options.topology} × pks serve + pks project (PostgreSQL ${t.schema}, NATS ${t.subjectPrefix})`,
        };
      } else if (options.nodes.length > 0) {
        const secret = options.secretFile ? new TextEncoder().encode(readFileSync(options.secretFile, 'utf8').trim()) : null;
        const ingestToken = options.token ?? (await issueEmbeddedToken(secret!, { sub: 'bench-sender', role: 'integration', expiresIn: '12h' }));
        target = {
          urls: options.nodes,
          ingestToken,
          clientToken: async (unitId) => options.clientToken ?? issueEmbeddedToken(secret!, { sub: `bench-manager-${unitId}`, role: 'manager', units: [unitId], expiresIn: '12h' }),
          description: `running nodes ${options.nodes.join(', ')}`,
        };
      } else {
        const dir = profileDir('latency-server');
        server = await startBenchServer(mkdtempSync(join(work, 'latency-')), dir ? { cpuProfileDir: dir } : {});
        const s = server;
        target = {
          urls: [s.url],
          ingestToken: await s.token('integration', { sub: 'bench-sender' }),
          clientToken: (unitId) => s.token('manager', { sub: `bench-manager-${unitId}`, units: [unitId] }),
          description: `pks start (${s.url}, SQLite, in-process bus)`,
          pid: s.pid,
        };
      }
      try {
        const latency = await latencyBench({
          target,
          setupLines,
          facts,
          week,
          clients: options.clients,
          processes: options.processes,
          rate: options.rate,
          tickMs: options.tickMs,
          warmupMs: options.warmupSeconds * 1000,
          durationMs: options.durationSeconds * 1000,
          repeats: options.repeats,
          log,
        });
        results.latency = latency;
        const rs = latency.repeats;
        for (const p of ['p50', 'p95', 'p99'] as const) {
          // from the moment the source sends the event (an upper bound of durable → screen: it includes the append and
          // its fsync); "ack → client" is often negative (the push arrives before the POST's answer), so it is a note
          const value = rs.map((r) => r.fromSend[p]);
          const base = rs.map((r) => r.echo[p]);
          const v = spread(value);
          figures.push({
            measurement: 'event-to-screen latency',
            figure: `${p} event sent → client (${options.clients} clients, ${options.rate} events/s)`,
            unit: 'ms',
            value: v,
            baselineLabel: `socket.io echo round trip ${p}`,
            baseline: spread(base),
            ratio: spread(ratios(value, base)),
            target: p === 'p99' ? '≤ 50 ms' : '',
            targetMet: p === 'p99' ? v.median <= 50 : null,
          });
        }
        const pp = (x: { p50: number; p99: number }) => `${x.p50.toFixed(1)}/${x.p99.toFixed(1)}`;
        for (const [i, r] of rs.entries()) {
          notes.push(
            `latency repeat ${i + 1} parts p50/p99 ms: request sent → server applied ${pp(r.sendToApplied)}, applied → emitted (incl. 25 ms coalescing) ${pp(r.appliedToEmitted)}, emitted → client ${pp(r.emittedToReceived)}; ` +
              `from the POST's ack ${pp(r.fromAck)}; POST round trip ${pp(r.ackRoundTrip)}; sender lag ${pp(r.senderLag)} (${r.senderStalls} stalls at 16 in flight); ` +
              `${Math.round(r.updatesPerSecond)} updates/s to clients; CPU cores used: server ${r.serverCpu === null ? 'n/a' : r.serverCpu.toFixed(2)}, client processes ${r.clientCpu.toFixed(2)}`,
          );
        }
        const coverage = rs.map((r) => r.matched / Math.max(1, r.expected));
        notes.push(`latency: ${rs.map((r) => `${r.matched}/${r.expected}`).join(', ')} (client, event) deliveries matched per repeat (${coverage.map((c) => (c * 100).toFixed(1) + ' %').join(', ')}); resyncs ${rs.map((r) => r.resyncs).join(', ')}; chain breaks ${rs.map((r) => r.chainBreaks).join(', ')}; achieved rate ${rs.map((r) => Math.round(r.achievedRate)).join(', ')} events/s`);
      } finally {
        await server?.stop();
        await topology?.close();
      }
    }

    // 3–5. the medium history in a store: rebuild, then memory and query on a server that loads the rebuilt snapshot
    if (main && (selected.has('rebuild') || selected.has('memory') || selected.has('query'))) {
      const prepared = await preparedStore(main, work, { log });
      const storeDir = prepared.dataDir;
      const facts = await factsOfFile(main.path);

      if (selected.has('rebuild')) {
        const dir = profileDir('rebuild-replay');
        const repeats = await rebuildBench(storeDir, options.repeats, { log, ...(dir && { cpuProfileDir: dir }) });
        results.rebuild = { events: prepared.events, importSeconds: prepared.importSeconds, repeats };
        const decode = repeats.map((r) => r.decodePerSecond);
        for (const [figure, values] of [
          [`pks rebuild (${main.scale} ${options.days} days, ${prepared.events} events, incl. snapshot save)`, repeats.map((r) => r.cliPerSecond)],
          ['replay into all projections (no snapshot)', repeats.map((r) => r.replayPerSecond)],
        ] as const) {
          const v = spread([...values]);
          figures.push({ measurement: 'rebuild', figure, unit: 'events/s', value: v, baselineLabel: 'readAll + JSON.parse only (decode, nothing applied)', baseline: spread(decode), ratio: spread(ratios([...values], decode)), target: '≥ 200,000 events/s', targetMet: v.median >= 200_000 });
        }
      } else {
        await makeSnapshot(storeDir);
      }

      if (selected.has('memory') || selected.has('query')) {
        const full: MemoryPoint[] = [];
        const empty: MemoryPoint[] = [];
        const memoryRepeats = selected.has('memory') ? options.repeats : 1;
        let keptServer: Awaited<ReturnType<typeof memoryPoint>>['server'] = null;
        for (let r = 0; r < memoryRepeats; r++) {
          if (selected.has('memory')) {
            const emptyDir = mkdtempSync(join(work, 'empty-'));
            empty.push((await memoryPoint(emptyDir)).point);
            rmSync(emptyDir, { recursive: true, force: true });
          }
          const last = r === memoryRepeats - 1;
          const { point, server } = await memoryPoint(storeDir, { keep: last && selected.has('query') && !options.profile });
          full.push(point);
          keptServer = server;
          log(`memory repeat ${r + 1}/${memoryRepeats}: RSS ${(point.rss / 1048576).toFixed(0)} MiB (peak ${(point.peakRss / 1048576).toFixed(0)} MiB) with ${point.events} events loaded, up in ${point.catchUpSeconds.toFixed(1)} s${empty.length > 0 ? ` (empty server ${(empty[empty.length - 1]!.rss / 1048576).toFixed(0)} MiB)` : ''}`);
        }
        if (selected.has('query')) {
          const dir = profileDir('query-server');
          const server = keptServer ?? (await memoryPoint(storeDir, { keep: true, ...(dir && { cpuProfileDir: dir }) })).server!;
          try {
            const targets = queryTargets(facts, options.from, options.days);
            const query = await queryBench(server, targets, { requests: options.queries, warmup: Math.min(20, options.queries), repeats: options.repeats, log });
            results.query = query;
            const health = query.repeats.map((r) => r.health.p99);
            const healthAlone = query.repeats.map((r) => r.alone.health.p99);
            for (const [figure, values, base, baseLabel] of [
              [`gap-list p99, mixed with the others (department ${targets.departmentId}, ${targets.units} units, ${targets.week})`, query.repeats.map((r) => r.gapList.p99), health, 'GET /api/v1/health p99, mixed'],
              [`schedule-vs-plan p99, mixed (department ${targets.departmentId}, 25 weeks)`, query.repeats.map((r) => r.scheduleVsPlan.p99), health, 'GET /api/v1/health p99, mixed'],
              ['gap-list p99, alone', query.repeats.map((r) => r.alone.gapList.p99), healthAlone, 'GET /api/v1/health p99, alone'],
              ['schedule-vs-plan p99, alone', query.repeats.map((r) => r.alone.scheduleVsPlan.p99), healthAlone, 'GET /api/v1/health p99, alone'],
            ] as const) {
              const v = spread([...values]);
              figures.push({ measurement: 'query latency', figure, unit: 'ms', value: v, baselineLabel: baseLabel, baseline: spread([...base]), ratio: spread(ratios([...values], [...base])), target: '≤ 20 ms', targetMet: v.median <= 20 });
            }
          } finally {
            await server.stop();
          }
        }
        if (selected.has('memory')) {
          // a second point at half the days (the history's prefix up to the middle day: events come in occurredAt order)
          let half: MemoryPoint | null = null;
          const halfDays = Math.floor(options.days / 2);
          if (options.memoryHalf && halfDays >= 1) {
            const halfStore = await preparedStore(main, work, { before: `${addDaysUtc(options.from, halfDays)}T00:00:00.000Z`, label: `first${halfDays}d`, log });
            await makeSnapshot(halfStore.dataDir);
            half = (await memoryPoint(halfStore.dataDir)).point;
            rmSync(halfStore.dataDir, { recursive: true, force: true });
            log(`memory at ${halfDays} of ${options.days} days: RSS ${(half.rss / 1048576).toFixed(0)} MiB (${half.events} events loaded)`);
          }
          const fullRss = spread(full.map((p) => p.rss)).median;
          const emptyRss = spread(empty.map((p) => p.rss)).median;
          const lower = half ? { days: halfDays, rss: half.rss } : { days: 0, rss: emptyRss };
          const perDay = (fullRss - lower.rss) / (options.days - lower.days);
          // 52 weeks or more is the year itself (the issue's medium scale is a year): measured, not extrapolated
          const measuredYear = options.days >= 364;
          const yearRss = measuredYear ? fullRss : fullRss + perDay * (365 - options.days);
          const point = 'a fresh server that loaded the snapshot pks rebuild wrote, RSS read 3 s after it was at the head';
          const method = measuredYear
            ? `measured: ${options.days} days loaded; ${point}`
            : `linear in days through (${lower.days} days, ${(lower.rss / 1048576).toFixed(0)} MiB) and (${options.days} days, ${(fullRss / 1048576).toFixed(0)} MiB): ` +
              `${(perDay / 1048576).toFixed(1)} MiB per simulated day, × ${365 - options.days} more days; each point ${point}`;
          results.memory = { full, half, empty, days: options.days, halfDays: half ? halfDays : 0, yearRss, method };
          figures.push({
            measurement: 'memory',
            figure: `server RSS after loading ${main.scale} ${options.days} days (${full[0]!.events} events)`,
            unit: 'MiB',
            value: spread(full.map((p) => p.rss / 1048576)),
            baselineLabel: 'RSS of the same server with an empty store',
            baseline: spread(empty.map((p) => p.rss / 1048576)),
            ratio: spread(ratios(full.map((p) => p.rss), empty.map((p) => p.rss))),
            target: measuredYear ? '≤ 1.5 GB for a year' : '',
            targetMet: measuredYear ? fullRss <= 1.5e9 : null,
          });
          notes.push(
            `memory: a ${main.scale} year ${measuredYear ? 'measured at' : 'extrapolated to'} ${(yearRss / 1048576).toFixed(0)} MiB RSS = ${(yearRss / 1e9).toFixed(2)} GB, ` +
              `target ≤ 1.5 GB ${yearRss <= 1.5e9 ? 'met' : 'missed'} (${method})`,
          );
        }
      }
      if (!options.keep) rmSync(storeDir, { recursive: true, force: true });
    }

    if (profileRoot) {
      results.profiles = {};
      const topologyRoot = join(profileRoot, 'latency-topology');
      const topologyNodes = existsSync(topologyRoot) ? readdirSync(topologyRoot).map((node) => `latency-topology/${node}`) : [];
      for (const name of ['ingest-server', 'latency-server', ...topologyNodes, 'query-server', 'rebuild-replay']) {
        const summaries = summariseProfiles(join(profileRoot, name));
        if (summaries.length > 0) {
          results.profiles[name] = summaries;
          for (const s of summaries) log(formatProfile(name, s));
        }
      }
    }
  } finally {
    if (!options.keep) rmSync(work, { recursive: true, force: true });
    else log(`kept ${work}`);
  }
  const full: BenchResults = {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', totalMemoryBytes: totalmem(), node: process.version, loadAverageBefore, loadAverageAfter: loadavg() },
    options,
    histories: results.histories!,
    figures,
    ...(results.ingest && { ingest: results.ingest }),
    ...(results.latency && { latency: results.latency }),
    ...(results.rebuild && { rebuild: results.rebuild }),
    ...(results.memory && { memory: results.memory }),
    ...(results.query && { query: results.query }),
    ...(results.profiles && { profiles: results.profiles }),
    notes,
  };
  mkdirSync(dirname(options.json), { recursive: true });
  writeFileSync(options.json, `${JSON.stringify(full, null, 2)}\n`);
  return full;
}

const num = (x: number, unit: string) => {
  if (!Number.isFinite(x)) return String(x);
  if (unit === 'events/s') return Math.round(x).toLocaleString('en-US');
  if (unit === 'MiB') return x.toFixed(0);
  return x < 10 ? x.toFixed(2) : x.toFixed(1);
};

/** The results table (markdown) with medians, the ratio and the spread over repeats. */
export function formatTable(results: BenchResults): string {
  const header = '| measurement | figure | value (median) | spread (min–max) | baseline (median) | ratio figure ÷ baseline (median, min–max) | target | met |';
  const rows = results.figures.map((f) => {
    const ratio = f.unit === 'events/s' ? `${(f.ratio.median * 100).toFixed(1)} % (${(f.ratio.min * 100).toFixed(1)}–${(f.ratio.max * 100).toFixed(1)} %)` : `${f.ratio.median.toFixed(2)}× (${f.ratio.min.toFixed(2)}–${f.ratio.max.toFixed(2)}×)`;
    return `| ${f.measurement} | ${f.figure} | ${num(f.value.median, f.unit)} ${f.unit} | ${num(f.value.min, f.unit)}–${num(f.value.max, f.unit)} (n=${f.value.values.length}) | ${num(f.baseline.median, f.unit)} ${f.unit} — ${f.baselineLabel} | ${ratio} | ${f.target} | ${f.targetMet === null ? '' : f.targetMet ? 'yes' : 'NO'} |`;
  });
  return [header, '|---|---|---|---|---|---|---|---|', ...rows, '', ...results.notes.map((n) => `- ${n}`)].join('\n');
}
