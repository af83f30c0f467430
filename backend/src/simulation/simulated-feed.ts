import type { EventInput } from '@pks/contracts';
import type { DemandProfile } from './demand-profile.js';
import type { FaultOptions } from './faults.js';
import { generateEvents } from './generate-events.js';
import type { Hospital } from './hospital-model.js';
import { DAY_MS, type InstantLike, toEpochMs } from './local-calendar.js';
import { setupEvents } from './setup-events.js';

export interface SimulatedFeedOptions {
  hospital: Hospital;
  seed: number | string;
  /** simulated ms per real ms: 1 = real time, 60 = a minute per second. Default 1. */
  speed?: number;
  /** the real clock, epoch ms. Default Date.now. */
  clock?: () => number;
  /** receives the events in order, in small batches; the feed waits for it before sending more (back-pressure) */
  emit: (events: EventInput[]) => Promise<void>;
  /** the simulated instant when the feed starts. Default: the clock's now. */
  startAt?: InstantLike;
  /** days of history sent at start (with the setup and the prologue: schedules, bookings, plans already published). Default 14. */
  historyDays?: number;
  /** events per emit call. Default 1000. */
  batchSize?: number;
  /** real ms between checks for due events once caught up. Default 200. */
  tickMs?: number;
  /** send the setup (units, keys, staff, …) first. Default true. */
  includeSetup?: boolean;
  faults?: FaultOptions | false;
  demand?: DemandProfile;
  /** called when emit throws; the feed stops. Default: logs to stderr. */
  onError?: (error: unknown) => void;
}

export interface SimulatedFeedStats {
  /** events handed to emit */
  emitted: number;
  /** the backfill (setup, prologue and history up to the start) is done */
  caughtUp: boolean;
  /** the simulated now, ISO */
  simulatedNow: string;
  /** occurredAt of the last event emitted */
  lastOccurredAt: string | null;
  running: boolean;
}

/**
 * A real-time driver of the simulated hospital. `start()` sends the setup, then the prologue and the last
 * `historyDays` days (so dashboards have data at once; schedules already reach 6–14 weeks ahead), and resolves when
 * it has caught up with the simulated now; after that it keeps emitting events as simulated time passes (`speed` ×
 * real time), in batches of at most `batchSize`, awaiting `emit` before the next batch. `stop()` waits for the
 * batch in flight.
 */
export class SimulatedFeed {
  private readonly speed: number;
  private readonly clock: () => number;
  private readonly batchSize: number;
  private readonly tickMs: number;
  private realStart = 0;
  private simStart = 0;
  private iterator: Iterator<EventInput, void> | null = null;
  private pending: EventInput | null = null;
  private pendingMs = Number.NaN;
  private running = false;
  private caughtUp = false;
  private emitted = 0;
  private lastOccurredAt: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private loop: Promise<void> | null = null;

  constructor(private readonly options: SimulatedFeedOptions) {
    this.speed = options.speed ?? 1;
    if (!(this.speed > 0)) throw new Error('speed must be positive');
    this.clock = options.clock ?? Date.now;
    this.batchSize = Math.max(1, options.batchSize ?? 1000);
    this.tickMs = Math.max(1, options.tickMs ?? 200);
  }

  /** The simulated instant now (epoch ms). */
  simulatedNow(): number {
    return this.simStart + (this.clock() - this.realStart) * this.speed;
  }

  get stats(): SimulatedFeedStats {
    return {
      emitted: this.emitted,
      caughtUp: this.caughtUp,
      simulatedNow: new Date(this.running || this.realStart ? this.simulatedNow() : this.clock()).toISOString(),
      lastOccurredAt: this.lastOccurredAt,
      running: this.running,
    };
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.realStart = this.clock();
    this.simStart = this.options.startAt === undefined ? this.realStart : toEpochMs(this.options.startAt);
    const from = this.simStart - (this.options.historyDays ?? 14) * DAY_MS;
    if (this.options.includeSetup !== false) {
      const setup = setupEvents(this.options.hospital, { at: from });
      for (let i = 0; i < setup.length && this.running; i += this.batchSize) await this.send(setup.slice(i, i + this.batchSize));
    }
    this.iterator = generateEvents({
      hospital: this.options.hospital,
      seed: this.options.seed,
      from,
      to: null,
      prologue: true,
      ...(this.options.faults !== undefined && { faults: this.options.faults }),
      ...(this.options.demand !== undefined && { demand: this.options.demand }),
    })[Symbol.iterator]();
    this.advance();
    await this.drainDue();
    this.caughtUp = true;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.loop;
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.loop = this.drainDue()
        .then(() => this.schedule())
        .catch((error: unknown) => {
          this.running = false;
          (this.options.onError ?? ((e: unknown) => console.error('simulated feed stopped:', e)))(error);
        });
    }, this.tickMs);
    this.timer.unref?.();
  }

  /** Sends every event due by the simulated now, batch by batch. */
  private async drainDue(): Promise<void> {
    while (this.running && this.pending) {
      const now = this.simulatedNow();
      if (this.pendingMs > now) return;
      const batch: EventInput[] = [];
      while (this.pending && this.pendingMs <= now && batch.length < this.batchSize) {
        batch.push(this.pending);
        this.advance();
      }
      await this.send(batch);
    }
  }

  private advance(): void {
    const next = this.iterator!.next();
    if (next.done) {
      this.pending = null;
      this.pendingMs = Number.NaN;
    } else {
      this.pending = next.value;
      this.pendingMs = Date.parse(next.value.metadata!.occurredAt!);
    }
  }

  private async send(batch: EventInput[]): Promise<void> {
    if (batch.length === 0) return;
    await this.options.emit(batch);
    this.emitted += batch.length;
    const last = batch[batch.length - 1]!;
    this.lastOccurredAt = last.metadata?.occurredAt ?? this.lastOccurredAt;
  }
}
