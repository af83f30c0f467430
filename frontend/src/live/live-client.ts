import { io, type Socket } from 'socket.io-client';
import type { LiveModel, LiveUpdateMessage, SubscribeAck, SubscribeRequest } from '@pks/contracts';
import { LiveSubscriptions, type SubscriptionHandlers, type SubscriptionOptions } from './live-subscriptions';

/** live: connected; connecting: first connect; reconnecting: lost, trying again; stale: lost for a while. */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'stale';

export interface ConnectionStatus {
  state: ConnectionState;
  /** when the connection was lost (ms since epoch), null while live */
  since: number | null;
  /** the last update or snapshot received (ms since epoch) */
  lastMessageAt: number | null;
  /** the server refused the token (expired or invalid): log in again */
  authFailed: boolean;
}

/** After this long without a connection the indicator says "stale since …" instead of "reconnecting". */
export const STALE_AFTER_MS = 10_000;

/**
 * The one socket of the dashboard: socket.io over websocket with the session token; every subscription goes
 * through LiveSubscriptions, which knows the last position of each and resyncs.
 */
export class LiveClient {
  private readonly socket: Socket;
  readonly subscriptions: LiveSubscriptions;
  private status: ConnectionStatus = { state: 'connecting', since: null, lastMessageAt: null, authFailed: false };
  private readonly listeners = new Set<(status: ConnectionStatus) => void>();
  private staleTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly onOffline = () => {
    // the browser knows the network is gone: do not wait for the ping timeout
    if (this.socket.connected) this.socket.disconnect();
    this.lost();
  };
  private readonly onOnline = () => {
    if (!this.socket.connected) this.socket.connect();
  };

  constructor(origin: string, token: string) {
    this.socket = io(origin, {
      path: '/socket.io',
      transports: ['websocket'],
      auth: { token },
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
    });
    const transport = {
      get connected() {
        return socket.connected;
      },
      subscribe: (request: SubscribeRequest, ack: (response: SubscribeAck) => void) => {
        socket.timeout(15_000).emit('subscribe', request, (err: Error | null, response: SubscribeAck) => {
          if (err) {
            // no ack in time: the connection is probably gone; the reconnect will subscribe again
            return;
          }
          this.touch();
          ack(response);
        });
      },
      unsubscribe: (subscriptionId: string) => {
        socket.emit('unsubscribe', { subscriptionId });
      },
    };
    const socket = this.socket;
    this.subscriptions = new LiveSubscriptions(transport);
    socket.on('connect', () => {
      this.setStatus({ state: 'live', since: null, authFailed: false });
      this.subscriptions.connected();
    });
    socket.on('disconnect', () => this.lost());
    socket.on('connect_error', (error: Error) => {
      const authFailed = /token|expired|signature|jwt|integration/i.test(error.message);
      this.lost(authFailed);
      if (authFailed) socket.disconnect();
    });
    socket.on('update', (message: LiveUpdateMessage) => {
      this.touch();
      this.subscriptions.update(message);
    });
    socket.on('resync', (message: { subscriptionId: string; reason: string }) => this.subscriptions.resync(message));
    if (typeof window !== 'undefined') {
      window.addEventListener('offline', this.onOffline);
      window.addEventListener('online', this.onOnline);
    }
  }

  subscribe(subscriptionId: string, model: LiveModel, params: Record<string, string>, handlers: SubscriptionHandlers, options: SubscriptionOptions = {}): () => void {
    return this.subscriptions.add(subscriptionId, model, params, handlers, options);
  }

  get connection(): ConnectionStatus {
    return this.status;
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    if (typeof window !== 'undefined') {
      window.removeEventListener('offline', this.onOffline);
      window.removeEventListener('online', this.onOnline);
    }
    if (this.staleTimer) clearTimeout(this.staleTimer);
    this.subscriptions.clear();
    this.socket.removeAllListeners();
    this.socket.disconnect();
    this.listeners.clear();
  }

  private touch(): void {
    this.setStatus({ lastMessageAt: Date.now() });
  }

  private lost(authFailed = false): void {
    this.subscriptions.disconnected();
    const since = this.status.since ?? Date.now();
    const state: ConnectionState = this.status.state === 'stale' ? 'stale' : this.status.state === 'connecting' && !authFailed ? 'connecting' : 'reconnecting';
    this.setStatus({ state, since, authFailed: authFailed || this.status.authFailed });
    if (!this.staleTimer) {
      this.staleTimer = setTimeout(() => {
        this.staleTimer = null;
        if (this.status.state !== 'live') this.setStatus({ state: 'stale' });
      }, STALE_AFTER_MS);
    }
  }

  private setStatus(patch: Partial<ConnectionStatus>): void {
    if (patch.state === 'live' && this.staleTimer) {
      clearTimeout(this.staleTimer);
      this.staleTimer = null;
    }
    this.status = { ...this.status, ...patch };
    for (const l of this.listeners) l(this.status);
  }
}
