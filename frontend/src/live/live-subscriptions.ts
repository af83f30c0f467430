import type { LiveModel, LiveUpdateMessage, SubscribeAck, SubscribeRequest } from '@pks/contracts';
import { decideUpdate, type LiveRow } from './live-protocol';

/** What the subscription manager needs from a socket (socket.io in the app, a fake in tests). */
export interface LiveTransport {
  readonly connected: boolean;
  subscribe(request: SubscribeRequest, ack: (response: SubscribeAck) => void): void;
  unsubscribe(subscriptionId: string): void;
}

export interface SubscriptionHandlers {
  /** a fresh snapshot (the model's HTTP answer) and the position it reflects */
  snapshot(snapshot: unknown, position: number): void;
  /** changed rows, to be replaced by key; `update.keys` names the changed cells */
  rows(rows: LiveRow[], update: LiveUpdateMessage): void;
  /** the subscription was refused (403 out of scope, 404 unknown model/unit, 400 bad params) */
  error(status: number, message: string): void;
  /** a refetch hint arrived; the manager resubscribes (throttled) after calling this */
  refetchHint?(update: LiveUpdateMessage): void;
}

interface Entry {
  model: LiveModel;
  params: Record<string, string>;
  handlers: SubscriptionHandlers;
  /** last position we have; null while a subscribe is in flight or before the first one */
  position: number | null;
  /** bumps with each subscribe call; acks of older calls are ignored */
  generation: number;
  failed: boolean;
  lastSubscribeAt: number;
  refetchTimer: ReturnType<typeof setTimeout> | null;
  /** this subscription's refetch throttle (ms) */
  throttleMs: number;
}

export interface SubscriptionOptions {
  /** at most one refetch resubscribe per this many ms for this subscription (default: the manager's) */
  refetchThrottleMs?: number;
}

export interface LiveSubscriptionsOptions {
  /** at most one refetch resubscribe per subscription per this many ms (default 1000) */
  refetchThrottleMs?: number;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => ReturnType<typeof setTimeout>;
  clearTimer?: (timer: ReturnType<typeof setTimeout>) => void;
  /** a diagnostic hook: every decision taken */
  onDecision?: (subscriptionId: string, decision: string) => void;
}

/**
 * Keeps the last position per subscription and resyncs: an update that does not continue our position, a `resync`
 * message, a refetch hint (throttled) and every (re)connect lead to a fresh subscribe and snapshot.
 */
export class LiveSubscriptions {
  private readonly entries = new Map<string, Entry>();
  private readonly throttleMs: number;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => ReturnType<typeof setTimeout>;
  private readonly clearTimer: (timer: ReturnType<typeof setTimeout>) => void;

  constructor(
    private readonly transport: LiveTransport,
    private readonly options: LiveSubscriptionsOptions = {},
  ) {
    this.throttleMs = options.refetchThrottleMs ?? 1000;
    this.now = options.now ?? (() => Date.now());
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((t) => clearTimeout(t));
  }

  /** Subscribes (now if connected, else on the next connect). Returns the unsubscribe function. */
  add(subscriptionId: string, model: LiveModel, params: Record<string, string>, handlers: SubscriptionHandlers, options: SubscriptionOptions = {}): () => void {
    this.remove(subscriptionId);
    const entry: Entry = { model, params, handlers, position: null, generation: 0, failed: false, lastSubscribeAt: 0, refetchTimer: null, throttleMs: options.refetchThrottleMs ?? this.throttleMs };
    this.entries.set(subscriptionId, entry);
    if (this.transport.connected) this.subscribe(subscriptionId, entry);
    return () => {
      if (this.entries.get(subscriptionId) === entry) this.remove(subscriptionId);
    };
  }

  remove(subscriptionId: string): void {
    const entry = this.entries.get(subscriptionId);
    if (!entry) return;
    if (entry.refetchTimer) this.clearTimer(entry.refetchTimer);
    this.entries.delete(subscriptionId);
    if (this.transport.connected) this.transport.unsubscribe(subscriptionId);
  }

  /** The position a subscription has (null: waiting for a snapshot). */
  position(subscriptionId: string): number | null {
    return this.entries.get(subscriptionId)?.position ?? null;
  }

  /** Subscription ids and whether each has a snapshot. */
  status(): { id: string; model: LiveModel; position: number | null; failed: boolean }[] {
    return [...this.entries].map(([id, e]) => ({ id, model: e.model, position: e.position, failed: e.failed }));
  }

  /** After connect and after every reconnect: subscribe again to everything. */
  connected(): void {
    for (const [id, entry] of this.entries) this.subscribe(id, entry);
  }

  /** On disconnect: positions are unknown until the next snapshot. */
  disconnected(): void {
    for (const entry of this.entries.values()) {
      entry.position = null;
      entry.generation += 1; // acks of calls made before the drop are void
      if (entry.refetchTimer) {
        this.clearTimer(entry.refetchTimer);
        entry.refetchTimer = null;
      }
    }
  }

  /** The server's `update` message. */
  update(message: LiveUpdateMessage): void {
    const entry = this.entries.get(message.subscriptionId);
    if (!entry) return;
    const decision = decideUpdate(entry.position, message);
    this.options.onDecision?.(message.subscriptionId, decision.kind);
    switch (decision.kind) {
      case 'wait':
      case 'stale':
        return;
      case 'resubscribe':
        this.subscribe(message.subscriptionId, entry);
        return;
      case 'apply':
        entry.position = decision.position;
        if (decision.refetch) {
          entry.handlers.refetchHint?.(message);
          this.scheduleRefetch(message.subscriptionId, entry);
        } else {
          entry.handlers.rows(decision.rows, message);
        }
    }
  }

  /** The server's `resync` message: it cannot guarantee continuity. */
  resync(message: { subscriptionId: string; reason: string }): void {
    const entry = this.entries.get(message.subscriptionId);
    if (!entry) return;
    this.options.onDecision?.(message.subscriptionId, 'resync');
    this.subscribe(message.subscriptionId, entry);
  }

  /** Drops every subscription (logout). */
  clear(): void {
    for (const id of [...this.entries.keys()]) this.remove(id);
  }

  private scheduleRefetch(id: string, entry: Entry): void {
    if (entry.refetchTimer) return; // one is already coming
    const wait = Math.max(0, entry.lastSubscribeAt + entry.throttleMs - this.now());
    entry.refetchTimer = this.setTimer(() => {
      entry.refetchTimer = null;
      if (this.entries.get(id) === entry && this.transport.connected) this.subscribe(id, entry);
    }, wait);
  }

  private subscribe(id: string, entry: Entry): void {
    if (entry.refetchTimer) {
      this.clearTimer(entry.refetchTimer);
      entry.refetchTimer = null;
    }
    entry.position = null;
    entry.generation += 1;
    entry.lastSubscribeAt = this.now();
    const generation = entry.generation;
    this.transport.subscribe({ subscriptionId: id, model: entry.model, params: entry.params }, (ack) => {
      if (this.entries.get(id) !== entry || entry.generation !== generation) return; // superseded
      if (ack.ok) {
        entry.failed = false;
        entry.position = ack.position;
        entry.handlers.snapshot(ack.snapshot, ack.position);
      } else {
        entry.failed = true;
        entry.handlers.error(ack.status, ack.error);
      }
    });
  }
}
