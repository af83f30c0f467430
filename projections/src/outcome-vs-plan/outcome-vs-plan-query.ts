import {
  Measure,
  OUTCOME_VS_PLAN_MIN_PERIODS,
  OUTCOME_VS_PLAN_TRACKING_SIGNAL_LIMIT,
  type OutcomeErrorClass,
  type OutcomeGranularity,
  type OutcomeVsPlanResponse,
  type OutcomeVsPlanRow,
  type OutcomeVsPlanTotal,
} from '@pks/contracts';
import { addMonths, addWeeks, datesInRange, daysInMonthOf, isoWeekDates, isoWeekOf, monthEnd, monthOf, monthStart, monthsInRange, weeksInRange } from '../time/calendar.js';
import { localDateOf, toEpochMs } from '../time/zoned-time.js';
import type { OutcomeVsPlanState } from './outcome-vs-plan.js';

const DEFAULT_TIME_ZONE = 'Europe/Stockholm';
/** the rolling window: 12 months, or 52 ISO weeks */
export const ROLLING_PERIODS: Record<OutcomeGranularity, number> = { month: 12, week: 52 };

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

export interface ErrorClassification {
  /** periods with a value in the window */
  periods: number;
  sum: number;
  /** mean absolute error */
  mad: number;
  /** Σ error ÷ mean absolute error (0 when every error is 0) */
  trackingSignal: number;
  class: OutcomeErrorClass;
}

/**
 * Random or systematic (seeds/001: errors that swing but sum to ≈ 0 are random; errors that keep one sign are
 * systematic). Rule: the tracking signal TS = Σ error ÷ mean absolute error over the window; |TS| > limit (default
 * 4) is systematic, positive or negative by the sign of Σ; fewer than minPeriods (default 3) periods: no verdict.
 * TS lies between −n and n, and reaches ±n only when every error has the same sign.
 */
export function classifyErrors(
  errors: readonly number[],
  limit: number = OUTCOME_VS_PLAN_TRACKING_SIGNAL_LIMIT,
  minPeriods: number = OUTCOME_VS_PLAN_MIN_PERIODS,
): ErrorClassification {
  const periods = errors.length;
  const sum = round6(errors.reduce((s, e) => s + e, 0));
  const mad = periods === 0 ? 0 : round6(errors.reduce((s, e) => s + Math.abs(e), 0) / periods);
  const trackingSignal = mad === 0 ? 0 : round6(sum / mad);
  const verdict: OutcomeErrorClass =
    periods < minPeriods ? 'insufficient-data' : Math.abs(trackingSignal) > limit ? (sum > 0 ? 'systematic-positive' : 'systematic-negative') : 'random';
  return { periods, sum, mad, trackingSignal, class: verdict };
}

type Entry = [period: string, measure: Measure, activity: string, value: number];

/**
 * Values per target period and measure, from values given per source period (date, week or month), measure and
 * activity. Per activity, a value given for the target period itself wins; otherwise finer values are summed into it
 * (dates; weeks allotted to months by their days in each month) and, when `spreadCoarser` (plans and forecasts),
 * months are spread over weeks by days.
 */
function bucket(entries: Iterable<Entry>, granularity: OutcomeGranularity, targets: ReadonlySet<string>, spreadCoarser: boolean): Map<string, number> {
  const exact = new Map<string, number>();
  const derived = new Map<string, number>();
  const add = (target: string, measure: string, activity: string, v: number) => {
    if (!targets.has(target)) return;
    const k = `${target}|${measure}|${activity}`;
    derived.set(k, (derived.get(k) ?? 0) + v);
  };
  for (const [period, measure, activity, value] of entries) {
    const kind: OutcomeGranularity | 'date' = period.length === 10 ? 'date' : period.includes('W') ? 'week' : 'month';
    if (kind === granularity) {
      if (targets.has(period)) exact.set(`${period}|${measure}|${activity}`, value);
    } else if (kind === 'date') {
      add(granularity === 'month' ? monthOf(period) : isoWeekOf(period), measure, activity, value);
    } else if (kind === 'week') {
      for (const date of isoWeekDates(period)) add(monthOf(date), measure, activity, value / 7);
    } else if (spreadCoarser) {
      const days = daysInMonthOf(period);
      for (const date of datesInRange(monthStart(period), monthEnd(period))) add(isoWeekOf(date), measure, activity, value / days);
    }
  }
  const out = new Map<string, number>();
  for (const [k, v] of derived) if (!exact.has(k)) exact.set(k, v);
  for (const [k, v] of exact) {
    const key = k.slice(0, k.lastIndexOf('|'));
    out.set(key, (out.get(key) ?? 0) + v);
  }
  return out;
}

function* planEntries(state: OutcomeVsPlanState, unitId: string, activity: string | null): Iterable<Entry> {
  for (const [period, byActivity] of state.plans.get(unitId) ?? []) {
    for (const [a, p] of byActivity) {
      if (activity !== null && a !== activity) continue;
      if (p.hours !== null) yield [period, 'hours', a, p.hours];
      if (p.volume !== null && (p.measure !== 'hours' || p.hours === null)) yield [period, p.measure, a, p.volume];
    }
  }
}

function* recordEntries(values: Map<string, number> | undefined, activity: string | null): Iterable<Entry> {
  for (const [key, value] of values ?? []) {
    const [period, measure, a] = key.split('|') as [string, Measure, string];
    if (activity !== null && a !== activity) continue;
    yield [period, measure, a, value];
  }
}

function* inflowForecastEntries(state: OutcomeVsPlanState, unitId: string): Iterable<Entry> {
  for (const [key, value] of state.forecasts.get(unitId) ?? []) {
    const [month, what, measure] = key.split('|') as [string, string, Measure];
    if (what === 'inflow') yield [month, measure, '', value];
  }
}

export interface OutcomeVsPlanQuery {
  unitIds: string[];
  granularity?: OutcomeGranularity | undefined;
  /** first and last month (YYYY-MM) or ISO week; default the 12 months (52 weeks) up to the current one */
  from?: string | undefined;
  to?: string | undefined;
  measure?: Measure | undefined;
  /** only this activity's plans and production; forecasts are per unit, so inflow and forecast are never filtered */
  activity?: string | undefined;
  trackingSignalLimit?: number | undefined;
  minPeriods?: number | undefined;
  /** echoed */
  unitId?: string | undefined;
  departmentId?: string | undefined;
  poolId?: string | undefined;
}

/**
 * Outcome vs plan and forecast error per unit × measure × period, with sums and tracking signals over the rolling
 * 12 months (52 weeks) ending with each period. Only periods with both values count in a window (plan and outcome
 * for deviations; forecast and inflow for forecast errors), so follow-up starts when the plan does (seeds/001).
 */
export function queryOutcomeVsPlan(state: OutcomeVsPlanState, params: OutcomeVsPlanQuery, now: string): Omit<OutcomeVsPlanResponse, 'position'> {
  const granularity = params.granularity ?? 'month';
  const window = ROLLING_PERIODS[granularity];
  const limit = params.trackingSignalLimit ?? OUTCOME_VS_PLAN_TRACKING_SIGNAL_LIMIT;
  const minPeriods = params.minPeriods ?? OUTCOME_VS_PLAN_MIN_PERIODS;
  const activity = params.activity ?? null;
  const today = localDateOf(toEpochMs(now), DEFAULT_TIME_ZONE);
  const step = granularity === 'month' ? addMonths : addWeeks;
  const to = params.to ?? (granularity === 'month' ? monthOf(today) : isoWeekOf(today));
  const from = params.from ?? step(to, -(window - 1));
  const range = granularity === 'month' ? monthsInRange : weeksInRange;
  const shown = range(from, to);
  const all = range(step(from, -(window - 1)), to);
  const targets = new Set(all);

  const rows: OutcomeVsPlanRow[] = [];
  const totals = new Map<string, OutcomeVsPlanTotal>();
  const unitIds: string[] = [];

  for (const unitId of params.unitIds) {
    const unit = state.units.get(unitId);
    if (!unit) continue;
    unitIds.push(unitId);
    const plan = bucket(planEntries(state, unitId, activity), granularity, targets, true);
    const outcome = bucket(recordEntries(state.production.get(unitId), activity), granularity, targets, false);
    const forecast = bucket(inflowForecastEntries(state, unitId), granularity, targets, true);
    const inflow = bucket(recordEntries(state.inflow.get(unitId), null), granularity, targets, false);
    const measures = new Set<string>();
    for (const m of [plan, outcome, forecast, inflow]) for (const k of m.keys()) measures.add(k.slice(k.indexOf('|') + 1));
    const ordered = Measure.options.filter((m) => (params.measure === undefined ? measures.has(m) : m === params.measure));

    for (const measure of ordered) {
      const get = (m: Map<string, number>, period: string) => {
        const v = m.get(`${period}|${measure}`);
        return v === undefined ? null : round6(v);
      };
      const deviations: (number | null)[] = [];
      const errors: (number | null)[] = [];
      for (const period of all) {
        const p = get(plan, period);
        const o = get(outcome, period);
        const f = get(forecast, period);
        const i = get(inflow, period);
        deviations.push(p !== null && o !== null ? round6(o - p) : null);
        errors.push(f !== null && i !== null ? round6(i - f) : null);
      }
      const offset = all.length - shown.length;
      shown.forEach((period, j) => {
        const idx = offset + j;
        const inWindow = (values: (number | null)[]) => values.slice(idx - window + 1, idx + 1).filter((v): v is number => v !== null);
        const dev = classifyErrors(inWindow(deviations), limit, minPeriods);
        const err = classifyErrors(inWindow(errors), limit, minPeriods);
        const dates = granularity === 'month' ? [monthStart(period), monthEnd(period)] : [isoWeekDates(period)[0]!, isoWeekDates(period)[6]!];
        const row: OutcomeVsPlanRow = {
          key: `${unitId}|${period}|${measure}`,
          unitId,
          unitName: unit.name,
          departmentId: unit.departmentId,
          granularity,
          period,
          periodStart: dates[0]!,
          periodEnd: dates[1]!,
          measure,
          plan: get(plan, period),
          outcome: get(outcome, period),
          deviation: deviations[idx]!,
          cumulativeDeviation: dev.periods === 0 ? null : dev.sum,
          deviationPeriods: dev.periods,
          deviationTrackingSignal: dev.periods === 0 ? null : dev.trackingSignal,
          deviationClass: dev.class,
          forecast: get(forecast, period),
          inflow: get(inflow, period),
          forecastError: errors[idx]!,
          cumulativeForecastError: err.periods === 0 ? null : err.sum,
          forecastErrorPeriods: err.periods,
          forecastErrorTrackingSignal: err.periods === 0 ? null : err.trackingSignal,
          forecastErrorClass: err.class,
        };
        rows.push(row);
        const tk = `${period}|${measure}`;
        let t = totals.get(tk);
        if (!t) totals.set(tk, (t = { period, measure, units: 0, plan: null, outcome: null, deviation: null, forecast: null, inflow: null, forecastError: null }));
        t.units += 1;
        for (const field of ['plan', 'outcome', 'deviation', 'forecast', 'inflow', 'forecastError'] as const) {
          const v = row[field];
          if (v !== null) t[field] = round6((t[field] ?? 0) + v);
        }
      });
    }
  }

  return {
    asOf: now,
    ...(params.unitId !== undefined && { unitId: params.unitId }),
    ...(params.departmentId !== undefined && { departmentId: params.departmentId }),
    ...(params.poolId !== undefined && { poolId: params.poolId }),
    unitIds,
    granularity,
    from,
    to,
    measure: params.measure ?? null,
    activity,
    trackingSignalLimit: limit,
    minPeriods,
    rows,
    totals: [...totals.values()].sort((a, b) => a.period.localeCompare(b.period) || Measure.options.indexOf(a.measure) - Measure.options.indexOf(b.measure)),
  };
}
