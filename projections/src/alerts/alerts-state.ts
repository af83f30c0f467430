import type {
  AlertAudience,
  AlertHistoryEntry,
  AlertQuantity,
  AlertResolution,
  AlertResolutionReason,
  AlertRule,
  AlertRulesConfig,
  AlertRulesOverrides,
  AlertSeverity,
  AlertStatus,
  AlertWindow,
  Role,
} from '@pks/contracts';
import { resolveAlertRules } from '@pks/contracts';

/** One alert (all its occurrences): the current occurrence's lifecycle and the history of every occurrence. */
export interface AlertRecord {
  alertId: string;
  rule: AlertRule;
  unitId: string;
  departmentId: string;
  window: AlertWindow;
  windowKey: string;
  observed: number;
  expected: number;
  quantity: AlertQuantity;
  severity: AlertSeverity;
  audience: AlertAudience[];
  escalation: AlertAudience[];
  escalateAfterMinutes: number | null;
  message: string;
  detail: Record<string, number | null>;
  occurrence: number;
  status: AlertStatus;
  raisedAt: string;
  raisedMs: number;
  updatedAt: string;
  acknowledgedAt: string | null;
  owner: string | null;
  ownerName: string | null;
  ownerRole: Role | null;
  acknowledgeNote: string | null;
  escalatedAt: string | null;
  /** when the alert was raised or last escalated: the next escalation counts from here */
  lastEscalationMs: number;
  resolvedAt: string | null;
  resolvedMs: number | null;
  resolution: AlertResolution | null;
  resolutionReason: AlertResolutionReason | null;
  resolvedBy: string | null;
  resolveNote: string | null;
  resolvedObserved: number | null;
  resolveMessage: string | null;
  history: AlertHistoryEntry[];
  position: number;
  revision: number;
}

export interface AlertRulesState {
  organisation: AlertRulesOverrides | null;
  units: Map<string, AlertRulesOverrides>;
}

/**
 * State of the `alerts` projection: every alert of the last `ALERT_RETENTION_DAYS` (resolved ones older than that
 * leave the state but keep a tombstone with their stream revision and occurrence, so the same alert can be raised
 * again), indexes, and the alert-rule configuration.
 */
export interface AlertsState {
  alerts: Map<string, AlertRecord>;
  /** unitId → alert ids */
  byUnit: Map<string, Set<string>>;
  /** alerts raised or acknowledged */
  active: Set<string>;
  /** pruned alerts: alertId → [stream revision, last occurrence] */
  tombstones: Map<string, [number, number]>;
  config: AlertRulesState;
  /** newest recordedAt of an alert event, ms */
  clockMs: number;
  lastPruneMs: number;
}

export const ALERT_RETENTION_DAYS = 90;

export function initialAlertsState(): AlertsState {
  return {
    alerts: new Map(),
    byUnit: new Map(),
    active: new Set(),
    tombstones: new Map(),
    config: { organisation: null, units: new Map() },
    clockMs: 0,
    lastPruneMs: 0,
  };
}

/** The rules that apply to a unit: built-in defaults ← organisation ← unit. */
export function alertRulesFor(state: AlertsState, unitId: string | null): AlertRulesConfig {
  const organisation = state.config.organisation;
  const unit = unitId === null ? undefined : state.config.units.get(unitId);
  // layers are replaced whole when configured, never changed in place: the answer is remembered per pair of layers
  const key: object = unit ?? organisation ?? NO_OVERRIDES;
  const cached = resolvedRules.get(key);
  if (cached && cached.organisation === organisation && cached.unit === unit) return cached.config;
  const config = deepFreeze(resolveAlertRules(organisation, unit));
  resolvedRules.set(key, { organisation, unit, config });
  return config;
}

const NO_OVERRIDES = {};
const resolvedRules = new WeakMap<object, { organisation: AlertRulesOverrides | null; unit: AlertRulesOverrides | undefined; config: AlertRulesConfig }>();

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The highest level of an audience along an escalation ladder. */
export function alertLevel(audience: readonly AlertAudience[], escalation: readonly AlertAudience[]): AlertAudience {
  let best = -1;
  let level: AlertAudience = audience[0] ?? 'manager';
  for (const a of audience) {
    const i = escalation.indexOf(a);
    if (i > best) {
      best = i;
      level = a;
    }
  }
  return level;
}

/** The level an unacknowledged alert escalates to next, or null at the top of its ladder. */
export function nextEscalationLevel(record: Pick<AlertRecord, 'audience' | 'escalation'>): AlertAudience | null {
  let top = -1;
  for (const a of record.audience) top = Math.max(top, record.escalation.indexOf(a));
  for (let i = top + 1; i < record.escalation.length; i += 1) {
    const candidate = record.escalation[i]!;
    if (!record.audience.includes(candidate)) return candidate;
  }
  return null;
}
