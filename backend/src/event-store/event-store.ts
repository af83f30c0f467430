import type { NewEvent, StoredEvent } from '@pks/contracts';

/**
 * The event-store port (ARCHITECTURE.md). Every adapter (SQLite, PostgreSQL, KurrentDB) passes the same contract
 * suite in tests/src/event-store-contract.
 */

/** `any`: no check; `no-stream`: the stream must not exist; `stream-exists`: it must; a number: its last revision. */
export type ExpectedRevision = 'any' | 'no-stream' | 'stream-exists' | number;

export type AppendOutcome =
  /** stored now, durable when the promise resolves */
  | { status: 'appended'; id: string; position: number; revision: number }
  /** the same id with the same type and data is already stored: nothing appended */
  | { status: 'duplicate'; id: string; position: number }
  /** the same id is stored with other content: nothing appended */
  | { status: 'conflict'; id: string; position: number; message: string }
  /** not stored because an atomic batch failed on another event */
  | { status: 'not-stored'; id: string };

export interface AppendToStreamResult {
  outcomes: AppendOutcome[];
  /** the stream's last revision after the append (-1: the stream does not exist) */
  nextExpectedRevision: number;
  /** the global position of the last event appended now, or the store's head when none was */
  position: number;
}

export interface AppendBatchOptions {
  /** store nothing unless every event is appended or a duplicate */
  atomic?: boolean;
}

/** One stream's part of a multi-stream append (`appendToStreams`). */
export interface StreamAppend {
  stream: string;
  events: NewEvent[];
  /** default `any` */
  expectedRevision?: ExpectedRevision;
}

export interface ReadStreamOptions {
  /** first revision to read, default 0 */
  fromRevision?: number;
  limit?: number;
}

export interface SubscribeOptions {
  /** the last position already seen; events after it are delivered. 0 = from the beginning */
  from: number;
  /** called with each batch, in order; the next batch waits until it resolves */
  onEvents: (events: StoredEvent[]) => void | Promise<void>;
  /** called once if the handler throws or the store fails; the subscription then stops */
  onError?: (error: unknown) => void;
  /** most events per batch, default 1,000 */
  batchSize?: number;
}

export interface Subscription {
  /** the last position delivered to the handler */
  readonly position: number;
  /** true while catching up, false once it has reached the head and waits for new events */
  readonly catchingUp: boolean;
  stop(): Promise<void>;
}

export interface EventStore {
  readonly kind: string;
  /**
   * Appends events to one stream if its revision matches. Idempotent on event id: events already stored are
   * reported as duplicates (same type and data) or conflicts (other content), and not appended again.
   * Resolves only when the events are durable.
   */
  appendToStream(stream: string, events: NewEvent[], expectedRevision?: ExpectedRevision): Promise<AppendToStreamResult>;
  /**
   * Appends events of many streams with `any` expected revision, each to the stream it names, in one durable
   * transaction (the ingest path). One outcome per event, in order.
   */
  appendBatch(events: NewEvent[], options?: AppendBatchOptions): Promise<AppendOutcome[]>;
  /**
   * Appends to several streams, each part with its own expected revision, in one durable transaction, all or
   * nothing: each part is judged exactly as `appendToStream` would judge it (idempotent on event id; a later part
   * naming the same stream sees the earlier part's events), and if any part's expected revision does not match,
   * nothing of any part is stored and the WrongExpectedRevisionError of the first such part is thrown.
   * One result per part, in order. Resolves only when the events are durable. (The alert engine's path.)
   */
  appendToStreams(appends: StreamAppend[]): Promise<AppendToStreamResult[]>;
  readStream(stream: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  /** events with position > `after`, in position order */
  readAll(after: number, limit: number): Promise<StoredEvent[]>;
  /** the position of the last durable event (0 when empty) */
  headPosition(): Promise<number>;
  /** catch-up from `from`, then live; no gap and no duplicate at the switch */
  subscribeToAll(options: SubscribeOptions): Subscription;
  close(): Promise<void>;
}

export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: number,
  ) {
    super(`stream ${stream}: expected revision ${String(expected)}, but it is at ${actual === -1 ? 'no stream' : actual}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

export function revisionMatches(expected: ExpectedRevision, actual: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no-stream') return actual === -1;
  if (expected === 'stream-exists') return actual >= 0;
  return expected === actual;
}

/** JSON with object keys sorted, so equal content has equal text whatever the key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

/** The content two events with the same id are compared on: type and data. */
export function sameContent(a: { type: string; data: unknown }, storedType: string, storedData: unknown): boolean {
  return a.type === storedType && canonicalJson(a.data) === canonicalJson(storedData);
}
