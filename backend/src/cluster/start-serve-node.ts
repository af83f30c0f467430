import { allProjections } from '@pks/projections';
import { getSQLiteAuditLog } from '../audit/audit-log.js';
import type { Bus } from '../bus/bus.js';
import { isNatsBus } from '../bus/create-bus.js';
import { dataPaths, type PlatformConfig } from '../config/config.js';
import type { EventStore } from '../event-store/event-store.js';
import { buildApp } from '../http/build-app.js';
import { CatalogFeed } from '../ingest/catalog-feed.js';
import { IngestService } from '../ingest/ingest-service.js';
import { registerMetricsRoute, startMetricsListener } from '../metrics/metrics-routes.js';
import { createNodeMetrics, type NodeMetrics } from '../metrics/node-metrics.js';
import { tokenVerifierFor } from '../platform/start-platform.js';
import { VERSION } from '../platform/version.js';
import { ProjectionRunner } from '../projection-runner/projection-runner.js';
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
  const runner = new ProjectionRunner({
    store,
    projections: allProjections(),
    snapshots,
    snapshotEveryMs: config.snapshotEveryMs,
    snapshotEveryEvents: config.snapshotEveryEvents,
    log,
  });
  await runner.start();
  const catalog = new CatalogFeed(store, snapshots);
  await catalog.start();
  const ingest = new IngestService(store, catalog);
  const audit = getSQLiteAuditLog({ path: dataPaths(config.dataDir).audit });
  const { verifier, embeddedSecret } = tokenVerifierFor(config);
  const busState = () => (isNatsBus(bus) ? bus.state() : 'connected');
  metrics = createNodeMetrics({ nodeId: config.nodeId, version: VERSION, role: () => 'replica', store, runner, busKind: bus.kind, busState });
  const nodeMetrics = metrics;
  const { app, docs, live } = await buildApp({
    store,
    runner,
    bus,
    ingest,
    verifier,
    embeddedSecret,
    audit,
    frontendDir: config.frontendDir,
    version: VERSION,
    maxBodyBytes: config.maxBodyBytes,
    maxEventsPerRequest: config.maxEventsPerRequest,
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    node: () => ({ id: config.nodeId, role: 'replica' }),
  });
  live.onEmit((message) => nodeMetrics.updateEmitted(message));
  nodeMetrics.setLiveSources({ connectedClients: () => live.connections, waitingUpdates: () => live.waitingUpdates });
  registerMetricsRoute(app, { metrics: nodeMetrics, token: config.metrics.token, verifier, docs });

  // The gateway is subscribed to the bus now. Before taking clients, the replica reaches the head as of this
  // moment: every live message published before the subscription is then included in any snapshot served here.
  if (isNatsBus(bus)) await bus.flush();
  const head = await store.headPosition();
  while (!(await runner.waitForPosition(head, 5000))) log(`replica: catching up to position ${head} (at ${runner.position})`);

  const metricsListener = config.metrics.port === null ? null : await startMetricsListener({ host: config.metrics.host, port: config.metrics.port, metrics: nodeMetrics, token: config.metrics.token });
  const address = await app.listen({ host: config.host, port: config.port });
  log(`PKS ${VERSION} API node ${config.nodeId} listening on ${address} (store ${describeStore(config)}, bus ${bus.kind}, read replica at position ${runner.position})${metricsListener ? `; metrics on ${metricsListener.url}` : ''}`);

  let closed: Promise<void> | null = null;
  return {
    url: address,
    store,
    bus,
    runner,
    ingest,
    close() {
      closed ??= (async () => {
        await app.close();
        await metricsListener?.close();
        audit.close();
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
