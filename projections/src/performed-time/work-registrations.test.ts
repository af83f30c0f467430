import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import type { Change } from '../projection/projection.js';
import { project } from '../projection/projection.js';
import { listPerformedTimeFindings } from './findings.js';
import { Hospital, local } from './performed-time.fixtures.js';
import { performedTime } from './performed-time-projection.js';
import { queryChppd } from './query-chppd.js';
import { queryPerformedTime, type PerformedTimeQuery } from './query-performed-time.js';
import { queryStaffVolume } from './query-staff-volume.js';
import type { PerformedTimeState } from './state.js';

/**
 * A WorkRegistered for hours the person also worked on a shift of theirs on the same unit counts those hours once,
 * with the registration's kind (a real feed sends both: clock stamps plus an overtime registration, a physician's
 * scheduled shift plus its registration as worked, an hourly person's shift plus an hourly registration).
 */

const LATER = '2026-03-01T00:00:00Z';
const DIMS = ['unit', 'activity3', 'competence', 'employmentForm', 'kind'] as const;

function q(from: string, to: string, extra: Partial<PerformedTimeQuery> = {}): PerformedTimeQuery {
  return { unitIds: ['U1'], from, to, bucket: 'day', groupBy: DIMS, includeAbsence: 'none', ...extra };
}

/** [kind, activity3, hours] of the rows of one query, by kind then activity */
function byKind(state: PerformedTimeState, query: PerformedTimeQuery, now = LATER): [string | null, string | null, number][] {
  const rows = queryPerformedTime(state, { ...query, groupBy: ['kind', 'activity3'] }, now).rows;
  const out = new Map<string, [string | null, string | null, number]>();
  for (const r of rows) {
    const key = `${r.kind}|${r.activity3}`;
    const e = out.get(key) ?? [r.kind, r.activity3, 0];
    e[2] += r.hours;
    out.set(key, e);
  }
  return [...out.values()].sort((a, b) => `${a[0]}|${a[1]}`.localeCompare(`${b[0]}|${b[1]}`));
}

const performed = (state: PerformedTimeState, query: PerformedTimeQuery, now = LATER) => queryPerformedTime(state, query, now).performedHours;
const keys = (changes: readonly Change[], model: string, unitId = 'U1') => changes.filter((c) => c.model === model && c.unitId === unitId).map((c) => c.key).sort();

/** staff volume and CHPPD of U1 for one day (the whole day before `now`) */
function volumeAndChppd(state: PerformedTimeState, date: string, unitIds = ['U1']) {
  const volume = queryStaffVolume(state, { unitIds, from: date, to: date, bucket: 'period', groupBy: [], absenceByReason: false }, LATER).rows.find((r) => r.staffCategory === null)!;
  const chppd = queryChppd(state, { unitIds, from: date, to: date, bucket: 'period', groupBy: [] }, LATER).rows.find((r) => r.competence === null)!;
  return { volume, chppd };
}

describe('work registrations against the same person’s shifts', () => {
  it('a shift clocked out two hours late plus an overtime registration for those hours: counted once, the overlap as overtime', () => {
    // given a monthly nurse on a day shift who clocks out two hours late, and the overtime registered for those hours
    const h = new Hospital().unit().staff('P1', 'monthly');
    h.add('CensusRecorded', { unitId: 'U1', date: '2026-01-05', patients: 21 });
    h.shift('S1', 'P1', local('2026-01-05', '07:00'), local('2026-01-05', '15:30'));
    h.add('ClockedIn', { staffId: 'P1', unitId: 'U1', at: local('2026-01-05', '07:00'), shiftId: 'S1' });
    h.add('ClockedOut', { staffId: 'P1', unitId: 'U1', at: local('2026-01-05', '17:30'), shiftId: 'S1' });
    h.add('WorkRegistered', { registrationId: 'OT1', staffId: 'P1', unitId: 'U1', competence: 'SSK', kind: 'overtime', start: local('2026-01-05', '15:30'), end: local('2026-01-05', '17:30') });
    expect(keys(h.lastChanges, 'performed-time')).toEqual(['2026-01-05']);
    // then the day has 10.5 hours, not 12.5: 8.5 ordinary and 2 overtime (the registration has no activity of its own:
    // it takes the shift's, here the default label of a shift)
    expect(performed(h.state, q('2026-01-05', '2026-01-05'))).toBe(10.5);
    expect(byKind(h.state, q('2026-01-05', '2026-01-05'))).toEqual([
      ['ordinary', 'pat.sluten.odef', 8.5],
      ['overtime', 'pat.sluten.odef', 2],
    ]);
    // and per hour: the 15:00 hour is half ordinary, half overtime
    const hours = queryPerformedTime(h.state, q('2026-01-05', '2026-01-05', { bucket: 'hour', groupBy: ['kind'] }), LATER).rows;
    expect(hours.filter((r) => r.hour! >= 15).map((r) => [r.hour, r.kind, r.hours])).toEqual([
      [15, 'ordinary', 0.5],
      [15, 'overtime', 0.5],
      [16, 'overtime', 1],
      [17, 'overtime', 0.5],
    ]);
    // staff volume: 2 h extra time; CHPPD: the 10.5 performed hours over 21 patients
    const { volume, chppd } = volumeAndChppd(h.state, '2026-01-05');
    expect(volume.overtimeHours).toBe(2);
    expect(volume.extraTimeHours).toBe(2);
    expect(chppd.careHours).toBe(10.5);
    expect(chppd.chppd).toBe(0.5);
  });

  it('the same when the overtime registration comes before the clock-out, and the overlap keeps the shift’s activity', () => {
    const h = new Hospital().unit().staff('P1', 'monthly');
    h.shift('S1', 'P1', local('2026-01-05', '07:00'), local('2026-01-05', '15:30'), { activity: 'pat.sluten.odef' });
    h.add('WorkRegistered', { registrationId: 'OT1', staffId: 'P1', unitId: 'U1', competence: 'SSK', kind: 'overtime', start: local('2026-01-05', '15:30'), end: local('2026-01-05', '17:30') });
    // before the clock-out the shift ends as scheduled: the overtime does not overlap it (it has no activity of its own)
    expect(byKind(h.state, q('2026-01-05', '2026-01-05'))).toEqual([
      ['ordinary', 'pat.sluten.odef', 8.5],
      ['overtime', null, 2],
    ]);
    h.add('ClockedIn', { staffId: 'P1', unitId: 'U1', at: local('2026-01-05', '06:55') });
    h.add('ClockedOut', { staffId: 'P1', unitId: 'U1', at: local('2026-01-05', '17:30') });
    expect(keys(h.lastChanges, 'performed-time')).toEqual(['2026-01-05']);
    expect(byKind(h.state, q('2026-01-05', '2026-01-05'))).toEqual([
      ['ordinary', 'pat.sluten.odef', 8.5 + 5 / 60],
      ['overtime', 'pat.sluten.odef', 2],
    ]);
  });

  it('a physician’s scheduled shift plus its registration as worked (kind ordinary) is counted once', () => {
    // given a physician (no clocking) on a clinic shift, and the shift registered as worked
    const h = new Hospital().unit().staff('L1', 'monthly', { competences: ['LAK'] });
    h.add('CensusRecorded', { unitId: 'U1', date: '2026-01-07', patients: 18 });
    h.shift('L1-7', 'L1', local('2026-01-07', '08:00'), local('2026-01-07', '17:00'), { competence: 'LAK', activity: 'pat.oppen.mottagning' });
    h.add('WorkRegistered', { registrationId: 'W1', staffId: 'L1', unitId: 'U1', competence: 'LAK', kind: 'ordinary', start: local('2026-01-07', '08:00'), end: local('2026-01-07', '17:00') });
    // then 9 hours, ordinary, with the shift's activity (the registration has none)
    expect(performed(h.state, q('2026-01-07', '2026-01-07'))).toBe(9);
    const rows = queryPerformedTime(h.state, q('2026-01-07', '2026-01-07'), LATER).rows;
    expect(rows.map((r) => [r.activity3, r.competence, r.employmentForm, r.kind, r.hours])).toEqual([['pat.oppen.mottagning', 'LAK', 'monthly', 'ordinary', 9]]);
    // CHPPD counts the 9 hours once (LAK is care staff)
    expect(volumeAndChppd(h.state, '2026-01-07').chppd.careHours).toBe(9);
    // a registration with its own activity classifies the hours with it
    h.add('WorkRegistered', { registrationId: 'W1', staffId: 'L1', unitId: 'U1', competence: 'LAK', kind: 'ordinary', start: local('2026-01-07', '08:00'), end: local('2026-01-07', '17:00'), activity: 'pat.oppen.dagvard' });
    expect(byKind(h.state, q('2026-01-07', '2026-01-07'))).toEqual([['ordinary', 'pat.oppen.dagvard', 9]]);
  });

  it('an hourly person filling an open shift plus an hourly registration of it: counted once as hourly, in ProdN once', () => {
    const h = new Hospital().unit().staff('H1', 'hourly');
    h.add('CensusRecorded', { unitId: 'U1', date: '2026-01-08', patients: 17 });
    h.shift('OPEN', null, local('2026-01-08', '15:00'), local('2026-01-08', '21:45'));
    h.shift('OPEN', 'H1', local('2026-01-08', '15:00'), local('2026-01-08', '21:45'), {}, 'ShiftChanged');
    h.add('WorkRegistered', { registrationId: 'T1', staffId: 'H1', unitId: 'U1', competence: 'SSK', kind: 'hourly', start: local('2026-01-08', '15:00'), end: local('2026-01-08', '21:45') });
    expect(byKind(h.state, q('2026-01-08', '2026-01-08'))).toEqual([['hourly', 'pat.sluten.odef', 6.75]]);
    // ProdN and CHPPD agree with performed time: 6.75 h of extra time, 6.75 care hours
    const { volume, chppd } = volumeAndChppd(h.state, '2026-01-08');
    expect(volume.hourlyHours).toBe(6.75);
    expect(volume.extraTimeHours).toBe(6.75);
    expect(volume.prodN).toBeCloseTo(6.75 / 5.45, 12);
    expect(volume.fte).toBeCloseTo(6.75 / 5.45, 12);
    expect(chppd.careHours).toBe(6.75);
    expect(chppd.chppd).toBeCloseTo(6.75 / 17, 12);
  });

  it('a registration partly overlapping a shift: the overlap once, with the registration’s kind; the rest of both as before', () => {
    const h = new Hospital().unit().staff('H1', 'hourly');
    h.shift('S1', 'H1', local('2026-01-05', '07:00'), local('2026-01-05', '15:30'));
    h.add('WorkRegistered', { registrationId: 'R1', staffId: 'H1', unitId: 'U1', competence: 'SSK', kind: 'additional', start: local('2026-01-05', '14:00'), end: local('2026-01-05', '18:00') });
    // 07:00–14:00 hourly (the shift), 14:00–18:00 additional (the registration): 11 h, not 12.5; the part of the
    // registration on the shift's worked time takes the shift's activity, the rest has none
    expect(byKind(h.state, q('2026-01-05', '2026-01-05'))).toEqual([
      ['additional', null, 2.5],
      ['additional', 'pat.sluten.odef', 1.5],
      ['hourly', 'pat.sluten.odef', 7],
    ]);
    expect(performed(h.state, q('2026-01-05', '2026-01-05'))).toBe(11);
    const { volume } = volumeAndChppd(h.state, '2026-01-05');
    expect([volume.hourlyHours, volume.additionalHours, volume.extraTimeHours]).toEqual([7, 4, 11]);
    // only time before now counts: at 15:00 the shift has 7 h and the registration 1 h
    expect(byKind(h.state, q('2026-01-05', '2026-01-05'), local('2026-01-05', '15:00'))).toEqual([
      ['additional', 'pat.sluten.odef', 1],
      ['hourly', 'pat.sluten.odef', 7],
    ]);
    // reported absence still reduces the scheduled time the registration does not cover
    h.add('AbsenceReported', { absenceId: 'A1', staffId: 'H1', kind: 'sick', start: local('2026-01-05', '07:00'), end: local('2026-01-05', '09:00') });
    expect(performed(h.state, q('2026-01-05', '2026-01-05'))).toBe(9);
    expect(queryPerformedTime(h.state, q('2026-01-05', '2026-01-05', { groupBy: ['kind'] }), LATER).rows.map((r) => [r.kind, r.hours])).toEqual([
      ['additional', 4],
      ['hourly', 5],
    ]);
  });

  it('a night shift and a registration over midnight: both dates change and are named', () => {
    const h = new Hospital().unit().staff('P1', 'monthly');
    h.shift('N1', 'P1', local('2026-01-09', '21:15'), local('2026-01-10', '07:15'));
    h.add('WorkRegistered', { registrationId: 'OC1', staffId: 'P1', unitId: 'U1', competence: 'SSK', kind: 'on-call', start: local('2026-01-09', '23:00'), end: local('2026-01-10', '03:00') });
    expect(keys(h.lastChanges, 'performed-time')).toEqual(['2026-01-09', '2026-01-10']);
    expect(keys(h.lastChanges, 'chppd')).toEqual(['2026-01-09', '2026-01-10']);
    expect(keys(h.lastChanges, 'staff-volume')).toEqual(['2026-01']);
    // on-call has its own label (pat.jourber.jour), and the shift keeps the rest: 10 h in all
    const days = queryPerformedTime(h.state, q('2026-01-09', '2026-01-10', { groupBy: ['kind'] }), LATER).rows;
    expect(days.map((r) => [r.period, r.kind, r.hours])).toEqual([
      ['2026-01-09', 'on-call', 1],
      ['2026-01-09', 'ordinary', 1.75],
      ['2026-01-10', 'on-call', 3],
      ['2026-01-10', 'ordinary', 4.25],
    ]);
    expect(byKind(h.state, q('2026-01-09', '2026-01-10'))[0]).toEqual(['on-call', 'pat.jourber.jour', 4]);
  });

  it('a registration on another unit, or without a person, or for a person without shifts adds its hours as before', () => {
    const h = new Hospital().unit().unit('U2').staff('P1', 'monthly').staff('P2', 'monthly');
    h.shift('S1', 'P1', local('2026-01-05', '07:00'), local('2026-01-05', '15:30'));
    h.add('WorkRegistered', { registrationId: 'R1', staffId: 'P1', unitId: 'U2', competence: 'SSK', kind: 'overtime', start: local('2026-01-05', '12:00'), end: local('2026-01-05', '16:00') });
    h.add('WorkRegistered', { registrationId: 'R2', staffId: null, unitId: 'U1', competence: 'SSK', kind: 'overtime', start: local('2026-01-05', '07:00'), end: local('2026-01-05', '15:30'), employmentForm: 'hourly' });
    h.add('WorkRegistered', { registrationId: 'R3', staffId: 'P2', unitId: 'U1', competence: 'SSK', kind: 'overtime', start: local('2026-01-05', '07:00'), end: local('2026-01-05', '15:30') });
    const both = queryPerformedTime(h.state, { ...q('2026-01-05', '2026-01-05'), unitIds: ['U1', 'U2'], groupBy: ['unit', 'kind'] }, LATER);
    expect(both.rows.map((r) => [r.unitId, r.kind, r.hours])).toEqual([
      ['U1', 'ordinary', 8.5],
      ['U1', 'overtime', 17],
      ['U2', 'overtime', 4],
    ]);
    expect(both.findings).toBe(0);
  });

  it('two overlapping registrations of one person: the overlap once, the later registration wins, and it is a finding', () => {
    const h = new Hospital().unit().unit('U2').staff('H1', 'hourly');
    h.add('WorkRegistered', { registrationId: 'R1', staffId: 'H1', unitId: 'U1', competence: 'SSK', kind: 'overtime', start: local('2026-01-05', '15:30'), end: local('2026-01-05', '18:00') });
    h.add('WorkRegistered', { registrationId: 'R2', staffId: 'H1', unitId: 'U1', competence: 'SSK', kind: 'additional', start: local('2026-01-05', '17:00'), end: local('2026-01-05', '19:00') });
    expect(byKind(h.state, q('2026-01-05', '2026-01-05'))).toEqual([
      ['additional', null, 2],
      ['overtime', null, 1.5],
    ]);
    const findings = listPerformedTimeFindings(h.state, 'U1', '2026-01-01', '2026-01-31');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ kind: 'overlapping-registrations', unitId: 'U1', date: '2026-01-05', staffId: 'H1', ids: 'R1,R2', at: local('2026-01-05', '17:00') });
    expect(findings[0]!.message).toMatch(/counted once, as R2/);
    expect(queryPerformedTime(h.state, q('2026-01-05', '2026-01-05'), LATER).findings).toBe(1);
    // R1 restated (the same interval): now R1 is the later one and wins the overlap
    h.add('WorkRegistered', { registrationId: 'R1', staffId: 'H1', unitId: 'U1', competence: 'SSK', kind: 'overtime', start: local('2026-01-05', '15:30'), end: local('2026-01-05', '18:00') });
    expect(byKind(h.state, q('2026-01-05', '2026-01-05'))).toEqual([
      ['additional', null, 1],
      ['overtime', null, 2.5],
    ]);
    expect(listPerformedTimeFindings(h.state, 'U1', '2026-01-01', '2026-01-31')[0]!.message).toMatch(/counted once, as R1/);
    // R2 moved to the other unit: the overlap goes to U2 (R2 is later again), both units' dates are named, both list the finding
    h.add('WorkRegistered', { registrationId: 'R2', staffId: 'H1', unitId: 'U2', competence: 'SSK', kind: 'additional', start: local('2026-01-05', '17:00'), end: local('2026-01-05', '19:00') });
    expect(keys(h.lastChanges, 'performed-time', 'U1')).toEqual(['2026-01-05']);
    expect(keys(h.lastChanges, 'performed-time', 'U2')).toEqual(['2026-01-05']);
    const both = queryPerformedTime(h.state, { ...q('2026-01-05', '2026-01-05'), unitIds: ['U1', 'U2'], groupBy: ['unit', 'kind'] }, LATER);
    expect(both.rows.map((r) => [r.unitId, r.kind, r.hours])).toEqual([
      ['U1', 'overtime', 1.5],
      ['U2', 'additional', 2],
    ]);
    expect(listPerformedTimeFindings(h.state, 'U1', '2026-01-01', '2026-01-31').map((f) => f.ids)).toEqual(['R1,R2']);
    expect(listPerformedTimeFindings(h.state, 'U2', '2026-01-01', '2026-01-31').map((f) => f.ids)).toEqual(['R2,R1']);
    // ProdN counts the hours once too: 3.5 h of extra time over the two units
    const volume = queryStaffVolume(h.state, { unitIds: ['U1', 'U2'], from: '2026-01-05', to: '2026-01-05', bucket: 'period', groupBy: [], absenceByReason: false }, LATER).rows.find((r) => r.staffCategory === null)!;
    expect(volume.extraTimeHours).toBe(3.5);
  });

  it('a registration corrected a month later to the shift it belongs to moves its hours and stops counting them twice', () => {
    // given a physician's registration first sent for the wrong day (no shift then), counted on its own
    const h = new Hospital().unit().staff('L1', 'monthly', { competences: ['LAK'] });
    h.shift('L1-12', 'L1', local('2026-01-12', '08:00'), local('2026-01-12', '16:00'), { competence: 'LAK', activity: 'pat.oppen.mottagning' });
    h.add('WorkRegistered', { registrationId: 'W1', staffId: 'L1', unitId: 'U1', competence: 'LAK', kind: 'ordinary', start: local('2026-01-13', '08:00'), end: local('2026-01-13', '18:00') }, '2026-01-14T08:00:00.000Z');
    expect(performed(h.state, q('2026-01-01', '2026-01-31'))).toBe(18);
    // when corrected a month later to the shift's day, with an hour of overtime after it
    h.add('WorkRegistered', { registrationId: 'W1', staffId: 'L1', unitId: 'U1', competence: 'LAK', kind: 'ordinary', start: local('2026-01-12', '08:00'), end: local('2026-01-12', '16:00') }, '2026-02-14T08:00:00.000Z');
    h.add('WorkRegistered', { registrationId: 'W2', staffId: 'L1', unitId: 'U1', competence: 'LAK', kind: 'overtime', start: local('2026-01-12', '16:00'), end: local('2026-01-12', '17:00') }, '2026-02-14T08:00:00.000Z');
    // then the change records of the correction named both dates, and the shift's hours count once
    expect(performed(h.state, q('2026-01-01', '2026-01-31'))).toBe(9);
    expect(byKind(h.state, q('2026-01-01', '2026-01-31'))).toEqual([
      ['ordinary', 'pat.oppen.mottagning', 8],
      ['overtime', null, 1],
    ]);
    // corrected away again (another unit): the shift's hours come back
    h.unit('U2');
    h.add('WorkRegistered', { registrationId: 'W1', staffId: 'L1', unitId: 'U2', competence: 'LAK', kind: 'ordinary', start: local('2026-01-12', '08:00'), end: local('2026-01-12', '16:00') });
    expect(keys(h.lastChanges, 'performed-time', 'U1')).toEqual(['2026-01-12']);
    expect(keys(h.lastChanges, 'performed-time', 'U2')).toEqual(['2026-01-12']);
    expect(performed(h.state, q('2026-01-01', '2026-01-31'))).toBe(9);
    expect(performed(h.state, { ...q('2026-01-01', '2026-01-31'), unitIds: ['U2'] })).toBe(8);
  });

  it('the correction’s change records name the old and the new dates', () => {
    const h = new Hospital().unit().staff('L1', 'monthly', { competences: ['LAK'] });
    h.shift('L1-12', 'L1', local('2026-01-12', '08:00'), local('2026-01-12', '16:00'), { competence: 'LAK' });
    h.add('WorkRegistered', { registrationId: 'W1', staffId: 'L1', unitId: 'U1', competence: 'LAK', kind: 'ordinary', start: local('2026-01-13', '08:00'), end: local('2026-01-13', '18:00') });
    h.add('WorkRegistered', { registrationId: 'W1', staffId: 'L1', unitId: 'U1', competence: 'LAK', kind: 'ordinary', start: local('2026-01-12', '08:00'), end: local('2026-01-12', '16:00') });
    expect(keys(h.lastChanges, 'performed-time')).toEqual(['2026-01-12', '2026-01-13']);
    expect(keys(h.lastChanges, 'chppd')).toEqual(['2026-01-12', '2026-01-13']);
  });

  it('the three read models agree with performed time when registrations and shifts overlap', () => {
    // an hourly nurse: every hour is extra time in ProdN and care time in CHPPD, so all three must show the same hours
    const h = new Hospital().unit().staff('H1', 'hourly');
    h.add('CensusRecorded', { unitId: 'U1', date: '2026-01-05', patients: 10 });
    h.shift('S1', 'H1', local('2026-01-05', '07:00'), local('2026-01-05', '15:30'));
    h.add('ClockedIn', { staffId: 'H1', unitId: 'U1', at: local('2026-01-05', '07:00'), shiftId: 'S1' });
    h.add('ClockedOut', { staffId: 'H1', unitId: 'U1', at: local('2026-01-05', '17:30'), shiftId: 'S1' });
    h.add('WorkRegistered', { registrationId: 'R1', staffId: 'H1', unitId: 'U1', competence: 'SSK', kind: 'overtime', start: local('2026-01-05', '15:30'), end: local('2026-01-05', '17:30') });
    h.add('WorkRegistered', { registrationId: 'R2', staffId: 'H1', unitId: 'U1', competence: 'SSK', kind: 'hourly', start: local('2026-01-05', '07:00'), end: local('2026-01-05', '15:30') });
    h.add('WorkRegistered', { registrationId: 'R3', staffId: 'H1', unitId: 'U1', competence: 'SSK', kind: 'additional', start: local('2026-01-05', '17:00'), end: local('2026-01-05', '18:00') });
    const hours = performed(h.state, q('2026-01-05', '2026-01-05'));
    expect(hours).toBe(11);
    const { volume, chppd } = volumeAndChppd(h.state, '2026-01-05');
    expect(volume.extraTimeHours).toBe(hours);
    expect([volume.hourlyHours, volume.overtimeHours, volume.additionalHours]).toEqual([8.5, 1.5, 1]);
    expect(volume.prodN).toBeCloseTo(hours / 5.45, 12);
    expect(chppd.careHours).toBe(hours);
    expect(chppd.chppd).toBeCloseTo(hours / 10, 12);
  });

  it('survives a structured-clone round trip and a rebuild from the log', () => {
    const h = new Hospital().unit().staff('P1', 'monthly');
    for (let d = 1; d <= 9; d++) {
      const date = `2026-02-0${d}`;
      h.shift(`S${d}`, 'P1', local(date, '07:00'), local(date, '15:30'));
      h.add('WorkRegistered', { registrationId: `R${d}`, staffId: 'P1', unitId: 'U1', competence: 'SSK', kind: d % 2 ? 'overtime' : 'ordinary', start: local(date, '14:00'), end: local(date, '17:00') });
    }
    h.add('WorkRegistered', { registrationId: 'R3', staffId: 'P1', unitId: 'U1', competence: 'SSK', kind: 'standby', start: local('2026-02-02', '15:00'), end: local('2026-02-03', '15:00') });
    const query = q('2026-02-01', '2026-02-28', { bucket: 'hour' });
    const live = queryPerformedTime(h.state, query, LATER);
    expect(queryPerformedTime(deserialize(serialize(h.state)) as PerformedTimeState, query, LATER)).toEqual(live);
    expect(queryPerformedTime(project(performedTime, h.log.events), query, LATER)).toEqual(live);
  });
});
