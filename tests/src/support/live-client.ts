import type { LiveUpdateMessage, SubscribeAck } from '@pks/contracts';
import { io, type Socket } from 'socket.io-client';

/**
 * A live client as a dashboard behaves, for multi-node tests and the benchmark: it connects to one of several
 * nodes (as a proxy would pick one), subscribes, keeps the rows of its snapshot and applies updates by key,
 * checks that every update continues from the position it holds, subscribes again on `resync`, and after a lost
 * connection connects to the next node and subscribes again.
 */
export interface LiveClientOptions {
  /** the nodes to try, in order; after a disconnect the next one */
  urls: string[];
  token: string;
  model: string;
  params: Record<string, string>;
  subscriptionId?: string;
  /** called for every update applied (event-to-screen measurements) */
  onUpdate?: (update: LiveUpdateMessage, receivedAt: number) => void;
}

export interface LiveClientStats {
  /** updates applied */
  updates: number;
  /** subscriptions acknowledged (the first one, then one per resync or reconnect) */
  subscriptions: number;
  /** `resync` messages the server sent */
  resyncs: number;
  /** updates whose fromPosition was not the position held: the server let a gap through (must stay 0) */
  chainBreaks: number;
  /** connections lost and made again */
  reconnects: number;
  /** subscribe refused (e.g. 503 while a replica catches up), retried */
  refusals: number;
  /** updates that asked for a reload instead of carrying rows */
  refetches: number;
  /** urls connected to, in order, and when (ms since epoch) */
  nodes: string[];
  connectedAt: number[];
}

export class LiveClient {
  readonly rows = new Map<string, Record<string, unknown>>();
  position = 0;
  readonly stats: LiveClientStats = { updates: 0, subscriptions: 0, resyncs: 0, chainBreaks: 0, reconnects: 0, refusals: 0, refetches: 0, nodes: [], connectedAt: [] };
  readonly chainBreakDetails: string[] = [];
  private socket: Socket | null = null;
  private urlIndex = 0;
  private subscribing = false;
  private closed = false;
  private readonly subscriptionId: string;

  constructor(private readonly options: LiveClientOptions) {
    this.subscriptionId = options.subscriptionId ?? 'live';
  }

  get url(): string | null {
    return this.socket?.connected ? this.options.urls[this.urlIndex]! : null;
  }

  get connected(): boolean {
    return this.socket?.connected === true;
  }

  /** connects (trying each url until one answers) and subscribes */
  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    for (let attempt = 0; !this.closed; attempt += 1) {
      const url = this.options.urls[this.urlIndex]!;
      const socket = io(url, { path: '/socket.io', transports: ['websocket'], auth: { token: this.options.token }, reconnection: false, forceNew: true, timeout: 2000 });
      const ok = await new Promise<boolean>((resolve) => {
        socket.once('connect', () => resolve(true));
        socket.once('connect_error', () => resolve(false));
      });
      if (!ok) {
        socket.close();
        this.urlIndex = (this.urlIndex + 1) % this.options.urls.length;
        await sleep(Math.min(50 * (attempt + 1), 500));
        continue;
      }
      if (this.closed) {
        socket.close();
        return;
      }
      this.socket = socket;
      this.stats.nodes.push(url);
      this.stats.connectedAt.push(Date.now());
      socket.on('update', (u: LiveUpdateMessage) => this.onUpdate(u));
      socket.on('resync', (m: { subscriptionId: string }) => {
        if (m.subscriptionId !== this.subscriptionId) return;
        this.stats.resyncs += 1;
        void this.subscribe();
      });
      socket.on('disconnect', () => {
        if (this.closed || this.socket !== socket) return;
        this.socket = null;
        this.stats.reconnects += 1;
        socket.removeAllListeners();
        this.urlIndex = (this.urlIndex + 1) % this.options.urls.length;
        void this.connect();
      });
      await this.subscribe();
      return;
    }
  }

  private async subscribe(): Promise<void> {
    const socket = this.socket;
    if (!socket || this.closed) return;
    this.subscribing = true;
    for (;;) {
      const ack = await new Promise<SubscribeAck | null>((resolve) => {
        const timer = setTimeout(() => resolve(null), 5000);
        socket.emit('subscribe', { subscriptionId: this.subscriptionId, model: this.options.model, params: this.options.params }, (a: SubscribeAck) => {
          clearTimeout(timer);
          resolve(a);
        });
      });
      if (this.socket !== socket || this.closed) return;
      if (ack?.ok) {
        this.rows.clear();
        for (const row of (ack.snapshot as { rows: Record<string, unknown>[] }).rows) this.rows.set(String(row.key), row);
        this.position = ack.position;
        this.stats.subscriptions += 1;
        this.subscribing = false;
        return;
      }
      this.stats.refusals += 1;
      await sleep(100);
    }
  }

  private onUpdate(update: LiveUpdateMessage): void {
    // updates for a subscription being replaced belong to the old one: the new snapshot covers them
    if (update.subscriptionId !== this.subscriptionId || this.subscribing) return;
    if (update.fromPosition !== this.position) {
      this.stats.chainBreaks += 1;
      this.chainBreakDetails.push(`held ${this.position}, update (${update.fromPosition}, ${update.toPosition}] on ${this.options.urls[this.urlIndex]}`);
      void this.subscribe();
      return;
    }
    this.position = update.toPosition;
    this.stats.updates += 1;
    if (update.refetch) {
      // a hint without rows: the view reloads (here: a fresh snapshot)
      this.stats.refetches += 1;
      void this.subscribe();
      return;
    }
    for (const row of update.rows ?? []) this.rows.set(String(row.key), row);
    this.options.onUpdate?.(update, Date.now());
  }

  close(): void {
    this.closed = true;
    this.socket?.close();
    this.socket = null;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
