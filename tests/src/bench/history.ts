import { spawn } from 'node:child_process';
import { copyFileSync, createReadStream, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { getSQLiteEventStore, dataPaths } from '@pks/backend';
import { validateEvent, type NewEvent } from '@pks/contracts';
import { PKS_BIN } from '../support/server-process.js';
import { clockMs } from './stats.js';

export interface HistorySpec {
  scale: 'tiny' | 'small' | 'medium' | 'large';
  seed: number;
  /** first day, YYYY-MM-DD (midnight UTC) */
  from: string;
  days: number;
}

export const addDaysUtc = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

export interface History extends HistorySpec {
  path: string;
  to: string;
  events: number;
  bytes: number;
  /** seconds `pks simulate` took (0 when the file came from the cache) */
  generatedSeconds: number;
  cached: boolean;
}

/**
 * The simulated hospital's history for the spec, written by `pks simulate` (the real CLI) without injected faults,
 * so every event is valid and counts are exact, and with the prologue: the schedules, bookings, absences and plans
 * published before the first day that still matter on it (without them the first 6–14 weeks had no schedule, 95 % of
 * their clock events named shifts nobody had scheduled, and a medium year kept 600,000 of them waiting for a shift).
 * Kept in `cacheDir` and reused when the same spec is asked again.
 */
export async function simulatedHistory(spec: HistorySpec, cacheDir: string, log: (line: string) => void): Promise<History> {
  mkdirSync(cacheDir, { recursive: true });
  const to = addDaysUtc(spec.from, spec.days);
  const path = join(cacheDir, `history-${spec.scale}-seed${spec.seed}-${spec.from}-${spec.days}d-prologue.ndjson`);
  let generatedSeconds = 0;
  const cached = existsSync(path);
  if (!cached) {
    log(`generating ${spec.scale} history ${spec.from} + ${spec.days} days with pks simulate …`);
    const started = clockMs();
    const partial = `${path}.partial`;
    const args = [PKS_BIN, 'simulate', '--scale', spec.scale, '--seed', String(spec.seed), '--from', spec.from, '--to', to, '--out', partial, '--no-faults', '--prologue'];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? -1)));
    if (code !== 0) throw new Error(`pks simulate failed (${code}):\n${stderr}`);
    renameSync(partial, path);
    generatedSeconds = (clockMs() - started) / 1000;
  }
  let events = 0;
  for await (const line of readLines(path)) if (line !== '') events += 1;
  return { ...spec, path, to, events, bytes: statSync(path).size, generatedSeconds, cached };
}

export function readLines(path: string): AsyncIterable<string> {
  return createInterface({ input: createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 }), crlfDelay: Infinity });
}

/** The first `limit` lines of an NDJSON file (all when no limit). */
export async function readNdjson(path: string, limit = Number.POSITIVE_INFINITY): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of readLines(path)) {
    if (line === '') continue;
    if (lines.length >= limit) break;
    lines.push(line);
  }
  return lines;
}

/**
 * Imports an NDJSON history straight into a data directory's SQLite store (schema validation and the store's
 * append, 5,000 events per transaction; no reference checks and no projections): the fastest way to load the
 * medium history for the rebuild, memory and query measurements. `count` limits it to the first events.
 */
export async function importIntoStore(
  path: string,
  dataDir: string,
  options: { count?: number; batchSize?: number; /** stop at the first event that occurred at or after this instant */ before?: string } = {},
): Promise<{ events: number; seconds: number; position: number }> {
  const store = getSQLiteEventStore({ path: dataPaths(dataDir).events });
  const started = clockMs();
  const recordedAt = new Date().toISOString();
  const batchSize = options.batchSize ?? 5000;
  const limit = options.count ?? Number.POSITIVE_INFINITY;
  let batch: NewEvent[] = [];
  let events = 0;
  try {
    for await (const line of readLines(path)) {
      if (line === '') continue;
      if (events >= limit) break;
      const checked = validateEvent(JSON.parse(line), recordedAt);
      if (!checked.ok) throw new Error(`event ${events + 1} of ${path} is not valid: ${JSON.stringify(checked.issues)}`);
      if (options.before !== undefined && checked.event.metadata.occurredAt >= options.before) break;
      batch.push(checked.event);
      events += 1;
      if (batch.length >= batchSize) {
        await store.appendBatch(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await store.appendBatch(batch);
    return { events, seconds: (clockMs() - started) / 1000, position: await store.headPosition() };
  } finally {
    await store.close();
  }
}

/** Facts of a history the measurements need: units, their departments, staff by home unit. */
export interface HistoryFacts {
  units: { unitId: string; departmentId: string; slots: string[] }[];
  staff: { staffId: string; homeUnitId: string | null; competences: string[] }[];
  /** the index of the last reference event (UnitRegistered, CompetenceDefined, ActivityLabelDefined) in the first lines */
  lastReferenceIndex: number;
  /**
   * `staffId|YYYY-MM-DD` for every date a person has a shift, a booking or an absence in these lines (UTC dates of the
   * interval, and the next one, so the unit's local date is always among them): the latency test books only people
   * free on the day, so that each of its events changes the gap list it is watched on
   */
  busy: Set<string>;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

/** `staffId|date` from the UTC date of `start` to the day after the UTC date of `end` */
function markBusy(busy: Set<string>, staffId: unknown, start: unknown, end: unknown): void {
  if (typeof staffId !== 'string' || typeof start !== 'string' || typeof end !== 'string' || !ISO_DATE.test(start) || !ISO_DATE.test(end)) return;
  const last = addDaysUtc(end.slice(0, 10), 1);
  for (let date = start.slice(0, 10), n = 0; date <= last && n < 400; date = addDaysUtc(date, 1), n += 1) busy.add(`${staffId}|${date}`);
}

const REFERENCE_TYPES = new Set(['UnitRegistered', 'CompetenceDefined', 'ActivityLabelDefined']);

export function factsOf(lines: readonly string[]): HistoryFacts {
  const units: HistoryFacts['units'] = [];
  const staff: HistoryFacts['staff'] = [];
  let lastReferenceIndex = -1;
  const busy = new Set<string>();
  lines.forEach((line, i) => {
    if (line.includes('"ShiftScheduled"') || line.includes('"AbsenceReported"') || line.includes('"StaffBooked"')) {
      const { data } = JSON.parse(line) as { data: Record<string, unknown> };
      if (typeof data.date === 'string') markBusy(busy, data.staffId, data.date, data.date);
      else markBusy(busy, data.staffId, data.start, data.end);
      return;
    }
    // cheap pre-filter: only the organisation events are parsed
    if (!line.includes('"UnitRegistered"') && !line.includes('"StaffRegistered"') && !line.includes('Defined"')) return;
    const event = JSON.parse(line) as { type: string; data: Record<string, unknown> };
    if (REFERENCE_TYPES.has(event.type)) lastReferenceIndex = i;
    if (event.type === 'UnitRegistered') {
      units.push({ unitId: String(event.data.unitId), departmentId: String(event.data.departmentId), slots: (event.data.slots as { code: string }[]).map((s) => s.code) });
    } else if (event.type === 'StaffRegistered') {
      staff.push({ staffId: String(event.data.staffId), homeUnitId: (event.data.homeUnitId as string | null | undefined) ?? null, competences: event.data.competences as string[] });
    }
  });
  return { units, staff, lastReferenceIndex, busy };
}

/** Facts from the head of a (large) file: the organisation events come first. */
export async function factsOfFile(path: string, headLines = 200_000): Promise<HistoryFacts> {
  return factsOf(await readNdjson(path, headLines));
}

/**
 * A data directory whose event store holds the history (or its days before `before`): imported once with
 * importIntoStore and kept in the cache as a SQLite file, then copied for each run (servers append their own
 * events, alerts for instance, so every run starts from the pristine copy).
 */
export async function preparedStore(
  history: History,
  workDir: string,
  options: { before?: string; label?: string; log: (line: string) => void },
): Promise<{ dataDir: string; events: number; importSeconds: number | null }> {
  const cached = `${history.path}.${options.label ?? 'all'}.events.sqlite`;
  let importSeconds: number | null = null;
  if (!existsSync(cached)) {
    const tmp = mkdtempSync(join(workDir, 'import-'));
    options.log(`importing ${options.label ?? 'all'} of ${history.events} events into a SQLite store (validation + appendBatch, no projections; cached afterwards) …`);
    const imported = await importIntoStore(history.path, tmp, { ...(options.before !== undefined && { before: options.before }) });
    importSeconds = imported.seconds;
    options.log(`imported ${imported.events} events in ${imported.seconds.toFixed(1)} s (${Math.round(imported.events / imported.seconds)} events/s)`);
    copyFileSync(dataPaths(tmp).events, `${cached}.partial`);
    renameSync(`${cached}.partial`, cached);
    rmSync(tmp, { recursive: true, force: true });
  }
  const dataDir = mkdtempSync(join(workDir, `store-${options.label ?? 'all'}-`));
  copyFileSync(cached, dataPaths(dataDir).events);
  const store = getSQLiteEventStore({ path: dataPaths(dataDir).events });
  const events = await store.headPosition();
  await store.close();
  return { dataDir, events, importSeconds };
}
