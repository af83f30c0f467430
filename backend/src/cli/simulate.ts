import { createHospital } from '../simulation/create-hospital.js';
import { SCALES, type Scale } from '../simulation/hospital-model.js';
import { writeHistoryNdjson, type HistorySummary } from '../simulation/write-history-ndjson.js';
import { progressBar } from './progress.js';

export interface SimulateCommandOptions {
  scale?: string;
  seed?: string;
  from?: string;
  to?: string;
  out?: string;
  /** also write the prologue: earlier events that still matter at `from` */
  prologue?: boolean;
  /** no invalid or duplicate events (default: the simulator's 0.05 % invalid, 0.1 % duplicates) */
  noFaults?: boolean;
}

const DAY_MS = 86_400_000;

/** `2026-01-05` → midnight UTC of that date; a full ISO instant as it is. */
export function parseInstantArg(value: string, name: string): number {
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) throw new Error(`--${name} must be a date (YYYY-MM-DD) or an ISO instant, not '${value}'`);
  return ms;
}

/**
 * `pks simulate`: writes the simulated hospital's history for [from, to) as NDJSON (setup events first), for
 * `pks import`, load tests and the benchmark. Progress on stderr; a summary (events, bytes, by type) on stdout.
 */
export async function simulateCommand(options: SimulateCommandOptions): Promise<HistorySummary> {
  const scale = (options.scale ?? 'small') as Scale;
  if (!SCALES.includes(scale)) throw new Error(`--scale must be one of ${SCALES.join(', ')}, not '${options.scale}'`);
  if (!options.out) throw new Error('usage: pks simulate --out FILE.ndjson [--scale S] [--seed N] [--from DATE] [--to DATE]');
  const seedText = options.seed ?? '42';
  const seed: number | string = /^-?\d+$/.test(seedText) ? Number(seedText) : seedText;
  const from = parseInstantArg(options.from ?? '2026-01-05', 'from');
  const to = options.to !== undefined ? parseInstantArg(options.to, 'to') : from + 7 * DAY_MS;
  if (!(to > from)) throw new Error('--to must be after --from');
  const hospital = createHospital({ scale, seed });
  const days = (to - from) / DAY_MS;
  const bar = progressBar('simulate', 'days');
  const started = Date.now();
  const summary = await writeHistoryNdjson({
    hospital,
    seed,
    from,
    to,
    path: options.out,
    prologue: options.prologue === true,
    ...(options.noFaults === true && { faults: false as const }),
    onProgress: (p) =>
      bar.update(Math.round(p.fraction * days * 10) / 10, days, `${p.events} events, ${(p.bytes / 1048576).toFixed(1)} MB${p.occurredAt ? `, at ${p.occurredAt.slice(0, 10)}` : ''}`),
  });
  bar.stop();
  const seconds = (Date.now() - started) / 1000;
  process.stderr.write(
    `simulate: ${summary.events} events (${scale}, seed ${String(seed)}, ${hospital.units.length} units, ${hospital.staff.length} staff, ${days} days) in ${seconds.toFixed(1)} s → ${options.out}\n`,
  );
  return summary;
}
