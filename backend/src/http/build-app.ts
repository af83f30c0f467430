import Fastify, { type FastifyInstance } from 'fastify';
import { registerAuth } from '../auth/auth-plugin.js';
import type { TokenVerifier } from '../auth/token-verifier.js';
import type { Bus } from '../bus/bus.js';
import type { EventStore } from '../event-store/event-store.js';
import { healthRoutes, type HealthOptions } from '../health/health-routes.js';
import { ingestRoutes } from '../ingest/ingest-routes.js';
import type { IngestService } from '../ingest/ingest-service.js';
import { buildOpenApiDocument } from '../openapi/openapi-document.js';
import { RouteDocs } from '../openapi/route-docs.js';
import type { ProjectionRunner } from '../projection-runner/projection-runner.js';
import type { AuditLog } from '../audit/audit-log.js';
import { authRoutes } from '../auth/auth-routes.js';
import { LiveGateway } from '../live/live-gateway.js';
import { liveModelHandlers } from '../live/live-models.js';
import { queryRoutes } from '../queries/query-routes.js';
import { alertRoutes } from '../alerts/alert-routes.js';
import { DEFAULT_WORKING_TIME_CONFIG, type WorkingTimeConfig } from '../alerts/alerting-config.js';
import { webhookRoutes } from '../alerts/webhooks/webhook-routes.js';
import type { WebhookStore } from '../alerts/webhooks/webhook-store.js';
import { staffingRoutes } from '../commands/staffing-routes.js';
import type { CommandLock } from '../commands/command-lock.js';
import { registerErrorHandler } from './error-handler.js';
import { staticFrontend } from './static-frontend.js';

export interface AppDependencies {
  store: EventStore;
  runner: ProjectionRunner;
  bus: Bus;
  ingest: IngestService;
  verifier: TokenVerifier;
  audit: AuditLog;
  /** embedded mode: the key demo logins are signed with */
  embeddedSecret: Uint8Array | null;
  version: string;
  frontendDir?: string | null;
  /** merge live updates to one subscription within this window, ms */
  liveCoalesceMs?: number;
  maxBodyBytes: number;
  maxEventsPerRequest: number;
  logger?: boolean | { level: string };
  /** this node's id and role in health (multi-node) */
  node?: HealthOptions['node'];
  /** webhook subscribers of alerts (the data directory's webhooks.sqlite); absent: the webhook routes answer 503 */
  webhooks?: WebhookStore | null;
  /** working-time rules of staffing commands (default 11 h daily rest, 48 h weekly cap) */
  workingTime?: Partial<WorkingTimeConfig>;
  /** how staffing commands are serialised (default: on this node) */
  commandLock?: CommandLock;
}

/** The fastify app: one encapsulated plugin per area, every route behind a bearer token unless marked public. */
export async function buildApp(deps: AppDependencies): Promise<{ app: FastifyInstance; docs: RouteDocs; live: LiveGateway }> {
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: deps.maxBodyBytes,
    forceCloseConnections: true,
  });
  const docs = new RouteDocs();
  registerErrorHandler(app);
  registerAuth(app, deps.verifier);

  await app.register(healthRoutes, { store: deps.store, runner: deps.runner, bus: deps.bus, docs, version: deps.version, ...(deps.node && { node: deps.node }) });
  await app.register(ingestRoutes, { service: deps.ingest, docs, maxBodyBytes: deps.maxBodyBytes, maxEventsPerRequest: deps.maxEventsPerRequest });
  await app.register(authRoutes, { docs, runner: deps.runner, audit: deps.audit, embeddedSecret: deps.embeddedSecret });
  await app.register(queryRoutes, { docs, runner: deps.runner, audit: deps.audit });
  await app.register(alertRoutes, { docs, runner: deps.runner, store: deps.store, audit: deps.audit });
  await app.register(webhookRoutes, { docs, store: deps.store, audit: deps.audit, webhooks: deps.webhooks ?? null });
  await app.register(staffingRoutes, { docs, runner: deps.runner, store: deps.store, audit: deps.audit, workingTime: { ...DEFAULT_WORKING_TIME_CONFIG, ...deps.workingTime }, ...(deps.commandLock && { commandLock: deps.commandLock }) });
  await app.register(staticFrontend, { dir: deps.frontendDir ?? null });

  const live = new LiveGateway({
    httpServer: app.server,
    verifier: deps.verifier,
    bus: deps.bus,
    handlers: liveModelHandlers(deps.runner, deps.audit),
    position: () => deps.runner.position,
    waitForPosition: (position) => deps.runner.waitForPosition(position),
    coalesceMs: deps.liveCoalesceMs ?? 25,
    audit: (principal, action, detail) => deps.audit.record(principal, action, detail),
  });
  app.addHook('onClose', async () => {
    await live.close();
  });

  docs.add({
    method: 'get',
    path: '/api/v1/openapi.json',
    summary: 'This OpenAPI document, generated from the zod contracts',
    tags: ['operations'],
    roles: 'public',
    responses: { 200: { description: 'OpenAPI 3.0 document' } },
  });
  let document: Record<string, unknown> | null = null;
  app.get('/api/v1/openapi.json', { config: { roles: 'public' } }, async () => {
    document ??= buildOpenApiDocument(docs, { version: deps.version });
    return document;
  });
  return { app, docs, live };
}
