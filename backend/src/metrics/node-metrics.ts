import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { LiveUpdateMessage } from '@pks/contracts';
import type { EventStore } from '../event-store/event-store.js';
import type { ProjectionRunner } from '../projection-runner/projection-runner.js';

/** What a node is in a multi-node setup (health and metrics). */
export type NodeRole = 'single' | 'leader' | 'standby' | 'replica';

export interface NodeMetricsSources {
  nodeId: string;
  version: string;
  role: () => NodeRole;
  store: EventStore;
  /** the projections this node holds (a read replica on API nodes) */
  runner: ProjectionRunner;
  busKind: string;
  busState: () => string;
  /** sockets connected to this node's live gateway (none on a projection node) */
  connectedClients?: () => number;
  /** bus updates waiting for local state */
  waitingUpdates?: () => number;
}

export interface NodeMetrics {
  readonly registry: Registry;
  /** the ingest rate: count appended events here (see countingEventStore) */
  eventsAppended(count: number): void;
  /** one live update emitted to a socket: push latency from the runner's appliedAt to the gateway's emittedAt */
  updateEmitted(message: Pick<LiveUpdateMessage, 'appliedAt' | 'emittedAt'>): void;
  /** the live gateway appears after the app is built */
  setLiveSources(sources: Pick<NodeMetricsSources, 'connectedClients' | 'waitingUpdates'>): void;
  /** Prometheus text format */
  render(): Promise<{ contentType: string; body: string }>;
}

/**
 * The node's Prometheus metrics (prom-client, one registry per node so several nodes can live in one test
 * process): ingest rate, store position, projection position and lag per projection, connected clients, push
 * latency, leader status, bus state, and Node's process metrics.
 */
export function createNodeMetrics(sources: NodeMetricsSources): NodeMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ node: sources.nodeId });
  collectDefaultMetrics({ register: registry });
  let live: Pick<NodeMetricsSources, 'connectedClients' | 'waitingUpdates'> = { ...(sources.connectedClients && { connectedClients: sources.connectedClients }), ...(sources.waitingUpdates && { waitingUpdates: sources.waitingUpdates }) };

  // one store read per scrape, shared by the position and lag gauges
  let head: Promise<number> | null = null;
  const headPosition = () => (head ??= sources.store.headPosition());

  const appended = new Counter({ name: 'pks_events_appended_total', help: 'Events appended to the store through this node (ingest and commands); rate() gives the ingest rate', registers: [registry] });
  const latency = new Histogram({
    name: 'pks_live_push_latency_seconds',
    help: 'From the projection runner applying an event (appliedAt) to this gateway emitting the update to a socket (emittedAt)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  new Gauge({
    name: 'pks_store_position',
    help: 'The event store head: position of the last durable event',
    registers: [registry],
    async collect() {
      this.set(await headPosition());
    },
  });
  new Gauge({
    name: 'pks_projection_position',
    help: 'The last event position each projection on this node has folded in',
    labelNames: ['projection'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of sources.runner.statuses()) this.set({ projection: s.name }, s.position);
    },
  });
  new Gauge({
    name: 'pks_projection_lag_events',
    help: 'Events in the store not yet folded into each projection on this node',
    labelNames: ['projection'],
    registers: [registry],
    async collect() {
      const h = await headPosition();
      this.reset();
      for (const s of sources.runner.statuses()) this.set({ projection: s.name }, Math.max(0, h - s.position));
    },
  });
  new Gauge({
    name: 'pks_projection_errors',
    help: 'Events that made a projection throw (skipped for that projection)',
    labelNames: ['projection'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of sources.runner.statuses()) this.set({ projection: s.name }, s.errors);
    },
  });
  new Gauge({
    name: 'pks_projection_last_applied_timestamp_seconds',
    help: 'When this node last applied events to its projections (0: not yet)',
    registers: [registry],
    collect() {
      this.set((sources.runner.lastEvent.appliedAt ?? 0) / 1000);
    },
  });
  new Gauge({
    name: 'pks_live_connected_clients',
    help: 'Sockets connected to this node’s live gateway',
    registers: [registry],
    collect() {
      this.set(live.connectedClients?.() ?? 0);
    },
  });
  new Gauge({
    name: 'pks_live_waiting_updates',
    help: 'Bus updates held until this node’s read replica reaches their position',
    registers: [registry],
    collect() {
      this.set(live.waitingUpdates?.() ?? 0);
    },
  });
  new Gauge({
    name: 'pks_leader',
    help: '1 when this node is the active projection runner that publishes live changes (leader, or a single node), else 0',
    registers: [registry],
    collect() {
      const role = sources.role();
      this.set(role === 'leader' || role === 'single' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'pks_node_info',
    help: 'This node: its role (single, leader, standby, replica), store, bus and version',
    labelNames: ['role', 'store', 'bus', 'version'],
    registers: [registry],
    collect() {
      this.reset();
      this.set({ role: sources.role(), store: sources.store.kind, bus: sources.busKind, version: sources.version }, 1);
    },
  });
  new Gauge({
    name: 'pks_bus_connected',
    help: '1 while the bus is connected (NATS), else 0',
    registers: [registry],
    collect() {
      this.set(sources.busState() === 'connected' ? 1 : 0);
    },
  });

  return {
    registry,
    eventsAppended: (count) => appended.inc(count),
    updateEmitted: (message) => latency.observe(Math.max(0, message.emittedAt - message.appliedAt) / 1000),
    setLiveSources(next) {
      live = next;
    },
    async render() {
      head = null;
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
