import type { FastifyInstance } from 'fastify';
import { HealthResponse } from '@pks/contracts';
import type { Bus } from '../bus/bus.js';
import type { EventStore } from '../event-store/event-store.js';
import type { ProjectionRunner } from '../projection-runner/projection-runner.js';
import type { RouteDocs } from '../openapi/route-docs.js';

export interface HealthOptions {
  store: EventStore;
  runner: ProjectionRunner;
  bus: Bus & { state?: () => string };
  docs: RouteDocs;
  version: string;
  /** lag above which health says degraded */
  maxHealthyLag?: number;
  /** this node's id and role (multi-node) */
  node?: () => NonNullable<HealthResponse['node']>;
}

const started = Date.now();

/** `GET /api/v1/health`: public (load balancers), no personal data: store position and each projection's lag. */
export async function healthRoutes(app: FastifyInstance, options: HealthOptions): Promise<void> {
  options.docs.add({
    method: 'get',
    path: '/api/v1/health',
    summary: 'Health: store position, each projection’s lag, bus state',
    description: 'Public (for load balancers and probes); holds no personal data. 200 when ok, 503 when degraded.',
    tags: ['operations'],
    roles: 'public',
    responses: { 200: { description: 'ok', content: { 'application/json': HealthResponse } }, 503: { description: 'degraded', content: { 'application/json': HealthResponse } } },
  });
  app.get('/api/v1/health', { config: { roles: 'public' } }, async (_request, reply) => {
    const head = await options.store.headPosition();
    const projections = options.runner.statuses().map((p) => ({ ...p, lag: Math.max(0, head - p.position) }));
    const maxLag = options.maxHealthyLag ?? 100_000;
    const degraded = options.runner.failed !== null || projections.some((p) => p.lag > maxLag && !options.runner.catchingUp);
    const body: HealthResponse = {
      status: degraded ? 'degraded' : 'ok',
      version: options.version,
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
      store: { kind: options.store.kind, position: head },
      bus: { kind: options.bus.kind, state: options.bus.state?.() ?? 'connected' },
      projections,
      lastEventAt: options.runner.lastEvent.recordedAt,
      catchingUp: options.runner.catchingUp,
      ...(options.node && { node: options.node() }),
    };
    reply.code(degraded ? 503 : 200);
    return body;
  });
}
