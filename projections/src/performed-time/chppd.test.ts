import { ChppdParams, type ChppdRow } from '@pks/contracts';
import { describe, expect, it } from 'vitest';
import { Hospital, local } from './performed-time.fixtures.js';
import { queryChppd, toChppdQuery, type ChppdQuery } from './query-chppd.js';

function q(from: string, to: string, extra: Partial<ChppdQuery> = {}): ChppdQuery {
  return { unitIds: ['U1'], from, to, bucket: 'period', groupBy: ['unit', 'competence'], ...extra };
}
const row = (rows: ChppdRow[], competence: string | null, period?: string) =>
  rows.find((r) => r.competence === competence && (period === undefined || r.period === period))!;
const LATER = '2026-02-01T00:00:00Z';

/** Three days; census on the 5th (20) and the 6th (25), none on the 7th. */
function ward(): Hospital {
  const h = new Hospital().unit().staff('N1', 'monthly').staff('N2', 'monthly').staff('A1', 'monthly', { competences: ['USK'] });
  h.staff('B1', 'monthly', { competences: ['BMA'] }).staff('L1', 'monthly', { competences: ['LAK'] });
  h.shift('N1-5', 'N1', local('2026-01-05', '07:00'), local('2026-01-05', '15:00'));
  h.shift('N2-5', 'N2', local('2026-01-05', '15:00'), local('2026-01-05', '23:00'));
  h.shift('N1-6', 'N1', local('2026-01-06', '07:00'), local('2026-01-06', '15:00'));
  // a night shift: 2 h on the 6th, 6 h on the 7th
  h.shift('N2-6', 'N2', local('2026-01-06', '22:00'), local('2026-01-07', '06:00'));
  h.shift('A1-5', 'A1', local('2026-01-05', '07:00'), local('2026-01-05', '15:00'), { competence: 'USK' });
  // not care staff (BMA), and standby (beredskap) is not care time on the ward
  h.shift('B1-5', 'B1', local('2026-01-05', '07:00'), local('2026-01-05', '15:00'), { competence: 'BMA' });
  h.add('WorkRegistered', { registrationId: 'R1', staffId: 'L1', unitId: 'U1', competence: 'LAK', kind: 'standby', start: local('2026-01-05', '17:00'), end: local('2026-01-06', '07:00') });
  h.add('CensusRecorded', { unitId: 'U1', date: '2026-01-05', patients: 20 });
  h.add('CensusRecorded', { unitId: 'U1', date: '2026-01-06', patients: 25 });
  return h;
}

describe('CHPPD', () => {
  it('is care hours ÷ the sum of the midnight census over the same days, per competence and total', () => {
    const h = ward();
    expect(h.lastChanges).toEqual([{ model: 'chppd', unitId: 'U1', key: '2026-01-06' }]);
    const r = queryChppd(h.state, q('2026-01-05', '2026-01-06'), LATER);
    expect(r.censusComplete).toBe(true);
    expect(r.rows.map((x) => [x.competence, x.careHours, x.patientDays, x.chppd])).toEqual([
      ['SSK', 26, 45, 26 / 45],
      ['USK', 8, 45, 8 / 45],
      [null, 34, 45, 34 / 45],
    ]);
    expect(r.careCompetences).toEqual(['BM', 'LAK', 'SPSK', 'SSK', 'USK']);
  });

  it('says when census days are missing and keeps their hours out of the ratio', () => {
    const h = ward();
    const r = queryChppd(h.state, q('2026-01-05', '2026-01-07'), LATER);
    expect(r.censusComplete).toBe(false);
    expect(r.missingCensus).toEqual([{ unitId: 'U1', dates: ['2026-01-07'] }]);
    const total = row(r.rows, null);
    expect(total).toMatchObject({ days: 3, censusDays: 2, missingCensusDays: 1, careHours: 34, careHoursWithoutCensus: 6, patientDays: 45 });
    expect(total.chppd).toBeCloseTo(34 / 45, 12);
    // per day: the 7th has no ratio
    const days = queryChppd(h.state, q('2026-01-05', '2026-01-07', { bucket: 'day', groupBy: ['unit'] }), LATER).rows;
    expect(days.map((x) => [x.period, x.careHours, x.patientDays, x.chppd])).toEqual([
      ['2026-01-05', 24, 20, 1.2],
      ['2026-01-06', 10, 25, 0.4],
      ['2026-01-07', 0, 0, null],
    ]);
    // the census arrives
    h.add('CensusRecorded', { unitId: 'U1', date: '2026-01-07', patients: 12 });
    expect(row(queryChppd(h.state, q('2026-01-07', '2026-01-07'), LATER).rows, null).chppd).toBe(0.5);
  });

  it('counts only whole days before now, by month and quarter, and sums units without the unit dimension', () => {
    const h = ward().unit('U2');
    h.staff('N3', 'monthly', { homeUnitId: 'U2' });
    h.shift('N3-5', 'N3', local('2026-01-05', '07:00'), local('2026-01-05', '17:00'), { unitId: 'U2' });
    h.add('CensusRecorded', { unitId: 'U2', date: '2026-01-05', patients: 10 });
    const now = local('2026-01-06', '12:00');
    const r = queryChppd(h.state, { ...q('2026-01-01', '2026-03-31', { bucket: 'quarter', groupBy: [] }), unitIds: ['U1', 'U2'] }, now);
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]).toMatchObject({ unitId: null, period: '2026-Q1', from: '2026-01-01', to: '2026-01-05', complete: false, careHours: 34, patientDays: 30 });
    expect(r.rows[0]!.chppd).toBeCloseTo(34 / 30, 12);
    expect(r.missingCensus.map((m) => [m.unitId, m.dates.length])).toEqual([
      ['U1', 4],
      ['U2', 4],
    ]);
  });

  it('takes competences defined later (CompetenceDefined) and hour reports into account', () => {
    const h = ward();
    h.add('CompetenceDefined', { code: 'SJG', name: 'Sjukgymnast', category: 'allied', careStaff: true });
    expect(h.lastChanges).toContainEqual({ model: 'chppd', unitId: null, key: '*' });
    h.add('HoursReported', { reportId: 'H1', unitId: 'U1', date: '2026-01-05', competence: 'SJG', employmentForm: 'hourly', payComponent: 'ordinary', hours: 4 });
    h.add('HoursReported', { reportId: 'H2', unitId: 'U1', date: '2026-01-05', competence: 'SSK', employmentForm: 'monthly', payComponent: 'absence-sick', hours: 8 });
    const r = queryChppd(h.state, q('2026-01-05', '2026-01-05'), LATER).rows;
    expect(row(r, 'SJG').careHours).toBe(4);
    expect(row(r, null).careHours).toBe(28);
  });

  it('parses its query string', () => {
    const p = ChppdParams.parse({ unitId: 'U1', week: '2026-W02', bucket: 'day', groupBy: 'competence' });
    const h = new Hospital().unit();
    expect(toChppdQuery(h.state, p, ['U1'], LATER)).toMatchObject({ from: '2026-01-05', to: '2026-01-11', bucket: 'day', groupBy: ['competence'] });
    expect(ChppdParams.safeParse({ unitId: 'U1', bucket: 'year' }).success).toBe(false);
  });
});
