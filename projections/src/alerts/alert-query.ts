import type { AlertAudienceFilter, AlertRow, AlertRule, AlertStatusFilter, AlertsResponse } from '@pks/contracts';
import { alertLevel, type AlertRecord, type AlertsState } from './alerts-state.js';

/** A human-readable window: "2026-11-24 dag SSK", "2026-W48", "2026-10 visits", "12 months to 2026-10 (visits)". */
export function windowLabel(record: Pick<AlertRecord, 'window'>): string {
  const w = record.window;
  switch (w.kind) {
    case 'slot':
      return `${w.date} ${w.slot} ${w.competence}`;
    case 'week':
      return `${w.week}`;
    case 'month':
      return w.measure !== undefined ? `${w.month} ${w.measure}` : `${w.month}`;
    case 'rolling-months':
      return `12 months to ${w.month}${w.measure !== undefined ? ` (${w.measure})` : ''}`;
  }
}

export function alertRow(record: AlertRecord, unitName: string | null): AlertRow {
  return {
    key: record.alertId,
    alertId: record.alertId,
    rule: record.rule,
    unitId: record.unitId,
    unitName,
    departmentId: record.departmentId,
    window: record.window,
    windowKey: record.windowKey,
    windowLabel: windowLabel(record),
    observed: record.observed,
    expected: record.expected,
    quantity: record.quantity,
    severity: record.severity,
    audience: [...record.audience],
    level: alertLevel(record.audience, record.escalation),
    escalation: [...record.escalation],
    escalateAfterMinutes: record.escalateAfterMinutes,
    status: record.status,
    message: record.message,
    detail: { ...record.detail },
    occurrence: record.occurrence,
    raisedAt: record.raisedAt,
    updatedAt: record.updatedAt,
    acknowledgedAt: record.acknowledgedAt,
    owner: record.owner,
    ownerName: record.ownerName,
    ownerRole: record.ownerRole,
    acknowledgeNote: record.acknowledgeNote,
    escalatedAt: record.escalatedAt,
    resolvedAt: record.resolvedAt,
    resolution: record.resolution,
    resolutionReason: record.resolutionReason,
    resolvedBy: record.resolvedBy,
    resolveNote: record.resolveNote,
    resolvedObserved: record.resolvedObserved,
    resolveMessage: record.resolveMessage,
    history: record.history.map((h) => ({ ...h })),
    position: record.position,
    revision: record.revision,
  };
}

/** What the filters look at: a record, or a row (live updates filter rows). */
export type AlertLike = Pick<AlertRecord, 'alertId' | 'rule' | 'unitId' | 'departmentId' | 'audience' | 'raisedAt'>;

export interface AlertQuery {
  /** the units the caller may read */
  unitIds: readonly string[];
  status: AlertStatusFilter;
  /** alerts whose audience includes this level; 'all' = any */
  audience: AlertAudienceFilter;
  rule?: AlertRule | undefined;
  /** raised at or after / at or before (a date includes its whole day) */
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  /** an extra visibility check (the caller's role and scope) */
  visible?: (record: AlertLike) => boolean;
  unitName?: (unitId: string) => string | null;
}

/** Does a record pass the filters except status (live updates must also carry rows that left the status)? */
export function alertMatches(record: AlertLike, q: Pick<AlertQuery, 'audience' | 'rule' | 'from' | 'to' | 'visible'>): boolean {
  if (q.rule !== undefined && record.rule !== q.rule) return false;
  if (q.audience !== 'all' && !record.audience.includes(q.audience)) return false;
  if (q.from !== undefined && record.raisedAt < q.from) return false;
  if (q.to !== undefined) {
    const raised = q.to.length === 10 ? record.raisedAt.slice(0, 10) : record.raisedAt;
    if (raised > q.to) return false;
  }
  return q.visible ? q.visible(record) : true;
}

export function statusMatches(record: AlertRecord, status: AlertStatusFilter): boolean {
  switch (status) {
    case 'all':
      return true;
    case 'active':
      return record.status !== 'resolved';
    default:
      return record.status === status;
  }
}

/** Alerts of the given units, filtered, newest raised first. */
export function queryAlerts(state: AlertsState, q: AlertQuery, now: string): Omit<AlertsResponse, 'position'> {
  const matching: AlertRecord[] = [];
  const counts = { raised: 0, acknowledged: 0, resolved: 0 };
  for (const unitId of q.unitIds) {
    for (const id of state.byUnit.get(unitId) ?? []) {
      const record = state.alerts.get(id);
      if (!record || !alertMatches(record, q)) continue;
      if (!statusMatches(record, q.status)) continue;
      counts[record.status] += 1;
      matching.push(record);
    }
  }
  matching.sort((a, b) => (a.raisedAt < b.raisedAt ? 1 : a.raisedAt > b.raisedAt ? -1 : a.alertId.localeCompare(b.alertId)));
  const rows = matching.slice(0, q.limit).map((r) => alertRow(r, q.unitName ? q.unitName(r.unitId) : null));
  return { asOf: now, unitIds: [...q.unitIds], status: q.status, audience: q.audience, rows, counts, truncated: matching.length > q.limit };
}
