import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { validateEvent } from '@pks/contracts';
import { startBenchServer, waitForProjections, type BenchServer } from './bench-server.js';
import { factsOf } from './history.js';
import { clockMs, mapLimit } from './stats.js';

export interface IngestRun {
  /** events in the timed phase (after the organisation prefix) */
  events: number;
  /** events/s acknowledged by POST /api/v1/events (every response received) */
  acknowledgedPerSecond: number;
  /** events/s until every projection had folded in the last acknowledged event */
  projectedPerSecond: number;
  /** the baseline: raw inserts of the same rows into SQLite (WAL, synchronous=FULL), same batch per transaction */
  rawInsertPerSecond: number;
  ackSeconds: number;
  projectedSeconds: number;
  rawSeconds: number;
  requests: number;
  /** events the server appended itself meanwhile (the alert engine's), beyond the events sent */
  serverAppended: number;
}

export interface IngestOptions {
  lines: string[];
  batchSize: number;
  clients: number;
  workDir: string;
  cpuProfileDir?: string;
  serverEnv?: Record<string, string>;
  log: (line: string) => void;
}

/** The SQLite event table exactly as backend/src/event-store/sqlite/sqlite-event-store.ts creates it. */
const EVENTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY,
  id       TEXT    NOT NULL UNIQUE,
  stream   TEXT    NOT NULL,
  revision INTEGER NOT NULL,
  type     TEXT    NOT NULL,
  data     TEXT    NOT NULL,
  metadata TEXT    NOT NULL,
  UNIQUE (stream, revision)
);
`;

type RawRow = [position: number, id: string, stream: string, revision: number, type: string, data: string, metadata: string];

/** The rows the store would write for these events (validated, stream picked, revisions counted), computed untimed. */
export function rowsOf(lines: readonly string[]): RawRow[] {
  const recordedAt = new Date().toISOString();
  const revisions = new Map<string, number>();
  return lines.map((line, i) => {
    const checked = validateEvent(JSON.parse(line), recordedAt);
    if (!checked.ok) throw new Error(`line ${i + 1} is not valid: ${JSON.stringify(checked.issues)}`);
    const e = checked.event;
    const revision = (revisions.get(e.stream) ?? -1) + 1;
    revisions.set(e.stream, revision);
    return [i + 1, e.id, e.stream, revision, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata)];
  });
}

/**
 * The baseline: the same rows inserted with better-sqlite3 into a fresh file with the store's schema, pragmas
 * (WAL, synchronous=FULL) and INSERT statement, one BEGIN IMMEDIATE transaction per batch. Only the inserts are timed.
 */
export function rawInsertRate(rows: RawRow[], skip: number, batchSize: number, file: string): { perSecond: number; seconds: number } {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(EVENTS_SCHEMA);
    const insert = db.prepare('INSERT INTO events (position, id, stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING');
    const tx = db.transaction((batch: RawRow[]) => {
      for (const r of batch) insert.run(r[0], r[1], r[2], r[3], r[4], r[5], r[6]);
    });
    tx.immediate(rows.slice(0, skip));
    const started = clockMs();
    for (let i = skip; i < rows.length; i += batchSize) tx.immediate(rows.slice(i, i + batchSize));
    const seconds = (clockMs() - started) / 1000;
    return { perSecond: (rows.length - skip) / seconds, seconds };
  } finally {
    db.close();
  }
}

async function post(server: BenchServer, token: string, body: string): Promise<{ appended: number; duplicates: number; position: number }> {
  const response = await fetch(`${server.url}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
    body,
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`POST /api/v1/events answered ${response.status}: ${text.slice(0, 2000)}`);
  // the counts come before the per-event results: no need to parse 5,000 results on the client's share of the CPU
  const num = (name: string) => Number(new RegExp(`"${name}":(\\d+)`).exec(text)?.[1] ?? Number.NaN);
  return { appended: num('appended'), duplicates: num('duplicates'), position: num('position') };
}

/**
 * One ingest run: a fresh server; the organisation prefix (up to the last reference event, which later events need)
 * sent first and untimed; then the rest as NDJSON batches from `clients` concurrent clients, timed until every
 * batch is acknowledged and until every projection has caught up; and the raw-insert baseline of the same rows.
 */
export async function ingestRun(options: IngestOptions): Promise<IngestRun> {
  const { lines, batchSize } = options;
  const facts = factsOf(lines);
  const prefix = facts.lastReferenceIndex + 1;
  const rows = rowsOf(lines);

  const rawFile = join(options.workDir, `raw-${process.pid}-${Date.now()}.sqlite`);
  let raw: { perSecond: number; seconds: number };
  try {
    raw = rawInsertRate(rows, prefix, batchSize, rawFile);
  } finally {
    for (const suffix of ['', '-wal', '-shm']) rmSync(rawFile + suffix, { force: true });
  }

  const dataDir = mkdtempSync(join(options.workDir, 'ingest-'));
  const server = await startBenchServer(dataDir, { ...(options.cpuProfileDir && { cpuProfileDir: options.cpuProfileDir }), ...(options.serverEnv && { env: options.serverEnv }) });
  try {
    const token = await server.token('integration', { sub: 'bench-ingest' });
    const bodies = (from: number, to: number) => {
      const out: string[] = [];
      for (let i = from; i < to; i += batchSize) out.push(lines.slice(i, Math.min(i + batchSize, to)).join('\n') + '\n');
      return out;
    };
    for (const body of bodies(0, prefix)) await post(server, token, body);
    await waitForProjections(server.url);

    const batches = bodies(prefix, lines.length);
    let accepted = 0;
    let lastPosition = 0;
    const started = clockMs();
    await mapLimit(batches, options.clients, async (body) => {
      const r = await post(server, token, body);
      accepted += r.appended + r.duplicates;
      lastPosition = Math.max(lastPosition, r.position);
    });
    const acknowledged = clockMs();
    await waitForProjections(server.url, lastPosition, { pollMs: 10 });
    const projected = clockMs();
    const head = (await server.health()).store.position;
    const events = lines.length - prefix;
    if (accepted !== events) throw new Error(`ingest: ${accepted} of ${events} events accepted`);
    const ackSeconds = (acknowledged - started) / 1000;
    const projectedSeconds = (projected - started) / 1000;
    return {
      events,
      acknowledgedPerSecond: events / ackSeconds,
      projectedPerSecond: events / projectedSeconds,
      rawInsertPerSecond: raw.perSecond,
      ackSeconds,
      projectedSeconds,
      rawSeconds: raw.seconds,
      requests: batches.length,
      serverAppended: head - lines.length,
    };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
