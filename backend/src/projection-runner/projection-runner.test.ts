import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { NewEvent } from '@pks/contracts';
import { eventsPerUnit, eventsPerUnitRows, type Projection } from '@pks/projections';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventStore } from '../event-store/event-store.js';
import { getSQLiteEventStore } from '../event-store/sqlite/sqlite-event-store.js';
import { ProjectionRunner, rebuildProjections, type ChangeBatch } from './projection-runner.js';
import type { SnapshotStore } from './snapshot-store.js';
import { getSQLiteSnapshotStore } from './sqlite-snapshot-store.js';

const meta = { sourceSystem: 't', occurredAt: '2026-01-01T00:00:00.000Z', recordedAt: '2026-01-01T00:00:00.000Z' };
let n = 0;
const event = (unitId: string, type = 'ShiftCancelled'): NewEvent => {
  n += 1;
  return { id: `e${n}`, type, stream: `x-${n}`, data: { unitId, shiftId: `S${n}` }, metadata: meta };
};

/** A projection that fails on one kind of event, to show failures are deterministic. */
const picky: Projection<{ seen: number[] }> = {
  name: 'picky',
  version: 1,
  initialState: () => ({ seen: [] }),
  evolve(state, e) {
    if (e.data.unitId === 'BAD') throw new Error('cannot fold BAD');
    state.seen.push(e.position);
    return [];
  },
};

describe('projection runner', () => {
  let dir: string;
  let store: EventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pks-runner-'));
    store = getSQLiteEventStore({ path: join(dir, 'events.sqlite'), pollIntervalMs: 20 });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('catches up, then follows the log live, publishing coalesced changes with positions', async () => {
    await store.appendBatch([event('A'), event('A'), event('B')]);
    const snapshots = getSQLiteSnapshotStore({ path: join(dir, 'snap.sqlite') });
    const runner = new ProjectionRunner({ store, projections: [eventsPerUnit], snapshots });
    const batches: ChangeBatch[] = [];
    runner.onChanges((b) => batches.push(b));
    await runner.start();
    expect(await runner.waitForPosition(3)).toBe(true);
    expect(eventsPerUnitRows(runner.state(eventsPerUnit.name))).toEqual([
      { unitId: 'A', type: 'ShiftCancelled', count: 2 },
      { unitId: 'B', type: 'ShiftCancelled', count: 1 },
    ]);
    await store.appendBatch([event('A'), event('A', 'ShiftScheduled')]);
    expect(await runner.waitForPosition(5)).toBe(true);
    const last = batches[batches.length - 1]!;
    expect(last.toPosition).toBe(5);
    expect(batches.flatMap((b) => b.changes).filter((c) => c.unitId === 'A' && c.key === 'ShiftCancelled').length).toBeLessThanOrEqual(2);
    expect(batches.reduce((pos, b) => (b.fromPosition === pos ? b.toPosition : -1), 0)).toBe(5);
    await runner.stop();
    await snapshots.close();
  });

  it('restarts from its snapshot after a crash and then equals a full rebuild', async () => {
    const snapPath = join(dir, 'snap.sqlite');
    for (let i = 0; i < 20; i += 1) await store.appendBatch([event(i % 3 === 0 ? 'A' : 'B')]);
    const snapshotsA = getSQLiteSnapshotStore({ path: snapPath });
    const first = new ProjectionRunner({ store, projections: [eventsPerUnit, picky], snapshots: snapshotsA });
    await first.start();
    await first.waitForPosition(20);
    await first.snapshot();
    await store.appendBatch([event('A'), event('BAD'), event('C')]);
    await first.waitForPosition(23);
    // crash: no snapshot at stop; positions 21..23 exist only in memory
    await first.stop({ snapshot: false });
    await snapshotsA.close();

    await store.appendBatch([event('C')]);
    const snapshotsB = getSQLiteSnapshotStore({ path: snapPath });
    expect((await snapshotsB.load()).get('events-per-unit')!.position).toBe(20);
    const loadedAt: number[] = [];
    const second = new ProjectionRunner({
      store,
      projections: [eventsPerUnit, picky],
      snapshots: snapshotsB,
      onSnapshotsLoaded: () => loadedAt.push(second.position),
    });
    await second.start();
    // told once, with the snapshot's state in place and before catching up
    expect(loadedAt).toEqual([20]);
    await second.waitForPosition(24);
    const rebuilt = await rebuildProjections({ store, projections: [eventsPerUnit, picky] });
    expect(second.state(eventsPerUnit.name)).toEqual(rebuilt.states.get(eventsPerUnit.name));
    expect(second.state(picky.name)).toEqual(rebuilt.states.get(picky.name));
    expect(second.statuses().find((s) => s.name === 'picky')).toMatchObject({ errors: 1, position: 24 });
    expect(second.statuses().find((s) => s.name === 'picky')!.lastError).toContain('position 22');
    await second.stop();
    await snapshotsB.close();
  });

  it('discards a snapshot of another version and rebuilds that projection alone', async () => {
    const snapPath = join(dir, 'snap.sqlite');
    for (let i = 0; i < 5; i += 1) await store.appendBatch([event('A')]);
    const snapshots = getSQLiteSnapshotStore({ path: snapPath });
    await snapshots.save([
      { name: 'events-per-unit', version: 0, position: 5, state: { counts: new Map(), total: 0, lastPosition: 5 } },
      { name: 'picky', version: 1, position: 3, state: { seen: [1, 2, 3] } },
    ]);
    const runner = new ProjectionRunner({ store, projections: [eventsPerUnit, picky], snapshots });
    await runner.start();
    await runner.waitForPosition(5);
    expect(runner.state<{ total: number }>('events-per-unit').total).toBe(5);
    expect(runner.state<{ seen: number[] }>('picky').seen).toEqual([1, 2, 3, 4, 5]);
    await runner.stop();
    await snapshots.close();
  });

  it('goes on folding live events while a snapshot is written; the snapshot holds the state at its own position', async () => {
    const inner = getSQLiteSnapshotStore({ path: join(dir, 'snap.sqlite') });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let writes = 0;
    // a store whose write takes as long as the test wants (a slow database): copies the states at once, as the port asks
    const slow: SnapshotStore = {
      load: (names) => inner.load(names),
      async save(snapshots) {
        writes += 1;
        const copies = snapshots.map((s) => ({ ...s, state: deserialize(serialize(s.state)) }));
        await gate;
        await inner.save(copies);
      },
      close: () => inner.close(),
    };
    for (let i = 0; i < 3; i += 1) await store.appendBatch([event('A')]);
    const runner = new ProjectionRunner({ store, projections: [picky], snapshots: slow, snapshotEveryEvents: 3 });
    await runner.start();
    expect(await runner.waitForPosition(3)).toBe(true);
    expect(writes).toBe(1); // started after the third event, still waiting for the gate
    await store.appendBatch([event('A'), event('A')]);
    // before, the runner awaited the write inside its event handler: these would wait for the gate
    expect(await runner.waitForPosition(5, 2000)).toBe(true);
    expect(writes).toBe(1); // one write at a time
    release();
    await runner.stop({ snapshot: false });
    const saved = await inner.load();
    expect(saved.get('picky')).toMatchObject({ position: 3, state: { seen: [1, 2, 3] } });
    await inner.close();
  });

  it('rebuild reports progress and saves the result as the snapshot', async () => {
    for (let i = 0; i < 30; i += 1) await store.appendBatch([event('A'), event('B')]);
    const snapshots = getSQLiteSnapshotStore({ path: join(dir, 'snap.sqlite') });
    const progress: number[] = [];
    const result = await rebuildProjections({ store, projections: [eventsPerUnit], snapshots, batchSize: 7, onProgress: (p) => progress.push(p.position) });
    expect(result.events).toBe(60);
    expect(progress[progress.length - 1]).toBe(60);
    const saved = await snapshots.load();
    expect(saved.get('events-per-unit')).toMatchObject({ position: 60, version: 1 });
    expect((saved.get('events-per-unit')!.state as { total: number }).total).toBe(60);
    await snapshots.close();
  });
});
