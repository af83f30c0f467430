import Fastify from 'fastify';
import { z } from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '@pks/contracts';
import { AuthError } from '../auth/token-verifier.js';
import { RouteDocs } from '../openapi/route-docs.js';
import type { ProjectionRunner } from '../projection-runner/projection-runner.js';
import { AnswerCache, registerReadModelRoute, type ReadModelRoute } from './read-model-route.js';

/** The cache of serialised answers: hits per (route, key, position), scope checks and audit on every request. */
describe('read-model route with cached answers', () => {
  const apps: ReturnType<typeof Fastify>[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  async function setup(cache = new AnswerCache()) {
    const runner = { position: 10, waitForPosition: async () => true } as unknown as ProjectionRunner & { position: number };
    const computed: string[] = [];
    const served: string[] = [];
    const route: ReadModelRoute<{ unitId: string }> = {
      path: '/thing',
      summary: 's',
      description: 'd',
      params: z.object({ unitId: z.string() }),
      response: z.unknown(),
      csvName: 'thing',
      handle: () => {
        throw new Error('not used for JSON');
      },
      cached(principal, params, now) {
        if (principal.role === 'manager' && !principal.units.includes(params.unitId)) throw new AuthError(`unit ${params.unitId} is outside your scope`, 403);
        const reasons = principal.role !== 'tactical';
        return {
          key: JSON.stringify([params.unitId, reasons]),
          compute: () => {
            computed.push(`${params.unitId}@${runner.position}`);
            return { answer: { asOf: now, unitId: params.unitId, reason: reasons ? 'sick' : null, rows: [{ at: runner.position }] }, facts: { people: 1 } };
          },
          served: (facts: { people: number }) => served.push(`${principal.sub}:${facts.people}`),
        };
      },
    };
    const app = Fastify();
    apps.push(app);
    let principal: Principal = { sub: 'a', role: 'admin', units: [], pools: [], departments: [] };
    app.decorateRequest('principal', null);
    app.addHook('onRequest', async (request) => {
      request.principal = principal;
    });
    app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => reply.status(error.statusCode ?? 500).send({ message: error.message }));
    registerReadModelRoute(app, new RouteDocs(), runner, route, cache);
    const get = async (url: string, as?: Principal) => {
      if (as) principal = as;
      const response = await app.inject({ method: 'GET', url });
      return { status: response.statusCode, body: response.json() as Record<string, unknown>, type: response.headers['content-type'] };
    };
    return { runner, computed, served, get };
  }

  it('computes once per key and position, assembles position and a fresh asOf, runs served on every request', async () => {
    const { runner, computed, served, get } = await setup();
    const first = await get('/thing?unitId=U1');
    const second = await get('/thing?unitId=U1');
    expect(first.status).toBe(200);
    expect(second.type).toContain('application/json');
    expect(Object.keys(second.body)).toEqual(['position', 'asOf', 'unitId', 'reason', 'rows']);
    expect(second.body).toMatchObject({ position: 10, unitId: 'U1', reason: 'sick', rows: [{ at: 10 }] });
    expect(computed).toEqual(['U1@10']);
    expect(served).toEqual(['a:1', 'a:1']);
    // a change: the position moves, the answer is computed again
    runner.position = 11;
    expect((await get('/thing?unitId=U1')).body).toMatchObject({ position: 11, rows: [{ at: 11 }] });
    expect(computed).toEqual(['U1@10', 'U1@11']);
  });

  it('keeps scopes and presentations apart and checks scope before the cache', async () => {
    const { computed, served, get } = await setup();
    expect((await get('/thing?unitId=U2')).body.reason).toBe('sick');
    const tactical: Principal = { sub: 't', role: 'tactical', units: [], pools: [], departments: [] };
    expect((await get('/thing?unitId=U2', tactical)).body.reason).toBeNull();
    const manager: Principal = { sub: 'm', role: 'manager', units: ['U1'], pools: [], departments: [] };
    expect((await get('/thing?unitId=U2', manager)).status).toBe(403);
    expect(computed).toEqual(['U2@10', 'U2@10']);
    expect(served).toEqual(['a:1', 't:1']);
  });

  it('is bounded by entries and bytes, oldest dropped first', () => {
    const cache = new AnswerCache({ maxEntries: 2, maxBytes: 10 });
    cache.set('a', 1, { body: Buffer.from('{"a":1}'), facts: null });
    cache.set('b', 1, { body: Buffer.from('{}'), facts: null });
    expect(cache.get('a', 1)).toBeDefined();
    cache.set('c', 1, { body: Buffer.from('{}'), facts: null });
    expect(cache.get('b', 1)).toBeUndefined();
    expect(cache.get('a', 1)).toBeDefined();
    cache.set('d', 1, { body: Buffer.from('{"dd":12345}'), facts: null });
    expect(cache.get('d', 1)).toBeUndefined();
    expect(cache.get('a', 2)).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
