import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateEvent, type NewEvent, type StoredEvent } from '@pks/contracts';
import { allProjections, zonedEpochMs, type AlertsState } from '@pks/projections';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventStore } from '../event-store/event-store.js';
import { getSQLiteEventStore } from '../event-store/sqlite/sqlite-event-store.js';
import { ProjectionRunner } from '../projection-runner/projection-runner.js';
import type { SnapshotStore } from '../projection-runner/snapshot-store.js';
import { getSQLiteSnapshotStore } from '../projection-runner/sqlite-snapshot-store.js';
import { AlertEngine } from './alert-engine.js';

/** The engine against a real store and runner: raise once, auto-resolve, escalate; no duplicates after a restart, a rebuild, or with two engines. */

const DAY = '2026-11-24';
const local = (date: string, time: string) => new Date(zonedEpochMs(date, time, 'Europe/Stockholm')).toISOString();
const NOW = Date.parse(local('2026-11-23', '13:00'));
const SLOTS = [
  { code: 'dag', start: '07:00', end: '15:30' },
  { code: 'kvall', start: '15:00', end: '21:45' },
  { code: 'natt', start: '21:15', end: '07:15' },
];
const ABS = `abs~B8~${DAY}~dag~SSK`;
const BMIN = `bmin~B8~${DAY}~dag~SSK`;
const BTGT = `btgt~B8~${DAY}~dag~SSK`;

let n = 0;
function ev(type: string, data: Record<string, unknown>): NewEvent {
  const r = validateEvent({ id: `t${(n += 1)}`, type, data, metadata: { sourceSystem: 'test' } }, '2026-11-23T08:00:00.000Z');
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.event;
}

const setup = (): NewEvent[] => [
  ev('UnitRegistered', { unitId: 'B8', name: 'B8', departmentId: 'akut', slots: SLOTS, poolId: 'bmc' }),
  ev('StaffingRequirementSet', { unitId: 'B8', date: DAY, slot: 'dag', competence: 'SSK', minimum: 2, target: 2 }),
  ...['N1', 'N2', 'POOL1'].map((staffId) => ev('StaffRegistered', { staffId, competences: ['SSK'], employmentForm: 'monthly', rate: 1, homeUnitId: null, ...(staffId === 'POOL1' && { poolId: 'bmc' }) })),
  ev('ShiftScheduled', { shiftId: 'S1', unitId: 'B8', staffId: 'N1', competence: 'SSK', start: local(DAY, '07:00'), end: local(DAY, '15:30') }),
  ev('ShiftScheduled', { shiftId: 'S2', unitId: 'B8', staffId: 'N2', competence: 'SSK', start: local(DAY, '07:00'), end: local(DAY, '15:30') }),
];
const sick = (staffId: string, id: string) => ev('AbsenceReported', { absenceId: id, staffId, kind: 'sick', start: local(DAY, '00:00'), end: local('2026-11-25', '00:00') });

async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The store with its subscriptions held at a position the test moves (appends and reads pass straight through). */
function gatedSubscriptions(inner: EventStore): { store: EventStore; set(position: number): void } {
  let gate = Number.POSITIVE_INFINITY;
  const waiters = new Set<() => void>();
  const store = new Proxy(inner, {
    get(target, key) {
      if (key === 'subscribeToAll') {
        return (options: Parameters<EventStore['subscribeToAll']>[0]) =>
          target.subscribeToAll({
            ...options,
            onEvents: async (events) => {
              let i = 0;
              while (i < events.length) {
                while (events[i]!.position > gate) await new Promise<void>((resolve) => waiters.add(resolve));
                let j = i;
                while (j < events.length && events[j]!.position <= gate) j += 1;
                await options.onEvents(events.slice(i, j));
                i = j;
              }
            },
          });
      }
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    store,
    set(position) {
      gate = position;
      for (const resolve of waiters) resolve();
      waiters.clear();
    },
  };
}

describe('alert engine', () => {
  let dir: string;
  let store: EventStore;
  const started: { runner: ProjectionRunner; engine: AlertEngine; snapshots: SnapshotStore }[] = [];
  let clock = NOW;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pks-alert-engine-'));
    store = getSQLiteEventStore({ path: join(dir, 'events.sqlite'), pollIntervalMs: 10 });
    clock = NOW;
  });
  afterEach(async () => {
    for (const s of started.splice(0)) {
      await s.engine.stop();
      await s.runner.stop({ snapshot: false });
      await s.snapshots.close();
    }
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function node(snapshotFile = 'snap.sqlite', runnerStore: EventStore = store) {
    const snapshots = getSQLiteSnapshotStore({ path: join(dir, snapshotFile) });
    const runner = new ProjectionRunner({ store: runnerStore, projections: allProjections(), snapshots });
    const engine = new AlertEngine({ runner, store, now: () => clock, tickMs: 3_600_000, planDebounceMs: 10 });
    await runner.start();
    engine.start();
    const entry = { runner, engine, snapshots };
    started.push(entry);
    await until('the engine to be ready', () => engine.status().ready);
    await engine.idle();
    return entry;
  }

  async function alertEvents(): Promise<StoredEvent[]> {
    return (await store.readAll(0, 100_000)).filter((e) => e.type.startsWith('Alert'));
  }
  const ids = (events: StoredEvent[], type: string) => events.filter((e) => e.type === type).map((e) => (e.data as { alertId: string }).alertId).sort();

  async function settle(...nodes: { runner: ProjectionRunner; engine: AlertEngine }[]): Promise<void> {
    for (let i = 0; i < 3; i += 1) {
      const head = await store.headPosition();
      for (const x of nodes) {
        await x.runner.waitForPosition(head);
        await x.engine.idle();
      }
    }
  }

  it('raises on a live change batch, once; resolves when a booking closes the gap; escalates on the clock', async () => {
    await store.appendBatch(setup());
    const a = await node();
    expect(ids(await alertEvents(), 'AlertRaised')).not.toContain(ABS);

    await store.appendBatch([sick('N2', 'A1')]);
    await settle(a);
    expect(ids(await alertEvents(), 'AlertRaised').filter((id) => id.includes(DAY))).toEqual([ABS, BMIN, BTGT]);
    // evaluating again appends nothing
    await a.engine.runSweep();
    await a.engine.runTick();
    await settle(a);
    expect(ids(await alertEvents(), 'AlertRaised').filter((id) => id.includes(DAY))).toEqual([ABS, BMIN, BTGT]);

    // 31 minutes later nobody has acknowledged the below-minimum alert: to tactical
    clock = NOW + 31 * 60_000;
    await a.engine.runTick();
    await settle(a);
    const escalated = (await alertEvents()).filter((e) => e.type === 'AlertEscalated' && (e.data as { alertId: string }).alertId === BMIN);
    expect(escalated.map((e) => e.data)).toEqual([{ alertId: BMIN, occurrence: 1, fromLevel: 'staffing-centre', toLevel: 'tactical', afterMinutes: 30 }]);

    await store.appendBatch([ev('StaffBooked', { bookingId: 'BK1', staffId: 'POOL1', unitId: 'B8', date: DAY, slot: 'dag', competence: 'SSK', source: 'pool' })]);
    await settle(a);
    const resolved = (await alertEvents()).filter((e) => e.type === 'AlertResolved' && String((e.data as { alertId: string }).alertId).includes(DAY));
    expect(resolved.map((e) => [e.id, (e.data as { reason: string }).reason, (e.data as { observed: number }).observed]).sort()).toEqual([
      [`${ABS}/resolved/1`, 'deviation-gone', 2],
      [`${BMIN}/resolved/1`, 'deviation-gone', 2],
      [`${BTGT}/resolved/1`, 'deviation-gone', 2],
    ]);
    expect(resolved[0]!.metadata).toMatchObject({ sourceSystem: 'pks-alert-engine', actor: 'alert-engine' });
  });

  it('a cell that changes back while its alert is in flight is evaluated again once the alert is folded, not left raised until the clock tick', async () => {
    await store.appendBatch(setup());
    const gate = gatedSubscriptions(store);
    const head = await store.headPosition();
    gate.set(head);
    const a = await node('snap.sqlite', gate.store);
    await store.appendBatch([sick('N2', 'A1'), ev('AbsenceWithdrawn', { absenceId: 'A1', staffId: 'N2' })]);
    // the runner sees the sick call only: the engine raises (its append lands after the withdrawal in the log)
    gate.set(head + 1);
    await until('the sick-call alert', async () => ids(await alertEvents(), 'AlertRaised').includes(ABS));
    await a.engine.idle();
    // the withdrawal is folded, the alert raised after it is not: this evaluation cannot see the alert it should resolve
    gate.set(head + 2);
    await a.runner.waitForPosition(head + 2);
    await a.engine.idle();
    expect(ids(await alertEvents(), 'AlertResolved')).not.toContain(ABS);
    // once the alert is folded the unit is evaluated again (the clock tick is an hour away)
    gate.set(Number.POSITIVE_INFINITY);
    await until('the stale alert resolved', async () => ids(await alertEvents(), 'AlertResolved').includes(ABS), 3000);
    await settle(a);
    expect(a.runner.state<AlertsState>('alerts').active.has(ABS)).toBe(false);
  });

  it('does not raise twice after a restart (snapshot) or a rebuild (from position 0), and resolves what changed while it was down', async () => {
    await store.appendBatch([...setup(), sick('N2', 'A1')]);
    const a = await node();
    await settle(a);
    const before = await alertEvents();
    expect(ids(before, 'AlertRaised')).toContain(ABS);
    await a.engine.stop();
    await a.runner.stop();

    // restart from the snapshot
    const b = await node();
    await settle(b);
    expect(await alertEvents()).toEqual(before);
    await b.engine.stop();
    await b.runner.stop({ snapshot: false });

    // while no engine runs, the absence is withdrawn; a rebuild from position 0 (another snapshot file)
    await store.appendBatch([ev('AbsenceWithdrawn', { absenceId: 'A1', staffId: 'N2' })]);
    const c = await node('rebuilt.sqlite');
    await settle(c);
    const after = await alertEvents();
    expect(ids(after, 'AlertRaised')).toEqual(ids(before, 'AlertRaised'));
    expect(ids(after.slice(before.length), 'AlertResolved')).toEqual([ABS, BMIN, BTGT]);
    expect(c.runner.state<AlertsState>('alerts').alerts.get(ABS)!.status).toBe('resolved');
  });

  it('appends the alerts of one evaluation in one atomic multi-stream append; one changed meanwhile is a conflict, the others are stored', async () => {
    await store.appendBatch(setup());
    const snapshots = getSQLiteSnapshotStore({ path: join(dir, 'batched.sqlite') });
    const runner = new ProjectionRunner({ store, projections: allProjections(), snapshots });
    const calls: string[][] = [];
    let interfered: string | null = null;
    // the engine's store: records each multi-stream append; before the first with several alerts, "another engine"
    // raises the first of them (same content, its own event id), so that part's expected revision is stale
    const engineStore: EventStore = {
      ...store,
      appendToStreams: async (parts) => {
        calls.push(parts.map((p) => p.stream));
        if (interfered === null && parts.length >= 2) {
          const first = parts[0]!;
          interfered = first.stream;
          await store.appendToStream(first.stream, [{ ...first.events[0]!, id: `${first.events[0]!.id}/other-engine` }], 'no-stream');
        }
        return store.appendToStreams(parts);
      },
    };
    const engine = new AlertEngine({ runner, store: engineStore, now: () => clock, tickMs: 3_600_000, planDebounceMs: 10 });
    await runner.start();
    engine.start();
    started.push({ runner, engine, snapshots });
    await until('the engine to be ready', () => engine.status().ready);
    await settle({ runner, engine });
    const conflictsBefore = engine.status().conflicts;

    await store.appendBatch([sick('N2', 'A1')]);
    await settle({ runner, engine });
    const raisedCall = calls.findIndex((c) => c.length >= 2);
    expect(raisedCall).toBeGreaterThanOrEqual(0);
    // the failed attempt stored nothing; the retry without the stale alert stored the rest, in one append
    expect(calls[raisedCall + 1]).toEqual(calls[raisedCall]!.filter((s) => s !== interfered));
    expect(engine.status().conflicts).toBe(conflictsBefore + 1);
    const events = await alertEvents();
    expect(ids(events, 'AlertRaised').filter((id) => id.includes(DAY))).toEqual([ABS, BMIN, BTGT]);
    expect(new Set(events.map((e) => e.stream)).size).toBe(events.length);
    expect(events.filter((e) => e.stream === interfered).map((e) => e.id)).toEqual([expect.stringMatching(/\/other-engine$/)]);
  });

  it('two engines on two runners over one store: one alert, the other engine gets a duplicate or sees it', async () => {
    await store.appendBatch(setup());
    const a = await node('a.sqlite');
    const b = await node('b.sqlite');
    await settle(a, b);
    const base = (await alertEvents()).length;
    await store.appendBatch([sick('N2', 'A1')]);
    await settle(a, b);
    await Promise.all([a.engine.runSweep(), b.engine.runSweep()]);
    await settle(a, b);
    const raised = (await alertEvents()).slice(base).filter((e) => e.type === 'AlertRaised');
    expect(raised.map((e) => e.id).sort()).toEqual([`${ABS}/raised/1`, `${BMIN}/raised/1`, `${BTGT}/raised/1`]);
    // every alert event of the whole log is there once
    const all = await alertEvents();
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    expect(new Set(all.filter((e) => e.type === 'AlertRaised').map((e) => e.stream)).size).toBe(all.filter((e) => e.type === 'AlertRaised').length);
  });
});
