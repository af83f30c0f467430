import type { FastifyInstance } from 'fastify';
import { allProjections } from '@pks/projections';
import { getSQLiteAuditLog, type AuditLog } from '../audit/audit-log.js';
import { getPostgresAuditLog } from '../audit/postgres-audit-log.js';
import { embeddedTokenVerifier, loadOrCreateEmbeddedSecret, oidcTokenVerifier, type TokenVerifier } from '../auth/token-verifier.js';
import type { Bus } from '../bus/bus.js';
import { isNatsBus } from '../bus/create-bus.js';
import { dataPaths, type PlatformConfig } from '../config/config.js';
import type { EventStore } from '../event-store/event-store.js';
import { buildApp, type AppDependencies } from '../http/build-app.js';
import { localCommandLock, postgresCommandLock, type CommandLock } from '../commands/command-lock.js';
import { eventStoreConfigOf } from '../cluster/node-resources.js';
import { CatalogFeed } from '../ingest/catalog-feed.js';
import { IngestService } from '../ingest/ingest-service.js';
import { registerMetricsRoute, startMetricsListener } from '../metrics/metrics-routes.js';
import { createNodeMetrics, type NodeMetrics, type NodeRole } from '../metrics/node-metrics.js';
import { ProjectionRunner } from '../projection-runner/projection-runner.js';
import type { SnapshotStore } from '../projection-runner/snapshot-store.js';
import { collectGarbage } from './collect-garbage.js';
import { VERSION } from './version.js';

/**
 * The pieces every node kind composes the same way (`pks start`, `pks serve`, `pks project`): the token verifier, a
 * projection runner over all projections, the ingest path, and the HTTP API with its metrics.
 */
export function tokenVerifierFor(config: PlatformConfig): { verifier: TokenVerifier; embeddedSecret: Uint8Array | null } {
  if (config.auth.mode === 'oidc') return { verifier: oidcTokenVerifier(config.auth), embeddedSecret: null };
  const secret = loadOrCreateEmbeddedSecret(config.authSecretFile ?? dataPaths(config.dataDir).secret);
  return { verifier: embeddedTokenVerifier(secret), embeddedSecret: secret };
}

/** All projections over the store, snapshotting as configured (not started). */
export function projectionRunnerFor(config: PlatformConfig, store: EventStore, snapshots: SnapshotStore, log: (line: string) => void): ProjectionRunner {
  return new ProjectionRunner({
    store,
    projections: allProjections(),
    snapshots,
    snapshotEveryMs: config.snapshotEveryMs,
    snapshotEveryEvents: config.snapshotEveryEvents,
    log,
    onSnapshotsLoaded: () => collectGarbage(),
  });
}

/** The ingest path (validation against the reference catalogue, idempotent appends) and its started catalogue feed. */
export async function startIngest(store: EventStore, snapshots: SnapshotStore): Promise<{ ingest: IngestService; catalog: CatalogFeed }> {
  const catalog = new CatalogFeed(store, snapshots);
  await catalog.start();
  return { ingest: new IngestService(store, catalog), catalog };
}

/**
 * How staffing commands are serialised: across every API node of the installation when the store is PostgreSQL (an
 * advisory lock, the deciding node first catching up to the head), else on this node. KurrentDB: node-local only.
 */
export function commandLockFor(config: PlatformConfig, store: EventStore, runner: ProjectionRunner): CommandLock {
  const c = eventStoreConfigOf(config);
  if (c.kind !== 'postgres') return localCommandLock();
  return postgresCommandLock({
    connectionString: c.url,
    name: c.schema ?? 'pks',
    nodeId: config.nodeId,
    headPosition: () => store.headPosition(),
    waitForPosition: (position, timeoutMs) => runner.waitForPosition(position, timeoutMs),
  });
}

/** The audit log: shared by every API node in PostgreSQL when the store is PostgreSQL, else the node's audit.sqlite. */
export function auditLogFor(config: PlatformConfig, log?: (line: string) => void): Promise<AuditLog> | AuditLog {
  const c = eventStoreConfigOf(config);
  if (c.kind === 'postgres') return getPostgresAuditLog({ connectionString: c.url, schema: c.schema ?? 'pks', nodeId: config.nodeId, ...(log && { log }) });
  return getSQLiteAuditLog({ path: dataPaths(config.dataDir).audit });
}

export interface ApiNodeParts {
  store: EventStore;
  runner: ProjectionRunner;
  bus: Bus;
  ingest: IngestService;
  role: Extract<NodeRole, 'single' | 'replica'>;
  log?: (line: string) => void;
  webhooks?: AppDependencies['webhooks'];
  workingTime?: AppDependencies['workingTime'];
}

export interface ApiNode {
  app: FastifyInstance;
  metrics: NodeMetrics;
  audit: AuditLog;
  /** the separate metrics listener's address (PKS_METRICS_PORT), or null */
  metricsUrl: string | null;
  /** starts listening; resolves with the address */
  listen(): Promise<string>;
  /** closes the app, the metrics listener and the audit log */
  close(): Promise<void>;
}

/**
 * The HTTP API of a node that takes clients (`pks start`, `pks serve`): the fastify app with its live gateway, the
 * node's audit log, and metrics (served on /metrics and, with PKS_METRICS_PORT, on a listener of their own). Not yet
 * listening: a replica first reaches the head.
 */
export async function createApiNode(config: PlatformConfig, parts: ApiNodeParts): Promise<ApiNode> {
  const audit = await auditLogFor(config, parts.log);
  const { verifier, embeddedSecret } = tokenVerifierFor(config);
  const { store, runner, bus } = parts;
  const commandLock = commandLockFor(config, store, runner);
  const metrics = createNodeMetrics({
    nodeId: config.nodeId,
    version: VERSION,
    role: () => parts.role,
    store,
    runner,
    busKind: bus.kind,
    busState: () => (isNatsBus(bus) ? bus.state() : 'connected'),
  });
  const { app, docs, live } = await buildApp({
    store,
    runner,
    bus,
    ingest: parts.ingest,
    verifier,
    embeddedSecret,
    audit,
    frontendDir: config.frontendDir,
    version: VERSION,
    maxBodyBytes: config.maxBodyBytes,
    maxEventsPerRequest: config.maxEventsPerRequest,
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    node: () => ({ id: config.nodeId, role: parts.role }),
    commandLock,
    ...(parts.webhooks !== undefined && { webhooks: parts.webhooks }),
    ...(parts.workingTime && { workingTime: parts.workingTime }),
  });
  live.onEmit((message) => metrics.updateEmitted(message));
  metrics.setLiveSources({ connectedClients: () => live.connections, waitingUpdates: () => live.waitingUpdates });
  registerMetricsRoute(app, { metrics, token: config.metrics.token, verifier, docs });
  const metricsListener = config.metrics.port === null ? null : await startMetricsListener({ host: config.metrics.host, port: config.metrics.port, metrics, token: config.metrics.token });
  return {
    app,
    metrics,
    audit,
    metricsUrl: metricsListener?.url ?? null,
    listen: () => app.listen({ host: config.host, port: config.port }),
    async close() {
      await app.close();
      await metricsListener?.close();
      await commandLock.close();
      await audit.close();
    },
  };
}
