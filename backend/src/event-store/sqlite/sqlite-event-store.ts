import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { NewEvent, StoredEvent } from '@pks/contracts';
import { catchUpSubscription } from '../catch-up-subscription.js';
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
  type SubscribeOptions,
  type Subscription,
} from '../event-store.js';

export interface SQLiteEventStoreOptions {
  /** database file; ':memory:' for tests that need no file */
  path: string;
  /** how often subscribers look for events appended by other processes, default 200 ms */
  pollIntervalMs?: number;
}

type Row = [position: number, id: string, stream: string, revision: number, type: string, data: string, metadata: string];

class AtomicBatchFailed extends Error {}

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
 */
export function getSQLiteEventStore(options: SQLiteEventStoreOptions): EventStore {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 10000');
  db.exec(SCHEMA);

  const pollIntervalMs = options.pollIntervalMs ?? 200;
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

  const waiters = new Set<() => void>();
  const subscriptions = new Set<Subscription>();
  let closed = false;

  const notify = () => {
    for (const wake of waiters) wake();
    waiters.clear();
  };

  const toStored = (row: Row): StoredEvent => ({
    position: row[0],
    id: row[1],
    stream: row[2],
    revision: row[3],
    type: row[4],
    data: JSON.parse(row[5]) as Record<string, unknown>,
    metadata: JSON.parse(row[6]) as StoredEvent['metadata'],
  });

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

  const appendBatchTx = db.transaction((events: NewEvent[], atomic: boolean): AppendOutcome[] => {
    let head = stmt.head.get() as number;
    const revisions = new Map<string, number>();
    const outcomes: AppendOutcome[] = [];
    let failed = false;
    for (const event of events) {
      let revision = revisions.get(event.stream);
      if (revision === undefined) revision = stmt.streamRevision.get(event.stream) as number;
      const position = head + 1;
      const info = stmt.insert.run(position, event.id, event.stream, revision + 1, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata));
      if (info.changes === 1) {
        head = position;
        revisions.set(event.stream, revision + 1);
        outcomes.push({ status: 'appended', id: event.id, position, revision: revision + 1 });
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
  });

  const appendToStreamTx = db.transaction((stream: string, events: NewEvent[], expected: ExpectedRevision): AppendToStreamResult => {
    let head = stmt.head.get() as number;
    let revision = stmt.streamRevision.get(stream) as number;
    const outcomes: (AppendOutcome | null)[] = events.map(existingOutcome);
    const fresh = events.filter((_, i) => outcomes[i] === null);
    // Within the same call, the same id twice: the later one is judged against the earlier.
    if (fresh.length > 0 && !revisionMatches(expected, revision)) throw new WrongExpectedRevisionError(stream, expected, revision);
    events.forEach((event, i) => {
      if (outcomes[i] !== null) return;
      const info = stmt.insert.run(head + 1, event.id, stream, revision + 1, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata));
      if (info.changes === 1) {
        head += 1;
        revision += 1;
        outcomes[i] = { status: 'appended', id: event.id, position: head, revision };
      } else {
        outcomes[i] = existingOutcome(event);
      }
    });
    return { outcomes: outcomes as AppendOutcome[], nextExpectedRevision: revision, position: head };
  });

  const assertOpen = () => {
    if (closed) throw new Error('the event store is closed');
  };

  const store: EventStore = {
    kind: 'sqlite',

    async appendToStream(stream, events, expectedRevision = 'any') {
      assertOpen();
      const result = appendToStreamTx.immediate(stream, events, expectedRevision);
      if (result.outcomes.some((o) => o.status === 'appended')) notify();
      return result;
    },

    async appendBatch(events, batchOptions: AppendBatchOptions = {}) {
      assertOpen();
      if (events.length === 0) return [];
      try {
        const outcomes = appendBatchTx.immediate(events, batchOptions.atomic === true);
        if (outcomes.some((o) => o.status === 'appended')) notify();
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
      const subscription = catchUpSubscription(
        {
          readAll: (after, limit) => store.readAll(after, limit),
          waitForChange: (signal) =>
            new Promise<void>((resolve) => {
              const done = () => {
                clearTimeout(timer);
                signal.removeEventListener('abort', done);
                waiters.delete(done);
                resolve();
              };
              const timer = setTimeout(done, pollIntervalMs);
              waiters.add(done);
              signal.addEventListener('abort', done);
            }),
        },
        subscribeOptions,
      );
      subscriptions.add(subscription);
      return subscription;
    },

    async close() {
      if (closed) return;
      await Promise.all([...subscriptions].map((s) => s.stop()));
      closed = true;
      notify();
      db.close();
    },
  };
  return store;
}
