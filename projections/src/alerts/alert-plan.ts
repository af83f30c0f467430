import type { AlertRule } from '@pks/contracts';
import { reconcileAlerts, type ReconcileResult } from './alert-lifecycle.js';
import { evaluateGapCells, evaluateGapUnit, evaluatePlanUnit, GAP_RULES, observeAlert, PLAN_RULES, type AlertInputs, type Deviation } from './alert-rules-eval.js';
import type { AlertRecord } from './alerts-state.js';

export type RuleFamily = 'gap' | 'plan' | 'all';

function* recordsOf(inputs: AlertInputs, unitIds: Iterable<string>, rules: readonly AlertRule[], windowKeys: ReadonlySet<string> | null): Iterable<AlertRecord> {
  for (const unitId of unitIds) {
    for (const id of inputs.alerts.byUnit.get(unitId) ?? []) {
      const record = inputs.alerts.alerts.get(id);
      if (!record || !rules.includes(record.rule)) continue;
      if (windowKeys !== null && !windowKeys.has(record.windowKey)) continue;
      yield record;
    }
  }
}

/** Every unit any rule could look at. */
export function alertUnitIds(inputs: AlertInputs): string[] {
  const ids = new Set<string>([...inputs.gapList.units.keys(), ...inputs.scheduleVsPlan.units.keys(), ...inputs.outcomeVsPlan.units.keys(), ...inputs.alerts.byUnit.keys()]);
  return [...ids].sort();
}

/**
 * A whole evaluation of some units (default every unit) for a family of rules, reconciled with the alerts:
 * what to raise and what resolves. What the engine does on start, on a clock tick and after a configuration change.
 */
export function planAlertSweep(inputs: AlertInputs, nowMs: number, options: { family?: RuleFamily; unitIds?: readonly string[]; rearmed?: ReadonlySet<string> } = {}): ReconcileResult {
  const family = options.family ?? 'all';
  const unitIds = options.unitIds ?? alertUnitIds(inputs);
  const deviations: Deviation[] = [];
  const rules: AlertRule[] = [];
  if (family !== 'plan') rules.push(...GAP_RULES);
  if (family !== 'gap') rules.push(...PLAN_RULES);
  for (const unitId of unitIds) {
    if (family !== 'plan') deviations.push(...evaluateGapUnit(inputs, unitId, nowMs));
    if (family !== 'gap') deviations.push(...evaluatePlanUnit(inputs, unitId, nowMs));
  }
  return reconcileAlerts(inputs.alerts, {
    deviations,
    covered: recordsOf(inputs, unitIds, rules, null),
    observe: (record) => observeAlert(inputs, record, nowMs),
    rearmed: options.rearmed ?? new Set(),
  });
}

/** The evaluation of some gap-list cells of one unit (keys `<date>|<slot>|<competence>`): what the engine does per change batch. */
export function planAlertCells(inputs: AlertInputs, unitId: string, keys: readonly string[], nowMs: number, rearmed: ReadonlySet<string> = new Set()): ReconcileResult {
  const deviations = evaluateGapCells(inputs, unitId, keys, nowMs);
  return reconcileAlerts(inputs.alerts, {
    deviations,
    covered: recordsOf(inputs, [unitId], GAP_RULES, new Set(keys)),
    observe: (record) => observeAlert(inputs, record, nowMs),
    rearmed,
  });
}
