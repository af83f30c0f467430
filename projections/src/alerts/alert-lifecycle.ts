import { alertEventId, alertStream, type AlertAudience, type EventData } from '@pks/contracts';
import { nextEscalationLevel, alertLevel, type AlertRecord, type AlertsState } from './alerts-state.js';
import type { Deviation, Observation } from './alert-rules-eval.js';

/** One append the alert engine should make: the event, its stream, and the revision the stream must be at. */
export type AlertAppend =
  | { stream: string; expectedRevision: 'no-stream' | number; event: { id: string; type: 'AlertRaised'; data: EventData<'AlertRaised'> } }
  | { stream: string; expectedRevision: number; event: { id: string; type: 'AlertEscalated'; data: EventData<'AlertEscalated'> } }
  | { stream: string; expectedRevision: number; event: { id: string; type: 'AlertResolved'; data: EventData<'AlertResolved'> } };

export interface ReconcileInput {
  /** the deviations the evaluation found */
  deviations: readonly Deviation[];
  /** the alerts the evaluation covers (their rule, unit and window were looked at); each is checked */
  covered: Iterable<AlertRecord>;
  /** what the data shows now for an alert that is no longer a deviation */
  observe(record: AlertRecord): Observation;
  /**
   * manually resolved alerts whose deviation has since been seen gone: they may be raised again. A manually resolved
   * alert is not raised again while its deviation persists (the person decided it is handled).
   */
  rearmed: ReadonlySet<string>;
}

export interface ReconcileResult {
  appends: AlertAppend[];
  /** manually resolved alerts whose deviation is gone now (add to `rearmed`) */
  rearm: string[];
}

function raiseData(d: Deviation, occurrence: number): EventData<'AlertRaised'> {
  return {
    alertId: d.alertId,
    occurrence,
    rule: d.rule,
    unitId: d.unitId,
    departmentId: d.departmentId,
    window: d.window,
    observed: d.observed,
    expected: d.expected,
    quantity: d.quantity,
    severity: d.severity,
    audience: d.audience,
    escalation: d.escalation,
    escalateAfterMinutes: d.escalateAfterMinutes,
    message: d.message,
    detail: d.detail,
  };
}

/**
 * Compares what the data shows with the alerts: a deviation without an active alert raises one (expected revision
 * `no-stream` for a new alert, the current revision for the next occurrence of a resolved one); an active alert the
 * evaluation covers whose deviation is gone resolves automatically, saying what the data shows now. Pure: the
 * engine appends what it returns; event ids are deterministic, so appending the same plan twice stores nothing new.
 */
export function reconcileAlerts(state: AlertsState, input: ReconcileInput): ReconcileResult {
  const appends: AlertAppend[] = [];
  const rearm: string[] = [];
  const found = new Set<string>();
  for (const d of input.deviations) {
    if (found.has(d.alertId)) continue;
    found.add(d.alertId);
    const record = state.alerts.get(d.alertId);
    if (!record) {
      const tomb = state.tombstones.get(d.alertId);
      const occurrence = tomb ? tomb[1] + 1 : 1;
      appends.push({
        stream: alertStream(d.alertId),
        expectedRevision: tomb ? tomb[0] : 'no-stream',
        event: { id: alertEventId.raised(d.alertId, occurrence), type: 'AlertRaised', data: raiseData(d, occurrence) },
      });
      continue;
    }
    if (record.status !== 'resolved') continue;
    if (record.resolution === 'manual' && !input.rearmed.has(d.alertId)) continue;
    const occurrence = record.occurrence + 1;
    appends.push({
      stream: alertStream(d.alertId),
      expectedRevision: record.revision,
      event: { id: alertEventId.raised(d.alertId, occurrence), type: 'AlertRaised', data: raiseData(d, occurrence) },
    });
  }
  for (const record of input.covered) {
    if (found.has(record.alertId)) continue;
    if (record.status === 'resolved') {
      if (record.resolution === 'manual' && !input.rearmed.has(record.alertId)) rearm.push(record.alertId);
      continue;
    }
    const seen = input.observe(record);
    const reason = seen.ruleDisabled ? 'rule-disabled' : seen.windowPassed ? 'window-passed' : 'deviation-gone';
    const now = seen.observed === null ? '' : `: ${seen.observed}${seen.expected === null ? '' : ` vs ${seen.expected}`}`;
    const message =
      reason === 'rule-disabled'
        ? `The rule ${record.rule} was switched off${now}`
        : reason === 'window-passed'
          ? `The ${record.window.kind === 'slot' ? 'slot has ended' : 'period has left the rule’s window'}${now}`
          : `The data no longer shows the deviation${now}`;
    appends.push({
      stream: alertStream(record.alertId),
      expectedRevision: record.revision,
      event: {
        id: alertEventId.resolved(record.alertId, record.occurrence),
        type: 'AlertResolved',
        data: {
          alertId: record.alertId,
          occurrence: record.occurrence,
          resolution: 'auto',
          reason,
          observed: seen.observed,
          expected: seen.expected,
          message,
        },
      },
    });
  }
  return { appends, rearm };
}

/**
 * Escalations due at `nowMs`: an alert nobody acknowledged within its `escalateAfterMinutes` (counted from the raise
 * or the previous escalation) goes to the next level of its ladder that is not yet in its audience.
 */
export function dueEscalations(state: AlertsState, nowMs: number): AlertAppend[] {
  const out: AlertAppend[] = [];
  for (const id of state.active) {
    const record = state.alerts.get(id);
    if (!record || record.status !== 'raised' || record.escalateAfterMinutes === null) continue;
    if (nowMs - record.lastEscalationMs < record.escalateAfterMinutes * 60_000) continue;
    const toLevel: AlertAudience | null = nextEscalationLevel(record);
    if (toLevel === null) continue;
    out.push({
      stream: alertStream(id),
      expectedRevision: record.revision,
      event: {
        id: alertEventId.escalated(id, record.occurrence, toLevel),
        type: 'AlertEscalated',
        data: {
          alertId: id,
          occurrence: record.occurrence,
          fromLevel: alertLevel(record.audience, record.escalation),
          toLevel,
          // deterministic (two engines append the same event): the threshold that was reached
          afterMinutes: record.escalateAfterMinutes * (1 + record.history.filter((h) => h.occurrence === record.occurrence && h.type === 'escalated').length),
        },
      },
    });
  }
  return out;
}
