import type { Bus } from '../bus/bus.js';
import { countingEventStore, describeStore, openBus, openEventStore, openSnapshotStore } from '../cluster/node-resources.js';
import type { NodeMetrics } from '../metrics/node-metrics.js';
import type { PlatformConfig } from '../config/config.js';
import type { EventStore } from '../event-store/event-store.js';
import { LivePublisher } from '../live/live-publisher.js';
import { liveCellRows } from '../live/live-models.js';
import type { IngestService } from '../ingest/ingest-service.js';
import type { ProjectionRunner } from '../projection-runner/projection-runner.js';
import { createHospital } from '../simulation/create-hospital.js';
import { SimulatedFeed } from '../simulation/simulated-feed.js';
import { VERSION } from './version.js';
import { AlertingServices } from '../alerts/alerting.js';
import { DEFAULT_ALERTING, webhookDbPath } from '../alerts/alerting-config.js';
import { getSQLiteWebhookStore } from '../alerts/webhooks/webhook-store.js';
import { createApiNode, projectionRunnerFor, startIngest } from './api-node.js';

export { tokenVerifierFor } from './api-node.js';

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

/**
 * Starts the platform on one node: store (PKS_STORE, default SQLite), projections with snapshots, bus (PKS_BUS,
 * default in-process), live publisher, HTTP API. Several nodes: `pks serve` and `pks project` (../cluster/).
 */
export async function startPlatform(config: PlatformConfig, log: (line: string) => void = () => {}): Promise<Platform> {
  let metrics: NodeMetrics | null = null;
  const store = countingEventStore(await openEventStore(config), (n) => metrics?.eventsAppended(n));
  const { snapshots } = await openSnapshotStore(config);
  const bus = await openBus(config);
  const runner = projectionRunnerFor(config, store, snapshots, log);
  await runner.start();
  const { ingest, catalog } = await startIngest(store, snapshots);
  const publisher = new LivePublisher(runner, bus, liveCellRows(runner));
  publisher.start();
  // alerts: webhook subscribers in the data directory; engine + outbox + dispatcher on this (the only) node
  const alertingConfig = { ...DEFAULT_ALERTING, ...config.alerting };
  const webhooks = getSQLiteWebhookStore({ path: webhookDbPath(config.dataDir) });
  const alerting = alertingConfig.enabled ? new AlertingServices({ runner, store, bus, webhooks, config: alertingConfig, log }) : null;
  await alerting?.start();
  const api = await createApiNode(config, { store, runner, bus, ingest, role: 'single', log, webhooks, ...(config.workingTime && { workingTime: config.workingTime }) });
  metrics = api.metrics;
  const address = await api.listen();
  log(`PKS ${VERSION} listening on ${address} (store ${describeStore(config)}, bus ${bus.kind})${api.metricsUrl ? `; metrics on ${api.metricsUrl}` : ''}`);

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
        await api.close();
        await alerting?.stop();
        webhooks.close();
        publisher.stop();
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
