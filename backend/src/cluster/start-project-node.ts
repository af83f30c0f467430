import Fastify from 'fastify';
import type { Bus } from '../bus/bus.js';
import { isNatsBus } from '../bus/create-bus.js';
import type { PlatformConfig } from '../config/config.js';
import type { EventStore } from '../event-store/event-store.js';
import { healthRoutes } from '../health/health-routes.js';
import { registerErrorHandler } from '../http/error-handler.js';
import { liveCellRows } from '../live/live-models.js';
import { LivePublisher } from '../live/live-publisher.js';
import { registerMetricsRoute, startMetricsListener } from '../metrics/metrics-routes.js';
import { createNodeMetrics, type NodeRole } from '../metrics/node-metrics.js';
import { RouteDocs } from '../openapi/route-docs.js';
import { projectionRunnerFor, tokenVerifierFor } from '../platform/api-node.js';
import { VERSION } from '../platform/version.js';
import type { ProjectionRunner } from '../projection-runner/projection-runner.js';
import { clusterOptionsFromEnv, leaderElectionFor, type ClusterOptions } from './cluster-options.js';
import { LiveHandover } from './live-handover.js';
import { AlertingServices } from '../alerts/alerting.js';
import { DEFAULT_ALERTING } from '../alerts/alerting-config.js';
import { describeStore, gatedSnapshotStore, openBus, openEventStore, openSnapshotStore } from './node-resources.js';

export interface ProjectNode {
  /** health and metrics: GET /api/v1/health, GET /metrics */
  url: string;
  role(): NodeRole;
  store: EventStore;
  bus: Bus;
  runner: ProjectionRunner;
  close(): Promise<void>;
}

/**
 * `pks project`: the projection runner on its own node. Every such node follows the log (a hot standby); the one
 * that holds the leader lock also publishes live change sets on the bus and writes the shared snapshot. When the
 * leader goes, a standby takes over: it catches up to the head, continues every live chain where the old leader's
 * last message ended, publishes the changes no message covered yet (see LiveHandover), then publishes as usual.
 * Serves only health and metrics over HTTP.
 */
export async function startProjectNode(config: PlatformConfig, log: (line: string) => void = () => {}, cluster: ClusterOptions = clusterOptionsFromEnv(process.env, config)): Promise<ProjectNode> {
  if (config.bus !== 'nats') throw new Error('pks project publishes live changes for other nodes: set PKS_BUS=nats (and PKS_NATS_URL)');
  const store = await openEventStore(config);
  const bus = await openBus(config);
  const { snapshots: snapshotStore, shared } = await openSnapshotStore(config);
  let publisher: LivePublisher | null = null;
  // the alert engine and its bus outbox run on the leader only (one engine at a time; idempotent alert ids make a
  // brief overlap harmless). Webhook subscribers are node-local SQLite and not offered in a cluster yet.
  let alerting: AlertingServices | null = null;
  const alertingConfig = { ...DEFAULT_ALERTING, ...config.alerting };
  let closing = false;
  // only the leader writes a shared snapshot; a node-local one (SQLite) every node may write
  const snapshots = gatedSnapshotStore(snapshotStore, () => publisher !== null || !shared);
  const runner = projectionRunnerFor(config, store, snapshots, log);
  const models = new Set(Object.keys(liveCellRows(runner)));
  let handover: LiveHandover | null = new LiveHandover(runner, bus, models);
  handover.start();
  if (isNatsBus(bus)) await bus.flush();
  await runner.start();
  handover.setBase(runner.position);

  const election = leaderElectionFor(config, cluster, log);
  const role = (): NodeRole => (publisher !== null ? 'leader' : 'standby');

  async function promote(): Promise<void> {
    if (closing || publisher) return;
    const started = Date.now();
    // catch up to the head first, so the catch-up and the new chains start from the log's end
    const head = await store.headPosition();
    while (!(await runner.waitForPosition(head, 5000))) {
      if (closing || !election.isLeader) return;
      log(`leader: catching up to position ${head} (at ${runner.position})`);
    }
    if (closing || !election.isLeader || !handover) return;
    // synchronous from here: no batch can fall between the plan and the publisher's start
    const plan = handover.takeOver();
    handover.stop();
    handover = null;
    const next = new LivePublisher(runner, bus, liveCellRows(runner), { chains: plan.chains, startPosition: plan.startPosition });
    if (plan.catchUp) next.publish(plan.catchUp);
    next.start();
    publisher = next;
    if (alertingConfig.enabled) {
      alerting = new AlertingServices({ runner, store, bus, webhooks: null, config: alertingConfig, log });
      await alerting.start();
    }
    log(
      `leader: publishing live changes from position ${runner.position} (${Date.now() - started} ms to take over; ${plan.continued} chains continued, ${plan.caughtUp} caught up from the previous leader's unpublished changes)`,
    );
  }

  function demote(): void {
    const current = publisher;
    if (!current) return;
    const chains = current.chainEnds();
    current.stop();
    publisher = null;
    const engine = alerting;
    alerting = null;
    if (engine) void engine.stop().catch((error: unknown) => log(`alerting: stop failed: ${String(error)}`));
    if (closing) return;
    // a standby again: what this node published is complete up to its position
    handover = new LiveHandover(runner, bus, models, { chains, base: runner.position });
    handover.start();
    log('standby: stopped publishing');
  }

  election.start(async (leader) => {
    if (leader) await promote();
    else demote();
  });

  const { verifier } = tokenVerifierFor(config);
  const metrics = createNodeMetrics({ nodeId: config.nodeId, version: VERSION, role, store, runner, busKind: bus.kind, busState: () => (isNatsBus(bus) ? bus.state() : 'connected') });
  const app = Fastify({ logger: config.logLevel === 'silent' ? false : { level: config.logLevel }, forceCloseConnections: true });
  registerErrorHandler(app);
  const docs = new RouteDocs();
  await app.register(healthRoutes, { store, runner, bus: bus as Bus & { state?: () => string }, docs, version: VERSION, node: () => ({ id: config.nodeId, role: role(), leaderLock: election.kind }) });
  registerMetricsRoute(app, { metrics, token: config.metrics.token, verifier });
  const metricsListener = config.metrics.port === null ? null : await startMetricsListener({ host: config.metrics.host, port: config.metrics.port, metrics, token: config.metrics.token });
  const address = await app.listen({ host: config.host, port: config.port });
  log(
    `PKS ${VERSION} projection node ${config.nodeId} listening on ${address} (store ${describeStore(config)}, bus ${bus.kind}, leader lock ${election.kind}, snapshots ${shared ? 'shared' : 'local'})${metricsListener ? `; metrics on ${metricsListener.url}` : ''}`,
  );

  let closed: Promise<void> | null = null;
  return {
    url: address,
    role,
    store,
    bus,
    runner,
    close() {
      closed ??= (async () => {
        closing = true;
        await app.close();
        await metricsListener?.close();
        // the leader writes its final snapshot while it still holds the lock, then releases it
        await runner.stop();
        await election.stop();
        demote();
        handover?.stop();
        await snapshotStore.close();
        await bus.close();
        await store.close();
      })();
      return closed;
    },
  };
}
