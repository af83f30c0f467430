import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { DemandProfile } from './demand-profile.js';
import type { FaultOptions } from './faults.js';
import { generateEvents } from './generate-events.js';
import type { Hospital } from './hospital-model.js';
import { type InstantLike, toEpochMs } from './local-calendar.js';
import { setupEvents } from './setup-events.js';

export interface WriteHistoryOptions {
  hospital: Hospital;
  seed: number | string;
  from: InstantLike;
  to: InstantLike;
  /** the NDJSON file to write (replaced) */
  path: string;
  /** called every `progressEvery` events and at the end */
  onProgress?: (progress: HistoryProgress) => void;
  progressEvery?: number;
  /** write the setup events first (default true) */
  setup?: boolean;
  /** include the prologue before `from` (default false) */
  prologue?: boolean;
  faults?: FaultOptions | false;
  demand?: DemandProfile;
}

export interface HistoryProgress {
  events: number;
  bytes: number;
  /** occurredAt of the last event written */
  occurredAt: string | null;
  /** share of [from, to) covered, 0–1 */
  fraction: number;
  done: boolean;
}

export interface HistorySummary {
  path: string;
  events: number;
  bytes: number;
  byType: Record<string, number>;
}

/**
 * Writes setup and generated events as NDJSON (one EventInput a line), streaming: lines are buffered into chunks of
 * about 1 MB and the writer waits for the file stream to drain (back-pressure), so a year of the medium hospital
 * never sits in memory.
 */
export async function writeHistoryNdjson(options: WriteHistoryOptions): Promise<HistorySummary> {
  const fromMs = toEpochMs(options.from);
  const toMs = toEpochMs(options.to);
  const out = createWriteStream(options.path, { encoding: 'utf8' });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => {});
  const every = Math.max(1, options.progressEvery ?? 50_000);
  const byType: Record<string, number> = {};
  let events = 0;
  let bytes = 0;
  let chunk = '';
  let lastAt: string | null = null;
  const flush = async () => {
    if (chunk === '') return;
    const ok = out.write(chunk);
    bytes += Buffer.byteLength(chunk);
    chunk = '';
    if (!ok) await Promise.race([once(out, 'drain'), failed]);
  };
  const progress = (done: boolean) => {
    const at = lastAt === null ? fromMs : Date.parse(lastAt);
    options.onProgress?.({ events, bytes: bytes + Buffer.byteLength(chunk), occurredAt: lastAt, fraction: done ? 1 : Math.min(1, Math.max(0, (at - fromMs) / (toMs - fromMs))), done });
  };
  const take = async (ev: { type: string; metadata?: { occurredAt?: string } }) => {
    chunk += JSON.stringify(ev) + '\n';
    events += 1;
    byType[ev.type] = (byType[ev.type] ?? 0) + 1;
    if (ev.metadata?.occurredAt !== undefined) lastAt = ev.metadata.occurredAt;
    if (chunk.length >= 1 << 20) await flush();
    if (events % every === 0) progress(false);
  };
  try {
    if (options.setup !== false) for (const ev of setupEvents(options.hospital, { at: fromMs })) await take(ev);
    for (const ev of generateEvents({
      hospital: options.hospital,
      seed: options.seed,
      from: fromMs,
      to: toMs,
      prologue: options.prologue === true,
      ...(options.faults !== undefined && { faults: options.faults }),
      ...(options.demand !== undefined && { demand: options.demand }),
    })) {
      await take(ev);
    }
    await flush();
    out.end();
    await Promise.race([once(out, 'finish'), failed]);
  } catch (error) {
    out.destroy();
    throw error;
  }
  progress(true);
  return { path: options.path, events, bytes, byType };
}
