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
  /**
   * Subscriptions of the same model and subscription id with the same share key get the same updates: the same
   * units, the same row filter and the same presentation (e.g. units, period and whether the role sees absence
   * reasons). Their updates are encoded once and broadcast. Absent: the subscription shares with no other.
   */
  shareKey?: string;
}

export interface LiveModelHandler {
  model: LiveModel;
  /** models whose changes concern this one (default: itself); changes of the others arrive as refetch hints */
  listensTo?: LiveModel[];
  /** validates params and scope (throws AuthError/BodyError) */
  open(principal: Principal, params: Record<string, string>): OpenSubscription;
}

/** One update of a chain waiting in a group to be sent (rows already filtered for the group; null: refetch). */
interface PendingUpdate {
  to: number;
  unitId: string;
  keys: string[];
  rows: Record<string, unknown>[] | null;
  appliedAt: number;
}

/**
 * Subscriptions that get identical updates (same model, subscription id and share key). Updates are collected
 * per group and, when flushed, sent to every member whose position is the same as one message (encoded once).
 * Each member keeps its own position: a member that subscribed later (its snapshot is newer) gets only the
 * updates after its position, in a message of its own.
 */
interface Group {
  key: string;
  subscriptionId: string;
  model: LiveModel;
  listensTo: LiveModel[];
  open: OpenSubscription;
  units: Set<string>;
  members: Set<ActiveSubscription>;
  pending: PendingUpdate[];
  cancelTimer: (() => void) | null;
  lastFlushAt: number;
}

interface ActiveSubscription {
  id: string;
  socket: Socket;
  group: Group;
  /** the position the client has */
  lastEmitted: number;
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
  /**
   * At most one update per subscription within this window, ms (default 25): an update to a subscription that
   * was idle for the window goes out at once (in a microtask, so the changes of one batch go together);
   * updates arriving sooner are merged and sent when the window since the last one ends. 0: each
   * update at once.
   */
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
  private readonly byUnit = new Map<string, Set<Group>>();
  private readonly groups = new Map<string, Group>();
  private unshared = 0;
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
    for (const group of this.byUnit.get(chainKey) ?? []) {
      group.cancelTimer?.();
      group.cancelTimer = null;
      group.pending = [];
      for (const sub of group.members) {
        if (sub.resyncing) continue;
        sub.resyncing = true;
        sub.socket.emit('resync', { subscriptionId: sub.id, reason });
      }
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
        const group = this.groupFor(subscriptionId, model, listens, open);
        const sub: ActiveSubscription = { id: subscriptionId, socket, group, lastEmitted: position };
        group.members.add(sub);
        subscriptions.set(subscriptionId, sub);
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

  /** the group of subscriptions sharing updates with a new one (made and registered with its chains if new) */
  private groupFor(subscriptionId: string, model: LiveModel, listensTo: LiveModel[], open: OpenSubscription): Group {
    const key = open.shareKey === undefined ? `\u0001${++this.unshared}` : `${model}\u0000${subscriptionId}\u0000${open.shareKey}`;
    let group = this.groups.get(key);
    if (group) return group;
    group = { key, subscriptionId, model, listensTo, open, units: new Set(open.unitIds), members: new Set(), pending: [], cancelTimer: null, lastFlushAt: 0 };
    this.groups.set(key, group);
    for (const listened of listensTo) {
      for (const unitId of group.units) {
        let set = this.byUnit.get(`${listened}|${unitId}`);
        if (!set) this.byUnit.set(`${listened}|${unitId}`, (set = new Set()));
        set.add(group);
      }
    }
    return group;
  }

  private remove(sub: ActiveSubscription | undefined): void {
    if (!sub) return;
    const group = sub.group;
    group.members.delete(sub);
    if (group.members.size > 0) return;
    group.cancelTimer?.();
    group.cancelTimer = null;
    group.pending = [];
    if (this.groups.get(group.key) === group) this.groups.delete(group.key);
    for (const listened of group.listensTo) {
      for (const unitId of group.units) {
        const set = this.byUnit.get(`${listened}|${unitId}`);
        set?.delete(group);
        if (set?.size === 0) this.byUnit.delete(`${listened}|${unitId}`);
      }
    }
  }

  private receive(update: LiveBusUpdate): void {
    const chainKey = `${update.model}|${update.unitId}`;
    const previous = this.chains.get(chainKey);
    const missed = previous !== undefined && update.fromPosition > previous;
    this.chains.set(chainKey, update.toPosition);
    const groups = this.byUnit.get(chainKey);
    if (!groups) return;
    for (const group of groups) {
      let waiting = false;
      for (const sub of group.members) {
        if (sub.resyncing || update.toPosition <= sub.lastEmitted) continue;
        if (missed && update.fromPosition > sub.lastEmitted) {
          sub.resyncing = true;
          sub.socket.emit('resync', { subscriptionId: sub.id, reason: `missed changes of ${update.unitId} between ${previous} and ${update.fromPosition}` });
          continue;
        }
        waiting = true;
      }
      if (!waiting) continue;
      const rows = update.rows === null || update.model !== group.model ? null : update.rows.filter((r) => group.open.accepts(r));
      if (rows !== null && rows.length === 0) continue;
      group.pending.push({ to: update.toPosition, unitId: update.unitId, keys: update.keys, rows, appliedAt: update.appliedAt });
      this.schedule(group);
    }
  }

  private schedule(group: Group): void {
    if (group.cancelTimer) return;
    const windowMs = this.options.coalesceMs ?? 25;
    if (windowMs <= 0) {
      this.flush(group);
      return;
    }
    const since = Date.now() - group.lastFlushAt;
    if (since >= windowMs) {
      // idle: at once, once the current task is done (the other updates of the same change batch go along), before
      // any other I/O callback (a request's synchronous work would otherwise delay it)
      let cancelled = false;
      queueMicrotask(() => {
        if (!cancelled) this.flush(group);
      });
      group.cancelTimer = () => {
        cancelled = true;
      };
    } else {
      const timer = setTimeout(() => this.flush(group), windowMs - since);
      group.cancelTimer = () => clearTimeout(timer);
    }
  }

  private flush(group: Group): void {
    group.cancelTimer = null;
    const pending = group.pending;
    if (pending.length === 0) return;
    group.pending = [];
    group.lastFlushAt = Date.now();
    let to = 0;
    for (const p of pending) to = Math.max(to, p.to);
    // members by the position they have: usually all the same (one message, encoded once)
    const byPosition = new Map<number, ActiveSubscription[]>();
    for (const sub of group.members) {
      if (sub.resyncing || sub.lastEmitted >= to) continue;
      const list = byPosition.get(sub.lastEmitted);
      if (list) list.push(sub);
      else byPosition.set(sub.lastEmitted, [sub]);
    }
    for (const [from, subs] of byPosition) {
      const message = this.message(group, pending, from);
      for (const sub of subs) sub.lastEmitted = message.toPosition;
      if (subs.length === 1) subs[0]!.socket.emit('update', message);
      else this.io.to(subs.map((sub) => sub.socket.id)).emit('update', message);
      for (const listener of this.emitListeners) for (let i = 0; i < subs.length; i++) listener(message);
    }
  }

  /** the update for members holding position `from`: the pending updates after it, merged */
  private message(group: Group, pending: PendingUpdate[], from: number): LiveUpdateMessage {
    const rows = new Map<string, Record<string, unknown>>();
    const keys = new Set<string>();
    const units = new Set<string>();
    let refetch = false;
    let to = from;
    let appliedAt = 0;
    for (const p of pending) {
      if (p.to <= from) continue;
      to = Math.max(to, p.to);
      appliedAt = p.appliedAt;
      units.add(p.unitId);
      for (const k of p.keys) keys.add(k);
      if (p.rows === null) refetch = true;
      else for (const r of p.rows) rows.set(rowKey(r), r);
    }
    const list = [...rows.values()];
    return {
      subscriptionId: group.subscriptionId,
      fromPosition: from,
      toPosition: to,
      ...(!refetch && { rows: group.open.present ? group.open.present(list) : list }),
      keys: [...keys],
      unitIds: [...units],
      refetch,
      emittedAt: Date.now(),
      appliedAt,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.waiting.length = 0;
    this.unsubscribeBus?.();
    await new Promise<void>((resolve) => this.io.close(() => resolve()));
  }
}
