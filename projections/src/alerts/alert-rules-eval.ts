import {
  alertIdFor,
  alertWindowKey,
  type AlertAudience,
  type AlertQuantity,
  type AlertRule,
  type AlertRulesConfig,
  type AlertSeverity,
  type AlertWindow,
  type GapListPerson,
  type GapListRow,
} from '@pks/contracts';
import { gapListCells } from '../gap-list/gap-list-query.js';
import type { GapListState } from '../gap-list/gap-list-state.js';
import { queryOutcomeVsPlan } from '../outcome-vs-plan/outcome-vs-plan-query.js';
import type { OutcomeVsPlanState } from '../outcome-vs-plan/outcome-vs-plan.js';
import { queryPerformedTime } from '../performed-time/query-performed-time.js';
import type { PerformedTimeState } from '../performed-time/state.js';
import { queryScheduleVsPlan } from '../schedule-vs-plan/schedule-vs-plan-query.js';
import type { ScheduleVsPlanState } from '../schedule-vs-plan/schedule-vs-plan.js';
import { addDays, addMonths, addWeeks, datesInRange, isoWeekOf, monthEnd, monthOf, monthStart } from '../time/calendar.js';
import { localDateOf, localTimeOf, slotInterval, toInstant } from '../time/zoned-time.js';
import type { UnitInfo } from '../unit-directory/unit-directory.js';
import { alertRulesFor, type AlertRecord, type AlertsState } from './alerts-state.js';

/** The projection states the rules read. */
export interface AlertInputs {
  gapList: GapListState;
  scheduleVsPlan: ScheduleVsPlanState;
  outcomeVsPlan: OutcomeVsPlanState;
  performedTime: PerformedTimeState;
  alerts: AlertsState;
}

/** A deviation the data shows now: what an alert is raised for. */
export interface Deviation {
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
}

/** The rules that look at gap-list cells (evaluated per cell as cells change). */
export const GAP_RULES: readonly AlertRule[] = ['below-minimum-soon', 'below-target-horizon', 'absence-gap'];
/** The rules that look at weeks and months (evaluated per unit, debounced, and on a slower sweep). */
export const PLAN_RULES: readonly AlertRule[] = ['schedule-below-plan', 'outcome-off-plan', 'systematic-forecast-error', 'overtime-above-limit', 'agency-above-limit'];

const HOUR = 3_600_000;
const round2 = (v: number) => Math.round(v * 100) / 100;
const fmt = (v: number) => String(round2(v));

function deviation(
  rule: AlertRule,
  unit: UnitInfo,
  config: AlertRulesConfig,
  window: AlertWindow,
  fields: Pick<Deviation, 'observed' | 'expected' | 'quantity' | 'message' | 'detail'>,
): Deviation {
  const settings = config[rule];
  const windowKey = alertWindowKey(window);
  return {
    alertId: alertIdFor(rule, unit.unitId, windowKey),
    rule,
    unitId: unit.unitId,
    departmentId: unit.departmentId,
    window,
    windowKey,
    severity: settings.severity,
    audience: [...settings.audience],
    escalation: [...settings.escalation],
    escalateAfterMinutes: settings.escalateAfterMinutes,
    ...fields,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Gap-list rules
// ---------------------------------------------------------------------------------------------------------------

/** The dates gap rules look at for a unit: from yesterday (a night slot may still run) to the farthest window. */
export function gapRuleDates(unit: UnitInfo, config: AlertRulesConfig, nowMs: number): { from: string; to: string } {
  const today = localDateOf(nowMs, unit.timeZone);
  let days = 1;
  if (config['below-target-horizon'].enabled) days = Math.max(days, config['below-target-horizon'].horizonDays);
  if (config['below-minimum-soon'].enabled) days = Math.max(days, Math.ceil(config['below-minimum-soon'].withinHours / 24) + 1);
  if (config['absence-gap'].enabled) days = Math.max(days, Math.ceil(config['absence-gap'].withinHours / 24) + 1);
  return { from: addDays(today, -1), to: addDays(today, days - 1) };
}

/** Cell keys of a unit with a requirement (staffing keys or per-date requirements) between two dates. */
export function requirementCellKeys(state: GapListState, unit: UnitInfo, from: string, to: string): string[] {
  const pairs = new Set<string>();
  for (const k of state.keys.get(unit.unitId) ?? []) pairs.add(`${k.slot}|${k.competence}`);
  const out = new Set<string>();
  for (const date of datesInRange(from, to)) for (const pair of pairs) out.add(`${date}|${pair}`);
  for (const key of state.overrides.get(unit.unitId)?.keys() ?? []) {
    const date = key.slice(0, 10);
    if (date >= from && date <= to) out.add(key);
  }
  return [...out];
}

/** What the gap rules make of one cell now. */
function gapCellDeviations(unit: UnitInfo, config: AlertRulesConfig, row: GapListRow, people: readonly GapListPerson[], nowMs: number): Deviation[] {
  const out: Deviation[] = [];
  if (row.slotStart === null || row.slotEnd === null) return out;
  const { startMs, endMs } = slotInterval(row.date, row.slotStart, row.slotEnd, unit.timeZone);
  if (endMs <= nowMs) return out;
  const window: AlertWindow = { kind: 'slot', date: row.date, slot: row.slot, competence: row.competence, start: toInstant(startMs), end: toInstant(endMs) };
  const where = `${unit.name} ${row.date} ${row.slot} ${row.competence}`;
  const starts = `starts ${row.date} ${localTimeOf(startMs, unit.timeZone)}`;
  const today = localDateOf(nowMs, unit.timeZone);
  const detail = { minimum: row.minimum, target: row.target, staffed: row.staffed, scheduled: row.scheduled, booked: row.booked, absent: row.absent, openShifts: row.openShifts };

  const soon = config['below-minimum-soon'];
  if (soon.enabled && row.minimum !== null && row.staffed < row.minimum && startMs < nowMs + soon.withinHours * HOUR) {
    out.push(
      deviation('below-minimum-soon', unit, config, window, {
        observed: row.staffed,
        expected: row.minimum,
        quantity: 'persons',
        message: `${where}: ${row.staffed} staffed, below the minimum of ${row.minimum} (${starts})`,
        detail,
      }),
    );
  }
  const horizon = config['below-target-horizon'];
  if (horizon.enabled && row.target !== null && row.staffed < row.target && row.date <= addDays(today, horizon.horizonDays - 1)) {
    out.push(
      deviation('below-target-horizon', unit, config, window, {
        observed: row.staffed,
        expected: row.target,
        quantity: 'persons',
        message: `${where}: ${row.staffed} staffed, below the target of ${row.target} (${starts})`,
        detail,
      }),
    );
  }
  const absence = config['absence-gap'];
  if (absence.enabled && row.target !== null && row.staffed < row.target && startMs < nowMs + absence.withinHours * HOUR) {
    // the reason is read to pick sick calls, and never leaves this function: alerts say "absent"
    const absent = people.filter((p) => p.status === 'absent' && p.absenceKind !== null && absence.kinds.includes(p.absenceKind)).length;
    if (absent > 0) {
      out.push(
        deviation('absence-gap', unit, config, window, {
          observed: row.staffed,
          expected: row.target,
          quantity: 'persons',
          message: `${where}: ${absent} absent at short notice leaves ${row.staffed} staffed, below the target of ${row.target} (${starts})`,
          detail: { ...detail, absentShortNotice: absent },
        }),
      );
    }
  }
  return out;
}

/** Gap-rule deviations of some cells of a unit (keys `<date>|<slot>|<competence>`). */
export function evaluateGapCells(inputs: AlertInputs, unitId: string, keys: readonly string[], nowMs: number): Deviation[] {
  const unit = inputs.gapList.units.get(unitId);
  if (!unit || keys.length === 0) return [];
  const config = alertRulesFor(inputs.alerts, unitId);
  const { cells, people } = gapListCells(inputs.gapList, unitId, keys);
  const byKey = new Map<string, GapListPerson[]>();
  for (const p of people) {
    let list = byKey.get(p.key);
    if (!list) byKey.set(p.key, (list = []));
    list.push(p);
  }
  const out: Deviation[] = [];
  for (const row of cells) out.push(...gapCellDeviations(unit, config, row, byKey.get(row.key) ?? [], nowMs));
  return out;
}

/** Gap-rule deviations of every cell of a unit with a requirement in the rules' windows. */
export function evaluateGapUnit(inputs: AlertInputs, unitId: string, nowMs: number): Deviation[] {
  const unit = inputs.gapList.units.get(unitId);
  if (!unit) return [];
  const config = alertRulesFor(inputs.alerts, unitId);
  if (!GAP_RULES.some((r) => config[r].enabled)) return [];
  const { from, to } = gapRuleDates(unit, config, nowMs);
  return evaluateGapCells(inputs, unitId, requirementCellKeys(inputs.gapList, unit, from, to), nowMs);
}

// ---------------------------------------------------------------------------------------------------------------
// Plan rules
// ---------------------------------------------------------------------------------------------------------------

/** Week and month rule deviations of a unit. */
export function evaluatePlanUnit(inputs: AlertInputs, unitId: string, nowMs: number): Deviation[] {
  const unit = inputs.gapList.units.get(unitId) ?? inputs.scheduleVsPlan.units.get(unitId) ?? inputs.outcomeVsPlan.units.get(unitId);
  if (!unit) return [];
  const config = alertRulesFor(inputs.alerts, unitId);
  const now = toInstant(nowMs);
  const today = localDateOf(nowMs, unit.timeZone);
  const thisMonth = monthOf(today);
  const out: Deviation[] = [];

  const svp = config['schedule-below-plan'];
  if (svp.enabled && inputs.scheduleVsPlan.units.has(unitId)) {
    const thisWeek = isoWeekOf(today);
    const result = queryScheduleVsPlan(inputs.scheduleVsPlan, inputs.gapList, { unitIds: [unitId], from: thisWeek, to: addWeeks(thisWeek, svp.weeksAhead - 1), targetRatio: svp.targetRatio }, now);
    for (const row of result.rows) {
      if (row.planHours === null || row.planHours <= 0 || row.meetsTarget !== false || row.targetHours === null) continue;
      out.push(
        deviation('schedule-below-plan', unit, config, { kind: 'week', week: row.week }, {
          observed: round2(row.scheduledPlannedHours),
          expected: round2(row.targetHours),
          quantity: 'hours',
          message: `${unit.name} ${row.week}: ${fmt(row.scheduledPlannedHours)} h scheduled, below plan ${fmt(row.planHours)} h × ${svp.targetRatio} = ${fmt(row.targetHours)} h`,
          detail: { planHours: round2(row.planHours), ratio: row.ratio === null ? null : round2(row.ratio), targetRatio: svp.targetRatio },
        }),
      );
    }
  }

  const ovp = config['outcome-off-plan'];
  const sfe = config['systematic-forecast-error'];
  if ((ovp.enabled || sfe.enabled) && inputs.outcomeVsPlan.units.has(unitId)) {
    const lastMonth = addMonths(thisMonth, -1);
    if (ovp.enabled) {
      const result = queryOutcomeVsPlan(inputs.outcomeVsPlan, { unitIds: [unitId], granularity: 'month', from: addMonths(thisMonth, -ovp.months), to: lastMonth }, now);
      for (const row of result.rows) {
        if (row.plan === null || row.outcome === null || row.plan <= 0) continue;
        const percent = ((row.outcome - row.plan) / row.plan) * 100;
        if (Math.abs(percent) <= ovp.tolerancePercent + 1e-9) continue;
        out.push(
          deviation('outcome-off-plan', unit, config, { kind: 'month', month: row.period, measure: row.measure }, {
            observed: round2(row.outcome),
            expected: round2(row.plan),
            quantity: row.measure === 'hours' ? 'hours' : 'volume',
            message: `${unit.name} ${row.period} ${row.measure}: outcome ${fmt(row.outcome)} vs plan ${fmt(row.plan)} (${percent > 0 ? '+' : ''}${fmt(percent)} %, tolerance ±${ovp.tolerancePercent} %)`,
            detail: { deviation: round2(row.outcome - row.plan), deviationPercent: round2(percent), tolerancePercent: ovp.tolerancePercent },
          }),
        );
      }
    }
    if (sfe.enabled) {
      const result = queryOutcomeVsPlan(
        inputs.outcomeVsPlan,
        { unitIds: [unitId], granularity: 'month', from: lastMonth, to: lastMonth, trackingSignalLimit: sfe.trackingSignalLimit, minPeriods: sfe.minPeriods },
        now,
      );
      for (const row of result.rows) {
        if (row.forecastErrorClass !== 'systematic-positive' && row.forecastErrorClass !== 'systematic-negative') continue;
        const ts = row.forecastErrorTrackingSignal ?? 0;
        const sign = ts >= 0 ? 1 : -1;
        out.push(
          deviation('systematic-forecast-error', unit, config, { kind: 'rolling-months', month: row.period, measure: row.measure }, {
            observed: round2(ts),
            expected: sign * sfe.trackingSignalLimit,
            quantity: 'tracking-signal',
            message: `${unit.name} inflow forecast (${row.measure}): systematic ${sign > 0 ? 'under' : 'over'}-forecast over 12 months to ${row.period}, Σ error ${fmt(row.cumulativeForecastError ?? 0)}, tracking signal ${fmt(ts)} (limit ±${sfe.trackingSignalLimit})`,
            detail: { cumulativeForecastError: row.cumulativeForecastError === null ? null : round2(row.cumulativeForecastError), periods: row.forecastErrorPeriods },
          }),
        );
      }
    }
  }

  const ot = config['overtime-above-limit'];
  const agency = config['agency-above-limit'];
  if ((ot.enabled || agency.enabled) && inputs.performedTime.unitIndex.has(unitId)) {
    const months = Math.max(ot.enabled ? ot.months : 0, agency.enabled ? agency.months : 0);
    const first = addMonths(thisMonth, -(months - 1));
    const result = queryPerformedTime(
      inputs.performedTime,
      { unitIds: [unitId], from: monthStart(first), to: monthEnd(thisMonth), bucket: 'month', groupBy: ['kind'], includeAbsence: 'none' },
      now,
    );
    const hoursOf = new Map<string, number>();
    for (const row of result.rows) if (row.kind !== null) hoursOf.set(`${row.period}|${row.kind}`, (hoursOf.get(`${row.period}|${row.kind}`) ?? 0) + row.hours);
    const check = (rule: 'overtime-above-limit' | 'agency-above-limit', kind: string, label: string) => {
      const settings = config[rule];
      if (!settings.enabled) return;
      for (let i = 0; i < settings.months; i += 1) {
        const month = addMonths(thisMonth, -i);
        const hours = hoursOf.get(`${month}|${kind}`) ?? 0;
        if (hours <= settings.hoursPerMonth + 1e-9) continue;
        out.push(
          deviation(rule, unit, config, { kind: 'month', month }, {
            observed: round2(hours),
            expected: settings.hoursPerMonth,
            quantity: 'hours',
            message: `${unit.name} ${month}: ${fmt(hours)} h ${label}${month === thisMonth ? ' so far' : ''}, above the limit of ${settings.hoursPerMonth} h a month`,
            detail: {},
          }),
        );
      }
    };
    check('overtime-above-limit', 'overtime', 'overtime');
    check('agency-above-limit', 'agency', 'agency staff');
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// What the data shows now for an existing alert (for the auto-resolve text)
// ---------------------------------------------------------------------------------------------------------------

export interface Observation {
  observed: number | null;
  expected: number | null;
  /** the alert's window has passed (slot ended, week or month left the rule's window) */
  windowPassed: boolean;
  ruleDisabled: boolean;
}

/** The current value behind an alert, and whether its window has passed. */
export function observeAlert(inputs: AlertInputs, record: AlertRecord, nowMs: number): Observation {
  const config = alertRulesFor(inputs.alerts, record.unitId);
  const ruleDisabled = !config[record.rule].enabled;
  const w = record.window;
  const unit = inputs.gapList.units.get(record.unitId) ?? inputs.scheduleVsPlan.units.get(record.unitId) ?? inputs.outcomeVsPlan.units.get(record.unitId);
  const tz = unit?.timeZone ?? 'Europe/Stockholm';
  const today = localDateOf(nowMs, tz);
  const thisMonth = monthOf(today);
  const none = { observed: null, expected: null };
  switch (record.rule) {
    case 'below-minimum-soon':
    case 'below-target-horizon':
    case 'absence-gap': {
      const ended = w.end !== undefined && Date.parse(w.end) <= nowMs;
      const { cells } = unit ? gapListCells(inputs.gapList, record.unitId, [record.windowKey]) : { cells: [] as GapListRow[] };
      const row = cells[0];
      const expected = row ? (record.rule === 'below-minimum-soon' ? row.minimum : row.target) : null;
      return { observed: row ? row.staffed : null, expected, windowPassed: ended, ruleDisabled };
    }
    case 'schedule-below-plan': {
      const passed = w.week !== undefined && w.week < isoWeekOf(today);
      if (!unit || w.week === undefined || !inputs.scheduleVsPlan.units.has(record.unitId)) return { ...none, windowPassed: passed, ruleDisabled };
      const targetRatio = config['schedule-below-plan'].targetRatio;
      const row = queryScheduleVsPlan(inputs.scheduleVsPlan, inputs.gapList, { unitIds: [record.unitId], from: w.week, to: w.week, targetRatio }, toInstant(nowMs)).rows[0];
      return { observed: row ? round2(row.scheduledPlannedHours) : null, expected: row?.targetHours == null ? null : round2(row.targetHours), windowPassed: passed, ruleDisabled };
    }
    case 'outcome-off-plan': {
      const months = config['outcome-off-plan'].months;
      const passed = w.month !== undefined && w.month < addMonths(thisMonth, -months);
      if (w.month === undefined || !inputs.outcomeVsPlan.units.has(record.unitId)) return { ...none, windowPassed: passed, ruleDisabled };
      const row = queryOutcomeVsPlan(inputs.outcomeVsPlan, { unitIds: [record.unitId], granularity: 'month', from: w.month, to: w.month }, toInstant(nowMs)).rows.find((r) => r.measure === w.measure);
      return { observed: row?.outcome ?? null, expected: row?.plan ?? null, windowPassed: passed, ruleDisabled };
    }
    case 'systematic-forecast-error': {
      if (!inputs.outcomeVsPlan.units.has(record.unitId)) return { ...none, windowPassed: false, ruleDisabled };
      const sfe = config['systematic-forecast-error'];
      const lastMonth = addMonths(thisMonth, -1);
      const row = queryOutcomeVsPlan(
        inputs.outcomeVsPlan,
        { unitIds: [record.unitId], granularity: 'month', from: lastMonth, to: lastMonth, trackingSignalLimit: sfe.trackingSignalLimit, minPeriods: sfe.minPeriods },
        toInstant(nowMs),
      ).rows.find((r) => r.measure === w.measure);
      return { observed: row?.forecastErrorTrackingSignal == null ? null : round2(row.forecastErrorTrackingSignal), expected: record.expected, windowPassed: false, ruleDisabled };
    }
    case 'overtime-above-limit':
    case 'agency-above-limit': {
      const settings = config[record.rule];
      const passed = w.month !== undefined && w.month < addMonths(thisMonth, -(settings.months - 1));
      if (w.month === undefined || !inputs.performedTime.unitIndex.has(record.unitId)) return { ...none, windowPassed: passed, ruleDisabled };
      const kind = record.rule === 'overtime-above-limit' ? 'overtime' : 'agency';
      const result = queryPerformedTime(
        inputs.performedTime,
        { unitIds: [record.unitId], from: monthStart(w.month), to: monthEnd(w.month), bucket: 'month', groupBy: ['kind'], includeAbsence: 'none' },
        toInstant(nowMs),
      );
      const hours = result.rows.filter((r) => r.kind === kind).reduce((s, r) => s + r.hours, 0);
      return { observed: round2(hours), expected: settings.hoursPerMonth, windowPassed: passed, ruleDisabled };
    }
  }
}
