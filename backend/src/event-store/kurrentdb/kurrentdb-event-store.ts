import { createHash } from 'node:crypto';
import {
  ANY,
  BACKWARDS,
  END,
  FORWARDS,
  jsonEvent,
  KurrentDBClient,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  streamNameFilter,
  type AllStreamSubscription,
  type AppendStreamState,
  type RecordedEvent,
} from '@kurrent/kurrentdb-client';
import type { NewEvent, StoredEvent } from '@pks/contracts';
import { catchUpSubscription, changeSignal } from '../catch-up-subscription.js';
import {
  canonicalJson,
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
import { uuidV5 } from './uuid-v5.js';

export interface KurrentDBEventStoreOptions {
  /** e.g. `kurrentdb://127.0.0.1:2113?tls=false` (insecure single node) or a cluster's connection string */
  connectionString: string;
  /**
   * Prepended to every stream name this store writes and reads (default none), so that several stores can share one
   * database (the contract suite uses one prefix per test). Our stream `unit-C4` is the KurrentDB stream
   * `<prefix>unit-C4`.
   */
  streamPrefix?: string;
  /** safety-net poll for subscribers, default 1,000 ms (live delivery comes from a $all subscription) */
  pollIntervalMs?: number;
  /** an existing client to use instead of connecting with `connectionString`; close() then leaves it open */
  client?: KurrentDBClient;
}

/** What the id index stream `<prefix>pks-id-<uuid>` holds: where the event with that id is stored, and its content. */
interface IdClaim {
  stream: string;
  type: string;
  dataSha256: string;
  position: number;
  revision: number;
}

const CLAIM_TYPE = 'PksEventIdClaimed';
const CLAIM_STREAM_INFIX = 'pks-id-';
const TRANSIENT = new Set(['unavailable', 'deadline-exceeded', 'timeout', 'not-leader', 'cancelled']);
/** the client's error type (ErrorType), compared by value so that a second copy of the client package still matches */
const errorType = (error: unknown) => (error as { type?: unknown } | null)?.type;

const hashData = (data: unknown) => createHash('sha256').update(canonicalJson(data)).digest('hex');
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The event store on KurrentDB (EventStoreDB's successor) through `@kurrent/kurrentdb-client`.
 *
 * Streams: one KurrentDB stream per aggregate, named as ours (plus the optional prefix); revisions are KurrentDB's
 * stream revisions (0-based, as ours). Expected revisions map to ANY / NO_STREAM / STREAM_EXISTS / a bigint revision.
 *
 * Positions: KurrentDB has no gap-free global sequence. An event's position here is its `$all` commit position (a
 * byte offset in the transaction log, equal to its prepare position for every append the gRPC API makes), as a
 * number: unique, strictly increasing in `$all` order, and enough to resume `$all` from (`{ commit: p, prepare: p }`),
 * so a runner can checkpoint it like any other position; but it is not 1, 2, 3 and differences between positions
 * mean nothing. `headPosition()` is the commit position of the last event of this store in `$all` (0 when none):
 * KurrentDB makes an event readable only once it and everything before it in the log is committed, so reading
 * `position > checkpoint` in `$all` order never skips an event that commits later, and the head is a safe
 * high-water mark (on a cluster, read from the leader: `nodePreference=leader`, the default).
 *
 * Idempotency on our event id: KurrentDB event ids must be UUIDs, so each event gets UUID v5 of our id
 * (PKS_EVENT_ID_NAMESPACE) and keeps our id in its metadata (`pksEventId`). KurrentDB's own idempotency works per
 * stream and ignores content, so this store keeps an id index: after an append it reads the events back (their
 * positions and what is really stored under those UUIDs), then records a claim in `<prefix>pks-id-<uuid>` (expected
 * NO_STREAM) with the stream, position and a hash of type and data. Before appending, an id with a claim is reported
 * as duplicate (same content) or conflict (other content) and not appended, whatever its stream. A retry after a
 * crash between append and claim is absorbed by KurrentDB's per-stream idempotency (same UUID) and then claimed.
 * Limits, documented rather than hidden: (1) two processes appending the same id to two different streams at the
 * same moment can both store it (the loser of the claim reports a conflict, but its event is in its stream);
 * (2) `appendBatch({ atomic: true })` checks every id before writing anything (a conflict stores nothing), but the
 * batch is written as one append per run of consecutive events of one stream, so a failure in the middle of writing
 * leaves the earlier runs stored (KurrentDB < 25.1 has no multi-stream transaction); (3) `appendToStreams` likewise
 * checks every part's expected revision first (a mismatch stores nothing and throws), then writes one append per
 * part with its expected revision, so only a concurrent writer or a failure between the parts can leave the earlier
 * parts stored (the later part then throws WrongExpectedRevisionError as `appendToStream` would). Appends to one
 * stream are serialised within a process.
 */
export function getKurrentDBEventStore(options: KurrentDBEventStoreOptions): EventStore {
  const client = options.client ?? KurrentDBClient.connectionString(options.connectionString);
  const prefix = options.streamPrefix ?? '';
  if (prefix.includes('$')) throw new Error('streamPrefix must not contain $');
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  // our streams: the prefix, then neither an id-index stream nor a system stream
  const ourStreams = () => streamNameFilter({ regex: `^${escapeRegex(prefix)}(?!${CLAIM_STREAM_INFIX})[^$]` });

  const toKurrent = (stream: string) => {
    if (stream.startsWith(CLAIM_STREAM_INFIX)) throw new Error(`stream names starting with ${CLAIM_STREAM_INFIX} are reserved`);
    return prefix + stream;
  };
  const claimStream = (id: string) => `${prefix}${CLAIM_STREAM_INFIX}${uuidV5(id)}`;

  const changes = changeSignal(pollIntervalMs);
  const subscriptions = new Set<Subscription>();
  const streamLocks = new Map<string, Promise<void>>();
  let closed = false;
  let live: AllStreamSubscription | null = null;
  let liveWanted = false;
  let liveTimer: NodeJS.Timeout | null = null;
  let liveBackoffMs = 100;

  const wake = changes.notify;
  const assertOpen = () => {
    if (closed) throw new Error('the event store is closed');
  };

  /** Appends to one stream one at a time within this process (claims are checked inside). */
  async function withStreamLock<T>(stream: string, work: () => Promise<T>): Promise<T> {
    const previous = streamLocks.get(stream) ?? Promise.resolve();
    let release!: () => void;
    const mine = previous.then(() => new Promise<void>((r) => (release = r)));
    streamLocks.set(stream, mine);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (streamLocks.get(stream) === mine) streamLocks.delete(stream);
    }
  }

  async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
    const out: T[] = [];
    try {
      for await (const item of iterable) out.push(item);
    } catch (error) {
      if (errorType(error) === 'stream-not-found') return [];
      throw error;
    }
    return out;
  }

  /**
   * The commit position; servers before 22.6 report no position (or 2^64 - 1) on stream reads, and events appended
   * through the gRPC API have commit = prepare, so the prepare position stands in for an unusable commit position.
   */
  const positionOf = (event: RecordedEvent): number => {
    const usable = (p: bigint | undefined) => p !== undefined && p >= 0n && p <= BigInt(Number.MAX_SAFE_INTEGER);
    if (usable(event.position?.commit)) return Number(event.position!.commit);
    if (usable(event.position?.prepare)) return Number(event.position!.prepare);
    throw new Error(`KurrentDB returned event ${event.id} of ${event.streamId} without a usable log position (server older than 22.6?)`);
  };

  const toStored = (event: RecordedEvent): StoredEvent => {
    const stored = (event.metadata ?? {}) as Record<string, unknown>;
    const { pksEventId, ...metadata } = stored;
    let data: unknown = event.data;
    if (data instanceof Uint8Array) data = JSON.parse(Buffer.from(data).toString('utf8'));
    return {
      position: positionOf(event),
      id: typeof pksEventId === 'string' ? pksEventId : event.id,
      stream: event.streamId.slice(prefix.length),
      revision: Number(event.revision),
      type: event.type,
      data: data as Record<string, unknown>,
      metadata: metadata as StoredEvent['metadata'],
    };
  };

  async function readClaim(id: string): Promise<IdClaim | null> {
    const [resolved] = await collect(client.readStream(claimStream(id), { direction: FORWARDS, fromRevision: START, maxCount: 1 }));
    return (resolved?.event?.data as IdClaim | undefined) ?? null;
  }

  /** Records where `id` is stored; the claim already there when another append claimed it first. */
  async function writeClaim(id: string, claim: IdClaim): Promise<IdClaim | null> {
    try {
      await client.appendToStream(claimStream(id), jsonEvent({ type: CLAIM_TYPE, data: { ...claim } }), { streamState: NO_STREAM });
      return null;
    } catch (error) {
      if (errorType(error) !== 'wrong-expected-version') throw error;
      const existing = await readClaim(id);
      if (!existing) throw error;
      return existing;
    }
  }

  const outcomeFromClaim = (event: NewEvent, claim: IdClaim): AppendOutcome =>
    event.type === claim.type && hashData(event.data) === claim.dataSha256
      ? { status: 'duplicate', id: event.id, position: claim.position }
      : {
          status: 'conflict',
          id: event.id,
          position: claim.position,
          message: `event id '${event.id}' is already stored at position ${claim.position} with other content`,
        };

  const toStreamState = (expected: ExpectedRevision): AppendStreamState =>
    expected === 'any' ? ANY : expected === 'no-stream' ? NO_STREAM : expected === 'stream-exists' ? STREAM_EXISTS : BigInt(expected);

  async function currentRevision(kurrentStream: string): Promise<number> {
    const [last] = await collect(client.readStream(kurrentStream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 }));
    return last?.event ? Number(last.event.revision) : -1;
  }

  /**
   * Appends `events` to one stream, skipping ids already claimed. Returns one outcome per event and the stream's
   * last revision. Throws WrongExpectedRevisionError when something is to be appended and the revision is wrong.
   */
  async function appendRun(stream: string, events: NewEvent[], expected: ExpectedRevision): Promise<{ outcomes: AppendOutcome[]; revision: number }> {
    const kurrentStream = toKurrent(stream);
    return withStreamLock(kurrentStream, async () => {
      const claims = await Promise.all(events.map((e) => readClaim(e.id)));
      const outcomes: (AppendOutcome | null)[] = events.map((e, i) => (claims[i] ? outcomeFromClaim(e, claims[i]) : null));
      const first = new Map<string, number>();
      const fresh: number[] = [];
      events.forEach((e, i) => {
        if (outcomes[i] !== null || first.has(e.id)) return;
        first.set(e.id, i);
        fresh.push(i);
      });
      if (fresh.length === 0) return { outcomes: outcomes as AppendOutcome[], revision: await currentRevision(kurrentStream) };

      let nextExpectedRevision: bigint;
      try {
        const result = await client.appendToStream(
          kurrentStream,
          fresh.map((i) => {
            const e = events[i]!;
            return jsonEvent({ id: uuidV5(e.id), type: e.type, data: e.data, metadata: { ...e.metadata, pksEventId: e.id } });
          }),
          { streamState: toStreamState(expected) },
        );
        nextExpectedRevision = result.nextExpectedRevision;
      } catch (error) {
        if (errorType(error) === 'wrong-expected-version') {
          const actualState = (error as { actualState?: unknown }).actualState;
          const actual = typeof actualState === 'bigint' || typeof actualState === 'number' ? Number(actualState) : -1;
          throw new WrongExpectedRevisionError(stream, expected, actual);
        }
        throw error;
      }

      // read back: the positions, and what is really stored under these UUIDs (KurrentDB's own idempotency may have
      // answered with events stored earlier, possibly with other content)
      const fromRevision = nextExpectedRevision - BigInt(fresh.length) + 1n;
      const readBack = await collect(client.readStream(kurrentStream, { direction: FORWARDS, fromRevision, maxCount: fresh.length }));
      if (readBack.length !== fresh.length) throw new Error(`read back ${readBack.length} of ${fresh.length} events appended to ${kurrentStream}`);
      await Promise.all(
        fresh.map(async (i, k) => {
          const e = events[i]!;
          const recorded = readBack[k]!.event!;
          if (recorded.id !== uuidV5(e.id)) throw new Error(`stream ${kurrentStream} revision ${recorded.revision} holds another event than ${e.id}`);
          const position = positionOf(recorded);
          const revision = Number(recorded.revision);
          const claim: IdClaim = { stream, type: recorded.type, dataSha256: hashData(recorded.data), position, revision };
          const existing = await writeClaim(e.id, claim);
          if (existing) outcomes[i] = outcomeFromClaim(e, existing);
          else if (sameContent(e, recorded.type, recorded.data)) outcomes[i] = { status: 'appended', id: e.id, position, revision };
          else outcomes[i] = outcomeFromClaim(e, claim);
        }),
      );
      // an id repeated within the call is judged against its first occurrence
      events.forEach((e, i) => {
        if (outcomes[i] !== null) return;
        const firstOutcome = outcomes[first.get(e.id)!]!;
        const firstEvent = events[first.get(e.id)!]!;
        if (firstOutcome.status === 'not-stored') outcomes[i] = firstOutcome;
        else {
          const sameAsFirst = sameContent(e, firstEvent.type, firstEvent.data);
          outcomes[i] =
            sameAsFirst && firstOutcome.status !== 'conflict'
              ? { status: 'duplicate', id: e.id, position: firstOutcome.position }
              : { status: 'conflict', id: e.id, position: firstOutcome.position, message: `event id '${e.id}' is already stored with other content` };
        }
      });
      return { outcomes: outcomes as AppendOutcome[], revision: Number(nextExpectedRevision) };
    });
  }

  async function readAll(after: number, limit: number): Promise<StoredEvent[]> {
    assertOpen();
    const fromPosition = after <= 0 ? START : { commit: BigInt(after), prepare: BigInt(after) };
    const events = await collect(client.readAll({ direction: FORWARDS, fromPosition, maxCount: limit + 1, filter: ourStreams() }));
    const out: StoredEvent[] = [];
    for (const resolved of events) {
      if (!resolved.event) continue;
      const stored = toStored(resolved.event);
      if (stored.position > after) out.push(stored); // a forward read includes the event at `fromPosition`
      if (out.length === limit) break;
    }
    return out;
  }

  async function headPosition(): Promise<number> {
    assertOpen();
    const [last] = await collect(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1, filter: ourStreams() }));
    return last?.event ? positionOf(last.event) : 0;
  }

  async function readAllRetrying(after: number, limit: number, stopped: AbortSignal): Promise<StoredEvent[]> {
    let backoffMs = 100;
    for (;;) {
      try {
        return await readAll(after, limit);
      } catch (error) {
        if (stopped.aborted || closed) return [];
        if (!TRANSIENT.has(String(errorType(error)))) throw error;
        console.warn(`kurrentdb event store: read failed (${(error as Error).message}), retrying from position ${after}`);
        await new Promise((r) => setTimeout(r, backoffMs));
        backoffMs = Math.min(backoffMs * 2, 5000);
      }
    }
  }

  // ---- the live signal: a $all subscription from the end, re-created after a drop ----

  function ensureLive() {
    if (liveWanted || closed) return;
    liveWanted = true;
    startLive();
  }

  function startLive() {
    liveTimer = null;
    if (!liveWanted || closed) return;
    const subscription = client.subscribeToAll({ fromPosition: END, filter: ourStreams() });
    live = subscription;
    let dropped = false;
    const drop = (error?: unknown) => {
      if (dropped) return;
      dropped = true;
      if (live === subscription) live = null;
      subscription.removeAllListeners('data');
      void subscription.unsubscribe().catch(() => undefined);
      if (!liveWanted || closed) return;
      if (error) console.warn(`kurrentdb event store: $all subscription dropped (${(error as Error).message}), resubscribing`);
      liveTimer = setTimeout(startLive, liveBackoffMs);
      liveBackoffMs = Math.min(liveBackoffMs * 2, 5000);
      wake();
    };
    subscription.on('data', () => wake());
    subscription.on('confirmation', () => {
      liveBackoffMs = 100;
      wake(); // (re)subscribed: subscribers re-read from their checkpoints
    });
    subscription.on('error', (error: unknown) => drop(error));
    subscription.on('end', () => drop(new Error('subscription ended')));
  }

  async function stopLive() {
    liveWanted = false;
    if (liveTimer) clearTimeout(liveTimer);
    liveTimer = null;
    const subscription = live;
    live = null;
    if (subscription) {
      subscription.removeAllListeners();
      subscription.on('error', () => undefined);
      await subscription.unsubscribe().catch(() => undefined);
    }
  }

  const store: EventStore = {
    kind: 'kurrentdb',

    async appendToStream(stream, events, expectedRevision: ExpectedRevision = 'any'): Promise<AppendToStreamResult> {
      assertOpen();
      const { outcomes, revision } = await appendRun(stream, events, expectedRevision);
      const appended = outcomes.filter((o) => o.status === 'appended');
      if (appended.length > 0) wake();
      const position = appended.length > 0 ? appended[appended.length - 1]!.position : await headPosition();
      return { outcomes, nextExpectedRevision: revision, position };
    },

    async appendToStreams(appends: StreamAppend[]): Promise<AppendToStreamResult[]> {
      assertOpen();
      if (appends.length === 0) return [];
      // check every part before writing anything (see the limits above); a later part naming the same stream counts
      // the earlier parts' events
      const planned = new Map<string, number>();
      for (const part of appends) {
        const kurrentStream = toKurrent(part.stream);
        const claims = await Promise.all(part.events.map((e) => readClaim(e.id)));
        const fresh = new Set(part.events.filter((_, i) => claims[i] === null).map((e) => e.id)).size;
        const revision = planned.get(kurrentStream) ?? (await currentRevision(kurrentStream));
        const expected = part.expectedRevision ?? 'any';
        if (fresh > 0 && !revisionMatches(expected, revision)) throw new WrongExpectedRevisionError(part.stream, expected, revision);
        planned.set(kurrentStream, revision + fresh);
      }
      const results: AppendToStreamResult[] = [];
      for (const part of appends) results.push(await store.appendToStream(part.stream, part.events, part.expectedRevision ?? 'any'));
      return results;
    },

    async appendBatch(events, batchOptions: AppendBatchOptions = {}) {
      assertOpen();
      if (events.length === 0) return [];
      const outcomes: (AppendOutcome | null)[] = events.map(() => null);
      const firstIndex = new Map<string, number>();
      events.forEach((e, i) => {
        if (!firstIndex.has(e.id)) firstIndex.set(e.id, i);
      });
      const isRepeat = (i: number) => firstIndex.get(events[i]!.id) !== i;

      if (batchOptions.atomic === true) {
        // check every id before writing anything
        const claims = await Promise.all([...firstIndex.keys()].map(async (id) => [id, await readClaim(id)] as const));
        const claimed = new Map(claims);
        let failed = false;
        const preview = events.map((e, i): AppendOutcome => {
          const claim = claimed.get(e.id);
          if (claim) return outcomeFromClaim(e, claim);
          if (!isRepeat(i)) return { status: 'not-stored', id: e.id };
          const firstEvent = events[firstIndex.get(e.id)!]!;
          return sameContent(e, firstEvent.type, firstEvent.data)
            ? { status: 'not-stored', id: e.id }
            : { status: 'conflict', id: e.id, position: -1, message: `event id '${e.id}' appears twice in the batch with other content` };
        });
        for (const o of preview) if (o.status === 'conflict') failed = true;
        if (failed) return preview;
      }

      // one append per run of consecutive events of one stream, in batch order (ids repeated in the batch: after)
      let i = 0;
      while (i < events.length) {
        if (isRepeat(i)) {
          i += 1;
          continue;
        }
        const stream = events[i]!.stream;
        const run: number[] = [];
        while (i < events.length && (isRepeat(i) || events[i]!.stream === stream)) {
          if (!isRepeat(i)) run.push(i);
          i += 1;
        }
        const result = await appendRun(
          stream,
          run.map((k) => events[k]!),
          'any',
        );
        run.forEach((k, j) => (outcomes[k] = result.outcomes[j]!));
      }
      for (let k = 0; k < events.length; k += 1) {
        if (outcomes[k] !== null) continue;
        const e = events[k]!;
        const claim = await readClaim(e.id);
        const firstOutcome = outcomes[firstIndex.get(e.id)!]!;
        outcomes[k] = claim
          ? outcomeFromClaim(e, claim)
          : firstOutcome.status === 'appended' || firstOutcome.status === 'duplicate'
            ? { status: 'duplicate', id: e.id, position: firstOutcome.position }
            : firstOutcome;
      }
      if (outcomes.some((o) => o?.status === 'appended')) wake();
      return outcomes as AppendOutcome[];
    },

    async readStream(stream, readOptions: ReadStreamOptions = {}) {
      assertOpen();
      const events = await collect(
        client.readStream(toKurrent(stream), {
          direction: FORWARDS,
          fromRevision: BigInt(readOptions.fromRevision ?? 0),
          ...(readOptions.limit !== undefined && { maxCount: readOptions.limit }),
        }),
      );
      return events.flatMap((resolved) => (resolved.event ? [toStored(resolved.event)] : []));
    },

    readAll,
    headPosition,

    subscribeToAll(subscribeOptions: SubscribeOptions) {
      assertOpen();
      ensureLive();
      const stopped = new AbortController();
      const inner = catchUpSubscription(
        {
          readAll: (after, limit) => readAllRetrying(after, limit, stopped.signal),
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
      closed = true;
      wake();
      await stopLive();
      if (!options.client) await client.dispose();
    },
  };
  return store;
}
