import { resolve } from 'node:path';
import { DEFAULT_DAILY_REST_HOURS, DEFAULT_WEEKLY_CAP_HOURS } from '@pks/contracts';

/** Timings of the alert engine, the alert outbox and webhook delivery, and the working-time rules of staffing commands. */
export interface AlertingConfig {
  /** PKS_ALERTS=off: no alert engine, outbox or webhook delivery on this node (the routes stay) */
  enabled: boolean;
  /** PKS_ALERT_TICK_MS: clock tick for time windows that open without events, and for escalation (default 60 s) */
  tickMs: number;
  /** PKS_ALERT_PLAN_DEBOUNCE_MS: week/month rules of units whose data changed are evaluated at most this often (default 2 s) */
  planDebounceMs: number;
  /** PKS_ALERT_PLAN_SWEEP_MS: every unit's week/month rules are evaluated this often (weeks and months roll over; default 10 min) */
  planSweepMs: number;
  /** PKS_WEBHOOK_POLL_MS: how often due webhook deliveries are looked for (default 1 s) */
  webhookPollMs: number;
  /** PKS_WEBHOOK_RETRY_BASE_MS: the first retry waits this long, each next one twice as long (default 2 s) */
  webhookBaseDelayMs: number;
  /** PKS_WEBHOOK_RETRY_MAX_MS: the longest wait between attempts (default 1 h) */
  webhookMaxDelayMs: number;
  /** PKS_WEBHOOK_MAX_ATTEMPTS: attempts before a delivery is given up as failed (default 12: about 2.3 h with the defaults) */
  webhookMaxAttempts: number;
  /** PKS_WEBHOOK_TIMEOUT_MS: one attempt's time limit (default 10 s) */
  webhookTimeoutMs: number;
}

export interface WorkingTimeConfig {
  /** PKS_DAILY_REST_HOURS: least rest between two assignments (default 11 h) */
  dailyRestHours: number;
  /** PKS_WEEKLY_CAP_HOURS: most assigned hours in an ISO week (default 48 h) */
  weeklyCapHours: number;
}

export const DEFAULT_ALERTING: AlertingConfig = {
  enabled: true,
  tickMs: 60_000,
  planDebounceMs: 2_000,
  planSweepMs: 600_000,
  webhookPollMs: 1_000,
  webhookBaseDelayMs: 2_000,
  webhookMaxDelayMs: 3_600_000,
  webhookMaxAttempts: 12,
  webhookTimeoutMs: 10_000,
};

export const DEFAULT_WORKING_TIME_CONFIG: WorkingTimeConfig = { dailyRestHours: DEFAULT_DAILY_REST_HOURS, weeklyCapHours: DEFAULT_WEEKLY_CAP_HOURS };

const num = (v: string | undefined) => (v === undefined || v === '' || Number.isNaN(Number(v)) ? undefined : Number(v));

function defined<T extends object>(o: { [K in keyof T]?: T[K] | undefined }): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The settings the environment gives (only those set). */
export function alertingFromEnv(env: NodeJS.ProcessEnv): Partial<AlertingConfig> {
  return defined<AlertingConfig>({
    enabled: env.PKS_ALERTS === undefined || env.PKS_ALERTS === '' ? undefined : env.PKS_ALERTS !== 'off',
    tickMs: num(env.PKS_ALERT_TICK_MS),
    planDebounceMs: num(env.PKS_ALERT_PLAN_DEBOUNCE_MS),
    planSweepMs: num(env.PKS_ALERT_PLAN_SWEEP_MS),
    webhookPollMs: num(env.PKS_WEBHOOK_POLL_MS),
    webhookBaseDelayMs: num(env.PKS_WEBHOOK_RETRY_BASE_MS),
    webhookMaxDelayMs: num(env.PKS_WEBHOOK_RETRY_MAX_MS),
    webhookMaxAttempts: num(env.PKS_WEBHOOK_MAX_ATTEMPTS),
    webhookTimeoutMs: num(env.PKS_WEBHOOK_TIMEOUT_MS),
  });
}

export function workingTimeFromEnv(env: NodeJS.ProcessEnv): Partial<WorkingTimeConfig> {
  return defined<WorkingTimeConfig>({ dailyRestHours: num(env.PKS_DAILY_REST_HOURS), weeklyCapHours: num(env.PKS_WEEKLY_CAP_HOURS) });
}

/** Where webhook subscribers and their delivery queue live: `<data dir>/webhooks.sqlite`. */
export const webhookDbPath = (dataDir: string) => resolve(dataDir, 'webhooks.sqlite');
