import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestPlatform, type TestPlatform } from '@pks/backend';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type SigningKey = Parameters<SignJWT['sign']>[0];
import { organisation } from '../support/small-hospital.js';

/** Production mode: JWTs from an OIDC issuer, verified against its JWKS (here a local JWKS server). */
describe('OIDC mode', () => {
  let jwks: Server;
  let issuer = '';
  let p: TestPlatform;
  let sign: (claims: Record<string, unknown>, options?: { issuer?: string; expiresIn?: string; key?: SigningKey }) => Promise<string>;
  let otherKey: SigningKey;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    otherKey = (await generateKeyPair('RS256')).privateKey;
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = createServer((request, response) => {
      if (request.url === '/jwks.json') response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;
    sign = (claims, options = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject(String(claims.sub ?? 'user-1'))
        .setIssuer(options.issuer ?? issuer)
        .setAudience('pks-api')
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '10m')
        .sign(options.key ?? privateKey);
    p = await startTestPlatform({ auth: { mode: 'oidc', issuer, jwksUrl: `${issuer}/jwks.json`, audience: 'pks-api' } });
    const integration = await sign({ pks_role: 'integration', sub: 'feed' });
    expect((await p.post(organisation(), { token: integration })).status).toBe(200);
  });
  afterAll(async () => {
    await p.close();
    await new Promise((resolve) => jwks.close(resolve));
  });

  it('accepts the issuer’s tokens and maps role and scope claims', async () => {
    const token = await sign({ sub: 'anna', name: 'Anna', pks_role: 'manager', pks_units: ['B8-AVA'] });
    const me = await p.get('/api/v1/me', { token });
    expect(me.status).toBe(200);
    expect(me.body.principal).toEqual({ sub: 'anna', name: 'Anna', role: 'manager', units: ['B8-AVA'], pools: [], departments: [] });
    expect(me.body.units.map((u: any) => u.unitId)).toEqual(['B8-AVA']);
    const spaceSeparated = await sign({ pks_role: 'tactical', pks_departments: 'akut kirurgi' });
    expect((await p.get('/api/v1/me', { token: spaceSeparated })).body.principal.departments).toEqual(['akut', 'kirurgi']);
  });

  it('refuses tokens of another issuer, another key, expired ones, and tokens without a role', async () => {
    expect((await p.get('/api/v1/me', { token: await sign({ pks_role: 'admin' }, { issuer: 'http://evil.example' }) })).status).toBe(401);
    expect((await p.get('/api/v1/me', { token: await sign({ pks_role: 'admin' }, { key: otherKey }) })).status).toBe(401);
    expect((await p.get('/api/v1/me', { token: await sign({ pks_role: 'admin' }, { expiresIn: '-1m' }) })).status).toBe(401);
    const noRole = await p.get('/api/v1/me', { token: await sign({}) });
    expect(noRole.status).toBe(403);
    expect(noRole.body.message).toContain('role');
  });

  it('has no demo login, and sockets authenticate with the issuer’s tokens too', async () => {
    expect((await p.get('/api/v1/auth/demo-users', { token: null })).status).toBe(404);
    const token = await sign({ pks_role: 'manager', pks_units: ['B8-AVA'] });
    const socket = io(p.url, { path: '/socket.io', transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const ack = await new Promise<any>((resolve) => socket.emit('subscribe', { subscriptionId: 's', model: 'gap-list', params: { unitId: 'K1-KIR' } }, resolve));
      expect(ack).toMatchObject({ ok: false, status: 403 });
    } finally {
      socket.close();
    }
    const forged = io(p.url, { path: '/socket.io', transports: ['websocket'], auth: { token: await sign({ pks_role: 'admin' }, { key: otherKey }) }, reconnection: false, forceNew: true });
    await expect(
      new Promise((resolve, reject) => {
        forged.once('connect', () => resolve(undefined));
        forged.once('connect_error', reject);
      }),
    ).rejects.toThrow();
    forged.close();
  });
});
