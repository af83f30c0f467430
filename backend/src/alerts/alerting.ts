import type { ReferenceCatalogState } from '@pks/projections';
import type { Bus } from '../bus/bus.js';
import type { EventStore } from '../event-store/event-store.js';
import type { ProjectionRunner } from '../projection-runner/projection-runner.js';
import { AlertEngine } from './alert-engine.js';
import { AlertOutbox } from './alert-outbox.js';
import { DEFAULT_ALERTING, type AlertingConfig } from './alerting-config.js';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.js';
import type { WebhookStore } from './webhooks/webhook-store.js';

export interface AlertingOptions {
  runner: ProjectionRunner;
  store: EventStore;
  bus: Bus;
  webhooks: WebhookStore | null;
  config?: Partial<AlertingConfig>;
  now?: () => number;
  log?: (line: string) => void;
}

/**
 * What acts on alerts, as one unit to start and stop: the engine (evaluates rules, appends the lifecycle), the
 * outbox (bus + webhook queue) and the webhook dispatcher. Exactly one node should run it at a time: the single
 * node, or in a cluster the projection leader (start on promotion, stop on demotion). The HTTP routes do not need it.
 */
export class AlertingServices {
  readonly engine: AlertEngine;
  readonly outbox: AlertOutbox;
  readonly dispatcher: WebhookDispatcher | null;
  private started = false;

  constructor(options: AlertingOptions) {
    const config = { ...DEFAULT_ALERTING, ...options.config };
    const now = options.now ?? Date.now;
    this.engine = new AlertEngine({
      runner: options.runner,
      store: options.store,
      now,
      tickMs: config.tickMs,
      planDebounceMs: config.planDebounceMs,
      planSweepMs: config.planSweepMs,
      ...(options.log && { log: options.log }),
    });
    this.outbox = new AlertOutbox({
      store: options.store,
      bus: options.bus,
      webhooks: options.webhooks,
      unitName: (unitId) => options.runner.state<ReferenceCatalogState>('reference-catalog').units.get(unitId)?.name ?? null,
      now,
      ...(options.log && { log: options.log }),
    });
    this.dispatcher = options.webhooks
      ? new WebhookDispatcher({
          webhooks: options.webhooks,
          now,
          pollMs: config.webhookPollMs,
          baseDelayMs: config.webhookBaseDelayMs,
          maxDelayMs: config.webhookMaxDelayMs,
          maxAttempts: config.webhookMaxAttempts,
          timeoutMs: config.webhookTimeoutMs,
          ...(options.log && { log: options.log }),
        })
      : null;
  }

  get running(): boolean {
    return this.started;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.outbox.start();
    this.engine.start();
    this.dispatcher?.start();
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.engine.stop();
    await this.outbox.stop();
    await this.dispatcher?.stop();
  }
}
