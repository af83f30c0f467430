import { deserialize, serialize } from 'node:v8';
import { ScheduleVsPlanResponse } from '@pks/contracts';
import { describe, expect, it } from 'vitest';
import type { Change } from '../projection/projection.js';
import { EventLog } from '../testing/given-events.js';
import { gapList } from '../gap-list/gap-list.js';
import type { GapListState } from '../gap-list/gap-list-state.js';
import { scheduleVsPlan, type ScheduleVsPlanState } from './schedule-vs-plan.js';
import { queryScheduleVsPlan } from './schedule-vs-plan-query.js';

const SLOTS = [
  { code: 'dag', start: '07:00', end: '15:30' },
  { code: 'natt', start: '21:15', end: '07:15' },
];
/** Monday of 2026-W48, 11:00 in Stockholm */
const NOW = '2026-11-23T10:00:00Z';

function given(recordedAt = NOW) {
  const log = new EventLog(recordedAt);
  const state: ScheduleVsPlanState = scheduleVsPlan.initialState();
  // scheduled hours live in the gap-list state, which also reports the weeks shift events change
  const shifts: GapListState = gapList.initialState();
  const when = (type: string, data: Record<string, unknown>): readonly Change[] => {
    const event = log.add(type, data);
    return [...gapList.evolve(shifts, event), ...scheduleVsPlan.evolve(state, event)].filter((c) => c.model === 'schedule-vs-plan');
  };
  when('UnitRegistered', { unitId: 'MOT', name: 'Mottagning', departmentId: 'ort', kind: 'outpatient', slots: SLOTS });
  const query = (extra: Record<string, unknown> = {}) => queryScheduleVsPlan(state, shifts, { unitIds: ['MOT'], ...extra }, NOW);
  const week = (w: string, extra: Record<string, unknown> = {}) => query({ from: w, to: w, ...extra }).rows[0]!;
  return { state, shifts, when, query, week, log };
}

let n = 0;
/** a staffed (or open) shift of `h` hours starting at a UTC instant */
function shift(start: string, h: number, activity = 'pat.oppen.mottagning', staffId: string | null = 'P1') {
  n += 1;
  return { shiftId: `S${n}`, unitId: 'MOT', staffId, competence: 'LAK', activity, start, end: new Date(Date.parse(start) + h * 3_600_000).toISOString() };
}
const svp = (key: string): Change => ({ model: 'schedule-vs-plan', unitId: 'MOT', key });

describe('schedule vs plan: plan, schedule and ratio per ISO week', () => {
  it('spreads month plans over weeks by days, lets a week plan replace the spread, and compares like-for-like scheduled hours with the 1.10 target', () => {
    const { when, week, query } = given();
    // November 300 h (10 h/day), December 310 h (10 h/day) for outpatient care (level 2)
    when('ProductionPlanSet', { unitId: 'MOT', month: '2026-11', activity: 'pat.oppen', plannedHours: 300 });
    const dec = when('ProductionPlanSet', { unitId: 'MOT', month: '2026-12', activity: 'pat.oppen', plannedHours: 310 });
    expect(dec).toEqual(['2026-W49', '2026-W50', '2026-W51', '2026-W52', '2026-W53'].map(svp));
    // W50 has its own plan
    expect(when('ProductionPlanSet', { unitId: 'MOT', week: '2026-W50', activity: 'pat.oppen', plannedHours: 50 })).toEqual([svp('2026-W50')]);

    // W49 (30 Nov – 6 Dec): 7 × 11 h of clinic time, 4 h of meetings, and an open 8 h shift
    for (let d = 0; d < 7; d += 1) when('ShiftScheduled', shift(new Date(Date.parse('2026-11-30T07:00:00Z') + d * 86_400_000).toISOString(), 11));
    when('ShiftScheduled', shift('2026-12-01T13:00:00Z', 4, 'ejpat.admin.mote'));
    expect(when('ShiftScheduled', shift('2026-12-02T07:00:00Z', 8, 'pat.oppen.mottagning', null))).toEqual([svp('2026-W49')]);
    // W50: 50 h
    for (let d = 0; d < 5; d += 1) when('ShiftScheduled', shift(new Date(Date.parse('2026-12-07T07:00:00Z') + d * 86_400_000).toISOString(), 10));

    expect(week('2026-W49')).toMatchObject({
      planHours: 70, // 1 November day + 6 December days
      scheduledHours: 81,
      scheduledPlannedHours: 77,
      openShiftHours: 8,
      ratio: 1.1,
      targetHours: 77,
      gapToTargetHours: 0,
      meetsTarget: true,
      relation: 'future',
    });
    expect(week('2026-W50')).toMatchObject({ planHours: 50, scheduledPlannedHours: 50, ratio: 1, meetsTarget: false, gapToTargetHours: -5 });
    expect(week('2026-W53')).toMatchObject({ planHours: 40, scheduledHours: 0, ratio: 0, meetsTarget: false }); // 28–31 Dec
    expect(week('2026-W48')).toMatchObject({ planHours: 70, relation: 'current' });
    expect(week('2026-W50', { targetRatio: 1 }).meetsTarget).toBe(true);

    expect(query({ from: '2026-W49', to: '2026-W49' }).activities.map((a) => [a.activity, a.planned, a.planHours, a.scheduledHours])).toEqual([
      ['pat.oppen', true, 70, 77],
      ['ejpat.admin.mote', false, null, 4],
    ]);
  });

  it('counts DST nights by the hours really worked and splits a Sunday night at the week boundary', () => {
    const { when, week } = given();
    // Saturday 24 Oct 2026 21:15 CEST → Sunday 07:15 CET: 11 h, all in W43
    when('ShiftScheduled', { ...shift('2026-10-24T19:15:00Z', 11, 'pat.sluten.odef'), slot: 'natt' });
    // Sunday 25 Oct 21:15 CET → Monday 07:15: 2 h 45 min in W43, 7 h 15 min in W44
    expect(when('ShiftScheduled', shift('2026-10-25T20:15:00Z', 10, 'pat.sluten.odef'))).toEqual([svp('2026-W43'), svp('2026-W44')]);
    // Saturday 28 Mar 2026 21:15 CET → Sunday 07:15 CEST: 9 h
    when('ShiftScheduled', shift('2026-03-28T20:15:00Z', 9, 'pat.sluten.odef'));
    expect(week('2026-W43').scheduledHours).toBe(13.75);
    expect(week('2026-W44').scheduledHours).toBe(7.25);
    expect(week('2026-W13').scheduledHours).toBe(9);
  });

  it('a cancelled or changed shift leaves its old week', () => {
    const { when, week } = given();
    const s = shift('2026-11-24T07:00:00Z', 8);
    when('ShiftScheduled', s);
    expect(when('ShiftChanged', { ...s, start: '2026-12-01T07:00:00Z', end: '2026-12-01T15:00:00Z' })).toEqual([svp('2026-W48'), svp('2026-W49')]);
    expect(when('ShiftChanged', { ...s, start: '2026-12-01T07:00:00Z', end: '2026-12-01T15:00:00Z' })).toEqual([]);
    expect([week('2026-W48').scheduledHours, week('2026-W49').scheduledHours]).toEqual([0, 8]);
    expect(when('ShiftCancelled', { shiftId: s.shiftId })).toEqual([svp('2026-W49')]);
    expect(week('2026-W49').scheduledHours).toBe(0);
  });
});

describe('schedule vs plan: bookings and the waiting list', () => {
  it('booked hours, to plan by medical target date, waited too long on the current week', () => {
    const { when, week, query } = given();
    when('PatientBooked', { bookingId: 'PB1', unitId: 'MOT', patientRef: 'pat-1', start: '2026-11-24T08:00:00Z', end: '2026-11-24T09:30:00Z' });
    when('PatientBooked', { bookingId: 'PB2', unitId: 'MOT', patientRef: 'pat-2', start: '2026-11-25T08:00:00Z', end: '2026-11-25T09:00:00Z' });
    when('PatientBookingCancelled', { bookingId: 'PB2' });
    const add = (entryId: string, target: string, expectedHours: number) =>
      when('WaitlistEntryAdded', { entryId, unitId: 'MOT', patientRef: `ref-${entryId}`, expectedHours, medicalTargetDate: target });
    expect(add('E1', '2026-11-20', 3)).toEqual([svp('2026-W47'), svp('2026-W48')]); // overdue: its week and the current one
    add('E2', '2026-11-25', 2);
    add('E5', '2026-11-23', 1); // today: not yet passed
    add('E3', '2026-12-01', 4);
    add('E4', '2026-12-02', 5);
    add('E6', '2026-11-01', 6);
    // E3 gets a time; E4 leaves the list; E6 is booked and then the booking is cancelled
    expect(when('PatientBooked', { bookingId: 'PB3', unitId: 'MOT', patientRef: 'ref-E3', start: '2026-12-03T08:00:00Z', end: '2026-12-03T12:00:00Z', waitlistEntryId: 'E3' })).toEqual([svp('2026-W49')]);
    expect(when('WaitlistEntryRemoved', { entryId: 'E4', reason: 'withdrawn' })).toEqual([svp('2026-W49')]);
    when('PatientBooked', { bookingId: 'PB6', unitId: 'MOT', patientRef: 'ref-E6', start: '2026-12-08T08:00:00Z', end: '2026-12-08T09:00:00Z', waitlistEntryId: 'E6' });
    when('PatientBookingCancelled', { bookingId: 'PB6' });

    expect(week('2026-W48')).toMatchObject({ bookedHours: 1.5, toPlanHours: 3, toPlanCount: 2, waitedTooLongHours: 9, waitedTooLongCount: 2 });
    expect(week('2026-W49')).toMatchObject({ bookedHours: 4, toPlanHours: 0, toPlanCount: 0, waitedTooLongHours: 0 });
    expect(week('2026-W47')).toMatchObject({ toPlanHours: 0, waitedTooLongHours: 0 });
    expect(query().units[0]).toMatchObject({ waitedTooLongHours: 9, waitedTooLongCount: 2, currentWeek: '2026-W48' });
  });
});

describe('schedule vs plan: the 12-week view', () => {
  it('covers 12 weeks back and 12 ahead by default and knows how far ahead the schedule reaches', () => {
    const { when, query } = given();
    for (const start of ['2026-11-24T07:00:00Z', '2026-12-01T07:00:00Z', '2026-12-08T07:00:00Z', '2027-01-05T07:00:00Z']) when('ShiftScheduled', shift(start, 8));
    when('ProductionPlanSet', { unitId: 'MOT', week: '2026-W48', activity: 'pat.oppen.mottagning', plannedHours: 8 });
    when('ProductionPlanSet', { unitId: 'MOT', week: '2026-W49', activity: 'pat.oppen.mottagning', plannedHours: 4 });
    const answer = query();
    expect(answer.from).toBe('2026-W36');
    expect(answer.to).toBe('2027-W07');
    expect(answer.rows).toHaveLength(25);
    expect(answer.rows.filter((r) => r.relation === 'past')).toHaveLength(12);
    expect(answer.currentWeek).toBe('2026-W48');
    expect(answer.units[0]).toMatchObject({ weeksAhead: 3, weeksAheadGoal: 12, meetsWeeksAheadGoal: false, weeksBelowTargetAhead: 1 });
    expect(answer.totals.find((t) => t.week === '2026-W49')).toMatchObject({ units: 1, planHours: 4, scheduledHours: 8, ratio: 2 });
    expect(answer.activities.filter((a) => a.week === '2026-W48')).toEqual([
      { key: 'MOT|2026-W48|pat.oppen.mottagning', unitId: 'MOT', week: '2026-W48', activity: 'pat.oppen.mottagning', planned: true, planHours: 8, scheduledHours: 8 },
    ]);
    expect(query({ weeksBack: 0, weeksAhead: 2 }).rows.map((r) => r.week)).toEqual(['2026-W48', '2026-W49', '2026-W50']);
    const response = { position: 9, ...answer };
    expect(ScheduleVsPlanResponse.parse(response)).toEqual(response);
  });

  it('survives a structured-clone snapshot', () => {
    const { when, state, shifts, log } = given();
    when('ShiftScheduled', shift('2026-11-24T07:00:00Z', 8));
    when('ProductionPlanSet', { unitId: 'MOT', month: '2026-11', activity: 'pat.oppen', plannedHours: 300 });
    when('PatientBooked', { bookingId: 'PB1', unitId: 'MOT', patientRef: 'pat-1', start: '2026-11-24T08:00:00Z', end: '2026-11-24T09:30:00Z' });
    const copy = deserialize(serialize(state)) as ScheduleVsPlanState;
    expect(copy).toEqual(state);
    const next = log.add('PatientBooked', { bookingId: 'PB2', unitId: 'MOT', patientRef: 'pat-2', start: '2026-11-25T08:00:00Z', end: '2026-11-25T09:30:00Z' });
    expect(scheduleVsPlan.evolve(copy, next)).toEqual(scheduleVsPlan.evolve(state, next));
    expect(queryScheduleVsPlan(copy, shifts, { unitIds: ['MOT'] }, NOW)).toEqual(queryScheduleVsPlan(state, shifts, { unitIds: ['MOT'] }, NOW));
  });
});
