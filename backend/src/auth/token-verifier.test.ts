import { describe, expect, it } from 'vitest';
import type { Principal } from '@pks/contracts';
import { embeddedTokenVerifier, issueEmbeddedToken, VerifiedTokenCache } from './token-verifier.js';

const secret = new TextEncoder().encode('a-test-secret-of-enough-length-1234567890');
const principal: Principal = { sub: 'm', role: 'manager', units: ['U1'], pools: [], departments: [] };

describe('verified-token cache', () => {
  it('remembers a token until its exp (at most maxAgeMs), never past it, and hands out copies', () => {
    let now = 1_000_000;
    const cache = new VerifiedTokenCache({ maxAgeMs: 60_000, maxEntries: 10 }, () => now);
    cache.set('t1', principal, { exp: (now + 30_000) / 1000 });
    const hit = cache.get('t1')!;
    expect(hit).toEqual(principal);
    hit.units.push('U2');
    expect(cache.get('t1')!.units).toEqual(['U1']);
    now += 29_999;
    expect(cache.get('t1')).not.toBeNull();
    now += 1;
    expect(cache.get('t1')).toBeNull();
    // a long-lived token is verified again after maxAgeMs
    cache.set('t2', principal, { exp: (now + 3_600_000) / 1000 });
    now += 60_000;
    expect(cache.get('t2')).toBeNull();
    // no exp, or already expired: not remembered
    cache.set('t3', principal, {});
    cache.set('t4', principal, { exp: now / 1000 - 1 });
    expect(cache.get('t3')).toBeNull();
    expect(cache.get('t4')).toBeNull();
  });

  it('is bounded (oldest dropped first)', () => {
    const cache = new VerifiedTokenCache({ maxAgeMs: 60_000, maxEntries: 2 }, () => 0);
    for (const t of ['a', 'b', 'c']) cache.set(t, principal, { exp: 100 });
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBeNull();
    expect(cache.get('c')).not.toBeNull();
  });

  it('the embedded verifier answers a repeated token from the cache, and still refuses forged and expired ones', async () => {
    const cache = new VerifiedTokenCache();
    const verifier = embeddedTokenVerifier(secret, cache);
    const token = await issueEmbeddedToken(secret, { sub: 'm', role: 'manager', units: ['U1'] });
    expect(await verifier.verify(token)).toMatchObject({ sub: 'm', role: 'manager', units: ['U1'] });
    expect(cache.size).toBe(1);
    expect(await verifier.verify(token)).toMatchObject({ sub: 'm', role: 'manager', units: ['U1'] });
    const [header, payload] = token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), role: 'admin' })).toString('base64url');
    await expect(verifier.verify(`${header}.${forgedPayload}.${token.split('.')[2]}`)).rejects.toThrow(/invalid token/);
    const other = await issueEmbeddedToken(new TextEncoder().encode('another-secret-of-enough-length-0987654321'), { sub: 'x', role: 'admin' });
    await expect(verifier.verify(other)).rejects.toThrow(/invalid token/);
    const expired = await issueEmbeddedToken(secret, { sub: 'm', role: 'manager', expiresIn: '-1s' });
    await expect(verifier.verify(expired)).rejects.toThrow(/invalid token/);
    expect(cache.size).toBe(1);
  });
});
