import { z } from 'zod';
import { Role } from '../api/auth.js';
import { CompetenceCode, EntityId, IsoWeek, LocalDate, Month, SlotCode } from '../primitives/scalars.js';
import { AbsenceKind } from './enums.js';

/**
 * Deviation alerts (DOMAIN.md §4): the rules, their configuration and the alert lifecycle, all as events in the log.
 * `AlertRulesConfigured` is appended by the admin API; the lifecycle events by the alert engine and by the
 * acknowledge/resolve commands. None of them is accepted from sources on the ingest API.
 */

// ---------------------------------------------------------------------------------------------------------------
// Rules, audiences, severities
// ---------------------------------------------------------------------------------------------------------------

export const ALERT_RULES = [
  'below-minimum-soon',
  'below-target-horizon',
  'absence-gap',
  'schedule-below-plan',
  'outcome-off-plan',
  'systematic-forecast-error',
  'overtime-above-limit',
  'agency-above-limit',
] as const;
export const AlertRule = z.enum(ALERT_RULES).describe(
  'below-minimum-soon: a slot below its minimum within the next N hours; below-target-horizon: a slot below target within the schedule horizon; ' +
    'absence-gap: a short-notice absence (sick call) leaves a slot below target; schedule-below-plan: scheduled hours below plan × target ratio in one of the next weeks; ' +
    'outcome-off-plan: outcome off plan beyond a tolerance in a completed month; systematic-forecast-error: the rolling 12-month forecast error keeps one sign; ' +
    'overtime-above-limit / agency-above-limit: overtime or agency hours of a unit above a limit per month',
);
export type AlertRule = z.infer<typeof AlertRule>;

/** Who hears of an alert; also the escalation levels, lowest first by default. */
export const AlertAudience = z.enum(['manager', 'staffing-centre', 'tactical']);
export type AlertAudience = z.infer<typeof AlertAudience>;
export const ALERT_AUDIENCES = AlertAudience.options;

export const AlertSeverity = z.enum(['critical', 'high', 'medium', 'low']);
export type AlertSeverity = z.infer<typeof AlertSeverity>;

/** What `observed` and `expected` count. */
export const AlertQuantity = z.enum(['persons', 'hours', 'volume', 'tracking-signal']);
export type AlertQuantity = z.infer<typeof AlertQuantity>;

// ---------------------------------------------------------------------------------------------------------------
// Rule configuration
// ---------------------------------------------------------------------------------------------------------------

const minutes = z
  .number()
  .nonnegative()
  .max(60 * 24 * 30)
  .nullable()
  .describe('minutes an unacknowledged alert waits before it escalates to the next level; null = never escalate (decimals allowed)');

const common = {
  enabled: z.boolean().optional(),
  severity: AlertSeverity.optional(),
  /** who hears of a new alert */
  audience: z.array(AlertAudience).min(1).max(3).optional(),
  escalateAfterMinutes: minutes.optional(),
  /** escalation levels in order; an alert escalates to the next level not yet in its audience */
  escalation: z.array(AlertAudience).min(1).max(3).optional(),
};

/** Per-rule settings; every field optional in a configuration event (unset = inherited). */
export const AlertRuleSettings = {
  'below-minimum-soon': z.strictObject({ ...common, withinHours: z.number().positive().max(24 * 31).optional() }),
  'below-target-horizon': z.strictObject({ ...common, horizonDays: z.number().int().min(1).max(120).optional() }),
  'absence-gap': z.strictObject({
    ...common,
    withinHours: z.number().positive().max(24 * 31).optional(),
    /** absence kinds that count as a sick call (short notice); the kind never appears in an alert */
    kinds: z.array(AbsenceKind).min(1).optional(),
  }),
  'schedule-below-plan': z.strictObject({
    ...common,
    targetRatio: z.number().positive().max(10).optional(),
    weeksAhead: z.number().int().min(1).max(104).optional(),
  }),
  'outcome-off-plan': z.strictObject({
    ...common,
    /** |outcome − plan| ÷ plan above this, percent */
    tolerancePercent: z.number().nonnegative().max(1000).optional(),
    /** completed months looked at (1 = the previous month) */
    months: z.number().int().min(1).max(24).optional(),
  }),
  'systematic-forecast-error': z.strictObject({
    ...common,
    trackingSignalLimit: z.number().positive().max(100).optional(),
    minPeriods: z.number().int().min(1).max(52).optional(),
  }),
  'overtime-above-limit': z.strictObject({
    ...common,
    hoursPerMonth: z.number().nonnegative().max(1_000_000).optional(),
    /** months looked at, from the current one back (2 = this month and the previous) */
    months: z.number().int().min(1).max(24).optional(),
  }),
  'agency-above-limit': z.strictObject({
    ...common,
    hoursPerMonth: z.number().nonnegative().max(1_000_000).optional(),
    months: z.number().int().min(1).max(24).optional(),
  }),
} as const satisfies Record<AlertRule, z.ZodType>;

/** Overrides for some rules: what one configuration event (organisation default or one unit) sets. */
export const AlertRulesOverrides = z
  .strictObject({
    'below-minimum-soon': AlertRuleSettings['below-minimum-soon'].optional(),
    'below-target-horizon': AlertRuleSettings['below-target-horizon'].optional(),
    'absence-gap': AlertRuleSettings['absence-gap'].optional(),
    'schedule-below-plan': AlertRuleSettings['schedule-below-plan'].optional(),
    'outcome-off-plan': AlertRuleSettings['outcome-off-plan'].optional(),
    'systematic-forecast-error': AlertRuleSettings['systematic-forecast-error'].optional(),
    'overtime-above-limit': AlertRuleSettings['overtime-above-limit'].optional(),
    'agency-above-limit': AlertRuleSettings['agency-above-limit'].optional(),
  })
  .meta({ id: 'AlertRulesOverrides', description: 'Per rule, the settings this scope overrides; unset fields are inherited (unit ← organisation ← built-in defaults).' });
export type AlertRulesOverrides = z.infer<typeof AlertRulesOverrides>;

interface CommonSettings {
  enabled: boolean;
  severity: AlertSeverity;
  audience: AlertAudience[];
  escalateAfterMinutes: number | null;
  escalation: AlertAudience[];
}

/** Settings of every rule with every field resolved. */
export interface AlertRulesConfig {
  'below-minimum-soon': CommonSettings & { withinHours: number };
  'below-target-horizon': CommonSettings & { horizonDays: number };
  'absence-gap': CommonSettings & { withinHours: number; kinds: AbsenceKind[] };
  'schedule-below-plan': CommonSettings & { targetRatio: number; weeksAhead: number };
  'outcome-off-plan': CommonSettings & { tolerancePercent: number; months: number };
  'systematic-forecast-error': CommonSettings & { trackingSignalLimit: number; minPeriods: number };
  'overtime-above-limit': CommonSettings & { hoursPerMonth: number; months: number };
  'agency-above-limit': CommonSettings & { hoursPerMonth: number; months: number };
}

const LADDER: AlertAudience[] = ['manager', 'staffing-centre', 'tactical'];

/**
 * The built-in defaults (documented in backend/src/alerts/README.md). Thresholds follow the domain brief where it
 * gives one (24 h, 14 days, plan × 1.10 over 12 weeks, tracking signal 4); the others are starting points each
 * organisation sets for itself.
 */
export const DEFAULT_ALERT_RULES: AlertRulesConfig = {
  'below-minimum-soon': { enabled: true, severity: 'critical', audience: ['manager', 'staffing-centre'], escalateAfterMinutes: 30, escalation: LADDER, withinHours: 24 },
  'below-target-horizon': { enabled: true, severity: 'medium', audience: ['staffing-centre'], escalateAfterMinutes: 24 * 60, escalation: LADDER, horizonDays: 14 },
  'absence-gap': { enabled: true, severity: 'high', audience: ['manager', 'staffing-centre'], escalateAfterMinutes: 60, escalation: LADDER, withinHours: 72, kinds: ['sick', 'child-care'] },
  'schedule-below-plan': { enabled: true, severity: 'medium', audience: ['tactical'], escalateAfterMinutes: null, escalation: LADDER, targetRatio: 1.1, weeksAhead: 12 },
  'outcome-off-plan': { enabled: true, severity: 'medium', audience: ['tactical'], escalateAfterMinutes: null, escalation: LADDER, tolerancePercent: 10, months: 3 },
  'systematic-forecast-error': { enabled: true, severity: 'medium', audience: ['tactical'], escalateAfterMinutes: null, escalation: LADDER, trackingSignalLimit: 4, minPeriods: 3 },
  'overtime-above-limit': { enabled: true, severity: 'medium', audience: ['tactical'], escalateAfterMinutes: null, escalation: LADDER, hoursPerMonth: 200, months: 2 },
  'agency-above-limit': { enabled: true, severity: 'medium', audience: ['tactical'], escalateAfterMinutes: null, escalation: LADDER, hoursPerMonth: 160, months: 2 },
};

/** Defaults ← organisation ← unit, field by field. */
export function resolveAlertRules(...layers: (AlertRulesOverrides | null | undefined)[]): AlertRulesConfig {
  const out = structuredClone(DEFAULT_ALERT_RULES) as unknown as Record<string, Record<string, unknown>>;
  for (const layer of layers) {
    if (!layer) continue;
    for (const [rule, settings] of Object.entries(layer)) {
      if (!settings || !out[rule]) continue;
      for (const [field, value] of Object.entries(settings)) if (value !== undefined) out[rule]![field] = Array.isArray(value) ? [...value] : value;
    }
  }
  return out as unknown as AlertRulesConfig;
}

/** Organisation default (no unitId) or one unit. Setting a scope again replaces its overrides as a whole. */
export const AlertRulesConfigured = z.strictObject({
  unitId: EntityId.optional().describe('the unit these overrides apply to; absent = the organisation default'),
  rules: AlertRulesOverrides,
  /** who configured it (the admin's subject) */
  configuredBy: z.string().min(1).max(200).optional(),
});

// ---------------------------------------------------------------------------------------------------------------
// The alert lifecycle
// ---------------------------------------------------------------------------------------------------------------

/** What an alert is about: a slot (date, slot, competence), an ISO week, a month, or a rolling window ending with a month. */
export const AlertWindow = z
  .strictObject({
    kind: z.enum(['slot', 'week', 'month', 'rolling-months']),
    date: LocalDate.optional().describe('slot: the date the slot starts on'),
    slot: SlotCode.optional(),
    competence: CompetenceCode.optional(),
    /** slot: its start and end instants */
    start: z.string().optional(),
    end: z.string().optional(),
    week: IsoWeek.optional(),
    month: Month.optional().describe('month: the month; rolling-months: the last month of the window'),
    measure: z.string().max(40).optional().describe('outcome and forecast rules: the measure (hours, visits, …)'),
  })
  .meta({ id: 'AlertWindow' });
export type AlertWindow = z.infer<typeof AlertWindow>;

/**
 * A deviation was found. The alert id is derived from rule + unit + window (`alertIdFor`), so one deviation is one
 * alert; the stream is `alert-<alertId>`. A deviation that comes back after the alert resolved raises the same alert
 * again with the next `occurrence`. Texts never carry absence reasons or names.
 */
export const AlertRaised = z.strictObject({
  alertId: EntityId,
  occurrence: z.number().int().min(1),
  rule: AlertRule,
  unitId: EntityId,
  departmentId: EntityId,
  window: AlertWindow,
  observed: z.number(),
  expected: z.number(),
  quantity: AlertQuantity,
  severity: AlertSeverity,
  audience: z.array(AlertAudience).min(1),
  /** the escalation ladder this alert follows */
  escalation: z.array(AlertAudience).min(1),
  escalateAfterMinutes: z.number().nonnegative().nullable(),
  message: z.string().min(1).max(500),
  /** extra figures (numbers only, never names or reasons), e.g. { minimum: 2, target: 3, absent: 1 } */
  detail: z.record(z.string(), z.number().nullable()).default({}),
});

export const AlertAcknowledged = z.strictObject({
  alertId: EntityId,
  occurrence: z.number().int().min(1),
  /** the owner: the subject of who acknowledged */
  owner: z.string().min(1).max(200),
  ownerName: z.string().max(200).optional(),
  ownerRole: Role,
  note: z.string().max(1000).optional(),
});

export const AlertEscalated = z.strictObject({
  alertId: EntityId,
  occurrence: z.number().int().min(1),
  fromLevel: AlertAudience,
  toLevel: AlertAudience,
  /** minutes it had been unacknowledged */
  afterMinutes: z.number().nonnegative(),
});

export const AlertResolution = z.enum(['auto', 'manual']);
export type AlertResolution = z.infer<typeof AlertResolution>;

export const AlertResolutionReason = z
  .enum(['deviation-gone', 'window-passed', 'rule-disabled', 'manual'])
  .describe('deviation-gone: the data no longer shows the deviation; window-passed: the slot ended or the period left the rule’s window; rule-disabled: the rule was switched off; manual: resolved by a person');
export type AlertResolutionReason = z.infer<typeof AlertResolutionReason>;

export const AlertResolved = z.strictObject({
  alertId: EntityId,
  occurrence: z.number().int().min(1),
  resolution: AlertResolution,
  reason: AlertResolutionReason,
  /** auto: the value the data shows now (null when it cannot be computed any more) */
  observed: z.number().nullable().optional(),
  expected: z.number().nullable().optional(),
  message: z.string().min(1).max(500),
  /** manual: who resolved it, and why */
  by: z.string().min(1).max(200).optional(),
  byRole: Role.optional(),
  note: z.string().max(1000).optional(),
});

export const ALERT_EVENT_TYPES = ['AlertRaised', 'AlertAcknowledged', 'AlertEscalated', 'AlertResolved'] as const;
export type AlertEventType = (typeof ALERT_EVENT_TYPES)[number];

/** Event types only the server appends (the alert engine, the alert commands, the admin API); ingest rejects them. */
export const SERVER_ONLY_EVENT_TYPES: ReadonlySet<string> = new Set(['AlertRulesConfigured', ...ALERT_EVENT_TYPES]);

// ---------------------------------------------------------------------------------------------------------------
// Ids
// ---------------------------------------------------------------------------------------------------------------

/** FNV-1a 32-bit, hex: a short stable hash (ids only, not security). */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

const RULE_CODES: Record<AlertRule, string> = {
  'below-minimum-soon': 'bmin',
  'below-target-horizon': 'btgt',
  'absence-gap': 'abs',
  'schedule-below-plan': 'svp',
  'outcome-off-plan': 'ovp',
  'systematic-forecast-error': 'sfe',
  'overtime-above-limit': 'ot',
  'agency-above-limit': 'agy',
};

/** The key of a window within a rule and unit: `2026-11-24|dag|SSK`, `2026-W48`, `2026-10|visits`, `inflow|visits`. */
export function alertWindowKey(window: AlertWindow): string {
  switch (window.kind) {
    case 'slot':
      return `${window.date}|${window.slot}|${window.competence}`;
    case 'week':
      return `${window.week}`;
    case 'month':
      return window.measure !== undefined ? `${window.month}|${window.measure}` : `${window.month}`;
    case 'rolling-months':
      return `rolling|${window.measure ?? ''}`;
  }
}

/**
 * The deterministic alert id of a rule, unit and window, e.g. `bmin~B8-AVA~2026-11-24~dag~SSK`: readable, a valid
 * entity id (no colon, no spaces), at most 100 characters (longer ones keep a prefix and a hash of the whole).
 */
export function alertIdFor(rule: AlertRule, unitId: string, windowKey: string): string {
  const readable = `${RULE_CODES[rule]}~${unitId}~${windowKey.replace(/\|/g, '~')}`.replace(/[^A-Za-z0-9._~-]/g, '_');
  if (readable.length <= 100) return readable;
  return `${readable.slice(0, 90)}~${fnv1a(readable)}`;
}

/** Deterministic event ids of the lifecycle, so a repeated or concurrent append is a duplicate, not a second event. */
export const alertEventId = {
  raised: (alertId: string, occurrence: number) => `${alertId}/raised/${occurrence}`,
  acknowledged: (alertId: string, occurrence: number) => `${alertId}/acknowledged/${occurrence}`,
  escalated: (alertId: string, occurrence: number, toLevel: AlertAudience) => `${alertId}/escalated/${occurrence}/${toLevel}`,
  resolved: (alertId: string, occurrence: number) => `${alertId}/resolved/${occurrence}`,
};

export const alertStream = (alertId: string) => `alert-${alertId}`;
export const alertRulesStream = (unitId: string | undefined) => (unitId === undefined ? 'alertrules-organisation' : `alertrules-unit-${unitId}`);
