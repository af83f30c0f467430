import { LiveBusUpdate } from '@pks/contracts';
import type { Change } from '@pks/projections';
import type { Bus } from '../bus/bus.js';
import type { ChangeBatch, ProjectionRunner } from '../projection-runner/projection-runner.js';

export interface HandoverPlan {
  /** where each chain (`model|unitId`) continues from: the leader's last message, as seen on the bus */
  chains: Map<string, number>;
  /** where chains without an entry start: the first position this standby has seen every change after */
  startPosition: number;
  /** changes this standby applied that no message on the bus has covered yet (the old leader's in-flight work) */
  catchUp: ChangeBatch | null;
  /** chains continued seamlessly, and chains the catch-up covers */
  continued: number;
  caughtUp: number;
}

/**
 * What a standby projection runner needs to take over publishing without a gap and, in the common case, without
 * making any client resync: it watches the leader's live messages on the bus (where each chain ends) and remembers
 * the changes its own runner applied that no message has covered yet. On takeover the new publisher continues each
 * chain from where the old leader's last message ended, and first publishes the uncovered changes (rows computed
 * from its own state), so receivers see a continuous chain. Whatever it cannot vouch for starts from
 * `startPosition`, which receivers that saw more treat as a gap (they resync): safe, never silent.
 */
export class LiveHandover {
  private readonly observed = new Map<string, number>();
  /** chains this node published itself up to `base` (after a demotion): their ends are complete */
  private readonly own = new Set<string>();
  /** chain → { model, unitId, key → position of the batch that changed it } */
  private readonly pending = new Map<string, { model: string; unitId: string; keys: Map<string, number> }>();
  private base: number | null;
  private unsubscribeBus: (() => void) | null = null;
  private unsubscribeRunner: (() => void) | null = null;

  constructor(
    private readonly runner: ProjectionRunner,
    private readonly bus: Bus,
    /** the models that are published (the publisher's cellRows keys) */
    private readonly models: ReadonlySet<string>,
    /** after a demotion: the chains this node published itself, complete up to `base` */
    seed?: { chains: ReadonlyMap<string, number>; base: number },
  ) {
    for (const [chain, position] of seed?.chains ?? []) {
      this.observed.set(chain, position);
      this.own.add(chain);
    }
    this.base = seed?.base ?? null;
  }

  /** subscribe to the bus (before the runner starts applying) and to the runner's changes */
  start(): void {
    this.unsubscribeBus = this.bus.subscribe('pks.live.>', (message) => {
      const update = LiveBusUpdate.safeParse(message);
      if (update.success) this.observe(update.data);
    });
    this.unsubscribeRunner = this.runner.onChanges((batch) => this.record(batch));
  }

  /** the position from which this standby has seen every change its runner made (its snapshot's position) */
  setBase(position: number): void {
    this.base ??= position;
  }

  stop(): void {
    this.unsubscribeBus?.();
    this.unsubscribeRunner?.();
    this.unsubscribeBus = this.unsubscribeRunner = null;
  }

  /** for tests and health: chains with changes no message has covered yet */
  get uncovered(): number {
    return this.pending.size;
  }

  private observe(update: LiveBusUpdate): void {
    const chain = `${update.model}|${update.unitId}`;
    const seen = Math.max(this.observed.get(chain) ?? 0, update.toPosition);
    this.observed.set(chain, seen);
    const entry = this.pending.get(chain);
    if (!entry) return;
    for (const [key, position] of entry.keys) if (position <= seen) entry.keys.delete(key);
    if (entry.keys.size === 0) this.pending.delete(chain);
  }

  private record(batch: ChangeBatch): void {
    for (const change of batch.changes as Change[]) {
      if (change.unitId === null || !this.models.has(change.model)) continue;
      const chain = `${change.model}|${change.unitId}`;
      if ((this.observed.get(chain) ?? 0) >= batch.toPosition) continue;
      let entry = this.pending.get(chain);
      if (!entry) this.pending.set(chain, (entry = { model: change.model, unitId: change.unitId, keys: new Map() }));
      entry.keys.set(change.key, batch.toPosition);
    }
  }

  /**
   * The plan for the new publisher at the runner's current position (call synchronously right before starting
   * it, so no batch falls between).
   */
  takeOver(): HandoverPlan {
    const position = this.runner.position;
    const startPosition = this.base ?? position;
    const chains = new Map<string, number>();
    // a chain continues where the old leader's message ended only if every change after it was seen here (or this
    // node published the chain itself up to its base)
    for (const [chain, end] of this.observed) if (end >= startPosition || this.own.has(chain)) chains.set(chain, end);
    const changes: Change[] = [];
    for (const entry of this.pending.values()) {
      for (const key of entry.keys.keys()) changes.push({ model: entry.model, unitId: entry.unitId, key } as Change);
    }
    const caughtUp = this.pending.size;
    return {
      chains,
      startPosition,
      catchUp: changes.length === 0 ? null : { fromPosition: startPosition, toPosition: position, changes, appliedAt: Date.now() },
      continued: chains.size,
      caughtUp,
    };
  }
}
