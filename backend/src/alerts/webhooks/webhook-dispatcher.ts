import { WEBHOOK_SIGNATURE_HEADER, type WebhookPayload } from '@pks/contracts';
import type { DueDelivery, WebhookStore } from './webhook-store.js';
import { signWebhook } from './webhook-signature.js';

export interface WebhookDispatcherOptions {
  webhooks: WebhookStore;
  now?: () => number;
  /** how often due deliveries are looked for (default 1 s) */
  pollMs?: number;
  /** the first retry waits this long, each next twice as long (default 2 s) */
  baseDelayMs?: number;
  /** the longest wait between attempts (default 1 h) */
  maxDelayMs?: number;
  /** attempts before giving up (default 12) */
  maxAttempts?: number;
  /** one attempt's time limit (default 10 s) */
  timeoutMs?: number;
  /** deliveries sent at once (default 8) */
  concurrency?: number;
  log?: (line: string) => void;
}

/** Wait before attempt `n + 1` after `n` failed attempts: base × 2^(n−1), at most max. */
export function backoffMs(failedAttempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, failedAttempts - 1));
}

/**
 * Sends due webhook deliveries: POST of the JSON payload, signed (see webhook-signature.ts), with headers
 * `X-PKS-Event-Id`, `X-PKS-Delivery-Id`, `X-PKS-Delivery-Attempt`. A 2xx answer delivers it; anything else (or no
 * answer within the timeout) schedules the next attempt with exponential backoff. The queue is in SQLite, so a
 * restart continues with the attempts and times stored. At least once: receivers deduplicate on the event id.
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private pass: Promise<void> | null = null;
  private readonly now: () => number;

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const loop = () => {
      if (!this.running) return;
      this.pass = this.runOnce().then(() => undefined, (error: unknown) => this.options.log?.(`webhook dispatcher: ${String(error)}`)).finally(() => {
        this.pass = null;
        if (this.running) {
          this.timer = setTimeout(loop, this.options.pollMs ?? 1_000);
          this.timer.unref?.();
        }
      });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.pass;
  }

  /** Sends what is due now (once). */
  async runOnce(): Promise<number> {
    const due = this.options.webhooks.due(this.now(), this.options.concurrency ?? 8);
    await Promise.all(due.map((d) => this.deliver(d)));
    return due.length;
  }

  private async deliver(d: DueDelivery): Promise<void> {
    const attempt = d.attempts + 1;
    const payload: WebhookPayload = { ...d.notification, deliveryId: d.id, webhookId: d.webhookId, attempt };
    const body = JSON.stringify(payload);
    const signature = signWebhook(d.secret, body, Math.floor(this.now() / 1000));
    let status: number | null = null;
    let error = '';
    try {
      const response = await fetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'pks-webhooks/1',
          [WEBHOOK_SIGNATURE_HEADER]: signature,
          'x-pks-event-id': d.eventId,
          'x-pks-delivery-id': d.id,
          'x-pks-delivery-attempt': String(attempt),
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) {
        this.options.webhooks.markDelivered(d.id, status, this.now());
        return;
      }
      error = `HTTP ${status}`;
    } catch (e) {
      error = e instanceof Error ? `${e.name}: ${e.message}${e.cause instanceof Error ? ` (${e.cause.message})` : ''}` : String(e);
    }
    const maxAttempts = this.options.maxAttempts ?? 12;
    const next = attempt >= maxAttempts ? null : this.now() + backoffMs(attempt, this.options.baseDelayMs ?? 2_000, this.options.maxDelayMs ?? 3_600_000);
    this.options.webhooks.markAttemptFailed(d.id, status, error, next, this.now());
    if (next === null) this.options.log?.(`webhook ${d.webhookId}: gave up delivering ${d.eventId} after ${attempt} attempts (${error})`);
  }
}
