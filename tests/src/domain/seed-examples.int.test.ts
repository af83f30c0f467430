import { startTestPlatform, type TestPlatform } from '@pks/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const slots = [{ code: 'dag', start: '07:00', end: '15:30' }];
const ev = (id: string, type: string, data: Record<string, unknown>) => ({ id, type, data, metadata: { sourceSystem: 'seed' } });

/** The worked examples of the seed documents, driven through POST /api/v1/events and read back over the API. */
describe('seed examples through the ingest API', () => {
  let p: TestPlatform;
  let admin: string;
  beforeAll(async () => {
    p = await startTestPlatform();
    admin = await p.token('admin');
  });
  afterAll(async () => p.close());

  it('seeds/000: 39 staff → 37 FTE → 28.0 after absence → +3.0 extra time +1.0 non-employed = 32.0 ProdN', async () => {
    const month = '2026-03'; // 31 days
    const events: Record<string, unknown>[] = [ev('prodn-unit', 'UnitRegistered', { unitId: 'KS-VA', name: 'Vårdavdelning', departmentId: 'ks', slots })];
    // 39 monthly staff, rates 50–100 %: 35 full-time and 4 half-time = 37 FTE
    for (let i = 0; i < 39; i += 1) {
      events.push(
        ev(`prodn-staff-${i}`, 'StaffRegistered', {
          staffId: `KS${i}`,
          competences: [i % 2 === 0 ? 'SSK' : 'USK'],
          employmentForm: 'monthly',
          rate: i < 35 ? 1 : 0.5,
          homeUnitId: 'KS-VA',
          employedFrom: '2025-01-01',
        }),
      );
    }
    const perDay = 31 * 5.45; // 168.95 h = 1.0 FTE in March
    events.push(
      // absence worth 9.0 FTE (payroll lines: sick and vacation of monthly staff)
      ev('prodn-abs-1', 'HoursReported', { reportId: 'abs-sick', unitId: 'KS-VA', month, competence: 'SSK', employmentForm: 'monthly', payComponent: 'absence-sick', hours: 5 * perDay }),
      ev('prodn-abs-2', 'HoursReported', { reportId: 'abs-vac', unitId: 'KS-VA', month, competence: 'USK', employmentForm: 'monthly', payComponent: 'absence-vacation', hours: 4 * perDay }),
      // 507 h of extra time
      ev('prodn-ot', 'HoursReported', { reportId: 'ot', unitId: 'KS-VA', month, competence: 'SSK', employmentForm: 'monthly', payComponent: 'overtime', hours: 300 }),
      ev('prodn-add', 'HoursReported', { reportId: 'add', unitId: 'KS-VA', month, competence: 'USK', employmentForm: 'monthly', payComponent: 'additional', hours: 207 }),
      // non-employed: agency staff, 1.0 FTE
      ev('prodn-agency', 'HoursReported', { reportId: 'agency', unitId: 'KS-VA', month, competence: 'SSK', employmentForm: 'agency', payComponent: 'ordinary', hours: perDay }),
    );
    const posted = await p.post(events, { query: '?atomic=true' });
    expect(posted.status).toBe(200);

    const response = await p.get(`/api/v1/staff-volume?unitId=KS-VA&month=${month}&minPosition=${posted.body.position}`, { token: admin });
    expect(response.status).toBe(200);
    const all = response.body.rows.find((r: any) => r.staffCategory === null && r.period === month);
    expect(all).toMatchObject({ days: 31, complete: true, monthlyStaff: 39, basis: 'rates' });
    expect(all.contractedFte).toBeCloseTo(37, 9);
    expect(all.absenceFte).toBeCloseTo(9, 9);
    expect(all.monthlyPresenceFte).toBeCloseTo(28, 9);
    expect(all.extraTimeHours).toBeCloseTo(507, 9);
    expect(all.extraTimeFte).toBeCloseTo(507 / (31 * 5.45), 9);
    expect(Number(all.extraTimeFte.toFixed(1))).toBe(3.0);
    expect(all.nonEmployedFte).toBeCloseTo(1, 9);
    expect(Number(all.prodN.toFixed(1))).toBe(32.0);
    expect(all.prodN).toBeCloseTo(28 + 507 / 168.95 + 1, 9);
    expect(Number(all.fte.toFixed(1))).toBe(40.0); // HÅA: 37 + extra time, agency excluded

    const csv = await p.get(`/api/v1/staff-volume?unitId=KS-VA&month=${month}`, { token: admin, accept: 'text/csv' });
    expect(csv.text.split('\n')[0]).toContain('prodN');
  });

  it('seeds/001: forecast errors −7,−10,3,14,−1,−5,−3,5,3 Σ −1 (random); deviations Σ 47 (systematic)', async () => {
    const months = ['2023-01', '2023-02', '2023-03', '2023-04', '2023-05', '2023-06', '2023-07', '2023-08', '2023-09'];
    const forecast = [110, 120, 130, 110, 100, 90, 100, 100, 100];
    const inflow = [103, 110, 133, 124, 99, 85, 97, 105, 103];
    const plan = [100, 120, 130, 130, 110, 80, 80, 80, 110];
    const production = [105, 119, 140, 115, 115, 90, 92, 91, 120];
    const events: Record<string, unknown>[] = [ev('fc-unit', 'UnitRegistered', { unitId: 'RJL-OPV', name: 'Mottagning', departmentId: 'rjl', kind: 'outpatient', slots })];
    months.forEach((month, i) => {
      events.push(
        ev(`fc-f-${month}`, 'ForecastSet', { unitId: 'RJL-OPV', month, what: 'inflow', measure: 'hours', value: forecast[i] }),
        ev(`fc-i-${month}`, 'InflowRecorded', { unitId: 'RJL-OPV', period: month, measure: 'hours', value: inflow[i] }),
        ev(`fc-p-${month}`, 'ProductionPlanSet', { unitId: 'RJL-OPV', month, activity: 'pat.oppen.mottagning', plannedHours: plan[i] }),
        ev(`fc-o-${month}`, 'ProductionRecorded', { unitId: 'RJL-OPV', period: month, measure: 'hours', value: production[i] }),
      );
    });
    const posted = await p.post(events, { query: '?atomic=true' });
    expect(posted.status).toBe(200);
    const response = await p.get(`/api/v1/outcome-vs-plan?unitId=RJL-OPV&from=2023-01&to=2023-09&measure=hours&minPosition=${posted.body.position}`, { token: admin });
    expect(response.status).toBe(200);
    const rows = response.body.rows as any[];
    expect(rows.map((r) => r.forecastError)).toEqual([-7, -10, 3, 14, -1, -5, -3, 5, 3]);
    expect(rows.map((r) => r.deviation)).toEqual([5, -1, 10, -15, 5, 10, 12, 11, 10]);
    const september = rows[rows.length - 1];
    expect(september.cumulativeForecastError).toBe(-1);
    expect(september.cumulativeDeviation).toBe(47);
    expect(september.forecastErrorClass).toBe('random');
    expect(september.deviationClass).toBe('systematic-positive');
  });
});
