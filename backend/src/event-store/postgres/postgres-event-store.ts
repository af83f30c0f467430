import pg from 'pg';
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
import { isTransientPostgresError } from './postgres-errors.js';

export interface PostgresEventStoreOptions {
  /** e.g. postgres://postgres@127.0.0.1:5432/pks */
  connectionString: string;
  /** the schema holding the `events` table, created when missing; default `pks`. Lower-case letters, digits, `_`. */
  schema?: string;
  /**
   * Safety-net poll for subscribers, default 1,000 ms. Live delivery does not wait for it: appends NOTIFY a channel
   * that every store handle LISTENs on; the poll only covers a notification lost while the listener reconnects.
   */
  pollIntervalMs?: number;
  /** most pooled connections for appends and reads, default 10 (the listener has one more of its own) */
  poolSize?: number;
  /** shown in pg_stat_activity, default `pks-event-store:<schema>` */
  applicationName?: string;
}

export interface PostgresEventStore extends EventStore {
  /** creates the schema and table if missing; every other method awaits it, so calling it is optional */
  ready(): Promise<void>;
  readonly schema: string;
}

type Row = { position: number; id: string; stream: string; revision: number; type: string; data: Record<string, unknown>; metadata: StoredEvent['metadata'] };
type Known = { position: number; type: string; data: unknown };
type PoolClient = pg.PoolClient;
type InsertRow = { position: number; event: NewEvent; stream: string; revision: number };
/** What the appends of one group transaction are planned on: the head, stored ids and stream revisions. */
type PlanState = { head: number; known: Map<string, Known>; revisions: Map<string, number> };

/**
 * A copy-on-write view of the group's state for one append: it reads through to the shared state and keeps its own
 * writes until `merge()`, so an append that throws halfway (a wrong revision in its third part) leaves nothing behind.
 */
function planOverlay(shared: PlanState): { view: PlanState; merge(): void } {
  const known = new Map<string, Known>();
  const revisions = new Map<string, number>();
  const view: PlanState = {
    head: shared.head,
    known: overlayMap(shared.known, known),
    revisions: overlayMap(shared.revisions, revisions),
  };
  return {
    view,
    merge() {
      shared.head = view.head;
      for (const [k, v] of known) shared.known.set(k, v);
      for (const [k, v] of revisions) shared.revisions.set(k, v);
    },
  };
}

/** get/set/has over `own` first, then `base`; writes go to `own` only */
function overlayMap<K, V>(base: Map<K, V>, own: Map<K, V>): Map<K, V> {
  return {
    get: (key: K) => (own.has(key) ? own.get(key) : base.get(key)),
    has: (key: K) => own.has(key) || base.has(key),
    set(key: K, value: V) {
      own.set(key, value);
      return this;
    },
  } as Map<K, V>;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,47}$/;
const INT8_OID = 20;

/**
 * The event store on PostgreSQL (`pg`), for several backend nodes sharing one database.
 *
 * Positions and the high-water mark: every append runs in one transaction that first takes a transaction-scoped
 * advisory lock (`pg_advisory_xact_lock`, one key per schema), then assigns positions `max(position) + 1 …` and
 * commits. The lock is released only after the commit is durable and visible, so positions are assigned in commit
 * order and are gap-free (a rolled-back append consumes none, unlike a sequence). A reader therefore never sees
 * position n+1 before n: `position > checkpoint` read in position order cannot skip an event that commits later,
 * and the head (`max(position)`) is itself the safe high-water mark. Chosen over a sequence plus
 * `pg_snapshot_xmin` tracking because it is simple and obviously correct; the cost is that appends are serialised
 * (one commit at a time per schema), which the store amortises by group commit: the appends of one process that wait
 * together share one transaction (see `commitGroup`).
 *
 * Durable: `synchronous_commit = on` on every connection; an append resolves after COMMIT returned.
 * Idempotent on event id (unique index): the same id with the same type and data (compared with canonicalJson) is
 * a duplicate, other content a conflict, exactly as the SQLite store.
 * Live: each append NOTIFYs `pks_events_<schema>` (delivered at commit); a dedicated connection LISTENs, reconnects
 * with backoff after a drop and then wakes every subscriber, which re-reads from its own checkpoint. Reads that fail
 * on a dropped connection are retried, so a subscription survives a database restart.
 */
export function getPostgresEventStore(options: PostgresEventStoreOptions): PostgresEventStore {
  const schema = options.schema ?? 'pks';
  if (!SCHEMA_NAME.test(schema)) throw new Error(`schema must match ${String(SCHEMA_NAME)}, not '${schema}'`);
  const table = `"${schema}".events`;
  const channel = `pks_events_${schema}`;
  const lockKey = `hashtext('pks-event-store:${schema}')`;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const applicationName = (options.applicationName ?? `pks-event-store:${schema}`).slice(0, 63);

  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === INT8_OID && format !== 'binary' ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
  };
  const connection = {
    connectionString: options.connectionString,
    application_name: applicationName,
    // durable acknowledgements; and a session stuck inside an append (a frozen process) cannot hold the append lock
    // for more than a minute
    options: '-c synchronous_commit=on -c idle_in_transaction_session_timeout=60000',
    keepAlive: true,
    types,
  };
  const pool = new pg.Pool({ ...connection, max: options.poolSize ?? 10, idleTimeoutMillis: 30_000 });
  // An idle pooled connection that drops (server restart, pg_terminate_backend) is discarded by the pool; without a
  // listener the 'error' event would crash the process.
  pool.on('error', (error) => warn('idle connection failed', error));

  const changes = changeSignal(pollIntervalMs);
  const subscriptions = new Set<Subscription>();
  let closed = false;
  let listener: pg.Client | null = null;
  let listenerWanted = false;
  let listenerTimer: NodeJS.Timeout | null = null;
  let listenerBackoffMs = 100;

  const wake = changes.notify;

  let readyPromise: Promise<void> | null = null;
  const ready = () => {
    readyPromise ??= migrate().catch((error: unknown) => {
      readyPromise = null;
      throw error;
    });
    return readyPromise;
  };

  async function migrate(): Promise<void> {
    const client = await pool.connect();
    try {
      // concurrent first starts of several nodes: CREATE … IF NOT EXISTS alone can still race on the catalogue
      await client.query(`BEGIN; SELECT pg_advisory_xact_lock(hashtext('pks-event-store:migrate'))`);
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await client.query(`
        CREATE TABLE IF NOT EXISTS ${table} (
          position  bigint      PRIMARY KEY CHECK (position > 0),
          id        text        NOT NULL,
          stream    text        NOT NULL,
          revision  bigint      NOT NULL CHECK (revision >= 0),
          type      text        NOT NULL,
          data      json        NOT NULL,
          metadata  json        NOT NULL,
          stored_at timestamptz NOT NULL DEFAULT now(),
          CONSTRAINT events_id_key UNIQUE (id),
          CONSTRAINT events_stream_revision_key UNIQUE (stream, revision)
        )`);
      await client.query('COMMIT');
      client.release();
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(error instanceof Error ? error : true);
      throw error;
    }
  }

  const assertOpen = () => {
    if (closed) throw new Error('the event store is closed');
  };

  /**
   * Group commit. Appends wait in an in-process queue; one transaction at a time takes the append lock, reads the
   * state every waiting append needs (head, stored ids, stream revisions), plans each append in arrival order on
   * that state, inserts the rows of all that succeeded in one statement and commits once. An append that fails its
   * own checks (a wrong expected revision, an atomic batch with a conflict) changes nothing and fails alone; an
   * error of the transaction itself fails every append in it, none of which is then stored.
   *
   * Before, every call held a pooled connection while it waited for the advisory lock: under concurrent ingest the
   * waiting appends took the whole pool, subscribers could not read, and with one commit per call a request waited
   * behind all the others (POST p50 ~170 ms at 100 requests/s across two nodes).
   */
  type Planned<T> = { result: T; rows: InsertRow[] } | { result: T; rows: null };
  type Waiting = {
    ids: string[];
    streams: string[];
    size: number;
    plan: (state: PlanState) => Planned<unknown>;
    resolve: (value: unknown) => void;
    reject: (error: unknown) => void;
  };
  const waiting: Waiting[] = [];
  let flushing: Promise<void> | null = null;
  /** at most this many events in one group transaction (a single call may exceed it alone) */
  const GROUP_EVENTS = 20_000;

  function enqueue<T>(ids: string[], streams: string[], size: number, plan: (state: PlanState) => Planned<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      waiting.push({ ids, streams, size, plan, resolve: resolve as (value: unknown) => void, reject });
      kick();
    });
  }

  /**
   * Starts the flush loop unless it runs. An append queued after the loop saw an empty queue but before it settled
   * (the caller of the last group resumes in between) is picked up by the restart in `finally`.
   */
  function kick(): void {
    if (flushing) return;
    flushing = flush().finally(() => {
      flushing = null;
      if (waiting.length > 0) kick();
    });
  }

  async function flush(): Promise<void> {
    while (waiting.length > 0) {
      let take = 1;
      let size = waiting[0]!.size;
      while (take < waiting.length && size + waiting[take]!.size <= GROUP_EVENTS) size += waiting[take++]!.size;
      const group = waiting.splice(0, take);
      await commitGroup(group);
    }
  }

  async function commitGroup(group: Waiting[]): Promise<void> {
    let client: PoolClient | null = null;
    let inTransaction = false;
    const settled: (() => void)[] = [];
    try {
      await ready();
      client = await pool.connect();
      await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${lockKey})`);
      inTransaction = true;
      const state = await currentState(
        client,
        [...new Set(group.flatMap((w) => w.ids))],
        [...new Set(group.flatMap((w) => w.streams))],
      );
      const rows: InsertRow[] = [];
      for (const w of group) {
        const overlay = planOverlay(state);
        let planned: Planned<unknown>;
        try {
          planned = w.plan(overlay.view);
        } catch (error) {
          w.reject(error);
          continue;
        }
        if (planned.rows !== null) {
          overlay.merge();
          rows.push(...planned.rows);
        }
        settled.push(() => w.resolve(planned.result));
      }
      await insertRows(client, rows);
      if (rows.length === 0) await client.query('COMMIT');
      else await client.query(`SELECT pg_notify('${channel}', '${state.head}'); COMMIT`);
      inTransaction = false;
      client.release();
      client = null;
      if (rows.length > 0) wake();
      for (const resolve of settled) resolve();
    } catch (error) {
      if (client) {
        if (inTransaction) {
          try {
            await client.query('ROLLBACK');
            client.release();
          } catch {
            client.release(true);
          }
        } else {
          client.release(isTransientPostgresError(error) ? true : undefined);
        }
      }
      // every append of the group that had not failed on its own fails with the transaction; none was stored
      for (const w of group) w.reject(error);
    }
  }

  /** Inside the lock: the head, what is stored under these ids, and the last revision of these streams. */
  async function currentState(client: PoolClient, ids: string[], streams: string[]): Promise<PlanState> {
    const { rows } = await client.query<{ head: number; existing: [string, number, string, unknown][]; revisions: [string, number][] }>(
      `SELECT
         (SELECT COALESCE(max(position), 0) FROM ${table}) AS head,
         (SELECT COALESCE(json_agg(json_build_array(id, position, type, data)), '[]'::json) FROM ${table} WHERE id = ANY($1::text[])) AS existing,
         (SELECT COALESCE(json_agg(json_build_array(stream, rev)), '[]'::json)
            FROM (SELECT stream, max(revision) AS rev FROM ${table} WHERE stream = ANY($2::text[]) GROUP BY stream) r) AS revisions`,
      [ids, streams],
    );
    const row = rows[0]!;
    const known = new Map<string, Known>(row.existing.map(([id, position, type, data]) => [id, { position, type, data }]));
    const revisions = new Map<string, number>(row.revisions.map(([stream, rev]) => [stream, rev]));
    return { head: row.head, known, revisions };
  }

  async function insertRows(client: PoolClient, rows: InsertRow[]) {
    if (rows.length === 0) return;
    await client.query(
      `INSERT INTO ${table} (position, id, stream, revision, type, data, metadata)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::json[], $7::json[])`,
      [
        rows.map((r) => r.position),
        rows.map((r) => r.event.id),
        rows.map((r) => r.stream),
        rows.map((r) => r.revision),
        rows.map((r) => r.event.type),
        rows.map((r) => JSON.stringify(r.event.data)),
        rows.map((r) => JSON.stringify(r.event.metadata)),
      ],
    );
  }

  const outcomeFor = (event: NewEvent, known: Known): AppendOutcome =>
    sameContent(event, known.type, known.data)
      ? { status: 'duplicate', id: event.id, position: known.position }
      : {
          status: 'conflict',
          id: event.id,
          position: known.position,
          message: `event id '${event.id}' is already stored at position ${known.position} with other content`,
        };

  const toStored = (row: Row): StoredEvent => ({
    position: row.position,
    id: row.id,
    stream: row.stream,
    revision: row.revision,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
  });

  async function readAll(after: number, limit: number): Promise<StoredEvent[]> {
    assertOpen();
    await ready();
    const { rows } = await pool.query<Row>(
      `SELECT position, id, stream, revision, type, data, metadata FROM ${table} WHERE position > $1 ORDER BY position LIMIT $2`,
      [after, limit],
    );
    return rows.map(toStored);
  }

  /** readAll for subscriptions: waits and retries while the database is unreachable, until stopped. */
  async function readAllRetrying(after: number, limit: number, stopped: AbortSignal): Promise<StoredEvent[]> {
    let backoffMs = 100;
    let warned = false;
    for (;;) {
      try {
        return await readAll(after, limit);
      } catch (error) {
        if (stopped.aborted || closed) return [];
        if (!isTransientPostgresError(error)) throw error;
        if (!warned) warn(`subscription read failed, retrying from position ${after}`, error);
        warned = true;
        await sleep(backoffMs, stopped);
        backoffMs = Math.min(backoffMs * 2, 5000);
      }
    }
  }

  // ---- LISTEN on a dedicated connection, reconnecting after drops ----

  function ensureListener() {
    if (listenerWanted || closed) return;
    listenerWanted = true;
    void connectListener();
  }

  async function connectListener(): Promise<void> {
    listenerTimer = null;
    if (!listenerWanted || closed) return;
    const client = new pg.Client(connection);
    let dropped = false;
    const onDrop = (error?: unknown) => {
      if (dropped) return;
      dropped = true;
      if (listener === client) listener = null;
      client.removeAllListeners('notification');
      client.end().catch(() => undefined);
      if (!listenerWanted || closed) return;
      if (error) warn('LISTEN connection dropped, reconnecting', error);
      listenerTimer = setTimeout(() => void connectListener(), listenerBackoffMs);
      listenerBackoffMs = Math.min(listenerBackoffMs * 2, 5000);
    };
    client.on('error', (error) => onDrop(error));
    client.on('end', () => onDrop(new Error('connection ended')));
    client.on('notification', () => wake());
    try {
      await client.connect();
      await client.query(`LISTEN "${channel}"`);
    } catch (error) {
      onDrop(error);
      return;
    }
    if (dropped) return;
    if (!listenerWanted || closed) {
      dropped = true;
      await client.end().catch(() => undefined);
      return;
    }
    listener = client;
    listenerBackoffMs = 100;
    // anything appended while no one listened: every subscriber re-reads from its checkpoint
    wake();
  }

  async function stopListener() {
    listenerWanted = false;
    if (listenerTimer) clearTimeout(listenerTimer);
    listenerTimer = null;
    const client = listener;
    listener = null;
    if (client) {
      client.removeAllListeners('end');
      client.removeAllListeners('notification');
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
    }
  }


  /**
   * Appends each part to its stream with its expected revision, in one transaction under the append lock: all or
   * nothing (a wrong revision anywhere throws before anything is planned into the group, so nothing is inserted).
   */
  function appendParts(parts: StreamAppend[]): Promise<AppendToStreamResult[]> {
    const ids = [...new Set(parts.flatMap((p) => p.events.map((e) => e.id)))];
    const streams = [...new Set(parts.map((p) => p.stream))];
    const size = parts.reduce((n, p) => n + p.events.length, 0);
    return enqueue(ids, streams, size, (state) => {
      // Within the same call, the same id twice: the later one is judged against the earlier.
      const known = state.known;
      const rows: InsertRow[] = [];
      const results = parts.map(({ stream, events, expectedRevision = 'any' }): AppendToStreamResult => {
        let revision = state.revisions.get(stream) ?? -1;
        const outcomes: (AppendOutcome | null)[] = events.map((event) => {
          const stored = known.get(event.id);
          return stored ? outcomeFor(event, stored) : null;
        });
        const fresh = outcomes.filter((o) => o === null).length;
        if (fresh > 0 && !revisionMatches(expectedRevision, revision)) throw new WrongExpectedRevisionError(stream, expectedRevision, revision);
        events.forEach((event, i) => {
          if (outcomes[i] !== null) return;
          const earlier = known.get(event.id);
          if (earlier) {
            outcomes[i] = outcomeFor(event, earlier);
            return;
          }
          state.head += 1;
          revision += 1;
          known.set(event.id, { position: state.head, type: event.type, data: event.data });
          rows.push({ position: state.head, event, stream, revision });
          outcomes[i] = { status: 'appended', id: event.id, position: state.head, revision };
        });
        state.revisions.set(stream, revision);
        return { outcomes: outcomes as AppendOutcome[], nextExpectedRevision: revision, position: state.head };
      });
      return { result: results, rows };
    });
  }

  const store: PostgresEventStore = {
    kind: 'postgres',
    schema,
    ready,

    async appendToStream(stream, events, expectedRevision: ExpectedRevision = 'any'): Promise<AppendToStreamResult> {
      assertOpen();
      const [result] = await appendParts([{ stream, events, expectedRevision }]);
      return result!;
    },

    async appendToStreams(appends: StreamAppend[]): Promise<AppendToStreamResult[]> {
      assertOpen();
      if (appends.length === 0) return [];
      return appendParts(appends);
    },

    async appendBatch(events, batchOptions: AppendBatchOptions = {}) {
      assertOpen();
      if (events.length === 0) return [];
      const ids = [...new Set(events.map((e) => e.id))];
      const streams = [...new Set(events.map((e) => e.stream))];
      return enqueue(ids, streams, events.length, (state): Planned<AppendOutcome[]> => {
        const known = state.known;
        const outcomes: AppendOutcome[] = [];
        const rows: InsertRow[] = [];
        let failed = false;
        for (const event of events) {
          const stored = known.get(event.id);
          if (stored) {
            const outcome = outcomeFor(event, stored);
            if (outcome.status === 'conflict') failed = true;
            outcomes.push(outcome);
            continue;
          }
          const revision = (state.revisions.get(event.stream) ?? -1) + 1;
          state.head += 1;
          state.revisions.set(event.stream, revision);
          known.set(event.id, { position: state.head, type: event.type, data: event.data });
          rows.push({ position: state.head, event, stream: event.stream, revision });
          outcomes.push({ status: 'appended', id: event.id, position: state.head, revision });
        }
        if (batchOptions.atomic === true && failed) {
          // nothing of this batch is stored: its plan is discarded with its overlay
          return { result: outcomes.map((o): AppendOutcome => (o.status === 'appended' ? { status: 'not-stored', id: o.id } : o)), rows: null };
        }
        return { result: outcomes, rows };
      });
    },

    async readStream(stream, readOptions: ReadStreamOptions = {}) {
      assertOpen();
      await ready();
      const { rows } = await pool.query<Row>(
        `SELECT position, id, stream, revision, type, data, metadata FROM ${table}
          WHERE stream = $1 AND revision >= $2 ORDER BY revision LIMIT $3`,
        [stream, readOptions.fromRevision ?? 0, readOptions.limit ?? null],
      );
      return rows.map(toStored);
    },

    readAll,

    async headPosition() {
      assertOpen();
      await ready();
      const { rows } = await pool.query<{ head: number }>(`SELECT COALESCE(max(position), 0) AS head FROM ${table}`);
      return rows[0]!.head;
    },

    subscribeToAll(subscribeOptions: SubscribeOptions) {
      assertOpen();
      ensureListener();
      const stopped = new AbortController();
      const inner = catchUpSubscription({ readAll: (after, limit) => readAllRetrying(after, limit, stopped.signal), waitForChange: changes.waitForChange, version: changes.version }, subscribeOptions);
      const subscription: Subscription = {
        get position() {
          return inner.position;
        },
        get catchingUp() {
          return inner.catchingUp;
        },
        async stop() {
          stopped.abort();
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
      // appends already accepted finish (or fail) before the pool closes
      while (flushing) await flushing;
      closed = true;
      wake();
      await stopListener();
      await pool.end();
    },
  };
  return store;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

function warn(what: string, error: unknown) {
  console.warn(`postgres event store: ${what}: ${error instanceof Error ? error.message : String(error)}`);
}
