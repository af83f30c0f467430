import type { FastifyInstance } from 'fastify';
import {
  AuditQuery,
  AuditResponse,
  DemoLoginRequest,
  DemoUsersResponse,
  LoginResponse,
  MeResponse,
  ROLES_SEEING_ABSENCE_REASONS,
} from '@pks/contracts';
import type { ReferenceCatalogState } from '@pks/projections';
import type { AuditLog } from '../audit/audit-log.js';
import { BodyError } from '../ingest/parse-ndjson.js';
import type { RouteDocs } from '../openapi/route-docs.js';
import type { ProjectionRunner } from '../projection-runner/projection-runner.js';
import { readableUnits } from '../queries/scope.js';
import { demoUsers } from './demo-users.js';
import { issueEmbeddedToken } from './token-verifier.js';

export interface AuthRouteOptions {
  docs: RouteDocs;
  runner: ProjectionRunner;
  audit: AuditLog;
  /** embedded mode only: the signing key for demo logins */
  embeddedSecret: Uint8Array | null;
}

const DEMO_TOKEN_TTL_HOURS = 12;

/** Demo login (embedded mode), `me`, and the admin's audit log. */
export async function authRoutes(app: FastifyInstance, options: AuthRouteOptions): Promise<void> {
  const catalog = () => options.runner.state<ReferenceCatalogState>('reference-catalog');
  const secret = options.embeddedSecret;

  if (secret) {
    options.docs.add({
      method: 'get',
      path: '/api/v1/auth/demo-users',
      summary: 'Demo users of the embedded mode (one per role and scope)',
      tags: ['auth'],
      roles: 'public',
      responses: { 200: { description: 'demo users', content: { 'application/json': DemoUsersResponse } } },
    });
    app.get('/api/v1/auth/demo-users', { config: { roles: 'public' } }, async () => ({ users: demoUsers(catalog()) }));

    options.docs.add({
      method: 'post',
      path: '/api/v1/auth/demo-login',
      summary: 'Log in as a demo user (embedded mode only): returns a bearer token',
      tags: ['auth'],
      roles: 'public',
      body: { content: { 'application/json': DemoLoginRequest } },
      responses: { 200: { description: 'a token', content: { 'application/json': LoginResponse } }, 404: { description: 'no such demo user' } },
    });
    app.post('/api/v1/auth/demo-login', { config: { roles: 'public' } }, async (request) => {
      const body = DemoLoginRequest.safeParse(request.body);
      if (!body.success) throw new BodyError('send { "userId": "<a demo user id>" }', 400);
      const user = demoUsers(catalog()).find((u) => u.id === body.data.userId);
      if (!user) throw new BodyError(`no demo user '${body.data.userId}'`, 404);
      const principal = { sub: user.id, name: user.name, role: user.role, units: user.units, pools: user.pools, departments: user.departments };
      const token = await issueEmbeddedToken(secret, { ...principal, expiresIn: `${DEMO_TOKEN_TTL_HOURS}h` });
      return { token, expiresAt: new Date(Date.now() + DEMO_TOKEN_TTL_HOURS * 3_600_000).toISOString(), principal };
    });
  }

  options.docs.add({
    method: 'get',
    path: '/api/v1/me',
    summary: 'The caller: role, scope and the units it may read',
    tags: ['auth'],
    roles: 'any',
    responses: { 200: { description: 'the principal and its scope', content: { 'application/json': MeResponse } } },
  });
  app.get('/api/v1/me', async (request) => {
    const principal = request.principal!;
    const units = readableUnits(principal, catalog());
    const departments = new Map<string, string | null>();
    for (const u of units) departments.set(u.departmentId, u.departmentName);
    return {
      principal,
      units: units.map((u) => ({ unitId: u.unitId, name: u.name, departmentId: u.departmentId, departmentName: u.departmentName, poolId: u.poolId, kind: u.kind })),
      departments: [...departments].map(([departmentId, name]) => ({ departmentId, name })),
      pools: [...new Set(units.map((u) => u.poolId).filter((p): p is string => p !== null))].filter((p) => principal.role === 'admin' || principal.pools.includes(p)),
      canSeeAbsenceReasons: ROLES_SEEING_ABSENCE_REASONS.includes(principal.role),
      position: options.runner.position,
    };
  });

  options.docs.add({
    method: 'get',
    path: '/api/v1/audit',
    summary: 'Audit log of person-level reads (admin)',
    tags: ['auth'],
    roles: ['admin'],
    query: AuditQuery,
    responses: { 200: { description: 'newest first', content: { 'application/json': AuditResponse } } },
  });
  app.get('/api/v1/audit', { config: { roles: ['admin'] } }, async (request) => {
    const q = AuditQuery.parse(request.query);
    return {
      entries: await options.audit.query({
        ...(q.from && { from: q.from }),
        ...(q.to && { to: q.to }),
        ...(q.sub && { sub: q.sub }),
        ...(q.action && { action: q.action }),
        limit: q.limit,
      }),
    };
  });
}
