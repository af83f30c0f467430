import type { LiveBusUpdate, LiveModel } from '@pks/contracts';
import type { Change, ReferenceCatalogState } from '@pks/projections';
import type { Bus } from '../bus/bus.js';
import type { ChangeBatch, ProjectionRunner } from '../projection-runner/projection-runner.js';

/** Computes the current rows of changed cells of one model and unit (null: clients refetch the model instead). */
export type CellRows = (unitId: string, keys: string[]) => Record<string, unknown>[] | null;

export const liveSubject = (model: string, departmentId: string, unitId: string) => `pks.live.${model}.${departmentId}.${unitId}`;

/**
 * Runs where the projections run: turns each change batch into one bus message per model and unit, with the rows
 * of the changed cells, chained by position per model and unit so receivers can tell when they missed one.
 */
export class LivePublisher {
  private readonly last: Map<string, number>;
  private readonly startPosition: number;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly runner: ProjectionRunner,
    private readonly bus: Bus,
    private readonly cellRows: Partial<Record<LiveModel, CellRows>>,
    /**
     * Taking over from another publisher (a standby that became leader): where each chain (`model|unitId`) ended,
     * and the position chains without an entry start from (default: the runner's position now).
     */
    handover: { chains?: ReadonlyMap<string, number>; startPosition?: number } = {},
  ) {
    this.startPosition = handover.startPosition ?? runner.position;
    this.last = new Map(handover.chains ?? []);
  }

  start(): void {
    this.unsubscribe = this.runner.onChanges((batch) => this.publish(batch));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** where each chain (`model|unitId`) ends: the toPosition of its last message */
  chainEnds(): Map<string, number> {
    return new Map(this.last);
  }

  /** publishes one batch of changes (the runner's, or a standby's catch-up after a takeover) */
  publish(batch: ChangeBatch): void {
    const catalog = this.runner.state<ReferenceCatalogState>('reference-catalog');
    const groups = new Map<string, { model: LiveModel; unitId: string; keys: string[] }>();
    for (const change of batch.changes as Change[]) {
      if (change.unitId === null || !(change.model in this.cellRows)) continue;
      const id = `${change.model}|${change.unitId}`;
      let group = groups.get(id);
      if (!group) {
        group = { model: change.model as LiveModel, unitId: change.unitId, keys: [] };
        groups.set(id, group);
      }
      group.keys.push(change.key);
    }
    for (const [id, group] of groups) {
      const departmentId = catalog.units.get(group.unitId)?.departmentId ?? '_';
      const rows = this.cellRows[group.model]!(group.unitId, group.keys);
      const update: LiveBusUpdate = {
        model: group.model,
        unitId: group.unitId,
        departmentId,
        fromPosition: this.last.get(id) ?? this.startPosition,
        toPosition: batch.toPosition,
        keys: group.keys,
        rows,
        appliedAt: batch.appliedAt,
      };
      this.last.set(id, batch.toPosition);
      this.bus.publish(liveSubject(group.model, departmentId, group.unitId), update);
    }
  }
}
