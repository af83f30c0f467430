import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/server-process.js';

export const MEASUREMENTS = ['ingest', 'latency', 'rebuild', 'memory', 'query'] as const;
export type Measurement = (typeof MEASUREMENTS)[number];

export interface BenchOptions {
  quick: boolean;
  only: Measurement[];
  /** the history for ingest, rebuild, memory and query */
  scale: 'tiny' | 'small' | 'medium' | 'large';
  seed: number;
  from: string;
  days: number;
  repeats: number;
  /** ingest */
  ingestEvents: number;
  batchSize: number;
  ingestClients: number;
  /** latency */
  clients: number;
  processes: number;
  rate: number;
  tickMs: number;
  warmupSeconds: number;
  durationSeconds: number;
  latencyScale: 'tiny' | 'small' | 'medium' | 'large';
  latencyDays: number;
  /** run the latency test against running nodes instead of the harness's own server */
  nodes: string[];
  /** run the latency test against a multi-node topology the harness starts: this many API nodes (\`pks serve\`) and one
   * projection node (\`pks project\`) on the machine's PostgreSQL and NATS (0: not) */
  topology: number;
  token: string | null;
  clientToken: string | null;
  secretFile: string | null;
  /** query */
  queries: number;
  /** memory: also measure at half the slice (for the extrapolation to a year) */
  memoryHalf: boolean;
  /** paths */
  json: string;
  workDir: string | null;
  cacheDir: string;
  keep: boolean;
  /** write CPU profiles of the server and the replay, and summarise them */
  profile: boolean;
}

export const USAGE = `npm run bench -- [options]      (or: node tests/dist/bench/main.js [options] after npx tsc -b)

Runs against the real server process (pks start --port 0 --no-simulation in a temporary data directory) over HTTP and
socket.io, prints a table and writes bench-results/<timestamp>.json. Each figure has a baseline measured in the same
run, and every measurement is repeated (--repeats) so the spread shows.

  --quick                 small sizes (seconds): tiny hospital, 2 days, 20 clients, 1 repeat
  --only LIST             some of: ingest,latency,rebuild,memory,query (default all)
  --scale S               history for ingest/rebuild/memory/query: tiny|small|medium|large (default medium)
  --days N                days of that history (default 60; a medium year is ~10 M events)
  --from DATE             its first day (default 2026-01-05)   --seed N (default 42)
  --repeats N             repeats of each measurement (default 3)
  --ingest-events N       events for the ingest test, from the start of the history (default 300000)
  --batch N               events per request and per baseline transaction (default 5000)
  --ingest-clients N      concurrent ingest clients (default 3)
  --clients N             socket.io clients of the latency test (default 1000)
  --processes N           child processes holding them (default 4)
  --rate N                events per second the latency sender keeps up (default 1000)
  --tick-ms N             one request every N ms (default 10)
  --duration S            measured seconds per latency repeat (default 30), after --warmup S (default 5)
  --latency-scale S       hospital for the latency test (default small)  --latency-days N (default 7)
  --nodes URL,URL         run the latency test against running nodes (events to the first, clients spread over
                          all); give --token (integration) and --client-token (a token that may watch every unit,
                          e.g. admin), or --secret-file (the nodes' embedded signing key) to issue both
  --topology N            run the latency test against N API nodes (pks serve) and a projection node (pks project)
                          that the harness starts on PostgreSQL + NATS (PKS_TEST_PG_URL, PKS_TEST_NATS_URL; default
                          127.0.0.1); events to the first node, clients spread over all
  --queries N             requests per query kind and repeat (default 200)
  --no-memory-half        skip the half-slice memory point (the extrapolation then uses the empty server)
  --json PATH             where to write the results (default bench-results/<timestamp>.json)
  --work DIR              temporary data directories (default: the system temp dir)
  --cache DIR             generated histories, reused (default bench-results/cache)
  --keep                  keep the temporary data directories
  --profile               CPU profiles (node --cpu-prof) of the servers and the replay, summarised per package and function
`;

const int = (value: string | undefined, name: string, fallback: number) => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, not '${value}'`);
  return n;
};

const scaleOf = (value: string | undefined, fallback: BenchOptions['scale']): BenchOptions['scale'] => {
  const v = value ?? fallback;
  if (v !== 'tiny' && v !== 'small' && v !== 'medium' && v !== 'large') throw new Error(`unknown scale '${v}'`);
  return v;
};

export function parseBenchArgs(argv: string[], now = new Date()): BenchOptions & { help: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      only: { type: 'string' },
      scale: { type: 'string' },
      seed: { type: 'string' },
      from: { type: 'string' },
      days: { type: 'string' },
      repeats: { type: 'string' },
      'ingest-events': { type: 'string' },
      batch: { type: 'string' },
      'ingest-clients': { type: 'string' },
      clients: { type: 'string' },
      processes: { type: 'string' },
      rate: { type: 'string' },
      'tick-ms': { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      'latency-scale': { type: 'string' },
      'latency-days': { type: 'string' },
      nodes: { type: 'string' },
      topology: { type: 'string' },
      token: { type: 'string' },
      'client-token': { type: 'string' },
      'secret-file': { type: 'string' },
      queries: { type: 'string' },
      'no-memory-half': { type: 'boolean' },
      json: { type: 'string' },
      work: { type: 'string' },
      cache: { type: 'string' },
      keep: { type: 'boolean' },
      profile: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const quick = values.quick === true;
  const only = values.only ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : [...MEASUREMENTS];
  for (const m of only) if (!(MEASUREMENTS as readonly string[]).includes(m)) throw new Error(`--only: unknown measurement '${m}' (${MEASUREMENTS.join(', ')})`);
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const from = values.from ?? '2026-01-05';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from)) throw new Error('--from must be YYYY-MM-DD');
  const nodes = values.nodes ? values.nodes.split(',').map((s) => s.trim().replace(/\/$/, '')).filter(Boolean) : [];
  if (nodes.length > 0 && !values['secret-file'] && !(values.token && values['client-token'])) {
    throw new Error('--nodes needs --token and --client-token, or --secret-file');
  }
  const topology = int(values.topology, 'topology', 0);
  if (topology > 0 && nodes.length > 0) throw new Error('--topology and --nodes exclude each other');
  return {
    help: values.help === true,
    quick,
    only: only as Measurement[],
    scale: scaleOf(values.scale, quick ? 'tiny' : 'medium'),
    seed: int(values.seed, 'seed', 42),
    from,
    days: int(values.days, 'days', quick ? 2 : 60),
    repeats: int(values.repeats, 'repeats', quick ? 1 : 3),
    ingestEvents: int(values['ingest-events'], 'ingest-events', quick ? 5000 : 300_000),
    batchSize: int(values.batch, 'batch', quick ? 1000 : 5000),
    ingestClients: int(values['ingest-clients'], 'ingest-clients', 3),
    clients: int(values.clients, 'clients', quick ? 20 : 1000),
    processes: int(values.processes, 'processes', quick ? 2 : 4),
    rate: int(values.rate, 'rate', quick ? 200 : 1000),
    tickMs: int(values['tick-ms'], 'tick-ms', 10),
    warmupSeconds: int(values.warmup, 'warmup', quick ? 0.5 : 5),
    durationSeconds: int(values.duration, 'duration', quick ? 1.5 : 30),
    latencyScale: scaleOf(values['latency-scale'], quick ? 'tiny' : 'small'),
    latencyDays: int(values['latency-days'], 'latency-days', quick ? 1 : 7),
    nodes,
    topology,
    token: values.token ?? null,
    clientToken: values['client-token'] ?? null,
    secretFile: values['secret-file'] ?? null,
    queries: int(values.queries, 'queries', quick ? 10 : 200),
    memoryHalf: values['no-memory-half'] !== true,
    json: values.json ?? join(REPO_ROOT, 'bench-results', `${stamp}.json`),
    workDir: values.work ?? null,
    cacheDir: values.cache ?? join(REPO_ROOT, 'bench-results', 'cache'),
    keep: values.keep === true,
    profile: values.profile === true,
  };
}
