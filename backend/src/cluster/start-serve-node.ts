import type { Bus } from '../bus/bus.js';
import { isNatsBus } from '../bus/create-bus.js';
import type { PlatformConfig } from '../config/config.js';
import type { EventStore } from '../event-store/event-store.js';
import type { IngestService } from '../ingest/ingest-service.js';
import type { NodeMetrics } from '../metrics/node-metrics.js';
import { createApiNode, projectionRunnerFor, startIngest } from '../platform/api-node.js';
import { VERSION } from '../platform/version.js';
import type { ProjectionRunner } from '../projection-runner/projection-runner.js';
import { countingEventStore, describeStore, gatedSnapshotStore, openBus, openEventStore, openSnapshotStore } from './node-resources.js';

export interface ServeNode {
  url: string;
  store: EventStore;
  bus: Bus;
  /** this node's read replica */
  runner: ProjectionRunner;
  ingest: IngestService;
  close(): Promise<void>;
}

/**
 * `pks serve`: an API and live-gateway node, any number of them behind a proxy. Ingest appends to the shared store.
 * Queries and live snapshots are answered from the node's own in-memory read replica: a ProjectionRunner that
 * follows the log and never publishes, started from the shared snapshot when there is one (PostgreSQL). Live
 * updates come from the leader's publisher over NATS; the gateway holds each until the replica has reached its
 * position (LiveGateway's waitForPosition), so a snapshot or refetch on this node never trails what its clients
 * were told.
 */
export async function startServeNode(config: PlatformConfig, log: (line: string) => void = () => {}): Promise<ServeNode> {
  if (config.bus !== 'nats') throw new Error('pks serve receives live changes from `pks project` over NATS: set PKS_BUS=nats (and PKS_NATS_URL)');
  let metrics: NodeMetrics | null = null;
  const store = countingEventStore(await openEventStore(config), (n) => metrics?.eventsAppended(n));
  const bus = await openBus(config);
  const { snapshots: snapshotStore, shared } = await openSnapshotStore(config);
  // a replica never writes the shared snapshot (the leader does); a node-local one it keeps itself
  const snapshots = gatedSnapshotStore(snapshotStore, () => !shared);
  const runner = projectionRunnerFor(config, store, snapshots, log);
  await runner.start();
  const { ingest, catalog } = await startIngest(store, snapshots);
  const api = await createApiNode(config, { store, runner, bus, ingest, role: 'replica', log });
  metrics = api.metrics;

  // The gateway is subscribed to the bus now. Before taking clients, the replica reaches the head as of this
  // moment: every live message published before the subscription is then included in any snapshot served here.
  if (isNatsBus(bus)) await bus.flush();
  const head = await store.headPosition();
  while (!(await runner.waitForPosition(head, 5000))) log(`replica: catching up to position ${head} (at ${runner.position})`);

  const address = await api.listen();
  log(`PKS ${VERSION} API node ${config.nodeId} listening on ${address} (store ${describeStore(config)}, bus ${bus.kind}, read replica at position ${runner.position})${api.metricsUrl ? `; metrics on ${api.metricsUrl}` : ''}`);

  let closed: Promise<void> | null = null;
  return {
    url: address,
    store,
    bus,
    runner,
    ingest,
    close() {
      closed ??= (async () => {
        await api.close();
        await catalog.stop();
        await runner.stop();
        await snapshotStore.close();
        await bus.close();
        await store.close();
      })();
      return closed;
    },
  };
}
