import { z } from 'zod';
import { Role } from '../api/auth.js';
import {
  AlertAudience,
  AlertQuantity,
  AlertResolution,
  AlertResolutionReason,
  AlertRule,
  AlertRuleSettings,
  AlertRulesOverrides,
  AlertSeverity,
  AlertWindow,
  ALERT_RULES,
} from '../events/alerts.js';
import { EntityId } from '../primitives/scalars.js';

/**
 * Deviation alerts as a read model (GET /api/v1/alerts, live model `alerts`), and the alert-rule configuration
 * (GET/PUT /api/v1/alert-rules).
 */

export const AlertStatus = z
  .enum(['raised', 'acknowledged', 'resolved'])
  .describe('raised: nobody owns it yet (it escalates when unowned too long); acknowledged: an owner took it; resolved: closed (auto or manual)');
export type AlertStatus = z.infer<typeof AlertStatus>;

export const AlertHistoryEntry = z
  .object({
    occurrence: z.number().int(),
    type: z.enum(['raised', 'acknowledged', 'escalated', 'resolved']),
    at: z.string().describe('when it was recorded (UTC instant)'),
    position: z.number().int().describe('log position of the event'),
    by: z.string().nullable().describe('acknowledged / manual resolve: the subject of the person'),
    role: z.string().nullable(),
    note: z.string().nullable(),
    level: AlertAudience.nullable().describe('escalated: the level it went to'),
    observed: z.number().nullable(),
    expected: z.number().nullable(),
    message: z.string().nullable(),
  })
  .meta({ id: 'AlertHistoryEntry' });
export type AlertHistoryEntry = z.infer<typeof AlertHistoryEntry>;

export const AlertRow = z
  .object({
    key: z.string().describe('the alert id (rows are replaced by key in live updates)'),
    alertId: z.string().describe('deterministic from rule + unit + window, e.g. bmin~B8-AVA~2026-11-24~dag~SSK'),
    rule: AlertRule,
    unitId: z.string(),
    unitName: z.string().nullable(),
    departmentId: z.string(),
    window: AlertWindow,
    windowKey: z.string(),
    windowLabel: z.string().describe('human-readable window, e.g. "2026-11-24 dag SSK", "2026-W48", "2026-10 visits"'),
    observed: z.number().describe('the value the data showed when the alert was (last) raised'),
    expected: z.number().describe('the threshold it was compared with'),
    quantity: AlertQuantity,
    severity: AlertSeverity,
    audience: z.array(AlertAudience).describe('who hears of it now (grows with each escalation)'),
    level: AlertAudience.describe('the highest level that hears of it'),
    escalation: z.array(AlertAudience),
    escalateAfterMinutes: z.number().nullable(),
    status: AlertStatus,
    message: z.string().describe('one line, no names, no absence reasons'),
    detail: z.record(z.string(), z.number().nullable()),
    occurrence: z.number().int().describe('1 = first raise; a deviation that comes back after resolving raises the same alert again'),
    raisedAt: z.string(),
    updatedAt: z.string().describe('when its last event was recorded'),
    acknowledgedAt: z.string().nullable(),
    owner: z.string().nullable().describe('subject of who acknowledged it (the owner)'),
    ownerName: z.string().nullable(),
    ownerRole: Role.nullable(),
    acknowledgeNote: z.string().nullable(),
    escalatedAt: z.string().nullable(),
    resolvedAt: z.string().nullable(),
    resolution: AlertResolution.nullable(),
    resolutionReason: AlertResolutionReason.nullable(),
    resolvedBy: z.string().nullable(),
    resolveNote: z.string().nullable(),
    resolvedObserved: z.number().nullable().describe('auto-resolve: the value the data showed when it resolved'),
    resolveMessage: z.string().nullable(),
    history: z.array(AlertHistoryEntry).describe('every lifecycle event of every occurrence, oldest first'),
    position: z.number().int().describe('log position of its last event'),
    revision: z.number().int().describe('stream revision of its last event (expected revision for the next append)'),
  })
  .meta({ id: 'AlertRow', description: 'One alert with its lifecycle.' });
export type AlertRow = z.infer<typeof AlertRow>;

export const AlertStatusFilter = z.enum(['active', 'raised', 'acknowledged', 'resolved', 'all']);
export type AlertStatusFilter = z.infer<typeof AlertStatusFilter>;

export const AlertAudienceFilter = z.enum(['manager', 'staffing-centre', 'tactical', 'all']);
export type AlertAudienceFilter = z.infer<typeof AlertAudienceFilter>;

const dateOrInstant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2}))?$/, 'must be a date YYYY-MM-DD or an ISO-8601 instant');

export const AlertsParams = z
  .object({
    unitId: EntityId.optional().describe('one unit; or departmentId or poolId; none = every unit in your scope'),
    departmentId: EntityId.optional(),
    poolId: EntityId.optional(),
    status: AlertStatusFilter.default('active').describe('active (default) = raised or acknowledged; all = with history'),
    rule: AlertRule.optional(),
    audience: AlertAudienceFilter.optional().describe(
      'alerts whose audience includes this level. Default: your own level (manager, staffing-centre, tactical); admins: all. Managers and the staffing centre see only their own level; tactical and admin may ask for any or all',
    ),
    from: dateOrInstant.optional().describe('raised at or after (date or instant)'),
    to: dateOrInstant.optional().describe('raised at or before (a date includes the whole day)'),
    limit: z.coerce.number().int().min(1).max(5000).default(500),
  })
  .superRefine((v, ctx) => {
    const scopes = [v.unitId, v.departmentId, v.poolId].filter((s) => s !== undefined).length;
    if (scopes > 1) ctx.addIssue({ code: 'custom', path: ['unitId'], message: 'give at most one of unitId, departmentId or poolId' });
  })
  .meta({ id: 'AlertsParams', description: 'Which alerts: scope, status, rule, audience, raised between.' });
export type AlertsParams = z.infer<typeof AlertsParams>;

export const AlertsResponse = z
  .object({
    position: z.number().int(),
    asOf: z.string(),
    unitIds: z.array(z.string()).describe('the units the answer covers (your scope)'),
    status: AlertStatusFilter,
    audience: AlertAudienceFilter,
    rows: z.array(AlertRow).describe('newest raised first'),
    counts: z.object({ raised: z.number().int(), acknowledged: z.number().int(), resolved: z.number().int() }).describe('over the matching alerts before limit'),
    truncated: z.boolean(),
  })
  .meta({ id: 'AlertsResponse', description: 'Deviation alerts with their lifecycle.' });
export type AlertsResponse = z.infer<typeof AlertsResponse>;

export const AlertResponse = z.object({ position: z.number().int(), alert: AlertRow }).meta({ id: 'AlertResponse' });
export type AlertResponse = z.infer<typeof AlertResponse>;

// ---------------------------------------------------------------------------------------------------------------
// Rule configuration
// ---------------------------------------------------------------------------------------------------------------

const fullRule = <K extends keyof typeof AlertRuleSettings>(rule: K) => AlertRuleSettings[rule].required();

export const AlertRulesConfigSchema = z
  .object(Object.fromEntries(ALERT_RULES.map((r) => [r, fullRule(r)])) as { [K in keyof typeof AlertRuleSettings]: ReturnType<typeof fullRule<K>> })
  .meta({ id: 'AlertRulesConfig', description: 'Every rule with every setting resolved.' });

export const AlertRulesParams = z
  .object({ unitId: EntityId.optional().describe('the unit whose effective rules to show; absent = the organisation default') })
  .meta({ id: 'AlertRulesParams' });
export type AlertRulesParams = z.infer<typeof AlertRulesParams>;

export const AlertRulesResponse = z
  .object({
    position: z.number().int(),
    unitId: z.string().nullable(),
    effective: AlertRulesConfigSchema.describe('what applies: built-in defaults ← organisation ← unit'),
    defaults: AlertRulesConfigSchema.describe('the built-in defaults'),
    organisation: AlertRulesOverrides.nullable().describe('the organisation’s overrides (latest AlertRulesConfigured without unitId)'),
    unit: AlertRulesOverrides.nullable().describe('the unit’s overrides'),
  })
  .meta({ id: 'AlertRulesResponse' });
export type AlertRulesResponse = z.infer<typeof AlertRulesResponse>;

export const AlertRulesPutBody = z
  .strictObject({
    unitId: EntityId.optional().describe('absent = the organisation default'),
    rules: AlertRulesOverrides.describe('replaces this scope’s overrides as a whole ({} removes them)'),
  })
  .meta({ id: 'AlertRulesPutBody' });
export type AlertRulesPutBody = z.infer<typeof AlertRulesPutBody>;
