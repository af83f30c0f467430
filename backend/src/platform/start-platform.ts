import { allProjections } from '@pks/projections';
import { embeddedTokenVerifier, loadOrCreateEmbeddedSecret, oidcTokenVerifier, type TokenVerifier } from '../auth/token-verifier.js';
import type { Bus } from '../bus/bus.js';
import { countingEventStore, describeStore, openBus, openEventStore, openSnapshotStore } from '../cluster/node-resources.js';
import { registerMetricsRoute, startMetricsListener } from '../metrics/metrics-routes.js';
import { createNodeMetrics, type NodeMetrics } from '../metrics/node-metrics.js';
import { dataPaths, type PlatformConfig } from '../config/config.js';
import type { EventStore } from '../event-store/event-store.js';
import { getSQLiteAuditLog } from '../audit/audit-log.js';
import { buildApp } from '../http/build-app.js';
import { LivePublisher } from '../live/live-publisher.js';
import { liveCellRows } from '../live/live-models.js';
import { CatalogFeed } from '../ingest/catalog-feed.js';
import { IngestService } from '../ingest/ingest-service.js';
import { ProjectionRunner } from '../projection-runner/projection-runner.js';
import { createHospital } from '../simulation/create-hospital.js';
import { SimulatedFeed } from '../simulation/simulated-feed.js';
import { VERSION } from './version.js';
import { AlertingServices } from '../alerts/alerting.js';
import { DEFAULT_ALERTING, webhookDbPath } from '../alerts/alerting-config.js';
import { getSQLiteWebhookStore } from '../alerts/webhooks/webhook-store.js';

export interface Platform {
  url: string;
  store: EventStore;
  runner: ProjectionRunner;
  bus: Bus;
  ingest: IngestService;
  /** the alert engine, outbox and webhook dispatcher (null with PKS_ALERTS=off) */
  alerting: AlertingServices | null;
  close(): Promise<void>;
}

export function tokenVerifierFor(config: PlatformConfig): { verifier: TokenVerifier; embeddedSecret: Uint8Array | null } {
  if (config.auth.mode === 'oidc') return { verifier: oidcTokenVerifier(config.auth), embeddedSecret: null };
  const secret = loadOrCreateEmbeddedSecret(config.authSecretFile ?? dataPaths(config.dataDir).secret);
  return { verifier: embeddedTokenVerifier(secret), embeddedSecret: secret };
}

/**
 * Starts the platform on one node: store (PKS_STORE, default SQLite), projections with snapshots, bus (PKS_BUS,
 * default in-process), live publisher, HTTP API. Several nodes: `pks serve` and `pks project` (../cluster/).
 */
export async function startPlatform(config: PlatformConfig, log: (line: string) => void = () => {}): Promise<Platform> {
  const paths = dataPaths(config.dataDir);
  let metrics: NodeMetrics | null = null;
  const store = countingEventStore(await openEventStore(config), (n) => metrics?.eventsAppended(n));
  const { snapshots } = await openSnapshotStore(config);
  const bus = await openBus(config);
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
  const audit = getSQLiteAuditLog({ path: paths.audit });
  const publisher = new LivePublisher(runner, bus, liveCellRows(runner));
  publisher.start();
  // alerts: webhook subscribers in the data directory; engine + outbox + dispatcher on this (the only) node
  const alertingConfig = { ...DEFAULT_ALERTING, ...config.alerting };
  const webhooks = getSQLiteWebhookStore({ path: webhookDbPath(config.dataDir) });
  const alerting = alertingConfig.enabled ? new AlertingServices({ runner, store, bus, webhooks, config: alertingConfig, log }) : null;
  await alerting?.start();
  const { verifier, embeddedSecret } = tokenVerifierFor(config);
  metrics = createNodeMetrics({ nodeId: config.nodeId, version: VERSION, role: () => 'single', store, runner, busKind: bus.kind, busState: () => (bus as { state?: () => string }).state?.() ?? 'connected' });
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
    node: () => ({ id: config.nodeId, role: 'single' }),
    webhooks,
    ...(config.workingTime && { workingTime: config.workingTime }),
  });
  const nodeMetrics = metrics;
  live.onEmit((message) => nodeMetrics.updateEmitted(message));
  nodeMetrics.setLiveSources({ connectedClients: () => live.connections, waitingUpdates: () => live.waitingUpdates });
  registerMetricsRoute(app, { metrics: nodeMetrics, token: config.metrics.token, verifier, docs });
  const metricsListener = config.metrics.port === null ? null : await startMetricsListener({ host: config.metrics.host, port: config.metrics.port, metrics: nodeMetrics, token: config.metrics.token });
  const address = await app.listen({ host: config.host, port: config.port });
  log(`PKS ${VERSION} listening on ${address} (store ${describeStore(config)}, bus ${bus.kind})${metricsListener ? `; metrics on ${metricsListener.url}` : ''}`);

  // the simulated hospital feeds events through the same ingest (validation, idempotency) as any source
  let feed: SimulatedFeed | null = null;
  if (config.simulation.enabled) {
    const hospital = createHospital({ scale: config.simulation.scale, seed: config.simulation.seed });
    let index = 0;
    feed = new SimulatedFeed({
      hospital,
      seed: config.simulation.seed,
      speed: config.simulation.speed,
      historyDays: config.simulation.historyDays,
      emit: async (events) => {
        await ingest.ingest(events.map((value) => ({ index: ++index, value })), { atomic: false, actor: 'simulated-hospital' });
      },
      onError: (error) => log(`simulated hospital stopped: ${error instanceof Error ? error.message : String(error)}`),
    });
    log(`simulated hospital (${config.simulation.scale}, seed ${config.simulation.seed}, ${hospital.units.length} units, ${hospital.staff.length} staff): sending ${config.simulation.historyDays} days of history, then live at ${config.simulation.speed}× real time`);
    const started = Date.now();
    void feed.start().then(
      () => log(`simulated hospital caught up in ${((Date.now() - started) / 1000).toFixed(1)} s (${feed!.stats.emitted} events); now live`),
      (error: unknown) => log(`simulated hospital failed: ${String(error)}`),
    );
  }

  let closing: Promise<void> | null = null;
  return {
    url: address,
    store,
    runner,
    bus,
    ingest,
    alerting,
    close() {
      closing ??= (async () => {
        await feed?.stop();
        await app.close();
        await metricsListener?.close();
        await alerting?.stop();
        webhooks.close();
        publisher.stop();
        audit.close();
        await catalog.stop();
        await runner.stop();
        await snapshots.close();
        await bus.close();
        await store.close();
      })();
      return closing;
    },
  };
}
