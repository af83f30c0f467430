import { ALERT_EVENT_TYPES, alertStream, type AlertNotification, type StoredEvent } from '@pks/contracts';
import { alertRow, alerts as alertsProjection, project } from '@pks/projections';
import type { Bus } from '../bus/bus.js';
import { isNatsBus } from '../bus/create-bus.js';
import type { EventStore, Subscription } from '../event-store/event-store.js';
import type { WebhookStore } from './webhooks/webhook-store.js';

const ALERT_TYPES: ReadonlySet<string> = new Set(ALERT_EVENT_TYPES);

/**
 * How often the checkpoint is written when a batch queued no delivery (default). A batch that queues deliveries
 * writes it in the same transaction, as always; one that queues none only has to move it eventually: after a crash
 * the outbox re-reads at most this much of the log, publishes those bus messages again (JetStream drops them as
 * duplicates within its window) and queues no delivery twice (deliveries are unique per subscriber and event, and
 * a subscriber created meanwhile only gets events after its creation).
 */
const CHECKPOINT_EVERY_MS = 1000;

/** alert streams whose events the outbox keeps, so that the next event of one needs no read (most recent used) */
const CACHED_STREAMS = 10_000;

/** A subject token: NATS splits on dots and treats `*` and `>` as wildcards. */
const token = (value: string) => value.replace(/[.*>\s]/g, '_');

/** `pks.alerts.<departmentId>.<unitId>`: where every alert lifecycle event is published. */
export const alertSubject = (departmentId: string, unitId: string) => `pks.alerts.${token(departmentId)}.${token(unitId)}`;

export interface AlertOutboxOptions {
  store: EventStore;
  bus: Bus;
  /** where webhook deliveries are queued (and the outbox checkpoint kept); null = bus only */
  webhooks: WebhookStore | null;
  unitName?: (unitId: string) => string | null;
  now?: () => number;
  log?: (line: string) => void;
}

/**
 * Follows the log for alert lifecycle events (its own catch-up subscription from a checkpoint kept with the webhook
 * queue) and, for each, builds the notification (the event and the alert as it stands after it, folded from the
 * alert's own stream), publishes it on the bus as `pks.alerts.<dept>.<unit>` (JetStream with the event id as
 * de-duplication id when the bus is NATS), and queues a delivery for every matching webhook subscriber. Deliveries
 * and the checkpoint are written in one transaction, so a restart neither loses nor repeats a queued delivery; a bus
 * message may be published again after a crash (NATS drops it as a duplicate within its window).
 */
export class AlertOutbox {
  private subscription: Subscription | null = null;
  private readonly now: () => number;
  private lastPosition = 0;
  /** the position last written as the checkpoint, and when */
  private checkpointed = 0;
  private checkpointedAt = 0;
  /** alert stream → its events up to the last one handled (revisions 0..n-1, in order) */
  private readonly streams = new Map<string, StoredEvent[]>();

  constructor(private readonly options: AlertOutboxOptions) {
    this.now = options.now ?? Date.now;
  }

  /** the log position handled so far */
  get position(): number {
    return this.subscription?.position ?? this.lastPosition;
  }

  async start(): Promise<void> {
    if (this.subscription) return;
    let from = this.options.webhooks?.checkpoint() ?? null;
    if (from === null) {
      // first start: alert events from now on (history is not re-sent)
      from = await this.options.store.headPosition();
      this.options.webhooks?.enqueue([], from, this.now());
    }
    this.lastPosition = from;
    this.checkpointed = from;
    this.checkpointedAt = this.now();
    this.subscription = this.options.store.subscribeToAll({
      from,
      batchSize: 1000,
      onEvents: (events) => this.handle(events),
      onError: (error) => this.options.log?.(`alert outbox stopped: ${error instanceof Error ? error.message : String(error)}`),
    });
  }

  async stop(): Promise<void> {
    const s = this.subscription;
    this.subscription = null;
    if (s) {
      await s.stop();
      this.lastPosition = s.position;
      this.writeCheckpoint();
    }
  }

  private writeCheckpoint(): void {
    if (!this.options.webhooks || this.checkpointed === this.lastPosition) return;
    this.options.webhooks.enqueue([], this.lastPosition, this.now());
    this.checkpointed = this.lastPosition;
    this.checkpointedAt = this.now();
  }

  private async handle(events: StoredEvent[]): Promise<void> {
    const notifications: AlertNotification[] = [];
    for (const event of events) {
      if (!ALERT_TYPES.has(event.type)) continue;
      const n = await this.notification(event);
      if (n) notifications.push(n);
    }
    for (const n of notifications) await this.publish(n);
    const last = events[events.length - 1]!.position;
    this.lastPosition = last;
    if (this.options.webhooks) {
      const nowMs = this.now();
      const due = nowMs - this.checkpointedAt >= CHECKPOINT_EVERY_MS;
      const enqueued = this.options.webhooks.enqueue(notifications, last, nowMs, { lazyCheckpoint: !due });
      if (due || enqueued > 0) {
        this.checkpointed = last;
        this.checkpointedAt = nowMs;
      }
    }
  }

  private async notification(event: StoredEvent): Promise<AlertNotification | null> {
    const alertId = String((event.data as { alertId?: unknown }).alertId);
    const stream = await this.streamUpTo(alertStream(alertId), event);
    const state = project(alertsProjection, stream);
    const record = state.alerts.get(alertId);
    if (!record) return null;
    return {
      event: { id: event.id, type: event.type as AlertNotification['event']['type'], position: event.position, recordedAt: event.metadata.recordedAt, data: event.data },
      alert: alertRow(record, this.options.unitName?.(record.unitId) ?? null),
    };
  }

  /**
   * The alert's stream up to and including `event`. The outbox sees every event in log order, so when it holds the
   * stream's revisions 0 … n-1 and this is revision n of that stream, the stream is those plus this one; otherwise it
   * is read from the store.
   */
  private async streamUpTo(name: string, event: StoredEvent): Promise<StoredEvent[]> {
    const cached = this.streams.get(name);
    let stream: StoredEvent[];
    if (event.stream === name && (event.revision === 0 || (cached !== undefined && cached.length === event.revision))) {
      stream = event.revision === 0 ? [event] : [...cached!, event];
    } else {
      stream = await this.options.store.readStream(name, { limit: event.revision + 1 });
    }
    this.streams.delete(name);
    this.streams.set(name, stream);
    if (this.streams.size > CACHED_STREAMS) this.streams.delete(this.streams.keys().next().value!);
    return stream;
  }

  private async publish(n: AlertNotification): Promise<void> {
    const subject = alertSubject(n.alert.departmentId, n.alert.unitId);
    const bus = this.options.bus;
    try {
      if (isNatsBus(bus)) await bus.publishDurable(subject, n, { msgId: n.event.id });
      else bus.publish(subject, n);
    } catch (error) {
      this.options.log?.(`alert outbox: publishing ${n.event.id} on ${subject} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
