import type { EventData, StoredEvent } from '@pks/contracts';
import { describe, expect, it } from 'vitest';
import { local, World } from './alerts.fixtures.js';

/** Given/when/then for every alert rule: given events, when the engine evaluates at `now`, then these alert events. */

const DAY = '2026-11-24'; // a Tuesday
const NOW = local('2026-11-23', '13:00'); // dag on DAY starts 18 h later

const raised = (events: StoredEvent[]) => events.filter((e) => e.type === 'AlertRaised').map((e) => e.data as EventData<'AlertRaised'>);

function ward(): World {
  const w = new World().unit('B8').key('B8', 2, 3);
  for (const p of ['N1', 'N2', 'N3', 'N4']) w.staff(p, { homeUnitId: 'B8' });
  return w;
}

describe('gap rules', () => {
  it('below-minimum-soon: a slot below minimum within the next 24 h raises a critical alert for manager and staffing centre', () => {
    const w = ward().shift('S1', 'B8', 'N1', DAY);
    const alerts = raised(w.sweep(NOW, 'gap'));
    // today's dag slot is still running (13:00) and empty: below minimum too
    expect(alerts.filter((a) => a.rule === 'below-minimum-soon').map((a) => a.window.date)).toEqual(['2026-11-23', DAY]);
    const soon = alerts.find((a) => a.rule === 'below-minimum-soon' && a.window.date === DAY);
    expect(soon).toMatchObject({
      alertId: `bmin~B8~${DAY}~dag~SSK`,
      unitId: 'B8',
      departmentId: 'akut',
      window: { kind: 'slot', date: DAY, slot: 'dag', competence: 'SSK', start: `${DAY}T06:00:00Z`, end: `${DAY}T14:30:00Z` },
      observed: 1,
      expected: 2,
      quantity: 'persons',
      severity: 'critical',
      audience: ['manager', 'staffing-centre'],
      occurrence: 1,
    });
    expect(soon!.message).toContain('below the minimum of 2');
    // the same cell two days later is not within 24 h: only below target
    const later = ward().shift('S1', 'B8', 'N1', '2026-11-26');
    const laterAlerts = raised(later.sweep(NOW, 'gap'));
    expect(laterAlerts.filter((a) => a.window.date === '2026-11-26').map((a) => a.rule)).toEqual(['below-target-horizon']);
  });

  it('below-minimum-soon: a slot entering the window without any event raises on the next tick', () => {
    const w = ward().shift('S1', 'B8', 'N1', '2026-11-25');
    expect(raised(w.sweep(NOW, 'gap')).filter((a) => a.rule === 'below-minimum-soon' && a.window.date === '2026-11-25')).toEqual([]);
    const dayLater = local('2026-11-24', '13:00');
    expect(raised(w.sweep(dayLater, 'gap')).filter((a) => a.rule === 'below-minimum-soon' && a.window.date === '2026-11-25')).toHaveLength(1);
  });

  it('below-target-horizon: cells below target within 14 days for the staffing centre, not beyond', () => {
    const w = ward();
    for (const p of ['N1', 'N2']) w.shift(`S-${p}`, 'B8', p, DAY);
    const alerts = raised(w.sweep(NOW, 'gap'));
    const day = alerts.filter((a) => a.window.date === DAY);
    expect(day.map((a) => a.rule)).toEqual(['below-target-horizon']);
    expect(day[0]).toMatchObject({ observed: 2, expected: 3, severity: 'medium', audience: ['staffing-centre'] });
    // every empty day of the horizon is below target too (no shifts), up to 2026-12-06 (14 days from the 23rd), not the 7th
    const dates = alerts.filter((a) => a.rule === 'below-target-horizon').map((a) => a.window.date!);
    expect(dates).toContain('2026-12-06');
    expect(dates).not.toContain('2026-12-07');
    // slots that have ended are not alerted (yesterday's dag)
    expect(dates).not.toContain('2026-11-22');
  });

  it('absence-gap: a sick call that leaves a slot below target raises at once, naming no reason and no person', () => {
    const w = ward();
    for (const p of ['N1', 'N2', 'N3']) w.shift(`S-${p}`, 'B8', p, DAY);
    expect(raised(w.sweep(NOW, 'gap')).filter((a) => a.window.date === DAY)).toEqual([]);
    w.absence('A1', 'N2', DAY, 'sick');
    const alerts = raised(w.sweep(NOW, 'gap')).filter((a) => a.window.date === DAY);
    const gap = alerts.find((a) => a.rule === 'absence-gap')!;
    expect(gap).toMatchObject({ observed: 2, expected: 3, severity: 'high', audience: ['manager', 'staffing-centre'], detail: expect.objectContaining({ absent: 1, absentShortNotice: 1 }) });
    expect(JSON.stringify(gap)).not.toMatch(/sick|N2|Name/i);
    expect(gap.message).toContain('absent');
  });

  it('absence-gap: planned absence kinds (vacation) do not count as sick calls', () => {
    const w = ward();
    for (const p of ['N1', 'N2', 'N3']) w.shift(`S-${p}`, 'B8', p, DAY);
    w.absence('A1', 'N2', DAY, 'vacation');
    const rules = raised(w.sweep(NOW, 'gap')).filter((a) => a.window.date === DAY).map((a) => a.rule);
    expect(rules).toEqual(['below-target-horizon']);
  });
});

describe('plan rules (tactical)', () => {
  it('schedule-below-plan: a week in the next 12 whose scheduled hours are below plan × 1.10', () => {
    const w = ward();
    // week 2026-W49: plan 16 h; two 8.5 h shifts = 17 h < 17.6 h
    w.add('ProductionPlanSet', { unitId: 'B8', week: '2026-W49', activity: 'pat.sluten.odef', plannedHours: 16 });
    w.shift('P1', 'B8', 'N1', '2026-11-30').shift('P2', 'B8', 'N2', '2026-12-01');
    // week 2026-W50: plan 16 h, three shifts = 25.5 h: met
    w.add('ProductionPlanSet', { unitId: 'B8', week: '2026-W50', activity: 'pat.sluten.odef', plannedHours: 16 });
    w.shift('P3', 'B8', 'N1', '2026-12-07').shift('P4', 'B8', 'N2', '2026-12-08').shift('P5', 'B8', 'N3', '2026-12-09');
    // a plan beyond 12 weeks is not looked at
    w.add('ProductionPlanSet', { unitId: 'B8', week: '2027-W10', activity: 'pat.sluten.odef', plannedHours: 100 });
    const alerts = raised(w.sweep(NOW, 'plan'));
    expect(alerts.map((a) => [a.rule, a.window.week])).toEqual([['schedule-below-plan', '2026-W49']]);
    expect(alerts[0]).toMatchObject({ observed: 17, expected: 17.6, quantity: 'hours', audience: ['tactical'], detail: { planHours: 16, targetRatio: 1.1 } });
  });

  it('outcome-off-plan: a completed month whose outcome is off plan by more than 10 %', () => {
    const w = ward();
    w.add('ProductionPlanSet', { unitId: 'B8', month: '2026-10', activity: 'pat.sluten', plannedVolume: 100, measure: 'visits' });
    w.add('ProductionRecorded', { unitId: 'B8', period: '2026-10', measure: 'visits', value: 115 });
    w.add('ProductionPlanSet', { unitId: 'B8', month: '2026-09', activity: 'pat.sluten', plannedVolume: 100, measure: 'visits' });
    w.add('ProductionRecorded', { unitId: 'B8', period: '2026-09', measure: 'visits', value: 105 });
    // the current month is not complete: not looked at
    w.add('ProductionPlanSet', { unitId: 'B8', month: '2026-11', activity: 'pat.sluten', plannedVolume: 100, measure: 'visits' });
    w.add('ProductionRecorded', { unitId: 'B8', period: '2026-11', measure: 'visits', value: 10 });
    const alerts = raised(w.sweep(NOW, 'plan'));
    expect(alerts.map((a) => [a.rule, a.window.month, a.window.measure])).toEqual([['outcome-off-plan', '2026-10', 'visits']]);
    expect(alerts[0]).toMatchObject({ observed: 115, expected: 100, quantity: 'volume', detail: { deviationPercent: 15, tolerancePercent: 10 } });
  });

  it('systematic-forecast-error: inflow errors that keep one sign raise; the seed’s random errors do not', () => {
    const seed = ward();
    const forecast = [110, 120, 130, 110, 100, 90, 100, 100, 100];
    const inflow = [103, 110, 133, 124, 99, 85, 97, 105, 103];
    forecast.forEach((f, i) => {
      const month = `2026-${String(i + 2).padStart(2, '0')}`;
      seed.add('ForecastSet', { unitId: 'B8', month, what: 'inflow', measure: 'patients', value: f });
      seed.add('InflowRecorded', { unitId: 'B8', period: month, measure: 'patients', value: inflow[i]! });
    });
    expect(raised(seed.sweep(NOW, 'plan'))).toEqual([]);

    const biased = ward();
    forecast.forEach((f, i) => {
      const month = `2026-${String(i + 2).padStart(2, '0')}`;
      biased.add('ForecastSet', { unitId: 'B8', month, what: 'inflow', measure: 'patients', value: f });
      biased.add('InflowRecorded', { unitId: 'B8', period: month, measure: 'patients', value: f + 8 + (i % 3) });
    });
    const alerts = raised(biased.sweep(NOW, 'plan'));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ rule: 'systematic-forecast-error', alertId: 'sfe~B8~rolling~patients', window: { kind: 'rolling-months', month: '2026-10', measure: 'patients' }, quantity: 'tracking-signal', expected: 4 });
    expect(alerts[0]!.observed).toBeGreaterThan(4);
  });

  it('overtime-above-limit and agency-above-limit: hours of a month above the limit', () => {
    const w = ward();
    w.add('HoursReported', { reportId: 'R1', unitId: 'B8', month: '2026-10', competence: 'SSK', employmentForm: 'monthly', payComponent: 'overtime', hours: 250 });
    w.add('HoursReported', { reportId: 'R2', unitId: 'B8', month: '2026-11', competence: 'SSK', employmentForm: 'monthly', payComponent: 'overtime', hours: 120 });
    w.add('HoursReported', { reportId: 'R3', unitId: 'B8', month: '2026-11', competence: 'SSK', employmentForm: 'agency', payComponent: 'ordinary', hours: 170 });
    const alerts = raised(w.sweep(NOW, 'plan'));
    expect(alerts.map((a) => [a.rule, a.window.month, a.observed, a.expected])).toEqual([
      ['overtime-above-limit', '2026-10', 250, 200],
      ['agency-above-limit', '2026-11', 170, 160],
    ]);
  });

  it('thresholds are configurable per organisation and unit (AlertRulesConfigured); a disabled rule resolves its alerts', () => {
    const w = ward();
    w.add('HoursReported', { reportId: 'R1', unitId: 'B8', month: '2026-11', competence: 'SSK', employmentForm: 'monthly', payComponent: 'overtime', hours: 120 });
    expect(raised(w.sweep(NOW, 'plan'))).toEqual([]);
    w.add('AlertRulesConfigured', { rules: { 'overtime-above-limit': { hoursPerMonth: 100 } } });
    expect(raised(w.sweep(NOW, 'plan')).map((a) => [a.rule, a.expected])).toEqual([['overtime-above-limit', 100]]);
    w.add('AlertRulesConfigured', { unitId: 'B8', rules: { 'overtime-above-limit': { enabled: false } } });
    const resolved = w.sweep(NOW, 'plan');
    expect(resolved.map((e) => [e.type, (e.data as EventData<'AlertResolved'>).reason])).toEqual([['AlertResolved', 'rule-disabled']]);
  });
});
