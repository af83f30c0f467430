export { alerts, ALERTS_MODEL, ALERT_RULES_MODEL } from './alerts-projection.js';
export {
  initialAlertsState,
  alertRulesFor,
  alertLevel,
  nextEscalationLevel,
  ALERT_RETENTION_DAYS,
  type AlertsState,
  type AlertRecord,
  type AlertRulesState,
} from './alerts-state.js';
export { queryAlerts, alertRow, alertMatches, statusMatches, windowLabel, type AlertQuery, type AlertLike } from './alert-query.js';
export {
  evaluateGapCells,
  evaluateGapUnit,
  evaluatePlanUnit,
  observeAlert,
  gapRuleDates,
  requirementCellKeys,
  GAP_RULES,
  PLAN_RULES,
  type AlertInputs,
  type Deviation,
  type Observation,
} from './alert-rules-eval.js';
export { reconcileAlerts, dueEscalations, type AlertAppend, type ReconcileInput, type ReconcileResult } from './alert-lifecycle.js';
export { decideAlertCommand, mayAccessAlert, type AlertActor, type AlertCommand, type AlertDecision, type AlertUnitScope } from './alert-commands.js';
export { planAlertSweep, planAlertCells, alertUnitIds, type RuleFamily } from './alert-plan.js';
