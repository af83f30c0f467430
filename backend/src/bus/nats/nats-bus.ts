import { randomUUID } from 'node:crypto';
import { connect, nanos, type NatsConnection, type Subscription as NatsSubscription } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import type { Bus } from '../bus.js';

export type BusState = 'connected' | 'reconnecting' | 'disconnected' | 'closed';

export interface NatsBusStreamOptions {
  /** JetStream stream name, default `PKS_ALERTS` */
  name?: string;
  /** subjects it captures, default `['pks.alerts.>']`; must not overlap another stream's */
  subjects?: string[];
  /** how long messages are kept, default 7 days */
  maxAgeMs?: number;
  /** replicas in a NATS cluster, default 1 */
  replicas?: number;
}

export interface NatsBusOptions {
  /** e.g. `nats://127.0.0.1:4222`, or several servers of a cluster */
  servers: string | string[];
  /** connection name shown by the server (use the node's id) */
  name: string;
  /** the JetStream stream for durable subjects (alerts) */
  stream?: NatsBusStreamOptions;
  /** wait between reconnect attempts, default 1,000 ms (attempts never stop) */
  reconnectTimeWaitMs?: number;
  /** keep trying when no server answers at start instead of rejecting, default false */
  waitOnFirstConnect?: boolean;
}

export interface PublishDurableOptions {
  /** de-duplication id (JetStream `Nats-Msg-Id`): the same id within the stream's duplicate window is stored once; default a new UUID, so retries of this call are de-duplicated */
  msgId?: string;
  /** keep retrying while NATS is unreachable for this long, default 30,000 ms */
  retryForMs?: number;
}

export interface DurableAck {
  stream: string;
  seq: number;
  /** true when JetStream already had a message with this msgId */
  duplicate: boolean;
}

export type DurableHandler = (message: unknown, subject: string) => void | Promise<void>;

export interface NatsBus extends Bus {
  /**
   * Publishes to JetStream (the subject must be captured by the bus's stream) and resolves once the server has
   * stored it. Asynchronous: many may be in flight at once.
   */
  publishDurable(subject: string, message: unknown, options?: PublishDurableOptions): Promise<DurableAck>;
  /**
   * Consumes `subject` (wildcards allowed) through the durable consumer `durableName`, created when missing. Messages
   * published while no one consumed are delivered when a subscriber with the same durable name comes back. Each
   * message is acknowledged after the handler resolved; a handler that throws gets it again (at least once: make
   * handlers idempotent). Several subscribers with the same durable name share the messages; give each node its own
   * durable name when every node must see every message. Resolves to a stop function (the consumer stays).
   */
  subscribeDurable(subject: string, durableName: string, handler: DurableHandler): Promise<() => Promise<void>>;
  /** for health: connected, reconnecting (a drop, attempts under way), disconnected, closed */
  state(): BusState;
  onStateChange(listener: (state: BusState) => void): () => void;
  /** resolves when the server has processed everything sent so far (subscriptions included) */
  flush(): Promise<void>;
  /** removes the JetStream stream and its consumers (test teardown) */
  deleteDurableStream(): Promise<void>;
  readonly streamName: string;
}

const DEFAULT_STREAM = { name: 'PKS_ALERTS', subjects: ['pks.alerts.>'], maxAgeMs: 7 * 24 * 3600_000, replicas: 1 };

const encode = (message: unknown) => JSON.stringify(message ?? null);

/**
 * The bus on NATS for several backend nodes: core NATS publish/subscribe for change sets (fire and forget, JSON), and
 * JetStream (file storage, durable consumers, explicit acks) for what must not be lost while a node restarts, such as
 * alerts. Reconnects forever; `state()` follows the connection's status for health checks.
 */
export async function createNatsBus(options: NatsBusOptions): Promise<NatsBus> {
  const streamConfig = { ...DEFAULT_STREAM, ...options.stream };
  const nc: NatsConnection = await connect({
    servers: options.servers,
    name: options.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: options.reconnectTimeWaitMs ?? 1000,
    waitOnFirstConnect: options.waitOnFirstConnect ?? false,
  });

  let state: BusState = 'connected';
  const stateListeners = new Set<(state: BusState) => void>();
  const setState = (next: BusState) => {
    if (state === next || state === 'closed') return;
    state = next;
    for (const listener of stateListeners) {
      try {
        listener(next);
      } catch (error) {
        console.error('bus state listener failed:', error);
      }
    }
  };
  const statusWatch = (async () => {
    for await (const status of nc.status()) {
      switch (status.type) {
        case 'disconnect':
          setState('disconnected');
          break;
        case 'reconnecting':
          setState('reconnecting');
          break;
        case 'reconnect':
          setState('connected');
          break;
        case 'close':
          setState('closed');
          break;
        case 'error':
          console.warn(`nats bus ${options.name}: ${status.error.message}`);
          break;
        default:
          break;
      }
    }
  })().catch(() => undefined);
  void nc.closed().then(() => setState('closed'));

  let jsm: JetStreamManager;
  let js: JetStreamClient;
  try {
    jsm = await jetstreamManager(nc);
    js = jetstream(nc);
    await ensureStream(jsm, streamConfig);
  } catch (error) {
    await nc.close();
    throw error;
  }

  const durables = new Set<() => Promise<void>>();
  const connectedWithin = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const unlisten = bus.onStateChange((s) => {
        if (s === 'connected' || s === 'closed') done();
      });
      function done() {
        clearTimeout(timer);
        unlisten();
        resolve();
      }
    });

  const bus: NatsBus = {
    kind: 'nats',
    streamName: streamConfig.name,

    publish(subject, message) {
      try {
        nc.publish(subject, encode(message));
      } catch (error) {
        console.error(`nats bus: publish to ${subject} failed:`, error instanceof Error ? error.message : error);
      }
    },

    subscribe(pattern, handler) {
      const sub: NatsSubscription = nc.subscribe(pattern, {
        callback: (error, msg) => {
          if (error) {
            console.error(`nats bus: subscription ${pattern} failed:`, error.message);
            return;
          }
          let message: unknown;
          try {
            message = msg.json();
          } catch {
            console.error(`nats bus: a message on ${msg.subject} is not JSON; dropped`);
            return;
          }
          try {
            handler(message, msg.subject);
          } catch (handlerError) {
            console.error(`bus handler for ${pattern} failed:`, handlerError);
          }
        },
      });
      return () => {
        if (!nc.isClosed() && !sub.isClosed()) sub.unsubscribe();
      };
    },

    async publishDurable(subject, message, publishOptions = {}) {
      const msgID = publishOptions.msgId ?? randomUUID();
      const retryForMs = publishOptions.retryForMs ?? 30_000;
      const started = Date.now();
      let delayMs = 100;
      for (;;) {
        // while reconnecting, wait for the connection rather than queue a request that may time out after it
        if (state !== 'connected' && state !== 'closed') await connectedWithin(Math.max(0, retryForMs - (Date.now() - started)));
        try {
          const ack = await js.publish(subject, encode(message), { msgID, timeout: 5000 });
          return { stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
        } catch (error) {
          // a timeout or no responders while reconnecting: the same msgID makes the retry safe
          if (nc.isClosed() || error instanceof JetStreamApiError || Date.now() - started + delayMs > retryForMs) throw error;
          await new Promise((r) => setTimeout(r, delayMs));
          delayMs = Math.min(delayMs * 2, 2000);
        }
      }
    },

    async subscribeDurable(subject, durableName, handler) {
      await ensureConsumer(jsm, streamConfig.name, durableName, subject);
      const consumer = await js.consumers.get(streamConfig.name, durableName);
      const messages: ConsumerMessages = await consumer.consume({ max_messages: 256 });
      const loop = (async () => {
        for await (const m of messages) {
          let message: unknown;
          try {
            message = m.json();
          } catch {
            console.error(`nats bus: durable message ${m.seq} on ${m.subject} is not JSON; terminated`);
            m.term('not JSON');
            continue;
          }
          try {
            await handler(message, m.subject);
            m.ack();
          } catch (error) {
            console.error(`durable bus handler ${durableName} failed on ${m.subject}; redelivering:`, error);
            m.nak(1000);
          }
        }
      })();
      let stopped = false;
      const stop = async () => {
        if (stopped) return;
        stopped = true;
        durables.delete(stop);
        await messages.close().catch(() => undefined);
        await loop.catch(() => undefined);
      };
      durables.add(stop);
      return stop;
    },

    state: () => state,

    onStateChange(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },

    flush: () => nc.flush(),

    async deleteDurableStream() {
      await jsm.streams.delete(streamConfig.name).catch((error: unknown) => {
        if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound)) throw error;
      });
    },

    async close() {
      if (nc.isClosed()) return;
      await Promise.all([...durables].map((stop) => stop()));
      if (state === 'connected') {
        // drain: pending publishes are sent and subscriptions finish; bounded in case the server vanishes meanwhile
        await Promise.race([nc.drain().catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
      }
      if (!nc.isClosed()) await nc.close();
      setState('closed');
      await statusWatch;
    },
  };
  return bus;
}

async function ensureStream(jsm: JetStreamManager, config: typeof DEFAULT_STREAM): Promise<void> {
  const wanted = {
    subjects: config.subjects,
    max_age: nanos(config.maxAgeMs),
    num_replicas: config.replicas,
  };
  try {
    const info = await jsm.streams.info(config.name);
    const same = [...info.config.subjects].sort().join(' ') === [...config.subjects].sort().join(' ');
    if (!same || info.config.max_age !== wanted.max_age) await jsm.streams.update(config.name, wanted);
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound)) throw error;
    try {
      await jsm.streams.add({ name: config.name, storage: StorageType.File, retention: RetentionPolicy.Limits, ...wanted });
    } catch (addError) {
      // another node created it at the same moment
      await jsm.streams.info(config.name).catch(() => {
        throw addError;
      });
    }
  }
}

async function ensureConsumer(jsm: JetStreamManager, stream: string, durable: string, subject: string): Promise<void> {
  try {
    const info = await jsm.consumers.info(stream, durable);
    if (info.config.filter_subject !== subject) await jsm.consumers.update(stream, durable, { filter_subject: subject });
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound)) throw error;
    await jsm.consumers.add(stream, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: subject,
      ack_wait: nanos(30_000),
    });
  }
}
