import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import {
  LiveBusUpdate,
  SubscribeRequest,
  UnsubscribeRequest,
  type LiveModel,
  type LiveUpdateMessage,
  type Principal,
  type SubscribeAck,
} from '@pks/contracts';
import { AuthError, type TokenVerifier } from '../auth/token-verifier.js';
import type { Bus } from '../bus/bus.js';
import { BodyError } from '../ingest/parse-ndjson.js';

/** What a live model offers a subscription: its units, a row filter and a snapshot. */
export interface OpenSubscription {
  unitIds: string[];
  /** keep this changed row for the subscription? (e.g. only the subscribed week's dates) */
  accepts(row: Record<string, unknown>): boolean;
  /** the model's current answer, as the HTTP query gives it */
  snapshot(now: string): unknown;
  /** transform rows before sending (e.g. hide health data from roles not entitled) */
  present?(rows: Record<string, unknown>[]): Record<string, unknown>[];
}

export interface LiveModelHandler {
  model: LiveModel;
  /** models whose changes concern this one (default: itself); changes of the others arrive as refetch hints */
  listensTo?: LiveModel[];
  /** validates params and scope (throws AuthError/BodyError) */
  open(principal: Principal, params: Record<string, string>): OpenSubscription;
}

interface ActiveSubscription {
  id: string;
  socket: Socket;
  model: LiveModel;
  listensTo: LiveModel[];
  open: OpenSubscription;
  units: Set<string>;
  /** the position the client has */
  lastEmitted: number;
  pending: { to: number; rows: Map<string, Record<string, unknown>>; keys: Set<string>; units: Set<string>; refetch: boolean; appliedAt: number } | null;
  timer: NodeJS.Timeout | null;
  /** told to resync: gets nothing more until the client subscribes again (else later updates would hide the gap) */
  resyncing?: boolean;
}

export interface LiveGatewayOptions {
  httpServer: HttpServer;
  verifier: TokenVerifier;
  bus: Bus;
  handlers: LiveModelHandler[];
  /** the position of the state snapshots are taken from */
  position: () => number;
  /** wait until local state has reached a position (multi-node: the replica may trail the publisher) */
  waitForPosition?: (position: number) => Promise<boolean>;
  /** merge updates to one subscription arriving within this window, ms (default 25) */
  coalesceMs?: number;
  /** records reads of person-level data */
  audit?: (principal: Principal, what: string, detail: Record<string, unknown>) => void;
  onConnectionChange?: (connected: number) => void;
}

const rowKey = (row: Record<string, unknown>) => String(row.key ?? JSON.stringify(row));

/**
 * The socket.io gateway: authenticates each socket, lets it subscribe to what its scope allows, sends a snapshot
 * with its position, then coalesced updates chained by position. Receives updates from the bus (any node's
 * publisher) and emits to its own sockets only.
 */
export class LiveGateway {
  readonly io: Server;
  private readonly byUnit = new Map<string, Set<ActiveSubscription>>();
  private readonly handlers: Map<LiveModel, LiveModelHandler>;
  private readonly chains = new Map<string, number>();
  private unsubscribeBus: (() => void) | null = null;
  /** bus updates waiting for the local state to reach their position (multi-node), in arrival order */
  private readonly waiting: LiveBusUpdate[] = [];
  private draining = false;
  private closed = false;
  private readonly emitListeners = new Set<(message: LiveUpdateMessage) => void>();

  constructor(private readonly options: LiveGatewayOptions) {
    this.handlers = new Map(options.handlers.map((h) => [h.model, h]));
    this.io = new Server(options.httpServer, { path: '/socket.io', transports: ['websocket', 'polling'], serveClient: false, cors: { origin: false } });
    this.io.use((socket, next) => {
      const token = typeof socket.handshake.auth?.token === 'string' ? socket.handshake.auth.token : null;
      if (!token) return next(new Error('a token is required: io(url, { auth: { token } })'));
      options.verifier.verify(token).then(
        (principal) => {
          if (principal.role === 'integration') return next(new Error('integration clients have no live access'));
          socket.data.principal = principal;
          next();
        },
        (error: unknown) => next(new Error(error instanceof Error ? error.message : 'invalid token')),
      );
    });
    this.io.on('connection', (socket) => this.connected(socket));
    this.unsubscribeBus = options.bus.subscribe('pks.live.>', (message) => {
      const update = LiveBusUpdate.safeParse(message);
      if (update.success) this.accept(update.data);
    });
  }

  /** called for every update emitted to a socket (metrics: push latency from appliedAt to emittedAt) */
  onEmit(listener: (message: LiveUpdateMessage) => void): () => void {
    this.emitListeners.add(listener);
    return () => this.emitListeners.delete(listener);
  }

  /** bus updates waiting for this node's state to reach their position */
  get waitingUpdates(): number {
    return this.waiting.length;
  }

  /**
   * Several nodes: the update comes from the leader's publisher, and this node's state (read replica) may trail it.
   * An update is handled only once local state has reached its position, so that a refetch it triggers, and a
   * subscription's snapshot taken after it, include it; updates keep their arrival order. With one node (state and
   * publisher in the same runner) the position is always reached and updates go straight through.
   */
  private accept(update: LiveBusUpdate): void {
    if (!this.options.waitForPosition || (this.waiting.length === 0 && this.options.position() >= update.toPosition)) {
      this.receive(update);
      return;
    }
    this.waiting.push(update);
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.waiting.length > 0 && !this.closed) {
        const next = this.waiting[0]!;
        const reached = this.options.position() >= next.toPosition || (await this.options.waitForPosition!(next.toPosition));
        this.waiting.shift();
        if (this.closed) return;
        if (reached) this.receive(next);
        else this.resyncChain(next, `this node's state did not reach position ${next.toPosition} in time`);
      }
    } catch (error) {
      console.error('live gateway: waiting for the local state failed:', error);
      for (const update of this.waiting.splice(0)) this.resyncChain(update, 'this node could not follow the log');
    } finally {
      this.draining = false;
    }
  }

  /** the client cannot get this update from here: its subscriptions to the chain subscribe again */
  private resyncChain(update: LiveBusUpdate, reason: string): void {
    const chainKey = `${update.model}|${update.unitId}`;
    this.chains.set(chainKey, Math.max(this.chains.get(chainKey) ?? 0, update.toPosition));
    for (const sub of this.byUnit.get(chainKey) ?? []) {
      if (sub.timer) clearTimeout(sub.timer);
      sub.timer = null;
      sub.pending = null;
      if (sub.resyncing) continue;
      sub.resyncing = true;
      sub.socket.emit('resync', { subscriptionId: sub.id, reason });
    }
  }

  get connections(): number {
    return this.io.engine.clientsCount;
  }

  private connected(socket: Socket): void {
    const principal = socket.data.principal as Principal;
    const subscriptions = new Map<string, ActiveSubscription>();
    this.options.onConnectionChange?.(this.connections);
    socket.emit('hello', { position: this.options.position(), role: principal.role, sub: principal.sub });

    socket.on('subscribe', async (raw: unknown, ack?: (response: SubscribeAck) => void) => {
      const reply = typeof ack === 'function' ? ack : () => {};
      const request = SubscribeRequest.safeParse(raw);
      if (!request.success) {
        reply({ ok: false, subscriptionId: String((raw as { subscriptionId?: unknown })?.subscriptionId ?? ''), status: 400, error: request.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
        return;
      }
      const { subscriptionId, model, params } = request.data;
      const handler = this.handlers.get(model);
      try {
        if (!handler) throw new BodyError(`no live model '${model}'`, 404);
        const open = handler.open(principal, params);
        // the snapshot must include every update this gateway has already passed on for these chains
        const listens = handler.listensTo ?? [model];
        let needed = 0;
        for (const listened of listens) for (const unitId of open.unitIds) needed = Math.max(needed, this.chains.get(`${listened}|${unitId}`) ?? 0);
        if (needed > this.options.position() && this.options.waitForPosition && !(await this.options.waitForPosition(needed))) {
          throw new BodyError(`this node's state is behind position ${needed}; subscribe again shortly`, 503);
        }
        if (socket.disconnected) return;
        this.remove(subscriptions.get(subscriptionId));
        const position = this.options.position();
        const snapshot = open.snapshot(new Date().toISOString());
        const sub: ActiveSubscription = { id: subscriptionId, socket, model, listensTo: handler.listensTo ?? [model], open, units: new Set(open.unitIds), lastEmitted: position, pending: null, timer: null };
        subscriptions.set(subscriptionId, sub);
        for (const listened of sub.listensTo) {
          for (const unitId of sub.units) {
            let set = this.byUnit.get(`${listened}|${unitId}`);
            if (!set) this.byUnit.set(`${listened}|${unitId}`, (set = new Set()));
            set.add(sub);
          }
        }
        this.options.audit?.(principal, `live:${model}`, { params, units: open.unitIds });
        reply({ ok: true, subscriptionId, position, snapshot });
      } catch (error) {
        const status = error instanceof AuthError || error instanceof BodyError ? error.statusCode : 400;
        reply({ ok: false, subscriptionId, status, error: error instanceof Error ? error.message : String(error) });
      }
    });

    socket.on('unsubscribe', (raw: unknown) => {
      const request = UnsubscribeRequest.safeParse(raw);
      if (!request.success) return;
      this.remove(subscriptions.get(request.data.subscriptionId));
      subscriptions.delete(request.data.subscriptionId);
    });

    socket.on('disconnect', () => {
      for (const sub of subscriptions.values()) this.remove(sub);
      subscriptions.clear();
      this.options.onConnectionChange?.(this.connections);
    });
  }

  private remove(sub: ActiveSubscription | undefined): void {
    if (!sub) return;
    if (sub.timer) clearTimeout(sub.timer);
    for (const listened of sub.listensTo) for (const unitId of sub.units) this.byUnit.get(`${listened}|${unitId}`)?.delete(sub);
  }

  private receive(update: LiveBusUpdate): void {
    const chainKey = `${update.model}|${update.unitId}`;
    const previous = this.chains.get(chainKey);
    const missed = previous !== undefined && update.fromPosition > previous;
    this.chains.set(chainKey, update.toPosition);
    const subs = this.byUnit.get(chainKey);
    if (!subs) return;
    for (const sub of subs) {
      const socket = sub.socket;
      if (sub.resyncing || update.toPosition <= sub.lastEmitted) continue;
      if (missed && update.fromPosition > sub.lastEmitted) {
        if (sub.timer) clearTimeout(sub.timer);
        sub.timer = null;
        sub.pending = null;
        sub.resyncing = true;
        socket.emit('resync', { subscriptionId: sub.id, reason: `missed changes of ${update.unitId} between ${previous} and ${update.fromPosition}` });
        continue;
      }
      const rows = update.rows === null || update.model !== sub.model ? null : update.rows.filter((r) => sub.open.accepts(r));
      if (rows !== null && rows.length === 0) continue;
      let pending = sub.pending;
      if (!pending) {
        pending = sub.pending = { to: update.toPosition, rows: new Map(), keys: new Set(), units: new Set(), refetch: false, appliedAt: update.appliedAt };
      }
      pending.to = update.toPosition;
      pending.appliedAt = update.appliedAt;
      pending.units.add(update.unitId);
      for (const k of update.keys) pending.keys.add(k);
      if (rows === null) pending.refetch = true;
      else for (const r of rows) pending.rows.set(rowKey(r), r);
      if (!sub.timer) {
        const coalesceMs = this.options.coalesceMs ?? 25;
        if (coalesceMs <= 0) this.flush(sub);
        else sub.timer = setTimeout(() => this.flush(sub), coalesceMs);
      }
    }
  }

  private flush(sub: ActiveSubscription): void {
    sub.timer = null;
    const pending = sub.pending;
    if (!pending) return;
    sub.pending = null;
    const socket = sub.socket;
    const rows = [...pending.rows.values()];
    const message: LiveUpdateMessage = {
      subscriptionId: sub.id,
      fromPosition: sub.lastEmitted,
      toPosition: pending.to,
      ...(!pending.refetch && { rows: sub.open.present ? sub.open.present(rows) : rows }),
      keys: [...pending.keys],
      unitIds: [...pending.units],
      refetch: pending.refetch,
      emittedAt: Date.now(),
      appliedAt: pending.appliedAt,
    };
    sub.lastEmitted = pending.to;
    socket.emit('update', message);
    for (const listener of this.emitListeners) listener(message);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.waiting.length = 0;
    this.unsubscribeBus?.();
    await new Promise<void>((resolve) => this.io.close(() => resolve()));
  }
}
