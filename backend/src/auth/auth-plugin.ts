import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal, Role } from '@pks/contracts';
import { AuthError, type TokenVerifier } from './token-verifier.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** roles allowed on this route; absent = any authenticated principal; 'public' = no token needed */
    roles?: readonly Role[] | 'public';
  }
}

export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m ? m[1]! : null;
}

/**
 * Every route needs a bearer token unless its config says `roles: 'public'`; routes with a role list admit only
 * those roles. Runs on every request before the body is read, so an unauthenticated request stores nothing.
 */
export function registerAuth(app: FastifyInstance, verifier: TokenVerifier): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const roles = request.routeOptions.config?.roles;
    if (roles === 'public') return;
    if (request.routeOptions.url === undefined) return; // 404s fall through to the not-found handler
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new AuthError('a bearer token is required (Authorization: Bearer <token>); in embedded mode get one with `npm run pks -- token --role integration`');
    const principal = await verifier.verify(token);
    if (roles && !roles.includes(principal.role)) {
      throw new AuthError(`role '${principal.role}' may not use ${request.method} ${request.routeOptions.url}; allowed: ${roles.join(', ')}`, 403);
    }
    request.principal = principal;
  });
}
