import { resolve } from 'node:path';

export interface PlatformConfig {
  dataDir: string;
  host: string;
  port: number;
  store: 'sqlite';
  auth: { mode: 'embedded' } | { mode: 'oidc'; issuer: string; jwksUrl: string; audience?: string };
  simulation: { enabled: boolean; scale: 'small' | 'medium' | 'large'; speed: number; seed: number };
  maxBodyBytes: number;
  maxEventsPerRequest: number;
  snapshotEveryMs: number;
  snapshotEveryEvents: number;
  logLevel: string;
  /** serve the built dashboard from this folder when present */
  frontendDir: string | null;
}

const num = (v: string | undefined, fallback: number) => (v === undefined || v === '' ? fallback : Number(v));

/** Configuration from the environment (PKS_*), overridable by CLI flags. Defaults: the embedded platform. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env, overrides: Partial<PlatformConfig> = {}): PlatformConfig {
  const authMode = env.PKS_AUTH_MODE ?? 'embedded';
  const auth: PlatformConfig['auth'] =
    authMode === 'oidc'
      ? {
          mode: 'oidc',
          issuer: required(env, 'PKS_OIDC_ISSUER'),
          jwksUrl: required(env, 'PKS_OIDC_JWKS_URL'),
          ...(env.PKS_OIDC_AUDIENCE && { audience: env.PKS_OIDC_AUDIENCE }),
        }
      : { mode: 'embedded' };
  const scale = env.PKS_SIMULATION_SCALE ?? 'small';
  if (scale !== 'small' && scale !== 'medium' && scale !== 'large') throw new Error(`PKS_SIMULATION_SCALE must be small, medium or large, not ${scale}`);
  return {
    dataDir: resolve(env.PKS_DATA_DIR ?? 'data'),
    host: env.PKS_HOST ?? '127.0.0.1',
    port: num(env.PKS_PORT, 3000),
    store: 'sqlite',
    auth,
    simulation: {
      enabled: (env.PKS_SIMULATION ?? 'on') !== 'off',
      scale,
      speed: num(env.PKS_SIMULATION_SPEED, 1),
      seed: num(env.PKS_SIMULATION_SEED, 42),
    },
    maxBodyBytes: num(env.PKS_MAX_BODY_MB, 64) * 1024 * 1024,
    maxEventsPerRequest: num(env.PKS_MAX_EVENTS_PER_REQUEST, 100_000),
    snapshotEveryMs: num(env.PKS_SNAPSHOT_EVERY_MS, 60_000),
    snapshotEveryEvents: num(env.PKS_SNAPSHOT_EVERY_EVENTS, 200_000),
    logLevel: env.PKS_LOG_LEVEL ?? 'info',
    frontendDir: env.PKS_FRONTEND_DIR ?? null,
    ...overrides,
  };
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (!v) throw new Error(`${name} is required when PKS_AUTH_MODE=oidc`);
  return v;
}

export const dataPaths = (dataDir: string) => ({
  events: resolve(dataDir, 'events.sqlite'),
  snapshots: resolve(dataDir, 'projections.sqlite'),
  secret: resolve(dataDir, 'auth', 'secret.key'),
  audit: resolve(dataDir, 'audit.sqlite'),
});
