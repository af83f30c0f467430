import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { NewEvent, StoredEvent } from '@pks/contracts';
import { catchUpSubscription, changeSignal } from '../catch-up-subscription.js';
import {
  revisionMatches,
  sameContent,
  WrongExpectedRevisionError,
  type AppendBatchOptions,
  type AppendOutcome,
  type AppendToStreamResult,
  type EventStore,
  type ExpectedRevision,
  type ReadStreamOptions,
  type StreamAppend,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.js';

export interface SQLiteEventStoreOptions {
  /** database file; ':memory:' for tests that need no file */
  path: string;
  /** how often subscribers look for events appended by other processes, default 200 ms */
  pollIntervalMs?: number;
  /** most recently appended events kept in memory for this process's subscriptions, default 50,000 (0: none) */
  recentEvents?: number;
}

type Row = [position: number, id: string, stream: string, revision: number, type: string, data: string, metadata: string];

class AtomicBatchFailed extends Error {}

/** an event inserted in the current write transaction, remembered for subscribers once it commits */
interface Inserted {
  position: number;
  id: string;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
}

/** most recently appended events kept in memory for this process's subscribers */
const MAX_RECENT = 50_000;
/** most stream revisions cached */
const MAX_CACHED_STREAMS = 500_000;

const SCHEMA = `
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

/**
 * The embedded event store on SQLite (better-sqlite3). WAL journal with `synchronous = FULL`: a commit is fsynced
 * before the call returns, so an acknowledged event is durable. Positions are assigned inside a write transaction
 * (BEGIN IMMEDIATE), so they are gap-free and commit in order. Other processes' appends (e.g. `pks import` while the
 * server runs) are seen by polling.
 *
 * Two in-process shortcuts, both exact:
 * - Stream revisions are cached between write transactions. The cache is used only when the head at the start of a
 *   write transaction is the head this process left after its last commit (positions are gap-free and never
 *   removed, so any other writer would have moved it); otherwise it is dropped and rebuilt from the table.
 * - The events this process appends are kept in memory (parsed once from the JSON just written) after the commit,
 *   as one contiguous run of positions, and this store's subscriptions read `position > last delivered` from that
 *   run instead of the table while it covers the next position; an append by another process breaks the run
 *   (it restarts at our next append), and a subscriber before the run or past its end reads the table as before,
 *   so the catch-up rule (always `position > last delivered`, in order) is unchanged: no gap, no duplicate.
 */
export function getSQLiteEventStore(options: SQLiteEventStoreOptions): EventStore {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 10000');
  db.exec(SCHEMA);
  const pollIntervalMs = options.pollIntervalMs ?? 200;
  const maxRecent = options.recentEvents ?? MAX_RECENT;

  const stmt = {
    head: db.prepare('SELECT COALESCE(MAX(position), 0) AS head FROM events').pluck(),
    streamRevision: db.prepare('SELECT COALESCE(MAX(revision), -1) FROM events WHERE stream = ?').pluck(),
    byId: db.prepare('SELECT position, type, data FROM events WHERE id = ?'),
    insert: db.prepare(
      'INSERT INTO events (position, id, stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING',
    ),
    readAll: db.prepare('SELECT position, id, stream, revision, type, data, metadata FROM events WHERE position > ? ORDER BY position LIMIT ?').raw(),
    readStream: db
      .prepare('SELECT position, id, stream, revision, type, data, metadata FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?')
      .raw(),
  };

  const changes = changeSignal(pollIntervalMs);
  const subscriptions = new Set<Subscription>();
  let closed = false;
  const notify = changes.notify;

  const toStored = (row: Row): StoredEvent => ({
    position: row[0],
    id: row[1],
    stream: row[2],
    revision: row[3],
    type: row[4],
    data: JSON.parse(row[5]) as Record<string, unknown>,
    metadata: JSON.parse(row[6]) as StoredEvent['metadata'],
  });

  // ---- the write transaction's state: head, stream revisions (cached across transactions), inserted rows ----

  /** stream → last revision, valid while the table's head is `cacheHead` */
  const streamRevisions = new Map<string, number>();
  let cacheHead = -1;
  /** the current write transaction (only one at a time: better-sqlite3 is synchronous) */
  let tx: { head: number; revisions: Map<string, number>; inserted: Inserted[] } | null = null;

  const beginWrite = () => {
    const head = stmt.head.get() as number;
    if (head !== cacheHead) {
      streamRevisions.clear();
      cacheHead = head;
    }
    tx = { head, revisions: new Map(), inserted: [] };
    return tx;
  };
  const revisionOf = (stream: string): number => {
    let revision = tx!.revisions.get(stream) ?? streamRevisions.get(stream);
    if (revision === undefined) {
      revision = stmt.streamRevision.get(stream) as number;
      tx!.revisions.set(stream, revision);
    }
    return revision;
  };
  /** inserts the event as the next position and revision of `stream`; null when its id is already stored */
  const insert = (event: NewEvent, stream: string): Inserted | null => {
    const t = tx!;
    const position = t.head + 1;
    const revision = revisionOf(stream) + 1;
    const data = JSON.stringify(event.data);
    const metadata = JSON.stringify(event.metadata);
    const info = stmt.insert.run(position, event.id, stream, revision, event.type, data, metadata);
    if (info.changes !== 1) return null;
    t.head = position;
    t.revisions.set(stream, revision);
    const row: Inserted = { position, id: event.id, stream, revision, type: event.type, data, metadata };
    t.inserted.push(row);
    return row;
  };

  // ---- the recent run of this process's appends, for its subscriptions ----

  let recent: StoredEvent[] = [];
  let recentStart = 0;

  /** after a commit: the revisions into the cache, the inserted events into the recent run */
  const committed = () => {
    const t = tx!;
    tx = null;
    if (streamRevisions.size + t.revisions.size > MAX_CACHED_STREAMS) streamRevisions.clear();
    for (const [stream, revision] of t.revisions) streamRevisions.set(stream, revision);
    cacheHead = t.head;
    if (t.inserted.length === 0) return;
    if (subscriptions.size === 0 || maxRecent === 0) {
      // nobody to hand them to (e.g. an import): a later subscription reads the table
      recent = [];
      return;
    }
    if (recent.length > 0 && t.inserted[0]!.position !== recentStart + recent.length) recent = [];
    if (recent.length === 0) recentStart = t.inserted[0]!.position;
    for (const r of t.inserted) {
      recent.push({
        position: r.position,
        id: r.id,
        stream: r.stream,
        revision: r.revision,
        type: r.type,
        data: JSON.parse(r.data) as Record<string, unknown>,
        metadata: JSON.parse(r.metadata) as StoredEvent['metadata'],
      });
    }
    // keep what a subscription has yet to read, at most `maxRecent` events
    let keepFrom = recentStart + recent.length - maxRecent;
    let slowest = Infinity;
    for (const s of subscriptions) slowest = Math.min(slowest, s.position);
    if (slowest !== Infinity) keepFrom = Math.max(keepFrom, slowest + 1);
    const drop = Math.min(recent.length, keepFrom - recentStart);
    if (drop > 0) {
      recent = recent.slice(drop);
      recentStart += drop;
    }
  };
  const rolledBack = () => {
    tx = null;
  };
  /** runs `work` in a BEGIN IMMEDIATE transaction with the write state set up */
  const write = <T>(work: () => T): T => {
    let result: T;
    try {
      result = writeTx.immediate(work) as T;
    } catch (error) {
      rolledBack();
      throw error;
    }
    committed();
    return result;
  };
  const writeTx = db.transaction((work: () => unknown) => {
    beginWrite();
    return work();
  });

  /** events after `after` for a subscription: from the recent run when it holds the next position */
  const readForSubscription = (after: number, limit: number): StoredEvent[] => {
    const from = after + 1 - recentStart;
    if (from >= 0 && from < recent.length) return recent.slice(from, from + limit);
    return (stmt.readAll.all(after, limit) as Row[]).map(toStored);
  };

  /** Inside a write transaction: the outcome for an id that is already stored. */
  const existingOutcome = (event: NewEvent): AppendOutcome | null => {
    const row = stmt.byId.get(event.id) as { position: number; type: string; data: string } | undefined;
    if (!row) return null;
    if (sameContent(event, row.type, JSON.parse(row.data))) return { status: 'duplicate', id: event.id, position: row.position };
    return {
      status: 'conflict',
      id: event.id,
      position: row.position,
      message: `event id '${event.id}' is already stored at position ${row.position} with other content`,
    };
  };

  const appendBatchIn = (events: NewEvent[], atomic: boolean): AppendOutcome[] => {
    const outcomes: AppendOutcome[] = [];
    let failed = false;
    for (const event of events) {
      const row = insert(event, event.stream);
      if (row !== null) {
        outcomes.push({ status: 'appended', id: event.id, position: row.position, revision: row.revision });
      } else {
        const outcome = existingOutcome(event)!;
        if (outcome.status === 'conflict') failed = true;
        outcomes.push(outcome);
      }
    }
    if (atomic && failed) {
      const error = new AtomicBatchFailed();
      (error as AtomicBatchFailed & { outcomes: AppendOutcome[] }).outcomes = outcomes.map((o) =>
        o.status === 'appended' ? { status: 'not-stored', id: o.id } : o,
      );
      throw error;
    }
    return outcomes;
  };

  const appendToStreamIn = (stream: string, events: NewEvent[], expected: ExpectedRevision): AppendToStreamResult => {
    const outcomes: (AppendOutcome | null)[] = events.map(existingOutcome);
    const fresh = outcomes.some((o) => o === null);
    // Within the same call, the same id twice: the later one is judged against the earlier.
    const current = revisionOf(stream);
    if (fresh && !revisionMatches(expected, current)) throw new WrongExpectedRevisionError(stream, expected, current);
    events.forEach((event, i) => {
      if (outcomes[i] !== null) return;
      const row = insert(event, stream);
      outcomes[i] = row !== null ? { status: 'appended', id: event.id, position: row.position, revision: row.revision } : existingOutcome(event);
    });
    return { outcomes: outcomes as AppendOutcome[], nextExpectedRevision: revisionOf(stream), position: tx!.head };
  };

  const assertOpen = () => {
    if (closed) throw new Error('the event store is closed');
  };
  const anyAppended = (outcomes: AppendOutcome[]) => outcomes.some((o) => o.status === 'appended');

  const store: EventStore = {
    kind: 'sqlite',

    async appendToStream(stream, events, expectedRevision = 'any') {
      assertOpen();
      const result = write(() => appendToStreamIn(stream, events, expectedRevision));
      if (anyAppended(result.outcomes)) notify();
      return result;
    },

    async appendToStreams(appends: StreamAppend[]) {
      assertOpen();
      if (appends.length === 0) return [];
      const results = write(() => appends.map((a) => appendToStreamIn(a.stream, a.events, a.expectedRevision ?? 'any')));
      if (results.some((r) => anyAppended(r.outcomes))) notify();
      return results;
    },

    async appendBatch(events, batchOptions: AppendBatchOptions = {}) {
      assertOpen();
      if (events.length === 0) return [];
      try {
        const outcomes = write(() => appendBatchIn(events, batchOptions.atomic === true));
        if (anyAppended(outcomes)) notify();
        return outcomes;
      } catch (error) {
        if (error instanceof AtomicBatchFailed) return (error as AtomicBatchFailed & { outcomes: AppendOutcome[] }).outcomes;
        throw error;
      }
    },

    async readStream(stream, readOptions: ReadStreamOptions = {}) {
      assertOpen();
      const rows = stmt.readStream.all(stream, readOptions.fromRevision ?? 0, readOptions.limit ?? -1) as Row[];
      return rows.map(toStored);
    },

    async readAll(after, limit) {
      assertOpen();
      return (stmt.readAll.all(after, limit) as Row[]).map(toStored);
    },

    async headPosition() {
      assertOpen();
      return stmt.head.get() as number;
    },

    subscribeToAll(subscribeOptions: SubscribeOptions) {
      assertOpen();
      const inner = catchUpSubscription(
        {
          readAll: async (after, limit) => {
            assertOpen();
            return readForSubscription(after, limit);
          },
          waitForChange: changes.waitForChange,
          version: changes.version,
        },
        subscribeOptions,
      );
      const subscription: Subscription = {
        get position() {
          return inner.position;
        },
        get catchingUp() {
          return inner.catchingUp;
        },
        async stop() {
          await inner.stop();
          subscriptions.delete(subscription);
        },
      };
      subscriptions.add(subscription);
      return subscription;
    },

    async close() {
      if (closed) return;
      await Promise.all([...subscriptions].map((s) => s.stop()));
      closed = true;
      notify();
      recent = [];
      db.close();
    },
  };
  return store;
}
