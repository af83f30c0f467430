import { eventDataSchemas, type EventType, type NewEvent } from '@pks/contracts';
import {
  ALERT_RULES_MODEL,
  alertUnitIds,
  dueEscalations,
  planAlertCells,
  planAlertSweep,
  type AlertAppend,
  type AlertInputs,
  type AlertsState,
  type Change,
  type GapListState,
  type OutcomeVsPlanState,
  type PerformedTimeState,
  type ReconcileResult,
  type RuleFamily,
  type ScheduleVsPlanState,
} from '@pks/projections';
import { WrongExpectedRevisionError, type EventStore, type StreamAppend } from '../event-store/event-store.js';
import type { ChangeBatch, ProjectionRunner } from '../projection-runner/projection-runner.js';

export interface AlertEngineOptions {
  runner: ProjectionRunner;
  store: EventStore;
  /** the clock (ms); tests pass their own */
  now?: () => number;
  /** clock tick: time windows that open without events, escalation (default 60 s) */
  tickMs?: number;
  /** week/month rules of changed units at most this often (default 2 s) */
  planDebounceMs?: number;
  /** every unit's week/month rules this often (default 10 min) */
  planSweepMs?: number;
  /** metadata.sourceSystem of the events it appends */
  sourceSystem?: string;
  log?: (line: string) => void;
}

export interface AlertEngineStatus {
  running: boolean;
  /** caught up with the log and swept once: acting on live change batches */
  ready: boolean;
  appended: number;
  duplicates: number;
  conflicts: number;
  lastSweepAt: string | null;
  lastError: string | null;
}

/** work of one slice of a sweep before the event loop gets a turn */
const SLICE_MS = 5;
/** most alerts in one multi-stream append (a sweep after a long outage can plan thousands) */
const MAX_ALERTS_PER_APPEND = 2000;

/** Change models whose cells or units the week/month rules read. */
const PLAN_MODELS = new Set(['schedule-vs-plan', 'outcome-vs-plan', 'performed-time', 'staff-volume']);

/**
 * The alert engine: evaluates the alert rules as projections change and appends the alert lifecycle to the log.
 *
 * - It acts only on live change batches after the runner has caught up with the log (batches of a catch-up or a
 *   rebuild are ignored); once caught up it sweeps every unit once, which also resolves what changed while it was
 *   down. So restarting or rebuilding never raises an alert twice: the alerts projection is rebuilt from the same log
 *   and the engine compares against it.
 * - Gap-list cells are evaluated as their change batches arrive; week and month rules per changed unit, debounced;
 *   a clock tick sweeps the gap rules (slots entering the next-N-hours window, ended slots) and escalates, and a
 *   slower sweep re-evaluates the week/month rules (weeks and months roll over).
 * - Every append names the stream revision it expects (`no-stream` for a new alert) and has a deterministic event
 *   id (alert + occurrence), so a second engine, or a repeated evaluation, stores a duplicate, not a second alert.
 * - Work is serialised: one evaluation at a time. Only one engine should act at a time (a leader lock composes
 *   start/stop in multi-node setups), but a second one cannot corrupt anything.
 */
export class AlertEngine {
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private chain: Promise<void> = Promise.resolve();
  private queued = 0;
  private running = false;
  private ready = false;
  private unsubscribe: (() => void) | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private readyTimer: NodeJS.Timeout | null = null;
  private planTimer: NodeJS.Timeout | null = null;
  private readonly dirtyPlanUnits = new Set<string>();
  private lastPlanSweep = 0;
  /** manually resolved alerts whose deviation has been seen gone since (may be raised again) */
  private readonly rearmed = new Set<string>();
  /** alertId → log position of this engine's last append, until the alerts projection has folded it */
  private readonly pending = new Map<string, { at: number; unitId: string }>();
  /**
   * units evaluated while one of their alerts was in flight (appended, not folded): that evaluation did not see it, so
   * the unit is evaluated again once the appends are folded
   */
  private readonly recheckUnits = new Set<string>();
  private recheckTimer: NodeJS.Timeout | null = null;
  private readonly counters = { appended: 0, duplicates: 0, conflicts: 0 };
  private lastSweepAt: string | null = null;
  private lastError: string | null = null;

  constructor(private readonly options: AlertEngineOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => {});
  }

  status(): AlertEngineStatus {
    return { running: this.running, ready: this.ready, ...this.counters, lastSweepAt: this.lastSweepAt, lastError: this.lastError };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.ready = false;
    this.unsubscribe = this.options.runner.onChanges((batch) => this.onBatch(batch));
    const waitForCatchUp = () => {
      this.readyTimer = null;
      if (!this.running) return;
      if (this.options.runner.catchingUp) {
        this.readyTimer = setTimeout(waitForCatchUp, 25);
        return;
      }
      // from here on live batches count; they queue behind this sweep, which covers everything before them
      this.ready = true;
      void this.enqueue(() => this.sweep('all'));
    };
    waitForCatchUp();
    this.tickTimer = setInterval(() => this.enqueue(() => this.tick()), this.options.tickMs ?? 60_000);
    this.tickTimer.unref?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.ready = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const t of [this.tickTimer, this.readyTimer, this.planTimer, this.recheckTimer]) if (t) clearTimeout(t);
    this.tickTimer = this.readyTimer = this.planTimer = this.recheckTimer = null;
    this.recheckUnits.clear();
    await this.idle();
  }

  /** Resolves when no evaluation is queued or running. */
  async idle(): Promise<void> {
    while (this.queued > 0) await this.chain;
  }

  /** Runs the clock tick now (escalations, gap-rule sweep, the week/month sweep when due); for tests and operators. */
  runTick(): Promise<void> {
    return this.enqueue(() => this.tick());
  }

  /** Sweeps every rule of every unit now. */
  runSweep(family: RuleFamily = 'all'): Promise<void> {
    return this.enqueue(() => this.sweep(family));
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    this.queued += 1;
    const run = this.chain.then(async () => {
      try {
        if (this.running) await work();
      } catch (error) {
        this.lastError = error instanceof Error ? error.message : String(error);
        this.log(`alert engine: ${this.lastError}`);
      } finally {
        this.queued -= 1;
      }
    });
    this.chain = run;
    return run;
  }

  private inputs(): AlertInputs {
    const runner = this.options.runner;
    return {
      gapList: runner.state<GapListState>('gap-list'),
      scheduleVsPlan: runner.state<ScheduleVsPlanState>('schedule-vs-plan'),
      outcomeVsPlan: runner.state<OutcomeVsPlanState>('outcome-vs-plan'),
      performedTime: runner.state<PerformedTimeState>('performed-time'),
      alerts: runner.state<AlertsState>('alerts'),
    };
  }

  private onBatch(batch: ChangeBatch): void {
    if (!this.running || !this.ready) return; // catch-up and rebuild batches: the sweep after catching up covers them
    const cells = new Map<string, Set<string>>();
    const wholeUnits = new Set<string>();
    let configChanged = false;
    for (const change of batch.changes as Change[]) {
      if (change.model === ALERT_RULES_MODEL) configChanged = true;
      else if (change.model === 'gap-list' && change.unitId !== null) {
        if (change.key === '*') wholeUnits.add(change.unitId);
        else {
          let set = cells.get(change.unitId);
          if (!set) cells.set(change.unitId, (set = new Set()));
          set.add(change.key);
        }
      } else if (PLAN_MODELS.has(change.model)) {
        if (change.unitId === null) this.lastPlanSweep = 0;
        else this.dirtyPlanUnits.add(change.unitId);
      }
    }
    if (configChanged) {
      void this.enqueue(() => this.sweep('all'));
      return;
    }
    if (cells.size > 0 || wholeUnits.size > 0) {
      void this.enqueue(async () => {
        // every unit's plan first (each unit's alerts are its own), then one append for all of them
        const nowMs = this.now();
        const inputs = this.inputs();
        const appends: AlertAppend[] = [];
        const plan = (result: ReconcileResult) => {
          for (const id of result.rearm) this.rearmed.add(id);
          for (const a of result.appends) appends.push(a);
        };
        for (const unitId of wholeUnits) plan(planAlertSweep(inputs, nowMs, { family: 'gap', unitIds: [unitId], rearmed: this.rearmed }));
        for (const [unitId, keys] of cells) {
          if (wholeUnits.has(unitId)) continue;
          plan(planAlertCells(inputs, unitId, [...keys], nowMs, this.rearmed));
        }
        await this.appendAll(appends);
      });
    }
    if (this.dirtyPlanUnits.size > 0 && !this.planTimer) {
      this.planTimer = setTimeout(() => {
        this.planTimer = null;
        const units = [...this.dirtyPlanUnits];
        this.dirtyPlanUnits.clear();
        void this.enqueue(() => this.sweepUnits('plan', units));
      }, this.options.planDebounceMs ?? 2_000);
      this.planTimer.unref?.();
    }
  }

  private async tick(): Promise<void> {
    if (!this.ready) return;
    const nowMs = this.now();
    await this.appendAll(dueEscalations(this.inputs().alerts, nowMs));
    const planDue = nowMs - this.lastPlanSweep >= (this.options.planSweepMs ?? 600_000);
    await this.sweep(planDue ? 'all' : 'gap');
  }

  private async sweep(family: RuleFamily): Promise<void> {
    const nowMs = this.now();
    await this.sweepUnits(family, alertUnitIds(this.inputs()));
    if (family !== 'gap') this.lastPlanSweep = nowMs;
    this.lastSweepAt = new Date(nowMs).toISOString();
  }

  /**
   * Evaluates units a few at a time: after about `SLICE_MS` of work it appends what it planned and lets the event loop
   * run (ingest, pushes, queries) before the next units, so a sweep over hundreds of units or a plan evaluation (week
   * and month queries per unit) never blocks the server for long. Each slice reads the current state.
   */
  private async sweepUnits(family: RuleFamily, unitIds: readonly string[]): Promise<void> {
    let i = 0;
    while (i < unitIds.length && this.running) {
      const started = performance.now();
      const inputs = this.inputs();
      const nowMs = this.now();
      const slice: string[] = [];
      const appends: AlertAppend[] = [];
      while (i < unitIds.length && (slice.length === 0 || performance.now() - started < SLICE_MS)) {
        const unitId = unitIds[i++]!;
        slice.push(unitId);
        const result = planAlertSweep(inputs, nowMs, { family, unitIds: [unitId], rearmed: this.rearmed });
        for (const id of result.rearm) this.rearmed.add(id);
        for (const a of result.appends) appends.push(a);
      }
      await this.appendAll(appends);
      if (i < unitIds.length) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /**
   * Appends the plan's events, each to its alert's stream with the revision the plan expects, in one atomic
   * multi-stream append (one durable commit instead of one per alert). An alert whose stream moved meanwhile (another
   * engine, a person's command) is a conflict, as before: it is left out and the rest appended again; the next
   * evaluation sees it.
   */
  private async appendAll(appends: readonly AlertAppend[]): Promise<void> {
    const position = this.options.runner.position;
    for (const [id, p] of this.pending) {
      if (p.at <= position) this.pending.delete(id);
      else if (p.unitId !== '') this.recheckUnits.add(p.unitId);
    }
    const parts: { alertId: string; unitId: string; append: StreamAppend }[] = [];
    let alerts: AlertsState | null = null;
    const planned = new Set<string>();
    for (const a of appends) {
      const alertId = a.event.data.alertId;
      if (this.pending.has(alertId)) continue; // our previous append for it is not folded yet: the plan is stale
      if (planned.has(alertId)) continue; // one append per alert and evaluation
      planned.add(alertId);
      if (a.event.type === 'AlertRaised') this.rearmed.delete(alertId);
      const at = new Date(this.now()).toISOString();
      const type = a.event.type as EventType;
      const event: NewEvent = {
        id: a.event.id,
        type,
        stream: a.stream,
        data: eventDataSchemas[type].parse(a.event.data) as Record<string, unknown>,
        metadata: { sourceSystem: this.options.sourceSystem ?? 'pks-alert-engine', occurredAt: at, recordedAt: at, actor: 'alert-engine' },
      };
      const unitId = a.event.type === 'AlertRaised' ? a.event.data.unitId : ((alerts ??= this.inputs().alerts).alerts.get(alertId)?.unitId ?? '');
      parts.push({ alertId, unitId, append: { stream: a.stream, events: [event], expectedRevision: a.expectedRevision } });
    }
    for (let i = 0; i < parts.length; i += MAX_ALERTS_PER_APPEND) await this.appendParts(parts.slice(i, i + MAX_ALERTS_PER_APPEND));
    if (this.recheckUnits.size > 0) this.scheduleRecheck();
  }

  /**
   * Evaluates the units that were evaluated while one of their alerts was in flight again once the alerts projection
   * has folded this engine's appends (polled every 50 ms): a cell that changed back while its alert was in flight
   * does not keep a stale alert until the next clock tick.
   */
  private scheduleRecheck(): void {
    if (this.recheckTimer || !this.running) return;
    this.recheckTimer = setTimeout(() => {
      this.recheckTimer = null;
      if (!this.running) return;
      const position = this.options.runner.position;
      let newest = 0;
      for (const p of this.pending.values()) newest = Math.max(newest, p.at);
      if (newest > position) {
        this.scheduleRecheck();
        return;
      }
      const unitIds = [...this.recheckUnits];
      this.recheckUnits.clear();
      void this.enqueue(() => this.sweepUnits('all', unitIds));
    }, 50);
    this.recheckTimer.unref?.();
  }

  private async appendParts(parts: { alertId: string; unitId: string; append: StreamAppend }[]): Promise<void> {
    let remaining = parts;
    while (remaining.length > 0) {
      let results;
      try {
        results = await this.options.store.appendToStreams(remaining.map((p) => p.append));
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        // another engine (or a person's command) changed the alert first: the next evaluation sees it
        const stale = remaining.findIndex((p) => p.append.stream === error.stream);
        if (stale === -1) throw error;
        this.counters.conflicts += 1;
        remaining = remaining.filter((_, i) => i !== stale);
        continue;
      }
      results.forEach((result, i) => {
        const outcome = result.outcomes[0]!;
        if (outcome.status === 'appended') {
          this.counters.appended += 1;
          this.pending.set(remaining[i]!.alertId, { at: outcome.position, unitId: remaining[i]!.unitId });
        } else if (outcome.status === 'duplicate') this.counters.duplicates += 1;
        else this.counters.conflicts += 1;
      });
      return;
    }
  }
}
