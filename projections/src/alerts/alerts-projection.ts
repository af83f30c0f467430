import type { AlertHistoryEntry, EventData, StoredEvent } from '@pks/contracts';
import { alertWindowKey } from '@pks/contracts';
import { NO_CHANGES, type Change, type Projection } from '../projection/projection.js';
import { ALERT_RETENTION_DAYS, initialAlertsState, type AlertRecord, type AlertsState } from './alerts-state.js';

export const ALERTS_MODEL = 'alerts';
/** Change model of the alert-rule configuration (unitId null = the organisation default). */
export const ALERT_RULES_MODEL = 'alert-rules';

const DAY = 86_400_000;

function entry(event: StoredEvent, occurrence: number, type: AlertHistoryEntry['type'], extra: Partial<AlertHistoryEntry> = {}): AlertHistoryEntry {
  return {
    occurrence,
    type,
    at: event.metadata.recordedAt,
    position: event.position,
    by: null,
    role: null,
    note: null,
    level: null,
    observed: null,
    expected: null,
    message: null,
    ...extra,
  };
}

function index(state: AlertsState, record: AlertRecord): void {
  let set = state.byUnit.get(record.unitId);
  if (!set) state.byUnit.set(record.unitId, (set = new Set()));
  set.add(record.alertId);
}

function prune(state: AlertsState): void {
  const horizon = state.clockMs - ALERT_RETENTION_DAYS * DAY;
  for (const [id, r] of state.alerts) {
    if (r.status !== 'resolved' || r.resolvedMs === null || r.resolvedMs >= horizon) continue;
    state.alerts.delete(id);
    state.byUnit.get(r.unitId)?.delete(id);
    state.tombstones.set(id, [r.revision, r.occurrence]);
  }
  state.lastPruneMs = state.clockMs;
}

/** Folds one AlertRaised into a record: a new alert, or the next occurrence of a resolved one. */
function raise(state: AlertsState, event: StoredEvent, d: EventData<'AlertRaised'>): AlertRecord {
  const existing = state.alerts.get(d.alertId);
  const at = event.metadata.recordedAt;
  const ms = Date.parse(at);
  const record: AlertRecord = {
    alertId: d.alertId,
    rule: d.rule,
    unitId: d.unitId,
    departmentId: d.departmentId,
    window: d.window,
    windowKey: alertWindowKey(d.window),
    observed: d.observed,
    expected: d.expected,
    quantity: d.quantity,
    severity: d.severity,
    audience: [...d.audience],
    escalation: [...d.escalation],
    escalateAfterMinutes: d.escalateAfterMinutes,
    message: d.message,
    detail: { ...d.detail },
    occurrence: d.occurrence,
    status: 'raised',
    raisedAt: at,
    raisedMs: ms,
    updatedAt: at,
    acknowledgedAt: null,
    owner: null,
    ownerName: null,
    ownerRole: null,
    acknowledgeNote: null,
    escalatedAt: null,
    lastEscalationMs: ms,
    resolvedAt: null,
    resolvedMs: null,
    resolution: null,
    resolutionReason: null,
    resolvedBy: null,
    resolveNote: null,
    resolvedObserved: null,
    resolveMessage: null,
    history: existing ? existing.history : [],
    position: event.position,
    revision: event.revision,
  };
  record.history.push(entry(event, d.occurrence, 'raised', { observed: d.observed, expected: d.expected, message: d.message, level: record.audience[record.audience.length - 1] ?? null }));
  state.alerts.set(d.alertId, record);
  state.tombstones.delete(d.alertId);
  state.active.add(d.alertId);
  index(state, record);
  return record;
}

/**
 * The `alerts` projection: alert records with their lifecycle and history, and the alert-rule configuration.
 * Deterministic (time comes from the events' recordedAt); a lifecycle event for another occurrence than the current
 * one only moves the stream revision (it cannot happen through the engine or the deciders, which name the current
 * occurrence).
 */
export const alerts: Projection<AlertsState> = {
  name: 'alerts',
  version: 1,
  initialState: initialAlertsState,
  evolve(state, event): readonly Change[] {
    const type = event.type;
    if (type.charCodeAt(0) !== 65 /* A */ || !type.startsWith('Alert')) return NO_CHANGES;
    const recordedMs = Date.parse(event.metadata.recordedAt);
    if (recordedMs > state.clockMs) state.clockMs = recordedMs;
    if (state.clockMs - state.lastPruneMs > DAY) prune(state);

    if (type === 'AlertRulesConfigured') {
      const d = event.data as EventData<'AlertRulesConfigured'>;
      if (d.unitId === undefined) state.config.organisation = d.rules;
      else if (Object.keys(d.rules).length === 0) state.config.units.delete(d.unitId);
      else state.config.units.set(d.unitId, d.rules);
      return [{ model: ALERT_RULES_MODEL, unitId: d.unitId ?? null, key: '*' }];
    }
    if (type === 'AlertRaised') {
      const d = event.data as EventData<'AlertRaised'>;
      const existing = state.alerts.get(d.alertId);
      if (existing && d.occurrence <= existing.occurrence) {
        existing.revision = event.revision;
        existing.position = event.position;
        return NO_CHANGES;
      }
      const record = raise(state, event, d);
      return [{ model: ALERTS_MODEL, unitId: record.unitId, key: record.alertId }];
    }
    if (type !== 'AlertAcknowledged' && type !== 'AlertEscalated' && type !== 'AlertResolved') return NO_CHANGES;
    const data = event.data as { alertId: string; occurrence: number };
    const record = state.alerts.get(data.alertId);
    if (!record) {
      const tomb = state.tombstones.get(data.alertId);
      if (tomb) tomb[0] = event.revision;
      return NO_CHANGES;
    }
    record.revision = event.revision;
    record.position = event.position;
    if (data.occurrence !== record.occurrence) return NO_CHANGES;
    const at = event.metadata.recordedAt;
    record.updatedAt = at;
    switch (type) {
      case 'AlertAcknowledged': {
        const d = event.data as EventData<'AlertAcknowledged'>;
        if (record.status === 'resolved') break;
        record.status = 'acknowledged';
        record.acknowledgedAt = at;
        record.owner = d.owner;
        record.ownerName = d.ownerName ?? null;
        record.ownerRole = d.ownerRole;
        record.acknowledgeNote = d.note ?? null;
        record.history.push(entry(event, d.occurrence, 'acknowledged', { by: d.owner, role: d.ownerRole, note: d.note ?? null }));
        break;
      }
      case 'AlertEscalated': {
        const d = event.data as EventData<'AlertEscalated'>;
        if (!record.audience.includes(d.toLevel)) record.audience.push(d.toLevel);
        record.escalatedAt = at;
        record.lastEscalationMs = Date.parse(at);
        record.history.push(entry(event, d.occurrence, 'escalated', { level: d.toLevel }));
        break;
      }
      case 'AlertResolved': {
        const d = event.data as EventData<'AlertResolved'>;
        record.status = 'resolved';
        record.resolvedAt = at;
        record.resolvedMs = Date.parse(at);
        record.resolution = d.resolution;
        record.resolutionReason = d.reason;
        record.resolvedBy = d.by ?? null;
        record.resolveNote = d.note ?? null;
        record.resolvedObserved = d.observed ?? null;
        record.resolveMessage = d.message;
        state.active.delete(record.alertId);
        record.history.push(
          entry(event, d.occurrence, 'resolved', { by: d.by ?? null, role: d.byRole ?? null, note: d.note ?? null, observed: d.observed ?? null, expected: d.expected ?? null, message: d.message }),
        );
        break;
      }
    }
    return [{ model: ALERTS_MODEL, unitId: record.unitId, key: record.alertId }];
  },
};
