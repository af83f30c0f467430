import { allProjections } from '@pks/projections';
import { embeddedTokenVerifier, loadOrCreateEmbeddedSecret, oidcTokenVerifier, type TokenVerifier } from '../auth/token-verifier.js';
import type { Bus } from '../bus/bus.js';
import { createInProcessBus } from '../bus/in-process-bus.js';
import { dataPaths, type PlatformConfig } from '../config/config.js';
import type { EventStore } from '../event-store/event-store.js';
import { getSQLiteEventStore } from '../event-store/sqlite/sqlite-event-store.js';
import { getSQLiteAuditLog } from '../audit/audit-log.js';
import { buildApp } from '../http/build-app.js';
import { LivePublisher } from '../live/live-publisher.js';
import { liveCellRows } from '../live/live-models.js';
import { CatalogFeed } from '../ingest/catalog-feed.js';
import { IngestService } from '../ingest/ingest-service.js';
import { ProjectionRunner } from '../projection-runner/projection-runner.js';
import { getSQLiteSnapshotStore } from '../projection-runner/sqlite-snapshot-store.js';
import type { SnapshotStore } from '../projection-runner/snapshot-store.js';
import { createHospital } from '../simulation/create-hospital.js';
import { SimulatedFeed } from '../simulation/simulated-feed.js';
import { VERSION } from './version.js';

export interface Platform {
  url: string;
  store: EventStore;
  runner: ProjectionRunner;
  bus: Bus;
  ingest: IngestService;
  close(): Promise<void>;
}

export function tokenVerifierFor(config: PlatformConfig): { verifier: TokenVerifier; embeddedSecret: Uint8Array | null } {
  if (config.auth.mode === 'oidc') return { verifier: oidcTokenVerifier(config.auth), embeddedSecret: null };
  const secret = loadOrCreateEmbeddedSecret(dataPaths(config.dataDir).secret);
  return { verifier: embeddedTokenVerifier(secret), embeddedSecret: secret };
}

/** Starts the embedded platform: SQLite store, projections with snapshots, in-process bus, HTTP API. */
export async function startPlatform(config: PlatformConfig, log: (line: string) => void = () => {}): Promise<Platform> {
  const paths = dataPaths(config.dataDir);
  const store = getSQLiteEventStore({ path: paths.events });
  const snapshots: SnapshotStore = getSQLiteSnapshotStore({ path: paths.snapshots });
  const bus = createInProcessBus();
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
  const { verifier, embeddedSecret } = tokenVerifierFor(config);
  const { app } = await buildApp({
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
  });
  const address = await app.listen({ host: config.host, port: config.port });
  log(`PKS ${VERSION} listening on ${address} (store ${paths.events})`);

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
    close() {
      closing ??= (async () => {
        await feed?.stop();
        await app.close();
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
