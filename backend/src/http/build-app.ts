import Fastify, { type FastifyInstance } from 'fastify';
import { registerAuth } from '../auth/auth-plugin.js';
import type { TokenVerifier } from '../auth/token-verifier.js';
import type { Bus } from '../bus/bus.js';
import type { EventStore } from '../event-store/event-store.js';
import { healthRoutes } from '../health/health-routes.js';
import { ingestRoutes } from '../ingest/ingest-routes.js';
import type { IngestService } from '../ingest/ingest-service.js';
import { buildOpenApiDocument } from '../openapi/openapi-document.js';
import { RouteDocs } from '../openapi/route-docs.js';
import type { ProjectionRunner } from '../projection-runner/projection-runner.js';
import { registerErrorHandler } from './error-handler.js';

export interface AppDependencies {
  store: EventStore;
  runner: ProjectionRunner;
  bus: Bus;
  ingest: IngestService;
  verifier: TokenVerifier;
  version: string;
  maxBodyBytes: number;
  maxEventsPerRequest: number;
  logger?: boolean | { level: string };
}

/** The fastify app: one encapsulated plugin per area, every route behind a bearer token unless marked public. */
export async function buildApp(deps: AppDependencies): Promise<{ app: FastifyInstance; docs: RouteDocs }> {
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: deps.maxBodyBytes,
    forceCloseConnections: true,
  });
  const docs = new RouteDocs();
  registerErrorHandler(app);
  registerAuth(app, deps.verifier);

  await app.register(healthRoutes, { store: deps.store, runner: deps.runner, bus: deps.bus, docs, version: deps.version });
  await app.register(ingestRoutes, { service: deps.ingest, docs, maxBodyBytes: deps.maxBodyBytes, maxEventsPerRequest: deps.maxEventsPerRequest });

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
  return { app, docs };
}
