import { OutcomeVsPlanResponse } from '@pks/contracts';
import { describe, expect, it } from 'vitest';
import type { Change } from '../projection/projection.js';
import { EventLog } from '../testing/given-events.js';
import { outcomeVsPlan, type OutcomeVsPlanState } from './outcome-vs-plan.js';
import { classifyErrors, queryOutcomeVsPlan } from './outcome-vs-plan-query.js';

const NOW = '2023-10-02T08:00:00Z';
const MONTHS = ['2023-01', '2023-02', '2023-03', '2023-04', '2023-05', '2023-06', '2023-07', '2023-08', '2023-09'];

function given() {
  const log = new EventLog();
  const state: OutcomeVsPlanState = outcomeVsPlan.initialState();
  const when = (type: string, data: Record<string, unknown>): readonly Change[] => outcomeVsPlan.evolve(state, log.add(type, data));
  when('UnitRegistered', { unitId: 'ORT', name: 'Ortopedi', departmentId: 'ort', kind: 'surgery', slots: [{ code: 'dag', start: '07:00', end: '16:00' }] });
  return { state, when };
}

/** seeds/001, "Exempel på hur en analys över utfall mot plan samt prognosfel per månad kan se ut" (Jan–Sep 2023, hours) */
const SEED = {
  forecast: [110, 120, 130, 110, 100, 90, 100, 100, 100],
  inflow: [103, 110, 133, 124, 99, 85, 97, 105, 103],
  plan: [100, 120, 130, 130, 110, 80, 80, 80, 110],
  production: [105, 119, 140, 115, 115, 90, 92, 91, 120],
};

function seedTable() {
  const g = given();
  MONTHS.forEach((month, i) => {
    g.when('ForecastSet', { unitId: 'ORT', month, what: 'inflow', value: SEED.forecast[i] });
    g.when('InflowRecorded', { unitId: 'ORT', period: month, measure: 'hours', value: SEED.inflow[i] });
    g.when('ProductionPlanSet', { unitId: 'ORT', month, activity: 'pat.opint.operation', plannedHours: SEED.plan[i] });
    g.when('ProductionRecorded', { unitId: 'ORT', period: month, measure: 'hours', activity: 'pat.opint.operation', value: SEED.production[i] });
  });
  return g;
}

describe('outcome vs plan: the forecast-error table of seeds/001', () => {
  it('comes out exactly: errors −7,−10,3,14,−1,−5,−3,5,3, Σ −1, random; deviations 5,−1,10,−15,5,10,12,11,10, Σ 47, systematic (positive)', () => {
    const { state } = seedTable();
    const answer = queryOutcomeVsPlan(state, { unitIds: ['ORT'], from: '2022-10', to: '2023-09' }, NOW);
    const rows = answer.rows.filter((r) => r.period >= '2023-01');
    expect(answer.rows.map((r) => r.period)).toEqual(['2022-10', '2022-11', '2022-12', ...MONTHS]);
    expect(answer.rows.slice(0, 3).every((r) => r.plan === null && r.forecast === null && r.deviation === null && r.cumulativeDeviation === null)).toBe(true);

    expect(rows.map((r) => r.forecastError)).toEqual([-7, -10, 3, 14, -1, -5, -3, 5, 3]);
    expect(rows.map((r) => r.deviation)).toEqual([5, -1, 10, -15, 5, 10, 12, 11, 10]);
    expect(rows.map((r) => r.cumulativeForecastError)).toEqual([-7, -17, -14, 0, -1, -6, -9, -4, -1]);
    expect(rows.map((r) => r.cumulativeDeviation)).toEqual([5, 4, 14, -1, 4, 14, 26, 37, 47]);

    const sep = rows[rows.length - 1]!;
    expect(sep).toMatchObject({
      plan: 110,
      outcome: 120,
      forecast: 100,
      inflow: 103,
      cumulativeForecastError: -1,
      forecastErrorPeriods: 9,
      forecastErrorClass: 'random',
      cumulativeDeviation: 47,
      deviationPeriods: 9,
      deviationClass: 'systematic-positive',
    });
    // TS = Σ ÷ MAD: −1 ÷ (51/9) and 47 ÷ (79/9)
    expect(sep.forecastErrorTrackingSignal).toBeCloseTo(-9 / 51, 5);
    expect(sep.deviationTrackingSignal).toBeCloseTo((47 * 9) / 79, 5);
    // the Σ column of the seed
    expect(SEED.forecast.reduce((a, b) => a + b)).toBe(960);
    expect(rows.reduce((s, r) => s + r.inflow!, 0)).toBe(959);
    expect(rows.reduce((s, r) => s + r.plan!, 0)).toBe(940);
    expect(rows.reduce((s, r) => s + r.outcome!, 0)).toBe(987);
    // January and February alone are too few periods to judge
    expect(rows.slice(0, 2).map((r) => r.deviationClass)).toEqual(['insufficient-data', 'insufficient-data']);
    expect(answer.totals.find((t) => t.period === '2023-09')).toMatchObject({ units: 1, plan: 110, outcome: 120, deviation: 10, forecastError: 3 });
    const response = { position: 36, ...answer };
    expect(OutcomeVsPlanResponse.parse(response)).toEqual(response);
  });

  it('sums over a rolling 12 months: the next year forgets the old months', () => {
    const { state, when } = seedTable();
    when('ProductionPlanSet', { unitId: 'ORT', month: '2024-01', activity: 'pat.opint.operation', plannedHours: 100 });
    when('ProductionRecorded', { unitId: 'ORT', period: '2024-01', measure: 'hours', activity: 'pat.opint.operation', value: 100 });
    const jan24 = queryOutcomeVsPlan(state, { unitIds: ['ORT'], from: '2024-01', to: '2024-01' }, NOW).rows[0]!;
    // window Feb 2023 – Jan 2024: Jan 2023's +5 drops out, Jan 2024 adds 0
    expect(jan24).toMatchObject({ deviation: 0, cumulativeDeviation: 42, deviationPeriods: 9 });
  });

  it('filters plans and production by activity, never the unit-level inflow and forecast', () => {
    const { state, when } = seedTable();
    when('ProductionPlanSet', { unitId: 'ORT', month: '2023-09', activity: 'pat.oppen.mottagning', plannedHours: 40 });
    when('ProductionRecorded', { unitId: 'ORT', period: '2023-09', measure: 'hours', activity: 'pat.oppen.mottagning', value: 30 });
    const sep = (activity?: string) => queryOutcomeVsPlan(state, { unitIds: ['ORT'], from: '2023-09', to: '2023-09', activity }, NOW).rows[0]!;
    expect(sep()).toMatchObject({ plan: 150, outcome: 150, deviation: 0, forecast: 100, inflow: 103 });
    expect(sep('pat.opint.operation')).toMatchObject({ plan: 110, outcome: 120, deviation: 10, cumulativeDeviation: 47, forecast: 100, inflow: 103, cumulativeForecastError: -1 });
    expect(sep('pat.oppen.mottagning')).toMatchObject({ plan: 40, outcome: 30, deviation: -10, inflow: 103 });
  });

  it('classifies with a configurable limit and needs enough periods', () => {
    expect(classifyErrors([5, -1, 10, -15, 5, 10, 12, 11, 10])).toMatchObject({ sum: 47, class: 'systematic-positive' });
    expect(classifyErrors([5, -1, 10, -15, 5, 10, 12, 11, 10], 6)).toMatchObject({ class: 'random' });
    expect(classifyErrors([-3, -4, -2])).toMatchObject({ sum: -9, mad: 3, trackingSignal: -3, class: 'random' });
    expect(classifyErrors([-3, -4, -2, -5, -1])).toMatchObject({ trackingSignal: -5, class: 'systematic-negative' });
    expect(classifyErrors([0, 0, 0])).toMatchObject({ trackingSignal: 0, class: 'random' });
    expect(classifyErrors([9, 9])).toMatchObject({ class: 'insufficient-data' });
  });
});

describe('outcome vs plan: periods', () => {
  it('allots week plans to months by days; a month plan for the same activity wins for its month', () => {
    const { state, when } = given();
    // 2023-W05 is Mon 30 Jan – Sun 5 Feb: 2 days in January, 5 in February
    expect(when('ProductionPlanSet', { unitId: 'ORT', week: '2023-W05', activity: 'pat.opint.operation', plannedHours: 70 })).toEqual([
      { model: 'outcome-vs-plan', unitId: 'ORT', key: '2023-W05' },
      { model: 'outcome-vs-plan', unitId: 'ORT', key: '2023-01' },
      { model: 'outcome-vs-plan', unitId: 'ORT', key: '2023-02' },
    ]);
    when('ProductionPlanSet', { unitId: 'ORT', week: '2023-W06', activity: 'pat.opint.operation', plannedHours: 35 });
    const months = () => queryOutcomeVsPlan(state, { unitIds: ['ORT'], from: '2023-01', to: '2023-02' }, NOW).rows.map((r) => r.plan);
    expect(months()).toEqual([20, 85]);
    when('ProductionPlanSet', { unitId: 'ORT', month: '2023-02', activity: 'pat.opint.operation', plannedHours: 112 });
    expect(months()).toEqual([20, 112]);
    // weeks: a week plan wins; the February month plan is spread by days into W09 (27 Feb – 5 Mar: 2 days)
    const weeks = queryOutcomeVsPlan(state, { unitIds: ['ORT'], granularity: 'week', from: '2023-W05', to: '2023-W09' }, NOW).rows;
    expect(weeks.map((r) => [r.period, r.plan])).toEqual([
      ['2023-W05', 70],
      ['2023-W06', 35],
      ['2023-W07', 28],
      ['2023-W08', 28],
      ['2023-W09', 8],
    ]);
  });

  it('sums daily outcomes into weeks and months; a month record for the same key wins; volumes by their measure', () => {
    const { state, when } = given();
    when('ProductionPlanSet', { unitId: 'ORT', month: '2023-03', activity: 'pat.opint.operation', plannedHours: 50, plannedVolume: 20, measure: 'operations' });
    expect(when('ProductionRecorded', { unitId: 'ORT', period: '2023-03-01', measure: 'operations', value: 4 })).toEqual([
      { model: 'outcome-vs-plan', unitId: 'ORT', key: '2023-03' },
      { model: 'outcome-vs-plan', unitId: 'ORT', key: '2023-W09' },
    ]);
    when('ProductionRecorded', { unitId: 'ORT', period: '2023-03-02', measure: 'operations', value: 5 });
    when('ProductionRecorded', { unitId: 'ORT', period: '2023-03-02', measure: 'operations', value: 6 }); // replaces
    const march = () => queryOutcomeVsPlan(state, { unitIds: ['ORT'], from: '2023-03', to: '2023-03' }, NOW).rows;
    expect(march().map((r) => [r.measure, r.plan, r.outcome, r.deviation])).toEqual([
      ['hours', 50, null, null],
      ['operations', 20, 10, -10],
    ]);
    when('ProductionRecorded', { unitId: 'ORT', period: '2023-03', measure: 'operations', value: 22 });
    expect(march().find((r) => r.measure === 'operations')).toMatchObject({ outcome: 22, deviation: 2 });
    const w09 = queryOutcomeVsPlan(state, { unitIds: ['ORT'], granularity: 'week', from: '2023-W09', to: '2023-W09', measure: 'operations' }, NOW).rows;
    expect(w09).toMatchObject([{ period: '2023-W09', outcome: 10, plan: round(20 * 5 / 31) }]);
  });
});

function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
