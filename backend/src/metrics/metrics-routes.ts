import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { bearerToken } from '../auth/auth-plugin.js';
import { AuthError, type TokenVerifier } from '../auth/token-verifier.js';
import type { RouteDocs } from '../openapi/route-docs.js';
import type { NodeMetrics } from './node-metrics.js';

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * `GET /metrics` on the API port, never open: it needs `Authorization: Bearer <PKS_METRICS_TOKEN>` (what Prometheus
 * is given) or an admin's token. For a scrape without a token use the separate listener on an internal interface.
 */
export function registerMetricsRoute(app: FastifyInstance, options: { metrics: NodeMetrics; token: string | null; verifier: TokenVerifier | null; docs?: RouteDocs }): void {
  options.docs?.add({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics of this node (text format)',
    description:
      'Needs `Authorization: Bearer <PKS_METRICS_TOKEN>` or an admin token. Ingest rate, store position, projection lag, connected clients, push latency, leader status.',
    tags: ['operations'],
    roles: ['admin'],
    responses: { 200: { description: 'Prometheus text format 0.0.4', content: { 'text/plain': 'text' } }, 401: { description: 'no or wrong token' } },
  });
  app.get('/metrics', { config: { roles: 'public' } }, async (request, reply) => {
    const presented = bearerToken(request.headers.authorization);
    if (!presented) throw new AuthError('metrics need a bearer token: PKS_METRICS_TOKEN or an admin token');
    if (!(options.token !== null && sameSecret(presented, options.token))) {
      if (!options.verifier) throw new AuthError('wrong metrics token');
      const principal = await options.verifier.verify(presented);
      if (principal.role !== 'admin') throw new AuthError(`role '${principal.role}' may not read metrics`, 403);
    }
    const { contentType, body } = await options.metrics.render();
    return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
  });
}

/**
 * A separate metrics listener (PKS_METRICS_HOST:PKS_METRICS_PORT, default host 127.0.0.1): `GET /metrics` for a
 * Prometheus on an internal network. Open unless PKS_METRICS_TOKEN is set, then the token is required here too; bind
 * it only to an interface the public cannot reach.
 */
export async function startMetricsListener(options: { host: string; port: number; metrics: NodeMetrics; token: string | null }): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
      return;
    }
    if (options.token !== null) {
      const presented = bearerToken(request.headers.authorization);
      if (!presented || !sameSecret(presented, options.token)) {
        response.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' }).end('a bearer token (PKS_METRICS_TOKEN) is required\n');
        return;
      }
    }
    options.metrics.render().then(
      ({ contentType, body }) => response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${error instanceof Error ? error.message : String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
