import type { StoredEvent } from '@pks/contracts';
import type { Change, Projection } from '@pks/projections';
import type { EventStore, Subscription } from '../event-store/event-store.js';
import type { SnapshotStore } from './snapshot-store.js';

/** The changes a batch of events made, coalesced: each cell once. */
export interface ChangeBatch {
  /** the positions folded in: (fromPosition, toPosition] */
  fromPosition: number;
  toPosition: number;
  changes: Change[];
  /** when the runner applied the batch, ms since epoch */
  appliedAt: number;
}

export interface ProjectionStatus {
  name: string;
  version: number;
  position: number;
  /** events that made evolve throw (skipped for this projection, deterministically, also on rebuild) */
  errors: number;
  lastError: string | null;
}

export interface RunnerOptions {
  store: EventStore;
  projections: Projection<any>[];
  snapshots: SnapshotStore;
  /** snapshot after this many events … */
  snapshotEveryEvents?: number;
  /** … or this many ms since the last snapshot, whichever comes first (and on stop) */
  snapshotEveryMs?: number;
  batchSize?: number;
  log?: (message: string) => void;
  /** called once `start()` has decoded the snapshots, before catching up (the nodes release the blobs' memory) */
  onSnapshotsLoaded?: () => void;
}

interface Slot {
  projection: Projection<any>;
  state: unknown;
  position: number;
  errors: number;
  lastError: string | null;
}

function foldInto(slot: Slot, event: StoredEvent, collect: Change[] | null): void {
  try {
    const changes = slot.projection.evolve(slot.state, event);
    if (collect !== null) for (const c of changes) collect.push(c);
  } catch (error) {
    slot.errors += 1;
    slot.lastError = `position ${event.position} (${event.type}): ${error instanceof Error ? error.message : String(error)}`;
  }
  slot.position = event.position;
}

function coalesce(changes: Change[]): Change[] {
  if (changes.length < 2) return changes;
  const seen = new Set<string>();
  const out: Change[] = [];
  for (const c of changes) {
    const k = `${c.model}\u0000${c.unitId ?? ''}\u0000${c.key}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(c);
    }
  }
  return out;
}

/**
 * Runs projections over the log: loads the last snapshot (state and checkpoint saved together), catches up from
 * its position, then follows the log live. Snapshots are written atomically for all projections, so after a crash
 * each projection restarts from a state and position that belong together: no event is applied twice or lost.
 */
export class ProjectionRunner {
  private readonly slots: Slot[];
  private readonly listeners = new Set<(batch: ChangeBatch) => void>();
  private readonly positionWaiters = new Set<{ position: number; resolve: () => void }>();
  private subscription: Subscription | null = null;
  private eventsSinceSnapshot = 0;
  private lastSnapshotAt = Date.now();
  private snapshotting: Promise<void> | null = null;
  private lastEventRecordedAt: string | null = null;
  private lastAppliedAt: number | null = null;
  private failure: unknown = null;

  constructor(private readonly options: RunnerOptions) {
    this.slots = options.projections.map((projection) => ({ projection, state: projection.initialState(), position: 0, errors: 0, lastError: null }));
  }

  /** the position every projection has reached */
  get position(): number {
    let min = Infinity;
    for (const s of this.slots) min = Math.min(min, s.position);
    return min === Infinity ? 0 : min;
  }

  get catchingUp(): boolean {
    return this.subscription?.catchingUp ?? true;
  }

  state<S>(name: string): S {
    const slot = this.slots.find((s) => s.projection.name === name);
    if (!slot) throw new Error(`no projection named ${name}`);
    return slot.state as S;
  }

  statuses(): ProjectionStatus[] {
    return this.slots.map((s) => ({ name: s.projection.name, version: s.projection.version, position: s.position, errors: s.errors, lastError: s.lastError }));
  }

  get lastEvent(): { recordedAt: string | null; appliedAt: number | null } {
    return { recordedAt: this.lastEventRecordedAt, appliedAt: this.lastAppliedAt };
  }

  get failed(): unknown {
    return this.failure;
  }

  onChanges(listener: (batch: ChangeBatch) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** resolves when every projection has folded in `position` (read-your-writes) */
  waitForPosition(position: number, timeoutMs = 10_000): Promise<boolean> {
    if (this.position >= position) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = {
        position,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      const timer = setTimeout(() => {
        this.positionWaiters.delete(waiter);
        resolve(false);
      }, timeoutMs);
      this.positionWaiters.add(waiter);
    });
  }

  /** Puts each projection's saved state in place when its version matches (others start empty and rebuild). */
  private async restoreSnapshots(): Promise<void> {
    const saved = await this.options.snapshots.load(this.slots.map((s) => s.projection.name));
    for (const slot of this.slots) {
      const snapshot = saved.get(slot.projection.name);
      if (snapshot && snapshot.version === slot.projection.version) {
        slot.state = snapshot.state;
        slot.position = snapshot.position;
      } else if (snapshot) {
        this.options.log?.(`projection ${slot.projection.name}: snapshot of version ${snapshot.version} discarded, rebuilding version ${slot.projection.version}`);
      }
    }
  }

  async start(): Promise<void> {
    await this.restoreSnapshots();
    // nothing of the loaded snapshots is referenced here any more (a discarded one included): the hook can free it
    this.options.onSnapshotsLoaded?.();
    this.lastSnapshotAt = Date.now();
    this.subscription = this.options.store.subscribeToAll({
      from: this.position,
      batchSize: this.options.batchSize ?? 2000,
      onEvents: (events) => this.apply(events),
      onError: (error) => {
        this.failure = error;
        this.options.log?.(`projection runner stopped: ${error instanceof Error ? error.stack : String(error)}`);
      },
    });
  }

  private async apply(events: StoredEvent[]): Promise<void> {
    const collect: Change[] = [];
    const fromPosition = this.position;
    const wantChanges = this.listeners.size > 0;
    for (const event of events) {
      for (const slot of this.slots) {
        if (event.position > slot.position) foldInto(slot, event, wantChanges ? collect : null);
      }
    }
    const last = events[events.length - 1]!;
    this.lastEventRecordedAt = last.metadata.recordedAt;
    this.lastAppliedAt = Date.now();
    if (wantChanges && collect.length > 0) {
      const batch: ChangeBatch = { fromPosition, toPosition: last.position, changes: coalesce(collect), appliedAt: this.lastAppliedAt };
      for (const listener of this.listeners) {
        try {
          listener(batch);
        } catch (error) {
          this.options.log?.(`change listener failed: ${String(error)}`);
        }
      }
    }
    const position = this.position;
    for (const waiter of this.positionWaiters) {
      if (position >= waiter.position) {
        this.positionWaiters.delete(waiter);
        waiter.resolve();
      }
    }
    this.eventsSinceSnapshot += events.length;
    const everyEvents = this.options.snapshotEveryEvents ?? 200_000;
    const everyMs = this.options.snapshotEveryMs ?? 60_000;
    if (this.snapshotting === null && (this.eventsSinceSnapshot >= everyEvents || Date.now() - this.lastSnapshotAt >= everyMs)) {
      // The states are copied now; the write goes on while the next events are folded in (awaiting it here held
      // every live change behind a database write of the whole state: up to 0.6 s every snapshot interval on
      // PostgreSQL). A failed write is logged and tried again at the next interval.
      this.snapshot().catch((error: unknown) => {
        this.lastSnapshotAt = Date.now();
        this.options.log?.(`snapshot failed, trying again in ${everyMs} ms: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
  }

  /** writes every projection's state and position in one transaction */
  async snapshot(): Promise<void> {
    if (this.snapshotting) return this.snapshotting;
    const counted = this.eventsSinceSnapshot;
    this.snapshotting = (async () => {
      try {
        await this.options.snapshots.save(
          this.slots.map((s) => ({ name: s.projection.name, version: s.projection.version, position: s.position, state: s.state })),
        );
        this.eventsSinceSnapshot -= counted; // events folded in while it was written count towards the next
        this.lastSnapshotAt = Date.now();
      } finally {
        this.snapshotting = null;
      }
    })();
    return this.snapshotting;
  }

  async stop(options: { snapshot?: boolean } = {}): Promise<void> {
    // a clean stop folds in what is already in the log (up to 5 s), so the last snapshot is at the head
    if (options.snapshot !== false && this.subscription && this.failure === null) {
      await this.waitForPosition(await this.options.store.headPosition(), 5000);
    }
    await this.subscription?.stop();
    this.subscription = null;
    // a snapshot still being written holds an earlier position: the last one starts after it
    while (this.snapshotting) await this.snapshotting.catch(() => undefined);
    if (options.snapshot !== false) await this.snapshot();
  }
}

export interface RebuildProgress {
  position: number;
  head: number;
  events: number;
  elapsedMs: number;
}

/**
 * Replays the whole log from position 0 into fresh projections and saves them as the new snapshot. The result is
 * what the live runner holds at the same position.
 */
export async function rebuildProjections(options: {
  store: EventStore;
  projections: Projection<any>[];
  snapshots?: SnapshotStore;
  batchSize?: number;
  onProgress?: (progress: RebuildProgress) => void;
}): Promise<{ states: Map<string, unknown>; position: number; events: number; elapsedMs: number }> {
  const started = Date.now();
  const head = await options.store.headPosition();
  const slots: Slot[] = options.projections.map((projection) => ({ projection, state: projection.initialState(), position: 0, errors: 0, lastError: null }));
  const batchSize = options.batchSize ?? 5000;
  let position = 0;
  let events = 0;
  let lastReport = 0;
  for (;;) {
    const batch = await options.store.readAll(position, batchSize);
    if (batch.length === 0) break;
    for (const event of batch) for (const slot of slots) foldInto(slot, event, null);
    position = batch[batch.length - 1]!.position;
    events += batch.length;
    if (options.onProgress && (Date.now() - lastReport > 200 || position >= head)) {
      lastReport = Date.now();
      options.onProgress({ position, head: Math.max(head, position), events, elapsedMs: Date.now() - started });
    }
  }
  if (options.snapshots) {
    await options.snapshots.save(slots.map((s) => ({ name: s.projection.name, version: s.projection.version, position, state: s.state })));
  }
  return { states: new Map(slots.map((s) => [s.projection.name, s.state])), position, events, elapsedMs: Date.now() - started };
}
