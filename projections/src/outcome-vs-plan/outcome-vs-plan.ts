import type { EventData, Measure, StoredEvent } from '@pks/contracts';
import { asDomainEvent, NO_CHANGES, type Change, type Projection } from '../projection/projection.js';
import { datesInRange, isoWeekDates, isoWeekOf, monthEnd, monthOf, monthStart } from '../time/calendar.js';
import { evolveUnitDirectory, type UnitDirectory } from '../unit-directory/unit-directory.js';

export const OUTCOME_VS_PLAN_MODEL = 'outcome-vs-plan';

/** A production plan as set for one unit, period and activity. */
export interface PlanValue {
  hours: number | null;
  volume: number | null;
  measure: Measure;
}

/**
 * Plans, recorded outcomes and forecasts: small, so kept as given and combined on query.
 * Period keys: a date YYYY-MM-DD, an ISO week YYYY-Www or a month YYYY-MM.
 */
export interface OutcomeVsPlanState {
  units: UnitDirectory;
  /** unitId → period (week or month) → activity → plan */
  plans: Map<string, Map<string, Map<string, PlanValue>>>;
  /** unitId → `<period>|<measure>|<activity or ''>` → recorded production */
  production: Map<string, Map<string, number>>;
  /** unitId → `<period>|<measure>|<activity or ''>` → recorded inflow */
  inflow: Map<string, Map<string, number>>;
  /** unitId → `<month>|<what>|<measure>` → forecast */
  forecasts: Map<string, Map<string, number>>;
}

export function initialOutcomeVsPlanState(): OutcomeVsPlanState {
  return { units: new Map(), plans: new Map(), production: new Map(), inflow: new Map(), forecasts: new Map() };
}

function inner<V>(outer: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let m = outer.get(key);
  if (!m) outer.set(key, (m = new Map()));
  return m;
}

/** The months and ISO weeks a period's value shows in (change keys). */
export function periodKeys(period: string, spread: boolean): string[] {
  if (period.length === 10) return [monthOf(period), isoWeekOf(period)];
  if (period.includes('W')) return [period, ...new Set(isoWeekDates(period).map(monthOf))];
  if (!spread) return [period];
  return [period, ...new Set(datesInRange(monthStart(period), monthEnd(period)).map(isoWeekOf))];
}

function record(target: Map<string, Map<string, number>>, d: EventData<'ProductionRecorded'>): boolean {
  const values = inner(target, d.unitId);
  const key = `${d.period}|${d.measure}|${d.activity ?? ''}`;
  if (values.get(key) === d.value) return false;
  values.set(key, d.value);
  return true;
}

/**
 * Outcome vs plan and forecast error per unit × month (or week). Evolve only stores plans, outcomes and forecasts
 * (each replacing the earlier value of its key); deviations, errors, rolling sums and classification are computed
 * on query. Changes: `{ model: 'outcome-vs-plan', unitId, key: '<month or ISO week>' }` for every period whose own
 * figures changed (rolling sums of later periods change with them).
 */
export const outcomeVsPlan: Projection<OutcomeVsPlanState> = {
  name: 'outcome-vs-plan',
  version: 1,
  initialState: initialOutcomeVsPlanState,
  evolve(state, stored: StoredEvent): readonly Change[] {
    const event = asDomainEvent(stored);
    if (!event) return NO_CHANGES;
    let unitId: string;
    let keys: string[];
    switch (event.type) {
      case 'UnitRegistered':
        evolveUnitDirectory(state.units, event);
        return NO_CHANGES;
      case 'ProductionPlanSet': {
        const d = event.data;
        unitId = d.unitId;
        const period = (d.week ?? d.month)!;
        const byActivity = inner(inner(state.plans, d.unitId), period);
        const next: PlanValue = { hours: d.plannedHours ?? null, volume: d.plannedVolume ?? null, measure: d.measure };
        const old = byActivity.get(d.activity);
        if (old && old.hours === next.hours && old.volume === next.volume && old.measure === next.measure) return NO_CHANGES;
        byActivity.set(d.activity, next);
        keys = periodKeys(period, true);
        break;
      }
      case 'ProductionRecorded':
        if (!record(state.production, event.data)) return NO_CHANGES;
        unitId = event.data.unitId;
        keys = periodKeys(event.data.period, false);
        break;
      case 'InflowRecorded':
        if (!record(state.inflow, event.data)) return NO_CHANGES;
        unitId = event.data.unitId;
        keys = periodKeys(event.data.period, false);
        break;
      case 'ForecastSet': {
        const d = event.data;
        const values = inner(state.forecasts, d.unitId);
        const key = `${d.month}|${d.what}|${d.measure}`;
        if (values.get(key) === d.value) return NO_CHANGES;
        values.set(key, d.value);
        unitId = d.unitId;
        keys = periodKeys(d.month, true);
        break;
      }
      default:
        return NO_CHANGES;
    }
    return keys.map((key) => ({ model: OUTCOME_VS_PLAN_MODEL, unitId, key }));
  },
};
