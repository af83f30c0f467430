import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { Principal, type Role } from '@pks/contracts';

export interface TokenVerifier {
  readonly mode: 'embedded' | 'oidc';
  /** the principal of a valid token; throws with a readable message otherwise */
  verify(token: string): Promise<Principal>;
}

export class AuthError extends Error {
  constructor(message: string, readonly statusCode = 401) {
    super(message);
    this.name = 'AuthError';
  }
}

const EMBEDDED_ISSUER = 'pks-embedded';
const AUDIENCE = 'pks';

function principalFrom(payload: JWTPayload, claims: { role: string; units: string; pools: string; departments: string; name: string }): Principal {
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v !== '' ? v.split(/[ ,]+/) : []);
  const parsed = Principal.safeParse({
    sub: payload.sub,
    name: typeof payload[claims.name] === 'string' ? payload[claims.name] : undefined,
    role: payload[claims.role],
    units: list(payload[claims.units]),
    pools: list(payload[claims.pools]),
    departments: list(payload[claims.departments]),
  });
  if (!parsed.success) throw new AuthError(`the token carries no valid role or subject (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`, 403);
  return parsed.data;
}

/** The embedded-mode signing key, made on first use in the data directory (mode 0600). */
export function loadOrCreateEmbeddedSecret(path: string): Uint8Array {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, randomBytes(32).toString('base64url'), { mode: 0o600 });
    chmodSync(path, 0o600);
  }
  return new TextEncoder().encode(readFileSync(path, 'utf8').trim());
}

const EMBEDDED_CLAIMS = { role: 'role', units: 'units', pools: 'pools', departments: 'departments', name: 'name' };

/** How long a verified token is remembered at most (it is never used past its `exp`), and how many are. */
export const VERIFIED_TOKEN_CACHE = { maxAgeMs: 5 * 60_000, maxEntries: 10_000 };

/**
 * Remembers verified tokens (the full compact JWT, signature included, is the key) with their principal until the
 * token expires (at most `maxAgeMs`), bounded to `maxEntries` (oldest dropped first). Only successful
 * verifications of tokens with an `exp` are remembered; a token is re-verified once its entry is too old, and never
 * accepted at or after its `exp`. Each hit gets its own copy of the principal.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, { principal: Principal; until: number }>();

  constructor(private readonly options: { maxAgeMs: number; maxEntries: number } = VERIFIED_TOKEN_CACHE, private readonly clock: () => number = Date.now) {}

  get size(): number {
    return this.entries.size;
  }

  get(token: string): Principal | null {
    const entry = this.entries.get(token);
    if (!entry) return null;
    if (this.clock() >= entry.until) {
      this.entries.delete(token);
      return null;
    }
    return copyPrincipal(entry.principal);
  }

  set(token: string, principal: Principal, payload: JWTPayload): void {
    if (typeof payload.exp !== 'number' || this.options.maxEntries <= 0) return;
    const now = this.clock();
    const until = Math.min(payload.exp * 1000, now + this.options.maxAgeMs);
    if (until <= now) return;
    if (this.entries.size >= this.options.maxEntries) {
      for (const [key, entry] of this.entries) {
        if (entry.until <= now) this.entries.delete(key);
      }
      while (this.entries.size >= this.options.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(token, { principal: copyPrincipal(principal), until });
  }
}

const copyPrincipal = (p: Principal): Principal => ({ ...p, units: [...p.units], pools: [...p.pools], departments: [...p.departments] });

/** Embedded mode: HS256 tokens signed with the data directory's secret (`pks token`, the demo login). */
export function embeddedTokenVerifier(secret: Uint8Array, cache: VerifiedTokenCache = new VerifiedTokenCache()): TokenVerifier {
  return {
    mode: 'embedded',
    async verify(token) {
      const cached = cache.get(token);
      if (cached) return cached;
      try {
        const { payload } = await jwtVerify(token, secret, { issuer: EMBEDDED_ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
        const principal = principalFrom(payload, EMBEDDED_CLAIMS);
        cache.set(token, principal, payload);
        return principal;
      } catch (error) {
        if (error instanceof AuthError) throw error;
        throw new AuthError(`invalid token: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  };
}

export interface OidcOptions {
  issuer: string;
  jwksUrl: string;
  audience?: string;
  /** claim names carrying role and scopes, default pks_role, pks_units, pks_pools, pks_departments */
  claims?: Partial<typeof EMBEDDED_CLAIMS>;
}

/** Production mode: JWTs from an OIDC issuer, verified against its JWKS (keys cached and refreshed by jose). */
export function oidcTokenVerifier(options: OidcOptions, cache: VerifiedTokenCache = new VerifiedTokenCache()): TokenVerifier {
  const jwks = createRemoteJWKSet(new URL(options.jwksUrl));
  const claims = { role: 'pks_role', units: 'pks_units', pools: 'pks_pools', departments: 'pks_departments', name: 'name', ...options.claims };
  return {
    mode: 'oidc',
    async verify(token) {
      const cached = cache.get(token);
      if (cached) return cached;
      try {
        const { payload } = await jwtVerify(token, jwks, { issuer: options.issuer, ...(options.audience && { audience: options.audience }) });
        const principal = principalFrom(payload, claims);
        cache.set(token, principal, payload);
        return principal;
      } catch (error) {
        if (error instanceof AuthError) throw error;
        throw new AuthError(`invalid token: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  };
}

export interface TokenRequest {
  sub: string;
  role: Role;
  name?: string;
  units?: string[];
  pools?: string[];
  departments?: string[];
  /** lifetime, e.g. '12h', '30d' */
  expiresIn?: string;
}

/** Issues an embedded-mode token. */
export async function issueEmbeddedToken(secret: Uint8Array, request: TokenRequest): Promise<string> {
  return new SignJWT({
    role: request.role,
    ...(request.name && { name: request.name }),
    units: request.units ?? [],
    pools: request.pools ?? [],
    departments: request.departments ?? [],
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(request.sub)
    .setIssuer(EMBEDDED_ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(request.expiresIn ?? '12h')
    .sign(secret);
}
