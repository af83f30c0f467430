import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { alertingFromEnv, workingTimeFromEnv, type AlertingConfig, type WorkingTimeConfig } from '../alerts/alerting-config.js';

export interface PlatformConfig {
  dataDir: string;
  host: string;
  port: number;
  /** PKS_STORE: the event store (default sqlite in the data directory) */
  store: 'sqlite' | 'postgres' | 'kurrentdb';
  /** PKS_STORE_URL: required for postgres and kurrentdb; for sqlite it replaces data/events.sqlite */
  storeUrl: string | null;
  /** PKS_STORE_SCHEMA: the PostgreSQL schema (default pks) */
  storeSchema: string | null;
  /** PKS_BUS: in-process (default, one node) or nats (several nodes) */
  bus: 'in-process' | 'nats';
  /** PKS_NATS_URL: one server or a comma-separated cluster list */
  natsUrl: string;
  /** PKS_NATS_SUBJECT_PREFIX: prepended to every bus subject (several installations on one NATS); default none */
  natsSubjectPrefix: string;
  /** PKS_NATS_STREAM_REPLICAS: replicas of the durable (JetStream) stream in a NATS cluster, default 1 */
  natsStreamReplicas: number;
  /** PKS_NODE_ID: this node's name in health, metrics and connection names (default host-pid) */
  nodeId: string;
  /** PKS_AUTH_SECRET_FILE: the embedded signing key, shared by every node (default data/auth/secret.key) */
  authSecretFile: string | null;
  /** PKS_METRICS_TOKEN (or PKS_METRICS_TOKEN_FILE): bearer token for GET /metrics (admins' tokens work too); PKS_METRICS_HOST/PORT: a separate listener */
  metrics: { token: string | null; host: string; port: number | null };
  auth: { mode: 'embedded' } | { mode: 'oidc'; issuer: string; jwksUrl: string; audience?: string };
  simulation: { enabled: boolean; scale: 'tiny' | 'small' | 'medium' | 'large'; speed: number; seed: number; historyDays: number };
  maxBodyBytes: number;
  maxEventsPerRequest: number;
  snapshotEveryMs: number;
  snapshotEveryEvents: number;
  logLevel: string;
  /** serve the built dashboard from this folder when present */
  frontendDir: string | null;
  /** alert engine, outbox and webhook timings (PKS_ALERTS, PKS_ALERT_*, PKS_WEBHOOK_*; see alerts/alerting-config.ts); unset = defaults */
  alerting?: Partial<AlertingConfig>;
  /** working-time rules of staffing commands (PKS_DAILY_REST_HOURS, PKS_WEEKLY_CAP_HOURS); unset = 11 h and 48 h */
  workingTime?: Partial<WorkingTimeConfig>;
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
  if (scale !== 'tiny' && scale !== 'small' && scale !== 'medium' && scale !== 'large') throw new Error(`PKS_SIMULATION_SCALE must be tiny, small, medium or large, not ${scale}`);
  return {
    dataDir: resolve(env.PKS_DATA_DIR ?? 'data'),
    host: env.PKS_HOST ?? '127.0.0.1',
    port: num(env.PKS_PORT, 3000),
    store: storeKind(env.PKS_STORE),
    storeUrl: env.PKS_STORE_URL || null,
    storeSchema: env.PKS_STORE_SCHEMA || null,
    bus: busKind(env.PKS_BUS),
    natsUrl: env.PKS_NATS_URL || 'nats://127.0.0.1:4222',
    natsSubjectPrefix: env.PKS_NATS_SUBJECT_PREFIX ?? '',
    natsStreamReplicas: num(env.PKS_NATS_STREAM_REPLICAS, 1),
    nodeId: env.PKS_NODE_ID || `${hostname()}-${process.pid}`,
    authSecretFile: env.PKS_AUTH_SECRET_FILE ? resolve(env.PKS_AUTH_SECRET_FILE) : null,
    metrics: {
      token: env.PKS_METRICS_TOKEN || (env.PKS_METRICS_TOKEN_FILE ? readFileSync(env.PKS_METRICS_TOKEN_FILE, 'utf8').trim() || null : null),
      host: env.PKS_METRICS_HOST || '127.0.0.1',
      port: env.PKS_METRICS_PORT ? Number(env.PKS_METRICS_PORT) : null,
    },
    auth,
    simulation: {
      enabled: (env.PKS_SIMULATION ?? 'on') !== 'off',
      scale,
      speed: num(env.PKS_SIMULATION_SPEED, 1),
      seed: num(env.PKS_SIMULATION_SEED, 42),
      historyDays: num(env.PKS_SIMULATION_HISTORY_DAYS, 14),
    },
    maxBodyBytes: num(env.PKS_MAX_BODY_MB, 64) * 1024 * 1024,
    maxEventsPerRequest: num(env.PKS_MAX_EVENTS_PER_REQUEST, 100_000),
    snapshotEveryMs: num(env.PKS_SNAPSHOT_EVERY_MS, 60_000),
    snapshotEveryEvents: num(env.PKS_SNAPSHOT_EVERY_EVENTS, 200_000),
    logLevel: env.PKS_LOG_LEVEL ?? 'warn',
    frontendDir: env.PKS_FRONTEND_DIR ?? null,
    alerting: alertingFromEnv(env),
    workingTime: workingTimeFromEnv(env),
    ...overrides,
  };
}

function storeKind(value: string | undefined): PlatformConfig['store'] {
  const kind = value || 'sqlite';
  if (kind !== 'sqlite' && kind !== 'postgres' && kind !== 'kurrentdb') throw new Error(`PKS_STORE must be sqlite, postgres or kurrentdb, not '${kind}'`);
  return kind;
}

function busKind(value: string | undefined): PlatformConfig['bus'] {
  const kind = value || 'in-process';
  if (kind !== 'in-process' && kind !== 'nats') throw new Error(`PKS_BUS must be in-process or nats, not '${kind}'`);
  return kind;
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
