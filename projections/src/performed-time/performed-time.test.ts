import { PerformedTimeParams } from '@pks/contracts';
import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { project } from '../projection/projection.js';
import { splitIntoLocalDays } from '../time/zoned-time.js';
import { listPerformedTimeFindings } from './findings.js';
import { Hospital, local, TZ } from './performed-time.fixtures.js';
import { performedTime } from './performed-time-projection.js';
import { forEachLocalDay } from './pieces.js';
import { queryPerformedTime, toPerformedTimeQuery, type PerformedTimeQuery } from './query-performed-time.js';
import type { PerformedTimeState } from './state.js';

const ALL_DIMS = ['unit', 'activity3', 'competence', 'employmentForm', 'kind'] as const;

function q(from: string, to: string, extra: Partial<PerformedTimeQuery> = {}): PerformedTimeQuery {
  return { unitIds: ['U1'], from, to, bucket: 'day', groupBy: ALL_DIMS, includeAbsence: 'none', ...extra };
}

/** hours per period (summed over every other dimension) */
function byPeriod(state: PerformedTimeState, query: PerformedTimeQuery, now: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of queryPerformedTime(state, { ...query, groupBy: [] }, now).rows) out[r.period] = (out[r.period] ?? 0) + r.hours;
  return out;
}

const LATER = '2027-01-01T00:00:00Z';

describe('performed time: daylight saving (Europe/Stockholm)', () => {
  it('a 21:00–07:00 night shift into the last Sunday of October lasts 11 h and fills both 02:00 hour buckets', () => {
    // given a nurse on a night shift from Saturday 24 October 21:00 CEST to Sunday 25 October 07:00 CET
    const h = new Hospital().unit().staff('P1', 'monthly');
    h.shift('N1', 'P1', '2026-10-24T19:00:00Z', '2026-10-25T06:00:00Z');
    // when performed time is queried per hour after the night
    const result = queryPerformedTime(h.state, q('2026-10-24', '2026-10-25', { bucket: 'hour' }), LATER);
    // then it is 11 hours, and the 02:00 hour of the 25th comes twice (summer and winter time), one hour each
    expect(result.performedHours).toBe(11);
    expect(result.rows).toHaveLength(11);
    const twos = result.rows.filter((r) => r.periodStart === '2026-10-25' && r.hour === 2);
    expect(twos.map((r) => [r.period, r.bucketStart, r.hours])).toEqual([
      ['2026-10-25T02:00+02:00', '2026-10-25T00:00:00.000Z', 1],
      ['2026-10-25T02:00+01:00', '2026-10-25T01:00:00.000Z', 1],
    ]);
    // and per day: 3 h on Saturday, 8 h on Sunday (the hours go to the date they were worked)
    expect(byPeriod(h.state, q('2026-10-24', '2026-10-25'), LATER)).toEqual({ '2026-10-24': 3, '2026-10-25': 8 });
  });

  it('into the last Sunday of March it lasts 9 h and that day has no 02:00 bucket', () => {
    const h = new Hospital().unit().staff('P1', 'monthly');
    h.shift('N1', 'P1', '2026-03-28T20:00:00Z', '2026-03-29T05:00:00Z');
    const result = queryPerformedTime(h.state, q('2026-03-28', '2026-03-29', { bucket: 'hour' }), LATER);
    expect(result.performedHours).toBe(9);
    expect(result.rows.map((r) => `${r.periodStart.slice(8)} ${r.hour}`)).toEqual(['28 21', '28 22', '28 23', '29 0', '29 1', '29 3', '29 4', '29 5', '29 6']);
    expect(result.rows.every((r) => r.hours === 1)).toBe(true);
    expect(byPeriod(h.state, q('2026-03-28', '2026-03-29'), LATER)).toEqual({ '2026-03-28': 3, '2026-03-29': 6 });
  });

  it('the local-day splitter agrees with splitIntoLocalDays over DST nights and random intervals', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const base = Date.parse('2026-03-27T00:00:00Z');
    const cases: [number, number][] = [
      [Date.parse('2026-10-24T19:00:00Z'), Date.parse('2026-10-25T06:00:00Z')],
      [Date.parse('2026-03-28T20:00:00Z'), Date.parse('2026-03-29T05:00:00Z')],
    ];
    for (let i = 0; i < 300; i++) {
      const s = base + Math.floor(rand() * 240 * 86_400_000);
      cases.push([s, s + Math.floor(rand() * 30 * 3_600_000) + 1]);
    }
    for (const [s, e] of cases) {
      const mine: { date: string; hours: number }[] = [];
      forEachLocalDay(s, e, TZ, (day, hours) => mine.push({ date: new Date(day * 86_400_000).toISOString().slice(0, 10), hours }));
      const theirs = splitIntoLocalDays(s, e, TZ);
      expect(mine.map((m) => m.date)).toEqual(theirs.map((t) => t.date));
      mine.forEach((m, j) => expect(m.hours).toBeCloseTo(theirs[j]!.hours, 9));
    }
  });
});

describe('performed time: shifts', () => {
  it('a shift spanning midnight puts its hours on the dates they were worked', () => {
    const h = new Hospital().unit().staff('P1', 'monthly');
    h.shift('S1', 'P1', local('2026-01-14', '22:00'), local('2026-01-15', '06:00'));
    expect(byPeriod(h.state, q('2026-01-14', '2026-01-15'), LATER)).toEqual({ '2026-01-14': 2, '2026-01-15': 6 });
    // the change records name both dates
    expect(h.lastChanges.filter((c) => c.model === 'performed-time').map((c) => c.key)).toEqual(['2026-01-14', '2026-01-15']);
    expect(h.lastChanges.filter((c) => c.model === 'chppd').map((c) => c.key)).toEqual(['2026-01-14', '2026-01-15']);
    expect(h.lastChanges.filter((c) => c.model === 'staff-volume').map((c) => c.key)).toEqual(['2026-01']);
  });

  it('an open shift (nobody assigned) is not worked; assigning a person makes it worked', () => {
    const h = new Hospital().unit().staff('P1', 'monthly');
    h.shift('S1', null, local('2026-01-05', '07:00'), local('2026-01-05', '15:30'));
    expect(queryPerformedTime(h.state, q('2026-01-05', '2026-01-05'), LATER).rows).toEqual([]);
    h.shift('S1', 'P1', local('2026-01-05', '07:00'), local('2026-01-05', '15:30'), {}, 'ShiftChanged');
    expect(queryPerformedTime(h.state, q('2026-01-05', '2026-01-05'), LATER).performedHours).toBe(8.5);
  });

  it('a cancelled shift counts nothing, and its change records name the date it leaves', () => {
    const h = new Hospital().unit().staff('P1', 'monthly');
    h.shift('S1', 'P1', local('2026-01-05', '07:00'), local('2026-01-05', '15:30'));
    h.add('ShiftCancelled', { shiftId: 'S1' });
    expect(h.lastChanges.filter((c) => c.model === 'performed-time')).toEqual([{ model: 'performed-time', unitId: 'U1', key: '2026-01-05' }]);
    expect(queryPerformedTime(h.state, q('2026-01-01', '2026-01-31'), LATER).rows).toEqual([]);
  });

  it('a changed shift retracts its old contribution exactly and adds the new one', () => {
    const h = new Hospital().unit().staff('P1', 'monthly');
    h.shift('S1', 'P1', local('2026-01-05', '07:00'), local('2026-01-05', '15:30'));
    h.shift('S1', 'P1', local('2026-01-06', '15:00'), local('2026-01-06', '21:45'), { activity: 'pat.oppen.mottagning' }, 'ShiftChanged');
    expect(h.lastChanges.filter((c) => c.model === 'performed-time').map((c) => c.key)).toEqual(['2026-01-05', '2026-01-06']);
    const rows = queryPerformedTime(h.state, q('2026-01-01', '2026-01-31'), LATER).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ period: '2026-01-06', activity3: 'pat.oppen.mottagning', activity2: 'pat.oppen', activity1: 'pat', hours: 6.75 });
  });

  it('counts only time before now: a shift in progress up to now, a future shift not at all', () => {
    const h = new Hospital().unit().staff('P1', 'monthly');
    h.shift('S1', 'P1', local('2026-01-05', '07:00'), local('2026-01-05', '15:30'));
    h.shift('S2', 'P1', local('2026-01-06', '07:00'), local('2026-01-06', '15:30'));
    const now = local('2026-01-05', '10:15');
    expect(queryPerformedTime(h.state, q('2026-01-05', '2026-01-06'), now).performedHours).toBe(3.25);
    const hourly = queryPerformedTime(h.state, q('2026-01-05', '2026-01-06', { bucket: 'hour' }), now).rows;
    expect(hourly.map((r) => [r.hour, r.hours])).toEqual([
      [7, 1],
      [8, 1],
      [9, 1],
      [10, 0.25],
    ]);
  });

  it('a person double-booked on two overlapping shifts is counted once and reported', () => {
    const h = new Hospital().unit().unit('U2').staff('P1', 'monthly');
    h.shift('A', 'P1', local('2026-01-05', '07:00'), local('2026-01-05', '15:30'));
    h.shift('B', 'P1', local('2026-01-05', '12:00'), local('2026-01-05', '20:00'), { unitId: 'U2' });
    const both = queryPerformedTime(h.state, { ...q('2026-01-05', '2026-01-05'), unitIds: ['U1', 'U2'] }, LATER);
    // 07:00–20:00 = 13 h, not 8.5 + 8 = 16.5 h; the overlap goes to the shift that starts first
    expect(both.performedHours).toBe(13);
    expect(both.rows.map((r) => [r.unitId, r.hours])).toEqual([
      ['U1', 8.5],
      ['U2', 4.5],
    ]);
    const findings = listPerformedTimeFindings(h.state, 'U1', '2026-01-01', '2026-01-31');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ kind: 'double-booked', staffId: 'P1', ids: 'A,B', date: '2026-01-05' });
    expect(listPerformedTimeFindings(h.state, 'U2', '2026-01-01', '2026-01-31')[0]).toMatchObject({ kind: 'double-booked', ids: 'B,A' });
    expect(both.findings).toBe(2);
    // cancelling the first gives the second its whole time back
    h.add('ShiftCancelled', { shiftId: 'A' });
    expect(h.lastChanges.some((c) => c.unitId === 'U2' && c.key === '2026-01-05')).toBe(true);
    expect(queryPerformedTime(h.state, { ...q('2026-01-05', '2026-01-05'), unitIds: ['U2'] }, LATER).performedHours).toBe(8);
    expect(listPerformedTimeFindings(h.state, 'U1', '2026-01-01', '2026-01-31')).toEqual([]);
  });

  it('labels roll up: level 3 fills levels 2 and 1; grouping by level 1 sums the level-3 labels under it', () => {
    const h = new Hospital().unit().staff('P1', 'monthly').staff('P2', 'monthly');
    h.shift('S1', 'P1', local('2026-01-05', '07:00'), local('2026-01-05', '15:00'), { activity: 'pat.sluten.extravak' });
    h.shift('S2', 'P2', local('2026-01-05', '07:00'), local('2026-01-05', '11:00'), { activity: 'pat.oppen.dagvard' });
    h.shift('S3', 'P2', local('2026-01-05', '12:00'), local('2026-01-05', '14:00'), { activity: 'ejpat.utbildning.intern' });
    const l1 = queryPerformedTime(h.state, q('2026-01-05', '2026-01-05', { groupBy: ['activity1'] }), LATER).rows;
    expect(l1.map((r) => [r.activity1, r.activity2, r.activity3, r.hours])).toEqual([
      ['ejpat', null, null, 2],
      ['pat', null, null, 12],
    ]);
    const l2 = queryPerformedTime(h.state, q('2026-01-05', '2026-01-05', { groupBy: ['activity2'] }), LATER).rows;
    expect(l2.map((r) => [r.activity1, r.activity2, r.hours])).toEqual([
      ['ejpat', 'ejpat.utbildning', 2],
      ['pat', 'pat.oppen', 4],
      ['pat', 'pat.sluten', 8],
    ]);
  });

  it('buckets by ISO week and month, and keeps competence and category', () => {
    const h = new Hospital().unit().staff('P1', 'monthly').staff('L1', 'monthly', { competences: ['LAK'] });
    h.shift('S1', 'P1', local('2026-01-04', '07:00'), local('2026-01-04', '15:00'));
    h.shift('S2', 'L1', local('2026-01-05', '07:00'), local('2026-01-05', '17:00'), { competence: 'LAK' });
    const weeks = queryPerformedTime(h.state, q('2026-01-01', '2026-01-31', { bucket: 'week', groupBy: ['competence', 'category'] }), LATER).rows;
    expect(weeks.map((r) => [r.period, r.periodStart, r.competence, r.category, r.hours])).toEqual([
      ['2026-W01', '2025-12-29', 'SSK', 'nursing', 8],
      ['2026-W02', '2026-01-05', 'LAK', 'physician', 10],
    ]);
    const months = queryPerformedTime(h.state, q('2026-01-01', '2026-01-31', { bucket: 'month', groupBy: [] }), LATER).rows;
    expect(months.map((r) => [r.period, r.periodStart, r.hours])).toEqual([['2026-01', '2026-01-01', 18]]);
  });
  it('buckets in the unit’s own time zone, also when UnitRegistered comes after the unit’s shifts', () => {
    const h = new Hospital().staff('P1', 'monthly', { homeUnitId: null });
    h.shift('S1', 'P1', '2026-01-05T23:00:00Z', '2026-01-06T03:00:00Z', { unitId: 'LON' });
    // not registered yet: Europe/Stockholm, so all four hours are on the 6th
    expect(byPeriod(h.state, { ...q('2026-01-05', '2026-01-06'), unitIds: ['LON'] }, LATER)).toEqual({ '2026-01-06': 4 });
    h.unit('LON', { timeZone: 'Europe/London' });
    expect(h.lastChanges).toContainEqual({ model: 'performed-time', unitId: 'LON', key: '*' });
    expect(byPeriod(h.state, { ...q('2026-01-05', '2026-01-06'), unitIds: ['LON'] }, LATER)).toEqual({ '2026-01-05': 1, '2026-01-06': 3 });
  });
});

describe('performed time: clock-in and clock-out', () => {
  it('clock times override the schedule (matched by shiftId)', () => {
    const h = new Hospital().unit().staff('P1', 'monthly');
    h.shift('S1', 'P1', local('2026-01-05', '07:00'), local('2026-01-05', '15:30'));
    h.add('ClockedIn', { staffId: 'P1', unitId: 'U1', at: local('2026-01-05', '06:45'), shiftId: 'S1' });
    h.add('ClockedOut', { staffId: 'P1', unitId: 'U1', at: local('2026-01-05', '16:00'), shiftId: 'S1' });
    expect(queryPerformedTime(h.state, q('2026-01-05', '2026-01-05'), LATER).performedHours).toBe(9.25);
  });

  it('without shiftId a clock event matches the person’s shift on the unit with the nearest scheduled start (in) or end (out)', () => {
    const h = new Hospital().unit().staff('P1', 'monthly');
    h.shift('S1', 'P1', local('2026-01-05', '07:00'), local('2026-01-05', '11:00'));
    h.shift('S2', 'P1', local('2026-01-05', '13:00'), local('2026-01-05', '17:00'));
    h.add('ClockedIn', { staffId: 'P1', unitId: 'U1', at: local('2026-01-05', '12:40') });
    h.add('ClockedOut', { staffId: 'P1', unitId: 'U1', at: local('2026-01-05', '11:30') });
    // S1 07:00–11:30 = 4.5 h, S2 12:40–17:00 = 4 h 20 min
    expect(queryPerformedTime(h.state, q('2026-01-05', '2026-01-05'), LATER).performedHours).toBeCloseTo(4.5 + 4 + 1 / 3, 9);
    expect(listPerformedTimeFindings(h.state, 'U1', '2026-01-05', '2026-01-05')).toEqual([]);
  });

  it('a clock-in with only the clock-in uses the scheduled end; a person clocked in and out is present despite a reported absence', () => {
    const h = new Hospital().unit().staff('P1', 'monthly');
    h.shift('S1', 'P1', local('2026-01-05', '07:00'), local('2026-01-05', '15:30'));
    h.add('ClockedIn', { staffId: 'P1', unitId: 'U1', at: local('2026-01-05', '08:00'), shiftId: 'S1' });
    expect(queryPerformedTime(h.state, q('2026-01-05', '2026-01-05'), LATER).performedHours).toBe(7.5);
    h.add('AbsenceReported', { absenceId: 'A1', staffId: 'P1', kind: 'sick', start: local('2026-01-05', '12:00'), end: local('2026-01-06', '00:00') });
    expect(queryPerformedTime(h.state, q('2026-01-05', '2026-01-05'), LATER).performedHours).toBe(4);
    h.add('ClockedOut', { staffId: 'P1', unitId: 'U1', at: local('2026-01-05', '15:30'), shiftId: 'S1' });
    const r = queryPerformedTime(h.state, q('2026-01-05', '2026-01-05', { includeAbsence: 'total' }), LATER);
    expect(r.performedHours).toBe(7.5);
    // the scheduled 07:00–08:00 outside the clocked presence is not absence (no absence covers it)
    expect(r.absenceHours).toBe(0);
  });

  it('a clock event that matches no shift is not counted and is reported; a clock naming a shift not yet known attaches when it arrives', () => {
    const h = new Hospital().unit().staff('P1', 'monthly');
    h.add('ClockedIn', { staffId: 'P1', unitId: 'U1', at: local('2026-01-05', '07:02') });
    h.add('ClockedIn', { staffId: 'P1', unitId: 'U1', at: local('2026-01-06', '06:55'), shiftId: 'S2' });
    expect(listPerformedTimeFindings(h.state, 'U1', '2026-01-01', '2026-01-31').map((f) => f.kind)).toEqual(['unmatched-clock', 'unmatched-clock']);
    // the shifts arrive after the clock events
    h.shift('S1', 'P1', local('2026-01-05', '07:00'), local('2026-01-05', '15:30'));
    h.shift('S2', 'P1', local('2026-01-06', '07:00'), local('2026-01-06', '15:30'));
    expect(listPerformedTimeFindings(h.state, 'U1', '2026-01-01', '2026-01-31')).toEqual([]);
    const days = byPeriod(h.state, q('2026-01-05', '2026-01-06'), LATER);
    expect(days['2026-01-05']).toBeCloseTo(8.5 - 2 / 60, 9);
    expect(days['2026-01-06']).toBeCloseTo(8.5 + 5 / 60, 9);
    // a clock event far from any shift stays unmatched
    h.add('ClockedOut', { staffId: 'P1', unitId: 'U1', at: local('2026-01-07', '23:00') });
    expect(listPerformedTimeFindings(h.state, 'U1', '2026-01-01', '2026-01-31')).toMatchObject([{ kind: 'unmatched-clock', date: '2026-01-07', staffId: 'P1' }]);
  });

  it('a clock time more than 12 h outside its shift is ignored and reported', () => {
    const h = new Hospital().unit().staff('P1', 'monthly');
    h.shift('S1', 'P1', local('2026-01-05', '07:00'), local('2026-01-05', '15:30'));
    h.add('ClockedOut', { staffId: 'P1', unitId: 'U1', at: local('2026-01-06', '09:00'), shiftId: 'S1' });
    expect(queryPerformedTime(h.state, q('2026-01-05', '2026-01-06'), LATER).performedHours).toBe(8.5);
    expect(listPerformedTimeFindings(h.state, 'U1', '2026-01-01', '2026-01-31')).toMatchObject([{ kind: 'clock-far-from-shift', ids: 'S1' }]);
  });
});

describe('performed time: absence', () => {
  it('an absence reported after the fact removes the hours from the shift it overlaps', () => {
    const h = new Hospital().unit().staff('P1', 'monthly');
    h.shift('S1', 'P1', local('2026-01-05', '07:00'), local('2026-01-05', '15:30'));
    expect(queryPerformedTime(h.state, q('2026-01-05', '2026-01-05'), local('2026-01-06', '12:00')).performedHours).toBe(8.5);
    // reported two days later: sick from 10:00
    h.add('AbsenceReported', { absenceId: 'A1', staffId: 'P1', kind: 'sick', start: local('2026-01-05', '10:00'), end: local('2026-01-05', '23:59') }, '2026-01-07T08:00:00.000Z');
    expect(h.lastChanges.filter((c) => c.model === 'performed-time')).toEqual([{ model: 'performed-time', unitId: 'U1', key: '2026-01-05' }]);
    const r = queryPerformedTime(h.state, q('2026-01-05', '2026-01-05', { includeAbsence: 'total' }), LATER);
    expect(r.performedHours).toBe(3);
    expect(r.absenceHours).toBe(5.5);
    expect(r.rows.find((row) => row.kind === 'absence')).toMatchObject({ activity1: 'franvaro', activity3: null, hours: 5.5 });
    const byReason = queryPerformedTime(h.state, q('2026-01-05', '2026-01-05', { includeAbsence: 'by-reason' }), LATER);
    expect(byReason.rows.find((row) => row.kind === 'absence')).toMatchObject({ activity3: 'franvaro.sjuk.sjuk', activity2: 'franvaro.sjuk', activity1: 'franvaro' });
    // corrected: sick only from 13:00; then withdrawn
    h.add('AbsenceCorrected', { absenceId: 'A1', staffId: 'P1', kind: 'sick', start: local('2026-01-05', '13:00'), end: local('2026-01-05', '23:59') });
    expect(queryPerformedTime(h.state, q('2026-01-05', '2026-01-05'), LATER).performedHours).toBe(6);
    h.add('AbsenceWithdrawn', { absenceId: 'A1', staffId: 'P1' });
    expect(queryPerformedTime(h.state, q('2026-01-05', '2026-01-05'), LATER).performedHours).toBe(8.5);
  });

  it('overlapping absences are counted once', () => {
    const h = new Hospital().unit().staff('P1', 'monthly');
    h.shift('S1', 'P1', local('2026-01-05', '07:00'), local('2026-01-05', '15:00'));
    h.add('AbsenceReported', { absenceId: 'A1', staffId: 'P1', kind: 'child-care', start: local('2026-01-05', '07:00'), end: local('2026-01-05', '11:00') });
    h.add('AbsenceReported', { absenceId: 'A2', staffId: 'P1', kind: 'sick', start: local('2026-01-05', '09:00'), end: local('2026-01-05', '13:00') });
    const r = queryPerformedTime(h.state, q('2026-01-05', '2026-01-05', { includeAbsence: 'by-reason', groupBy: ['activity3', 'kind'] }), LATER);
    expect(r.performedHours).toBe(2);
    expect(r.rows.filter((row) => row.kind === 'absence').map((row) => [row.activity3, row.hours])).toEqual([
      ['franvaro.sjuk.sjuk', 2],
      ['franvaro.vab.vab', 4],
    ]);
  });
});

describe('performed time: registrations and reports', () => {
  it('a registration corrected a month later moves its hours to the period in which the work was done', () => {
    const h = new Hospital().unit().staff('P1', 'monthly');
    h.add('WorkRegistered', { registrationId: 'R1', staffId: 'P1', unitId: 'U1', competence: 'SSK', kind: 'overtime', start: local('2026-01-31', '18:00'), end: local('2026-01-31', '21:00') }, '2026-02-01T08:00:00.000Z');
    expect(byPeriod(h.state, q('2026-01-01', '2026-02-28'), LATER)).toEqual({ '2026-01-31': 3 });
    // a month later: the overtime was actually on 30 January, 18:00–20:00
    h.add('WorkRegistered', { registrationId: 'R1', staffId: 'P1', unitId: 'U1', competence: 'SSK', kind: 'overtime', start: local('2026-01-30', '18:00'), end: local('2026-01-30', '20:00') }, '2026-03-02T08:00:00.000Z');
    expect(h.lastChanges.filter((c) => c.model === 'performed-time').map((c) => c.key).sort()).toEqual(['2026-01-30', '2026-01-31']);
    const rows = queryPerformedTime(h.state, q('2026-01-01', '2026-02-28'), LATER).rows;
    expect(rows.map((r) => [r.period, r.kind, r.employmentForm, r.hours])).toEqual([['2026-01-30', 'overtime', 'monthly', 2]]);
  });

  it('on-call and standby registrations get the jour/beredskap labels; unregistered workers take the event’s employment form', () => {
    const h = new Hospital().unit();
    h.add('WorkRegistered', { registrationId: 'R1', staffId: null, unitId: 'U1', competence: 'LAK', kind: 'on-call', start: local('2026-01-05', '17:00'), end: local('2026-01-06', '08:00'), employmentForm: 'hourly' });
    h.add('WorkRegistered', { registrationId: 'R2', staffId: 'X9', unitId: 'U1', competence: 'SSK', kind: 'ordinary', start: local('2026-01-05', '08:00'), end: local('2026-01-05', '12:00') });
    const rows = queryPerformedTime(h.state, q('2026-01-05', '2026-01-06', { bucket: 'month' }), LATER).rows;
    expect(rows.map((r) => [r.activity3, r.competence, r.employmentForm, r.kind, r.hours])).toEqual([
      [null, 'SSK', 'unknown', 'ordinary', 4],
      ['pat.jourber.jour', 'LAK', 'hourly', 'on-call', 15],
    ]);
  });

  it('agency and external-resident staff’s time is kind agency / external-resident whatever the shift or registration', () => {
    const h = new Hospital().unit().staff('AG', 'agency', { homeUnitId: null }).staff('ER', 'external-resident', { competences: ['LAK'] }).staff('HR', 'hourly');
    h.shift('S1', 'AG', local('2026-01-05', '07:00'), local('2026-01-05', '15:30'));
    h.add('WorkRegistered', { registrationId: 'R1', staffId: 'AG', unitId: 'U1', competence: 'SSK', kind: 'overtime', start: local('2026-01-05', '15:30'), end: local('2026-01-05', '17:30') });
    h.shift('S2', 'ER', local('2026-01-05', '08:00'), local('2026-01-05', '16:00'), { competence: 'LAK' });
    h.shift('S3', 'HR', local('2026-01-05', '08:00'), local('2026-01-05', '12:00'));
    const rows = queryPerformedTime(h.state, q('2026-01-05', '2026-01-05', { groupBy: ['employmentForm', 'kind'] }), LATER).rows;
    expect(rows.map((r) => [r.employmentForm, r.kind, r.hours])).toEqual([
      ['agency', 'agency', 10.5],
      ['external-resident', 'external-resident', 8],
      ['hourly', 'hourly', 4],
    ]);
  });

  it('a StaffRegistered after the shifts applies to them (query time), and its change records name the units', () => {
    const h = new Hospital().unit();
    h.shift('S1', 'P1', local('2026-01-05', '07:00'), local('2026-01-05', '15:30'));
    expect(queryPerformedTime(h.state, q('2026-01-05', '2026-01-05', { groupBy: ['employmentForm'] }), LATER).rows[0]!.employmentForm).toBe('unknown');
    expect(listPerformedTimeFindings(h.state, 'U1', '2026-01-01', '2026-01-31')).toMatchObject([{ kind: 'unregistered-staff', staffId: 'P1' }]);
    h.staff('P1', 'agency');
    expect(h.lastChanges).toContainEqual({ model: 'performed-time', unitId: 'U1', key: '*' });
    expect(queryPerformedTime(h.state, q('2026-01-05', '2026-01-05', { groupBy: ['employmentForm', 'kind'] }), LATER).rows.map((r) => [r.employmentForm, r.kind])).toEqual([['agency', 'agency']]);
  });

  it('HoursReported: a day-level report lands on its date (no hour), a month-level one is spread over the month; the same reportId replaces', () => {
    const h = new Hospital().unit();
    h.add('HoursReported', { reportId: 'H1', unitId: 'U1', date: '2026-01-10', competence: 'USK', employmentForm: 'monthly', payComponent: 'ordinary', hours: 7.5 });
    h.add('HoursReported', { reportId: 'H2', unitId: 'U1', month: '2026-01', competence: 'SSK', employmentForm: 'hourly', payComponent: 'ordinary', hours: 310 });
    const days = byPeriod(h.state, q('2026-01-09', '2026-01-10'), LATER);
    expect(days).toEqual({ '2026-01-09': 10, '2026-01-10': 17.5 });
    const hourly = queryPerformedTime(h.state, q('2026-01-10', '2026-01-10', { bucket: 'hour', groupBy: ['competence', 'kind'] }), LATER).rows;
    expect(hourly.map((r) => [r.period, r.hour, r.bucketStart, r.competence, r.kind, r.hours])).toEqual([
      ['2026-01-10', null, null, 'SSK', 'hourly', 10],
      ['2026-01-10', null, null, 'USK', 'ordinary', 7.5],
    ]);
    expect(queryPerformedTime(h.state, q('2026-01-01', '2026-01-31', { bucket: 'month', groupBy: [] }), LATER).performedHours).toBe(317.5);
    // replaced: the day report was for the 11th and 6 h
    h.add('HoursReported', { reportId: 'H1', unitId: 'U1', date: '2026-01-11', competence: 'USK', employmentForm: 'monthly', payComponent: 'ordinary', hours: 6 });
    expect(byPeriod(h.state, q('2026-01-10', '2026-01-11'), LATER)).toEqual({ '2026-01-10': 10, '2026-01-11': 16 });
    // absence components are not performed time
    h.add('HoursReported', { reportId: 'H3', unitId: 'U1', date: '2026-01-11', competence: 'USK', employmentForm: 'monthly', payComponent: 'absence-sick', hours: 8 });
    expect(byPeriod(h.state, q('2026-01-11', '2026-01-11'), LATER)).toEqual({ '2026-01-11': 16 });
    expect(queryPerformedTime(h.state, q('2026-01-11', '2026-01-11', { includeAbsence: 'total' }), LATER).absenceHours).toBe(8);
  });
});

describe('performed time: state', () => {
  it('survives a structured-clone round trip (v8 serialize) and answers the same', () => {
    const h = new Hospital().unit().staff('P1', 'monthly');
    for (let d = 1; d <= 28; d++) {
      const date = `2026-02-${String(d).padStart(2, '0')}`;
      h.shift(`S${d}`, 'P1', local(date, '07:00'), local(date, '15:30'));
    }
    h.add('AbsenceReported', { absenceId: 'A1', staffId: 'P1', kind: 'vacation', start: local('2026-02-10', '00:00'), end: local('2026-02-12', '00:00') });
    const copy = deserialize(serialize(h.state)) as PerformedTimeState;
    const query = q('2026-02-01', '2026-02-28');
    expect(queryPerformedTime(copy, query, LATER)).toEqual(queryPerformedTime(h.state, query, LATER));
    expect(queryPerformedTime(copy, query, LATER).performedHours).toBe(26 * 8.5);
  });

  it('rebuilding from the log gives the same state as evolving live', () => {
    const h = new Hospital().unit().staff('P1', 'monthly');
    h.shift('S1', 'P1', local('2026-01-05', '07:00'), local('2026-01-05', '15:30'));
    h.add('ClockedIn', { staffId: 'P1', unitId: 'U1', at: local('2026-01-05', '07:10') });
    const rebuilt = project(performedTime, h.log.events);
    expect(queryPerformedTime(rebuilt, q('2026-01-05', '2026-01-05'), LATER)).toEqual(queryPerformedTime(h.state, q('2026-01-05', '2026-01-05'), LATER));
  });
});

describe('performed-time contract', () => {
  it('parses a query string, resolves a month and gives readable errors', () => {
    const p = PerformedTimeParams.parse({ unitId: 'U1', month: '2026-02', bucket: 'hour', groupBy: 'kind, competence' });
    expect(p.groupBy).toEqual(['kind', 'competence']);
    const h = new Hospital().unit();
    expect(toPerformedTimeQuery(h.state, p, ['U1'], LATER)).toMatchObject({ from: '2026-02-01', to: '2026-02-28', bucket: 'hour', groupBy: ['kind', 'competence'] });
    expect(PerformedTimeParams.parse({ departmentId: 'D1' }).groupBy).toEqual(['unit', 'activity3', 'competence', 'employmentForm', 'kind']);
    const bad = PerformedTimeParams.safeParse({ unitId: 'U1', groupBy: 'kind,colour', from: '2026-01-01' });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toContain('groupBy: unknown dimension \'colour\'; choose from unit, activity1, activity2, activity3, competence, category, employmentForm, kind');
    expect(PerformedTimeParams.safeParse({ unitId: 'U1', from: '2026-01-01', to: '2026-06-30', bucket: 'hour' }).error!.issues[0]!.message).toMatch(/at most 93 days/);
    expect(PerformedTimeParams.safeParse({ unitId: 'U1', departmentId: 'D1' }).error!.issues[0]!.message).toBe('give exactly one of unitId, departmentId or poolId');
  });
});
