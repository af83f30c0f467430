import { StaffVolumeParams, type StaffVolumeRow } from '@pks/contracts';
import { describe, expect, it } from 'vitest';
import { Hospital, local } from './performed-time.fixtures.js';
import { queryStaffVolume, toStaffVolumeQuery, type StaffVolumeQuery } from './query-staff-volume.js';

function q(from: string, to: string, extra: Partial<StaffVolumeQuery> = {}): StaffVolumeQuery {
  return { unitIds: ['U1'], from, to, bucket: 'month', groupBy: ['unit', 'category'], absenceByReason: false, ...extra };
}
const row = (rows: StaffVolumeRow[], category: string | null, period?: string) =>
  rows.find((r) => r.staffCategory === category && (period === undefined || r.period === period))!;
const oneDecimal = (v: number) => Math.round(v * 10) / 10;

const AFTER_MARCH = '2026-04-15T10:00:00Z';

describe('staff volume: the seed’s worked example (seeds/000, Karolinska)', () => {
  /**
   * A unit with 39 monthly staff, rates 50–100 % summing to 37; absence worth 9.0 FTE; extra time 507 h and
   * non-employed staff 168.95 h in March (31 days): ProdN = 28.0 + 3.0 + 1.0 = 32.0.
   */
  function seedUnit(): Hospital {
    const h = new Hospital().unit();
    const rates = [...Array(33).fill(1), ...Array(4).fill(0.75), ...Array(2).fill(0.5)] as number[];
    rates.forEach((rate, i) => h.staff(`M${i + 1}`, 'monthly', { rate, competences: [i % 3 === 0 ? 'USK' : 'SSK'] }));
    // absence 1: six full-timers on parental leave all month, no shifts: 6 × 31 × 5.45 h
    for (let i = 1; i <= 6; i++) {
      h.add('AbsenceReported', { absenceId: `PL${i}`, staffId: `M${i}`, kind: 'parental', start: local('2026-03-01', '00:00'), end: local('2026-04-01', '00:00') });
    }
    // absence 2: the two half-timers on vacation all month: 2 × 0.5 × 31 × 5.45 h
    h.add('AbsenceReported', { absenceId: 'V1', staffId: 'M38', kind: 'vacation', start: local('2026-03-01', '00:00'), end: local('2026-04-01', '00:00') });
    h.add('AbsenceReported', { absenceId: 'V2', staffId: 'M39', kind: 'vacation', start: local('2026-03-01', '00:00'), end: local('2026-04-01', '00:00') });
    // absence 3: five full-timers sick 2–7 March, on six scheduled 10-hour shifts each: 300 h (the shifts' hours, not 5.45 per day)
    for (let p = 7; p <= 11; p++) {
      for (let d = 2; d <= 7; d++) h.shift(`SICK-${p}-${d}`, `M${p}`, local(`2026-03-0${d}`, '07:00'), local(`2026-03-0${d}`, '17:00'));
      h.add('AbsenceReported', { absenceId: `S${p}`, staffId: `M${p}`, kind: 'sick', start: local('2026-03-02', '00:00'), end: local('2026-03-08', '00:00') });
    }
    // absence 4: payroll absence lines, 37.9 h
    h.add('HoursReported', { reportId: 'HR-ABS', unitId: 'U1', month: '2026-03', competence: 'SSK', employmentForm: 'monthly', payComponent: 'absence-other', hours: 37.9 });
    // ordinary work of the others: in their contracted FTE already, so it must not count again
    for (let p = 12; p <= 30; p++) for (let d = 10; d <= 14; d++) h.shift(`W-${p}-${d}`, `M${p}`, local(`2026-03-${d}`, '07:00'), local(`2026-03-${d}`, '15:30'));
    // extra time: 50 overtime registrations of 10 h, and 7 h additional hours from payroll: 507 h
    for (let i = 0; i < 50; i++) {
      const day = `2026-03-${String(10 + (i % 20)).padStart(2, '0')}`;
      h.add('WorkRegistered', { registrationId: `OT${i}`, staffId: `M${12 + (i % 19)}`, unitId: 'U1', competence: 'SSK', kind: 'overtime', start: local(day, '15:30'), end: local(day, '23:59') });
      h.add('WorkRegistered', { registrationId: `OT${i}`, staffId: `M${12 + (i % 19)}`, unitId: 'U1', competence: 'SSK', kind: 'overtime', start: local(day, '13:00'), end: local(day, '23:00') });
    }
    h.add('HoursReported', { reportId: 'HR-ADD', unitId: 'U1', month: '2026-03', competence: 'SSK', employmentForm: 'monthly', payComponent: 'additional', hours: 7 });
    // non-employed: an agency nurse on 19 shifts of 8.5 h, and an external resident registering 7.45 h
    h.staff('AG1', 'agency', { homeUnitId: null });
    for (let d = 1; d <= 19; d++) h.shift(`AG-${d}`, 'AG1', local(`2026-03-${String(d).padStart(2, '0')}`, '07:00'), local(`2026-03-${String(d).padStart(2, '0')}`, '15:30'));
    h.staff('ER1', 'external-resident', { competences: ['LAK'], homeUnitId: null });
    h.add('WorkRegistered', { registrationId: 'ER-1', staffId: 'ER1', unitId: 'U1', competence: 'LAK', kind: 'ordinary', start: local('2026-03-20', '08:00'), end: local('2026-03-20', '15:27') });
    return h;
  }

  it('gives 37 FTE, 28.0 present, 3.0 extra, 1.0 non-employed: ProdN 32.0', () => {
    const h = seedUnit();
    const result = queryStaffVolume(h.state, q('2026-03-01', '2026-03-31'), AFTER_MARCH);
    const total = row(result.rows, null);
    expect(total).toMatchObject({ period: '2026-03', from: '2026-03-01', to: '2026-03-31', days: 31, complete: true, monthlyStaff: 39, basis: 'rates' });
    expect(total.contractedFte).toBeCloseTo(37, 10);
    expect(total.absenceHours).toBeCloseTo(1520.55, 8);
    expect(total.absenceFte).toBeCloseTo(9, 10);
    expect(total.monthlyPresenceFte).toBeCloseTo(28, 10);
    expect(total.extraTimeHours).toBeCloseTo(507, 9);
    expect(total.extraTimeFte).toBeCloseTo(507 / (31 * 5.45), 10);
    expect(total.nonEmployedHours).toBeCloseTo(168.95, 9);
    expect(total.nonEmployedFte).toBeCloseTo(1, 10);
    expect(total.prodN).toBeCloseTo(28 + 507 / 168.95 + 1, 10);
    expect(oneDecimal(total.prodN)).toBe(32);
    // HÅA: contracted (presence + absence) + extra time; agency and external residents excluded
    expect(total.fte).toBeCloseTo(37 + 507 / 168.95, 10);
    expect(oneDecimal(total.fte)).toBe(40);
    expect(total.unclassifiedHours).toBe(0);
    // the categories add up: the external resident is a physician, everyone else nursing
    expect(row(result.rows, 'physician')).toMatchObject({ basis: 'none', monthlyStaff: 0, externalResidentHours: 7.45 });
    expect(row(result.rows, 'nursing').prodN + row(result.rows, 'physician').prodN).toBeCloseTo(total.prodN, 10);
    expect(row(result.rows, 'nursing').agencyHours).toBe(161.5);
  });

  it('shows absence by reason only when asked', () => {
    const h = seedUnit();
    const plain = row(queryStaffVolume(h.state, q('2026-03-01', '2026-03-31'), AFTER_MARCH).rows, null);
    expect(plain.absenceSickHours).toBeNull();
    const detailed = row(queryStaffVolume(h.state, q('2026-03-01', '2026-03-31', { absenceByReason: true }), AFTER_MARCH).rows, null);
    expect(detailed.absenceParentalHours).toBeCloseTo(6 * 168.95, 8);
    expect(detailed.absenceVacationHours).toBeCloseTo(168.95, 8);
    expect(detailed.absenceSickHours).toBeCloseTo(300, 9);
    expect(detailed.absenceOtherHours).toBeCloseTo(37.9, 9);
  });

  it('compares ProdN with the dimensioned presence per month and category', () => {
    const h = seedUnit();
    h.add('DimensioningSet', { unitId: 'U1', staffCategory: 'nursing', month: '2026-03', fte: 30 });
    expect(h.lastChanges).toEqual([{ model: 'staff-volume', unitId: 'U1', key: '2026-03' }]);
    const rows = queryStaffVolume(h.state, q('2026-03-01', '2026-03-31'), AFTER_MARCH).rows;
    const nursing = row(rows, 'nursing');
    expect(nursing.dimensionedFte).toBe(30);
    expect(nursing.prodNMinusDimensioned).toBeCloseTo(nursing.prodN - 30, 12);
    expect(row(rows, 'physician').dimensionedFte).toBeNull();
    expect(row(rows, null).dimensionedFte).toBe(30);
    // over March and April (no dimensioning for April) the period has none
    const period = queryStaffVolume(h.state, q('2026-03-01', '2026-04-30', { bucket: 'period' }), '2026-06-01T00:00:00Z').rows;
    expect(row(period, 'nursing').dimensionedFte).toBeNull();
  });
});

describe('staff volume: rules', () => {
  it('a full-timer absent a whole month is 1.0 FTE absent (28-day February) and 0 ProdN', () => {
    const h = new Hospital().unit().staff('P1', 'monthly');
    h.add('AbsenceReported', { absenceId: 'A1', staffId: 'P1', kind: 'parental', start: local('2026-01-20', '00:00'), end: local('2026-06-01', '00:00') });
    const r = row(queryStaffVolume(h.state, q('2026-02-01', '2026-02-28'), AFTER_MARCH).rows, null);
    expect(r).toMatchObject({ days: 28, contractedFte: 1, absenceFte: 1, monthlyPresenceFte: 0, prodN: 0, fte: 1 });
    expect(r.absenceHours).toBeCloseTo(28 * 5.45, 10);
  });

  it('weights the rate by the employed days, and counts a whole absent day with a scheduled shift by the shift’s hours', () => {
    const h = new Hospital().unit().staff('P1', 'monthly', { rate: 0.8, employedFrom: '2026-02-15' });
    h.shift('S1', 'P1', local('2026-02-16', '07:00'), local('2026-02-16', '17:00'));
    // sick Monday 16 to Wednesday 18 (whole days): Monday has a 10-hour shift, Tuesday and Wednesday none
    h.add('AbsenceReported', { absenceId: 'A1', staffId: 'P1', kind: 'sick', start: local('2026-02-16', '00:00'), end: local('2026-02-19', '00:00') });
    const r = row(queryStaffVolume(h.state, q('2026-02-01', '2026-02-28'), AFTER_MARCH).rows, null);
    expect(r.contractedFte).toBeCloseTo((0.8 * 14) / 28, 12);
    expect(r.absenceHours).toBeCloseTo(10 + 2 * 0.8 * 5.45, 10);
    // a day before employment is never absence
    h.add('AbsenceCorrected', { absenceId: 'A1', staffId: 'P1', kind: 'sick', start: local('2026-02-10', '00:00'), end: local('2026-02-16', '00:00') });
    expect(row(queryStaffVolume(h.state, q('2026-02-01', '2026-02-28'), AFTER_MARCH).rows, null).absenceHours).toBeCloseTo(0.8 * 5.45, 10);
  });

  it('a monthly person’s contracted time and absence belong to their home unit; extra time to the unit where it was worked', () => {
    const h = new Hospital().unit().unit('U2').staff('P1', 'monthly');
    h.shift('S1', 'P1', local('2026-02-10', '07:00'), local('2026-02-10', '15:00'), { unitId: 'U2' });
    h.add('AbsenceReported', { absenceId: 'A1', staffId: 'P1', kind: 'sick', start: local('2026-02-10', '11:00'), end: local('2026-02-10', '15:00') });
    h.add('WorkRegistered', { registrationId: 'R1', staffId: 'P1', unitId: 'U2', competence: 'SSK', kind: 'overtime', start: local('2026-02-11', '15:00'), end: local('2026-02-11', '20:00') });
    const both = queryStaffVolume(h.state, { ...q('2026-02-01', '2026-02-28'), unitIds: ['U1', 'U2'] }, AFTER_MARCH).rows;
    expect(both.filter((r) => r.staffCategory === null).map((r) => [r.unitId, r.contractedFte, r.absenceHours, r.overtimeHours])).toEqual([
      ['U1', 1, 4, 0],
      ['U2', 0, 0, 5],
    ]);
    // summed over the units (groupBy without unit)
    const merged = queryStaffVolume(h.state, { ...q('2026-02-01', '2026-02-28'), unitIds: ['U1', 'U2'], groupBy: ['category'] }, AFTER_MARCH).rows;
    expect(merged.map((r) => [r.unitId, r.staffCategory, r.contractedFte, r.absenceHours, r.overtimeHours])).toEqual([
      [null, 'nursing', 1, 4, 5],
      [null, null, 1, 4, 5],
    ]);
    // the staff category is the category of the person's first competence
    h.staff('P1', 'monthly', { competences: ['LAK', 'SSK'] });
    const rows = queryStaffVolume(h.state, { ...q('2026-02-01', '2026-02-28'), unitIds: ['U1'] }, AFTER_MARCH).rows;
    expect(rows.map((r) => r.staffCategory)).toEqual(['physician', null]);
  });

  it('without rate data (payroll-style hours only) monthly presence is the reported ordinary hours', () => {
    const h = new Hospital().unit();
    const report = (reportId: string, payComponent: string, employmentForm: string, hours: number) =>
      h.add('HoursReported', { reportId, unitId: 'U1', month: '2026-04', competence: 'USK', employmentForm, payComponent, hours });
    // April: 30 × 5.45 = 163.5 h per FTE
    report('H1', 'ordinary', 'monthly', 5 * 163.5);
    report('H2', 'absence-sick', 'monthly', 163.5);
    report('H3', 'overtime', 'monthly', 163.5);
    report('H4', 'ordinary', 'agency', 2 * 163.5);
    const r = row(queryStaffVolume(h.state, q('2026-04-01', '2026-04-30'), '2026-05-02T00:00:00Z').rows, null);
    expect(r).toMatchObject({ basis: 'hours', monthlyStaff: 0 });
    expect(r.monthlyPresenceFte).toBeCloseTo(5, 12);
    expect(r.absenceFte).toBeCloseTo(1, 12);
    expect(r.contractedFte).toBeCloseTo(6, 12);
    expect(r.fte).toBeCloseTo(7, 12);
    expect(r.prodN).toBeCloseTo(8, 12);
    // a week prorates the month-level reports by calendar days (FTE is a level: the same)
    const week = row(queryStaffVolume(h.state, q('2026-04-06', '2026-04-12', { bucket: 'period' }), '2026-05-02T00:00:00Z').rows, null);
    expect(week.days).toBe(7);
    expect(week.prodN).toBeCloseTo(8, 12);
  });

  it('counts only whole days before now: a month in progress is cut to yesterday; a future month has no row', () => {
    const h = new Hospital().unit().staff('P1', 'monthly');
    const rows = queryStaffVolume(h.state, q('2026-03-01', '2026-04-30'), local('2026-03-11', '10:00')).rows;
    expect(rows.map((r) => [r.period, r.from, r.to, r.days, r.complete, r.contractedFte])).toEqual([
      ['2026-03', '2026-03-01', '2026-03-10', 10, false, 1],
      ['2026-03', '2026-03-01', '2026-03-10', 10, false, 1],
    ]);
    expect(rows.map((r) => r.staffCategory)).toEqual(['nursing', null]);
  });

  it('parses its query string', () => {
    const p = StaffVolumeParams.parse({ departmentId: 'D1', quarter: '2026-Q1', absenceByReason: 'true' });
    expect(p).toMatchObject({ bucket: 'month', groupBy: ['unit', 'category'], absenceByReason: true });
    const h = new Hospital().unit();
    expect(toStaffVolumeQuery(h.state, p, ['U1'], AFTER_MARCH)).toMatchObject({ from: '2026-01-01', to: '2026-03-31' });
    expect(StaffVolumeParams.safeParse({ unitId: 'U1', month: '2026-01', week: '2026-W02' }).error!.issues[0]!.message).toBe('give only one of from/to, month, week or quarter');
    expect(StaffVolumeParams.safeParse({ unitId: 'U1', quarter: '2026-Q5' }).success).toBe(false);
  });
});
