import type { NewEvent, StoredEvent } from '@pks/contracts';
import { WrongExpectedRevisionError, type AppendOutcome, type EventStore } from '@pks/backend';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

export interface EventStoreHarness {
  /** a new, empty store */
  create(): Promise<EventStore>;
  /** a second handle on the same data, as another process would open it (optional) */
  reopen?(): Promise<EventStore>;
  /** removes what create() made */
  cleanup?(): Promise<void>;
  /**
   * Default true: global positions are 1, 2, 3, … without gaps (SQLite, PostgreSQL), and the suite asserts the exact
   * numbers. False for stores whose positions are only strictly increasing (KurrentDB commit positions are log
   * offsets): the suite then compares with the positions the store itself reports, never with 1..n.
   */
  gapFreePositions?: boolean;
}

function appendedPosition(outcome: AppendOutcome | undefined): number {
  return outcome?.status === 'appended' ? outcome.position : -1;
}

function expectStrictlyIncreasing(positions: number[]): void {
  positions.forEach((p, i) => {
    expect(Number.isSafeInteger(p) && p > 0).toBe(true);
    if (i > 0) expect(p).toBeGreaterThan(positions[i - 1]!);
  });
}

let counter = 0;
export function testEvent(stream: string, data: Record<string, unknown> = {}, id?: string, type = 'TestHappened'): NewEvent {
  counter += 1;
  return {
    id: id ?? `evt-${process.pid}-${Date.now()}-${counter}`,
    type,
    stream,
    data: { n: counter, ...data },
    metadata: { sourceSystem: 'contract-suite', occurredAt: '2026-01-01T00:00:00.000Z', recordedAt: '2026-01-01T00:00:00.000Z' },
  };
}

async function waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The one contract every event-store adapter must pass (ARCHITECTURE.md, "Ports"). */
export function eventStoreContract(name: string, harness: EventStoreHarness): void {
  describe(`event store contract: ${name}`, () => {
    const gapFree = harness.gapFreePositions !== false;
    let store: EventStore;
    beforeEach(async () => {
      store = await harness.create();
    });
    afterEach(async () => {
      await store.close();
      await harness.cleanup?.();
    });

    describe('append to a stream', () => {
      it('appends with no-stream, numbers revisions from 0 and positions without gaps', async () => {
        const result = await store.appendToStream('unit-A', [testEvent('unit-A'), testEvent('unit-A')], 'no-stream');
        expect(result.outcomes.map((o) => o.status)).toEqual(['appended', 'appended']);
        expect(result.outcomes.map((o) => (o.status === 'appended' ? o.revision : -1))).toEqual([0, 1]);
        expect(result.nextExpectedRevision).toBe(1);
        const second = await store.appendToStream('unit-B', [testEvent('unit-B')], 'no-stream');
        const positions = [...result.outcomes, ...second.outcomes].map((o) => (o.status === 'appended' ? o.position : -1));
        if (gapFree) expect(positions).toEqual([1, 2, 3]);
        else expectStrictlyIncreasing(positions);
        expect(await store.headPosition()).toBe(gapFree ? 3 : positions[2]);
      });

      it('checks the expected revision and appends nothing when it is wrong', async () => {
        const first = await store.appendToStream('shift-1', [testEvent('shift-1')], 'no-stream');
        await expect(store.appendToStream('shift-1', [testEvent('shift-1')], 'no-stream')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        await expect(store.appendToStream('shift-1', [testEvent('shift-1')], 5)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        await expect(store.appendToStream('shift-2', [testEvent('shift-2')], 'stream-exists')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.headPosition()).toBe(gapFree ? 1 : first.position);
        const ok = await store.appendToStream('shift-1', [testEvent('shift-1')], 0);
        expect(ok.nextExpectedRevision).toBe(1);
        const any = await store.appendToStream('shift-1', [testEvent('shift-1')], 'any');
        expect(any.nextExpectedRevision).toBe(2);
        const exists = await store.appendToStream('shift-1', [testEvent('shift-1')], 'stream-exists');
        expect(exists.nextExpectedRevision).toBe(3);
      });

      it('reports the same id and content again as duplicate and appends nothing', async () => {
        const event = testEvent('staff-1', {}, 'src-42');
        const first = await store.appendToStream('staff-1', [event], 'no-stream');
        // a retry after a lost acknowledgement, even with the now-stale expected revision
        const again = await store.appendToStream('staff-1', [{ ...event, metadata: { ...event.metadata, recordedAt: '2026-02-02T00:00:00.000Z' } }], 'no-stream');
        expect(again.outcomes).toEqual([{ status: 'duplicate', id: 'src-42', position: first.position }]);
        expect(await store.headPosition()).toBe(gapFree ? 1 : first.position);
      });

      it('reports the same id with other content as conflict and appends nothing', async () => {
        const first = await store.appendToStream('staff-1', [testEvent('staff-1', { x: 1 }, 'src-43')]);
        const other = await store.appendToStream('staff-1', [testEvent('staff-1', { x: 2 }, 'src-43')]);
        expect(other.outcomes[0]!.status).toBe('conflict');
        expect(await store.headPosition()).toBe(gapFree ? 1 : first.position);
        const read = await store.readStream('staff-1');
        expect(read).toHaveLength(1);
        expect(read[0]!.data.x).toBe(1);
      });

      it('treats key order in data as the same content', async () => {
        await store.appendToStream('s-1', [{ ...testEvent('s-1', {}, 'k1'), data: { a: 1, b: { c: 2, d: 3 } } }]);
        const again = await store.appendToStream('s-1', [{ ...testEvent('s-1', {}, 'k1'), data: { b: { d: 3, c: 2 }, a: 1 } }]);
        expect(again.outcomes[0]!.status).toBe('duplicate');
      });
    });

    describe('append a batch of many streams', () => {
      it('appends each event to its own stream in one durable step, reporting per event', async () => {
        await store.appendBatch([testEvent('unit-X', {}, 'dup-1')]);
        const outcomes = await store.appendBatch([
          testEvent('unit-X', {}, 'b-1'),
          testEvent('unit-Y', {}, 'b-2'),
          testEvent('unit-X', {}, 'dup-1'),
          testEvent('unit-X', {}, 'b-3'),
          testEvent('unit-X', {}, 'b-1'),
        ]);
        expect(outcomes.map((o) => o.status)).toEqual(['appended', 'appended', 'conflict', 'appended', 'conflict']);
        const x = await store.readStream('unit-X');
        expect(x.map((e) => [e.id, e.revision])).toEqual([
          ['dup-1', 0],
          ['b-1', 1],
          ['b-3', 2],
        ]);
      });

      it('a repeated id inside one batch with the same content is a duplicate of the first', async () => {
        const e = testEvent('unit-Z', {}, 'same');
        const outcomes = await store.appendBatch([e, { ...e }]);
        expect(outcomes.map((o) => o.status)).toEqual(['appended', 'duplicate']);
      });

      it('stores nothing of an atomic batch when one event conflicts', async () => {
        const [taken] = await store.appendBatch([testEvent('unit-X', { v: 1 }, 'taken')]);
        const outcomes = await store.appendBatch([testEvent('unit-X', {}, 'a-1'), testEvent('unit-X', { v: 2 }, 'taken'), testEvent('unit-Y', {}, 'a-2')], {
          atomic: true,
        });
        expect(outcomes.map((o) => o.status)).toEqual(['not-stored', 'conflict', 'not-stored']);
        expect(await store.headPosition()).toBe(gapFree ? 1 : appendedPosition(taken));
        expect(await store.readStream('unit-Y')).toEqual([]);
      });
    });

    describe('append to several streams at once', () => {
      it('appends each part to its stream with its expected revision, in one step, one result per part', async () => {
        await store.appendToStream('alert-a', [testEvent('alert-a')], 'no-stream');
        const results = await store.appendToStreams([
          { stream: 'alert-a', events: [testEvent('alert-a', {}, 'm-1')], expectedRevision: 0 },
          { stream: 'alert-b', events: [testEvent('alert-b', {}, 'm-2'), testEvent('alert-b', {}, 'm-3')], expectedRevision: 'no-stream' },
          { stream: 'alert-c', events: [testEvent('alert-c', {}, 'm-4')] },
        ]);
        expect(results.map((r) => r.outcomes.map((o) => o.status))).toEqual([['appended'], ['appended', 'appended'], ['appended']]);
        expect(results.map((r) => r.nextExpectedRevision)).toEqual([1, 1, 0]);
        const positions = results.flatMap((r) => r.outcomes.map(appendedPosition));
        if (gapFree) expect(positions).toEqual([2, 3, 4, 5]);
        else expectStrictlyIncreasing(positions);
        expect(results.map((r) => r.position)).toEqual([positions[0], positions[2], positions[3]]);
        expect((await store.readStream('alert-b')).map((e) => [e.id, e.revision])).toEqual([
          ['m-2', 0],
          ['m-3', 1],
        ]);
        expect(await store.appendToStreams([])).toEqual([]);
      });

      it('stores nothing of any part when one expected revision is wrong, and names that stream', async () => {
        const first = await store.appendToStream('alert-a', [testEvent('alert-a')], 'no-stream');
        const error = await store
          .appendToStreams([
            { stream: 'alert-b', events: [testEvent('alert-b')], expectedRevision: 'no-stream' },
            { stream: 'alert-a', events: [testEvent('alert-a')], expectedRevision: 'no-stream' },
            { stream: 'alert-c', events: [testEvent('alert-c')], expectedRevision: 'no-stream' },
          ])
          .then(
            () => null,
            (e: unknown) => e,
          );
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect((error as WrongExpectedRevisionError).stream).toBe('alert-a');
        expect(await store.headPosition()).toBe(gapFree ? 1 : first.position);
        expect(await store.readStream('alert-b')).toEqual([]);
        expect(await store.readStream('alert-c')).toEqual([]);
        // the same parts with the right revision go through
        const ok = await store.appendToStreams([
          { stream: 'alert-b', events: [testEvent('alert-b')], expectedRevision: 'no-stream' },
          { stream: 'alert-a', events: [testEvent('alert-a')], expectedRevision: 0 },
        ]);
        expect(ok.map((r) => r.nextExpectedRevision)).toEqual([0, 1]);
      });

      it('is idempotent on event id like appendToStream; a later part for the same stream sees the earlier one', async () => {
        const raised = testEvent('alert-a', { v: 1 }, 'alert-a/raised/1');
        const [stored] = await store.appendToStreams([{ stream: 'alert-a', events: [raised], expectedRevision: 'no-stream' }]);
        // a retry of the same plan (stale revision): a duplicate, nothing appended, no revision error
        const again = await store.appendToStreams([
          { stream: 'alert-a', events: [{ ...raised }], expectedRevision: 'no-stream' },
          { stream: 'alert-a', events: [testEvent('alert-a', {}, 'alert-a/resolved/1')], expectedRevision: 0 },
          { stream: 'alert-a', events: [testEvent('alert-a', {}, 'alert-a/raised/2')], expectedRevision: 1 },
        ]);
        expect(again.map((r) => r.outcomes[0]!.status)).toEqual(['duplicate', 'appended', 'appended']);
        expect(again[0]!.outcomes[0]).toEqual({ status: 'duplicate', id: 'alert-a/raised/1', position: stored!.position });
        expect((await store.readStream('alert-a')).map((e) => e.id)).toEqual(['alert-a/raised/1', 'alert-a/resolved/1', 'alert-a/raised/2']);
        const conflict = await store.appendToStreams([{ stream: 'alert-a', events: [testEvent('alert-a', { v: 2 }, 'alert-a/raised/1')], expectedRevision: 2 }]);
        expect(conflict[0]!.outcomes[0]!.status).toBe('conflict');
      });

      it('is seen by subscribers in position order, once', async () => {
        const seen: string[] = [];
        const subscription = store.subscribeToAll({ from: 0, onEvents: (events) => void seen.push(...events.map((e) => e.id)) });
        await store.appendToStreams([
          { stream: 'alert-x', events: [testEvent('alert-x', {}, 'x-1')], expectedRevision: 'no-stream' },
          { stream: 'alert-y', events: [testEvent('alert-y', {}, 'y-1')], expectedRevision: 'no-stream' },
        ]);
        await store.appendBatch([testEvent('unit-1', {}, 'u-1')]);
        await waitFor(() => seen.length >= 3);
        await new Promise((r) => setTimeout(r, 50));
        await subscription.stop();
        expect(seen).toEqual(['x-1', 'y-1', 'u-1']);
      });
    });

    describe('read', () => {
      it('reads a stream from a revision with a limit, and all from a position', async () => {
        for (let i = 0; i < 10; i += 1) await store.appendBatch([testEvent(i % 2 === 0 ? 'even-1' : 'odd-1', { i })]);
        const even = await store.readStream('even-1', { fromRevision: 2, limit: 2 });
        expect(even.map((e) => e.data.i)).toEqual([4, 6]);
        expect(await store.readStream('missing-1')).toEqual([]);
        const ten = gapFree ? [] : (await store.readAll(0, 100)).map((e) => e.position);
        if (!gapFree) expect(ten).toHaveLength(10);
        const all = await store.readAll(gapFree ? 3 : ten[2]!, 4);
        expect(all.map((e) => e.position)).toEqual(gapFree ? [4, 5, 6, 7] : ten.slice(3, 7));
        expect(all.map((e) => e.data.i)).toEqual([3, 4, 5, 6]);
        const e = all[0]!;
        expect(e).toMatchObject({ stream: 'odd-1', revision: 1, type: 'TestHappened' });
        expect(e.metadata).toEqual({ sourceSystem: 'contract-suite', occurredAt: '2026-01-01T00:00:00.000Z', recordedAt: '2026-01-01T00:00:00.000Z' });
        expect(await store.readAll(gapFree ? 10 : ten[9]!, 5)).toEqual([]);
      });
    });

    describe('subscribe to all', () => {
      it('catches up from a position, then goes live, with no gap and no duplicate at the switch', async () => {
        for (let i = 0; i < 250; i += 1) await store.appendBatch([testEvent(`s-${i % 7}`)]);
        const before = gapFree ? [] : (await store.readAll(0, 1000)).map((e) => e.position);
        const seen: number[] = [];
        const subscription = store.subscribeToAll({
          from: gapFree ? 100 : before[99]!,
          batchSize: 64,
          onEvents: (events) => {
            for (const e of events) seen.push(e.position);
          },
        });
        // appends race with the catch-up
        const writers = Array.from({ length: 5 }, (_, w) =>
          (async () => {
            for (let i = 0; i < 50; i += 1) await store.appendBatch([testEvent(`w-${w}`)]);
          })(),
        );
        await Promise.all(writers);
        await waitFor(() => seen.length >= 400);
        await new Promise((r) => setTimeout(r, 100));
        await subscription.stop();
        if (gapFree) {
          expect(seen).toEqual(Array.from({ length: 400 }, (_, i) => 101 + i));
          expect(subscription.position).toBe(500);
        } else {
          const after = (await store.readAll(0, 1000)).map((e) => e.position);
          expect(after).toHaveLength(500);
          expect(seen).toEqual(after.slice(100));
          expect(subscription.position).toBe(after[499]);
        }
      });

      it('delivers events appended after it went live within milliseconds', async () => {
        const seen: StoredEvent[] = [];
        const subscription = store.subscribeToAll({ from: 0, onEvents: (events) => void seen.push(...events) });
        await waitFor(() => !subscription.catchingUp);
        const started = Date.now();
        await store.appendBatch([testEvent('live-1')]);
        await waitFor(() => seen.length === 1, 2000);
        expect(Date.now() - started).toBeLessThan(1000);
        await subscription.stop();
      });

      it('waits for the handler before the next batch and stops on a handler error', async () => {
        for (let i = 0; i < 5; i += 1) await store.appendBatch([testEvent('h-1')]);
        let active = 0;
        let maxActive = 0;
        const errors: unknown[] = [];
        let calls = 0;
        const subscription = store.subscribeToAll({
          from: 0,
          batchSize: 1,
          onEvents: async () => {
            calls += 1;
            active += 1;
            maxActive = Math.max(maxActive, active);
            await new Promise((r) => setTimeout(r, 2));
            active -= 1;
            if (calls === 3) throw new Error('projection failed');
          },
          onError: (e) => errors.push(e),
        });
        await waitFor(() => errors.length === 1);
        expect(maxActive).toBe(1);
        expect(calls).toBe(3);
        expect(subscription.position).toBe(gapFree ? 2 : (await store.readAll(0, 5))[1]!.position);
        await subscription.stop();
      });
    });

    describe('concurrency', () => {
      it('many concurrent appenders to different streams: every event stored once, positions gap-free', async () => {
        const appenders = 20;
        const perAppender = 25;
        const seen: number[] = [];
        const subscription = store.subscribeToAll({ from: 0, onEvents: (events) => void seen.push(...events.map((e) => e.position)) });
        await Promise.all(
          Array.from({ length: appenders }, (_, a) =>
            (async () => {
              for (let i = 0; i < perAppender; i += 1) {
                if (i % 2 === 0) await store.appendToStream(`c-${a}`, [testEvent(`c-${a}`, { a, i })], i === 0 ? 'no-stream' : i - 1);
                else await store.appendBatch([{ ...testEvent(`c-${a}`, { a, i }) }]);
              }
            })(),
          ),
        );
        const total = appenders * perAppender;
        const stored = gapFree ? [] : (await store.readAll(0, total + 1)).map((e) => e.position);
        if (!gapFree) expect(stored).toHaveLength(total);
        expect(await store.headPosition()).toBe(gapFree ? total : stored[total - 1]);
        await waitFor(() => seen.length >= total);
        await subscription.stop();
        expect(seen).toEqual(gapFree ? Array.from({ length: total }, (_, i) => i + 1) : stored);
        for (let a = 0; a < appenders; a += 1) {
          const events = await store.readStream(`c-${a}`);
          expect(events.map((e) => e.revision)).toEqual(Array.from({ length: perAppender }, (_, i) => i));
          expect(events.map((e) => e.data.i)).toEqual(Array.from({ length: perAppender }, (_, i) => i));
        }
      });

      it('concurrent appenders to one stream with expected revisions: exactly one wins each revision', async () => {
        await store.appendToStream('contended-1', [testEvent('contended-1')], 'no-stream');
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, () => store.appendToStream('contended-1', [testEvent('contended-1')], 0)),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof WrongExpectedRevisionError)).toHaveLength(9);
        expect(await store.readStream('contended-1')).toHaveLength(2);
      });

      it('the same id sent by concurrent appenders is stored once', async () => {
        const event = testEvent('race-1', { v: 1 }, 'race-id');
        const outcomes = (await Promise.all(Array.from({ length: 8 }, () => store.appendBatch([{ ...event }])))).flat();
        expect(outcomes.filter((o) => o.status === 'appended')).toHaveLength(1);
        expect(outcomes.filter((o) => o.status === 'duplicate')).toHaveLength(7);
        expect(await store.headPosition()).toBe(gapFree ? 1 : appendedPosition(outcomes.find((o) => o.status === 'appended')));
      });
    });

    if (harness.reopen) {
      const reopen = harness.reopen;
      it('keeps acknowledged events when opened again', async () => {
        const stored = await store.appendBatch([testEvent('durable-1', {}, 'd-1'), testEvent('durable-1', {}, 'd-2')]);
        const other = await reopen();
        try {
          expect((await other.readStream('durable-1')).map((e) => e.id)).toEqual(['d-1', 'd-2']);
          // and a second handle sees the first one's appends live
          const seen: string[] = [];
          const subscription = other.subscribeToAll({ from: gapFree ? 2 : appendedPosition(stored[1]), onEvents: (events) => void seen.push(...events.map((e) => e.id)) });
          await store.appendBatch([testEvent('durable-1', {}, 'd-3')]);
          await waitFor(() => seen.length === 1);
          expect(seen).toEqual(['d-3']);
          await subscription.stop();
        } finally {
          await other.close();
        }
      });
    }
  });
}
