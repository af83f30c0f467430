import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The built dashboard (frontend/dist) in embedded mode; index.html for every non-API path (client routing). */
export async function staticFrontend(app: FastifyInstance, options: { dir?: string | null }): Promise<void> {
  const dir = options.dir ?? fileURLToPath(new URL('../../../frontend/dist/', import.meta.url));
  if (!existsSync(`${dir}/index.html`)) {
    app.get('/', { config: { roles: 'public' } }, async (_request, reply) =>
      reply.type('text/plain; charset=utf-8').send('The dashboard is not built: run `npm run build` (npm start does). The API is under /api/v1.'),
    );
    return;
  }
  // the dashboard's own files need no token (the API behind them does); this plugin is encapsulated, so the hook
  // marks only the static routes registered below as public
  app.addHook('onRoute', (route) => {
    route.config = { ...(route.config ?? {}), roles: 'public' };
  });
  await app.register(fastifyStatic, { root: dir, prefix: '/', wildcard: false, index: 'index.html', cacheControl: true, maxAge: '1h' });
  app.get('/*', { config: { roles: 'public' } }, async (request, reply) => {
    if (request.url.startsWith('/api/') || request.url.startsWith('/socket.io')) {
      return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no route GET ${request.url}` });
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
