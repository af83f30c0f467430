import { deserialize, serialize } from 'node:v8';
import { GapListCellsChanged, GapListFindingsResponse, GapListResponse } from '@pks/contracts';
import { describe, expect, it } from 'vitest';
import type { Change } from '../projection/projection.js';
import { EventLog } from '../testing/given-events.js';
import { gapList } from './gap-list.js';
import { gapListCells, gapListFindings, queryGapList, resolveGapListPeriod } from './gap-list-query.js';
import type { GapListState } from './gap-list-state.js';

const SLOTS = [
  { code: 'dag', start: '07:00', end: '15:30' },
  { code: 'kvall', start: '15:00', end: '21:45' },
  { code: 'natt', start: '21:15', end: '07:15' },
];
const NOW = '2026-11-23T10:00:00Z';

/** given/when/then over the gap-list projection */
function given() {
  const log = new EventLog();
  const state: GapListState = gapList.initialState();
  /** the gap-list changes of an event (schedule-vs-plan week changes are asserted apart) */
  const when = (type: string, data: Record<string, unknown>): readonly Change[] =>
    gapList.evolve(state, log.add(type, data)).filter((c) => c.model !== 'schedule-vs-plan');
  when('UnitRegistered', { unitId: 'C4', name: 'C4, IAKM', departmentId: 'akut', slots: SLOTS });
  when('UnitRegistered', { unitId: 'B8', name: 'B8, AVA', departmentId: 'akut', slots: SLOTS });
  const cell = (unitId: string, key: string) => {
    const { cells, people } = gapListCells(state, unitId, [key]);
    return { ...cells[0]!, people };
  };
  const week = (unitIds: string[], week: string, competence: string | null = 'SSK') =>
    queryGapList(state, { unitIds, ...resolveGapListPeriod({ week }, NOW), competence }, NOW);
  return { log, state, when, cell, week };
}

/** a shift in local Stockholm winter time (UTC+1) on a date */
const winter = (date: string, hh: number, mm = 0) => new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)), hh - 1, mm)).toISOString();
const nextDay = (date: string) => new Date(Date.parse(`${date}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

function dayShift(shiftId: string, staffId: string | null, date = '2026-11-23', unitId = 'C4', competence = 'SSK') {
  return { shiftId, unitId, staffId, competence, start: winter(date, 7), end: winter(date, 15, 30) };
}
const gl = (unitId: string, key: string): Change => ({ model: 'gap-list', unitId, key });

describe('gap list: requirements from staffing keys', () => {
  it('per beds (rounded up, beds on the date), a weekday key beats a general one, the latest validFrom wins, a per-date requirement overrides', () => {
    const { when, week } = given();
    when('BedsPlanned', { unitId: 'C4', from: '2026-01-01', beds: 14 });
    when('BedsPlanned', { unitId: 'C4', from: '2026-11-27', beds: 20 });
    // one SSK per 7 beds minimum, one per 5 beds target
    when('StaffingKeySet', { unitId: 'C4', slot: 'dag', competence: 'SSK', minimum: { perBeds: 7 }, target: { perBeds: 5 } });
    // from Wednesday a fixed general key
    when('StaffingKeySet', { unitId: 'C4', slot: 'dag', competence: 'SSK', validFrom: '2026-11-25', minimum: { fixed: 4 }, target: { fixed: 5 } });
    // but Thursday and Saturday have their own keys
    when('StaffingKeySet', { unitId: 'C4', slot: 'dag', competence: 'SSK', weekday: 6, minimum: { fixed: 1 }, target: { fixed: 2 } });
    when('StaffingKeySet', { unitId: 'C4', slot: 'dag', competence: 'SSK', weekday: 4, validFrom: '2026-01-01', minimum: { perBeds: 7 }, target: { perBeds: 6 } });
    when('StaffingKeySet', { unitId: 'C4', slot: 'dag', competence: 'SSK', weekday: 4, validFrom: '2026-12-01', minimum: { fixed: 9 }, target: { fixed: 9 } });
    // Tuesday is overridden for its date
    when('StaffingRequirementSet', { unitId: 'C4', date: '2026-11-24', slot: 'dag', competence: 'SSK', minimum: 5, target: 6 });

    const dag = week(['C4'], '2026-W48').rows.filter((r) => r.slot === 'dag');
    expect(dag.map((r) => [r.date, r.beds, r.minimum, r.target, r.requirementSource])).toEqual([
      ['2026-11-23', 14, 2, 3, 'key'], // 14/7 = 2, 14/5 = 2.8 → 3
      ['2026-11-24', 14, 5, 6, 'override'],
      ['2026-11-25', 14, 4, 5, 'key'], // the later general key
      ['2026-11-26', 14, 2, 3, 'key'], // Thursday key (valid from 2026-01-01; the 2026-12-01 one not yet): 14/7, 14/6 → 3
      ['2026-11-27', 20, 4, 5, 'key'],
      ['2026-11-28', 20, 1, 2, 'key'], // Saturday key beats the later general one
      ['2026-11-29', 20, 4, 5, 'key'],
    ]);
    // no key for kvall: no requirement, no plus/minus
    const kvall = week(['C4'], '2026-W48').rows.find((r) => r.slot === 'kvall')!;
    expect(kvall).toMatchObject({ minimum: null, target: null, vsMinimum: null, requirementSource: 'none', belowMinimum: false });
  });

  it('a key or beds change tells the live gateway to refetch the unit (key *)', () => {
    const { when } = given();
    expect(when('StaffingKeySet', { unitId: 'C4', slot: 'dag', competence: 'SSK', minimum: { fixed: 2 }, target: { fixed: 3 } })).toEqual([gl('C4', '*')]);
    expect(when('StaffingKeySet', { unitId: 'C4', slot: 'dag', competence: 'SSK', minimum: { fixed: 2 }, target: { fixed: 3 } })).toEqual([]);
    expect(when('BedsPlanned', { unitId: 'C4', from: '2026-11-01', beds: 12 })).toEqual([gl('C4', '*')]);
    expect(when('StaffingRequirementSet', { unitId: 'C4', date: '2026-11-24', slot: 'dag', competence: 'SSK', minimum: 5, target: 6 })).toEqual([
      gl('C4', '2026-11-24|dag|SSK'),
    ]);
  });
});

describe('gap list: staffed, absent, cancelled, booked, open', () => {
  function twoNurses() {
    const g = given();
    g.when('StaffRegistered', { staffId: 'P1', name: 'Anna A', competences: ['SSK'], employmentForm: 'monthly', rate: 1 });
    g.when('StaffRegistered', { staffId: 'P2', name: 'Bo B', competences: ['SSK'], employmentForm: 'monthly', rate: 0.8 });
    g.when('StaffingKeySet', { unitId: 'C4', slot: 'dag', competence: 'SSK', minimum: { fixed: 2 }, target: { fixed: 3 } });
    g.when('ShiftScheduled', dayShift('S1', 'P1'));
    g.when('ShiftScheduled', dayShift('S2', 'P2'));
    return g;
  }
  const KEY = '2026-11-23|dag|SSK';

  it('a sick call turns the cell from 0 to −1 against the minimum, at once, naming exactly that cell', () => {
    const { when, cell } = twoNurses();
    expect(cell('C4', KEY)).toMatchObject({ scheduled: 2, absent: 0, staffed: 2, vsMinimum: 0, vsTarget: -1, belowMinimum: false, belowTarget: true });

    const changes = when('AbsenceReported', { absenceId: 'A1', staffId: 'P2', kind: 'sick', start: winter('2026-11-23', 0), end: winter('2026-11-24', 0) });
    expect(changes).toEqual([gl('C4', KEY)]);
    const after = cell('C4', KEY);
    expect(after).toMatchObject({ scheduled: 2, absent: 1, staffed: 1, vsMinimum: -1, vsTarget: -2, belowMinimum: true });
    expect(after.people.map((p) => [p.staffId, p.name, p.status, p.absenceKind])).toEqual([
      ['P1', 'Anna A', 'scheduled', null],
      ['P2', 'Bo B', 'absent', 'sick'],
    ]);

    // withdrawn: back to 0
    expect(when('AbsenceWithdrawn', { absenceId: 'A1', staffId: 'P2' })).toEqual([gl('C4', KEY)]);
    expect(cell('C4', KEY).vsMinimum).toBe(0);
  });

  it('absence counts only when it covers more than half of the shift; a shorter one changes no cell', () => {
    const { when, cell } = twoNurses();
    // 07:00–11:15 is exactly half of 07:00–15:30: not absent
    expect(when('AbsenceReported', { absenceId: 'A1', staffId: 'P1', kind: 'child-care', start: winter('2026-11-23', 7), end: winter('2026-11-23', 11, 15) })).toEqual([]);
    expect(cell('C4', KEY).absent).toBe(0);
    // a second absence 11:00–12:00 overlaps the first by 15 min: together 07:00–12:00 > half
    expect(when('AbsenceReported', { absenceId: 'A2', staffId: 'P1', kind: 'sick', start: winter('2026-11-23', 11), end: winter('2026-11-23', 12) })).toEqual([gl('C4', KEY)]);
    expect(cell('C4', KEY)).toMatchObject({ absent: 1, staffed: 1 });
    expect(cell('C4', KEY).people.find((p) => p.staffId === 'P1')!.absenceKind).toBe('child-care');
    // corrected to end earlier: no longer absent
    expect(when('AbsenceCorrected', { absenceId: 'A1', staffId: 'P1', kind: 'child-care', start: winter('2026-11-23', 7), end: winter('2026-11-23', 8) })).toEqual([gl('C4', KEY)]);
    expect(cell('C4', KEY).absent).toBe(0);
  });

  it('a cancelled shift leaves the cell', () => {
    const { when, cell } = twoNurses();
    expect(when('ShiftCancelled', { shiftId: 'S2' })).toEqual([gl('C4', KEY)]);
    expect(cell('C4', KEY)).toMatchObject({ scheduled: 1, staffed: 1, vsMinimum: -1 });
    expect(when('ShiftCancelled', { shiftId: 'S2' })).toEqual([]);
  });

  it('a booking closes a gap and its cancellation reopens it', () => {
    const { when, cell } = twoNurses();
    when('ShiftCancelled', { shiftId: 'S2' });
    expect(cell('C4', KEY).vsMinimum).toBe(-1);
    const changes = when('StaffBooked', { bookingId: 'B1', staffId: 'POOL1', unitId: 'C4', date: '2026-11-23', slot: 'dag', competence: 'SSK', source: 'pool' });
    expect(changes).toEqual([gl('C4', KEY)]);
    expect(cell('C4', KEY)).toMatchObject({ scheduled: 1, booked: 1, staffed: 2, vsMinimum: 0 });
    const pool = cell('C4', KEY).people.find((p) => p.staffId === 'POOL1')!;
    expect(pool).toMatchObject({ status: 'booked', entry: 'booking', bookingSource: 'pool', name: null, start: '2026-11-23T06:00:00.000Z', end: '2026-11-23T14:30:00.000Z' });
    expect(when('BookingCancelled', { bookingId: 'B1' })).toEqual([gl('C4', KEY)]);
    expect(cell('C4', KEY)).toMatchObject({ booked: 0, staffed: 1, vsMinimum: -1 });
  });

  it('an open shift is counted as open, not staffed; filling it staffs the cell', () => {
    const { when, cell } = twoNurses();
    expect(when('ShiftScheduled', dayShift('S3', null))).toEqual([gl('C4', KEY)]);
    expect(cell('C4', KEY)).toMatchObject({ openShifts: 1, scheduled: 2, staffed: 2, vsTarget: -1 });
    expect(when('ShiftChanged', dayShift('S3', 'P3'))).toEqual([gl('C4', KEY)]);
    expect(cell('C4', KEY)).toMatchObject({ openShifts: 0, scheduled: 3, staffed: 3, vsTarget: 0 });
  });

  it('a double-booked person is counted once and reported as a finding', () => {
    const { when, cell, state } = twoNurses();
    when('StaffBooked', { bookingId: 'B1', staffId: 'P1', unitId: 'C4', date: '2026-11-23', slot: 'dag', competence: 'SSK', source: 'overtime' });
    when('ShiftScheduled', { ...dayShift('S9', 'P2'), start: winter('2026-11-23', 7, 30) });
    const c = cell('C4', KEY);
    expect(c).toMatchObject({ scheduled: 2, booked: 0, staffed: 2 });
    expect(c.people.map((p) => [p.staffId, p.entryCount, p.entry, p.entryId])).toEqual([
      ['P1', 2, 'shift', 'S1'],
      ['P2', 2, 'shift', 'S2'],
    ]);
    const findings = gapListFindings(state, 'C4', '2026-11-23', '2026-11-23').filter((f) => f.kind === 'double-booked');
    expect(findings.map((f) => [f.staffId, f.entryIds])).toEqual([
      ['P1', 'S1,B1'],
      ['P2', 'S2,S9'],
    ]);
  });

  it('a person in overlapping entries on two units is a finding on both', () => {
    const { when, state } = twoNurses();
    when('ShiftScheduled', dayShift('X1', 'P1', '2026-11-23', 'B8'));
    expect(gapListFindings(state, 'C4', '2026-11-23', '2026-11-23').filter((f) => f.kind === 'overlapping-assignments').map((f) => f.entryIds)).toEqual(['S1,X1']);
    expect(gapListFindings(state, 'B8', '2026-11-23', '2026-11-23').filter((f) => f.kind === 'overlapping-assignments').map((f) => f.entryIds)).toEqual(['X1,S1']);
    // a double shift dag → kvall overlaps 30 min at handover: not a finding
    when('ShiftScheduled', { shiftId: 'K2', unitId: 'C4', staffId: 'P2', competence: 'SSK', start: winter('2026-11-23', 15), end: winter('2026-11-23', 21, 45) });
    expect(gapListFindings(state, 'C4', '2026-11-23', '2026-11-23').filter((f) => f.staffId === 'P2')).toEqual([]);
  });
});

describe('gap list: night slots and daylight saving (Europe/Stockholm)', () => {
  it('a night shift belongs to the date it starts, also on the October night that lasts 11 h and the March night of 9 h', () => {
    const { when, cell } = given();
    when('StaffingKeySet', { unitId: 'C4', slot: 'natt', competence: 'SSK', minimum: { fixed: 1 }, target: { fixed: 1 } });
    // Saturday 24 Oct 2026 21:15 CEST (UTC+2) → Sunday 07:15 CET (UTC+1): 11 h; slot derived from the start time
    expect(when('ShiftScheduled', { shiftId: 'N1', unitId: 'C4', staffId: 'P1', competence: 'SSK', start: '2026-10-24T19:15:00Z', end: '2026-10-25T06:15:00Z' })).toEqual([
      gl('C4', '2026-10-24|natt|SSK'),
    ]);
    // a night shift starting after midnight belongs to the night that started the date before
    expect(when('ShiftScheduled', { shiftId: 'N2', unitId: 'C4', staffId: 'P2', competence: 'SSK', start: '2026-10-24T22:30:00Z', end: '2026-10-25T06:15:00Z' })).toEqual([
      gl('C4', '2026-10-24|natt|SSK'),
    ]);
    // Saturday 28 Mar 2026 21:15 CET → Sunday 07:15 CEST: 9 h
    expect(when('ShiftScheduled', { shiftId: 'N3', unitId: 'C4', staffId: 'P1', competence: 'SSK', start: '2026-03-28T20:15:00Z', end: '2026-03-29T05:15:00Z' })).toEqual([
      gl('C4', '2026-03-28|natt|SSK'),
    ]);
    // the day shift on the Sunday after is Sunday's
    expect(when('ShiftScheduled', { shiftId: 'D1', unitId: 'C4', staffId: 'P3', competence: 'SSK', start: '2026-10-25T06:00:00Z', end: '2026-10-25T14:30:00Z' })).toEqual([
      gl('C4', '2026-10-25|dag|SSK'),
    ]);
    expect(cell('C4', '2026-10-24|natt|SSK')).toMatchObject({ scheduled: 2, staffed: 2, vsMinimum: 1 });
    expect(cell('C4', '2026-10-25|natt|SSK')).toMatchObject({ scheduled: 0, staffed: 0, vsMinimum: -1 });
    expect(cell('C4', '2026-03-28|natt|SSK')).toMatchObject({ scheduled: 1, staffed: 1 });
  });

  it('a booked night slot has its DST length: 5.5 h of absence is not more than half of the 11 h October night, but is of a 10 h night', () => {
    const { when, cell } = given();
    const book = (bookingId: string, date: string) =>
      when('StaffBooked', { bookingId, staffId: 'POOL1', unitId: 'C4', date, slot: 'natt', competence: 'SSK', source: 'pool' });
    book('B-oct', '2026-10-24');
    book('B-nov', '2026-11-07');
    expect(cell('C4', '2026-10-24|natt|SSK').people[0]).toMatchObject({ start: '2026-10-24T19:15:00.000Z', end: '2026-10-25T06:15:00.000Z' });
    // 5.5 h from the slot start on each night
    expect(when('AbsenceReported', { absenceId: 'A1', staffId: 'POOL1', kind: 'sick', start: '2026-10-24T19:15:00Z', end: '2026-10-25T00:45:00Z' })).toEqual([]);
    expect(when('AbsenceReported', { absenceId: 'A2', staffId: 'POOL1', kind: 'sick', start: '2026-11-07T20:15:00Z', end: '2026-11-08T01:45:00Z' })).toEqual([
      gl('C4', '2026-11-07|natt|SSK'),
    ]);
    expect(cell('C4', '2026-10-24|natt|SSK')).toMatchObject({ booked: 1, absent: 0, staffed: 1 });
    expect(cell('C4', '2026-11-07|natt|SSK')).toMatchObject({ booked: 1, absent: 1, staffed: 0 });
    // the 9 h March night: 4.6 h is more than half
    book('B-mar', '2026-03-28');
    expect(cell('C4', '2026-03-28|natt|SSK').people[0]).toMatchObject({ start: '2026-03-28T20:15:00.000Z', end: '2026-03-29T05:15:00.000Z' });
    expect(when('AbsenceReported', { absenceId: 'A3', staffId: 'POOL1', kind: 'sick', start: '2026-03-28T20:15:00Z', end: '2026-03-29T00:51:00Z' })).toEqual([
      gl('C4', '2026-03-28|natt|SSK'),
    ]);
  });
});

describe('gap list: reallocation', () => {
  it('moves the person: the from-shift no longer counts on its unit, the booking counts on the other; cancelling moves them back', () => {
    const { when, cell } = given();
    when('ShiftScheduled', dayShift('S1', 'P1', '2026-11-23', 'C4'));
    const changes = when('StaffBooked', {
      bookingId: 'R1',
      staffId: 'P1',
      unitId: 'B8',
      date: '2026-11-23',
      slot: 'dag',
      competence: 'SSK',
      source: 'reallocation',
      fromUnitId: 'C4',
      fromShiftId: 'S1',
    });
    expect(changes).toEqual([gl('B8', '2026-11-23|dag|SSK'), gl('C4', '2026-11-23|dag|SSK')]);
    expect(cell('C4', '2026-11-23|dag|SSK')).toMatchObject({ scheduled: 0, staffed: 0 });
    expect(cell('C4', '2026-11-23|dag|SSK').people).toMatchObject([{ staffId: 'P1', status: 'moved', movedToUnitId: 'B8' }]);
    expect(cell('B8', '2026-11-23|dag|SSK')).toMatchObject({ booked: 1, staffed: 1 });
    expect(cell('B8', '2026-11-23|dag|SSK').people).toMatchObject([{ staffId: 'P1', status: 'booked', bookingSource: 'reallocation' }]);

    expect(when('BookingCancelled', { bookingId: 'R1' })).toEqual([gl('B8', '2026-11-23|dag|SSK'), gl('C4', '2026-11-23|dag|SSK')]);
    expect(cell('C4', '2026-11-23|dag|SSK')).toMatchObject({ scheduled: 1, staffed: 1 });
    expect(cell('B8', '2026-11-23|dag|SSK')).toMatchObject({ booked: 0, staffed: 0 });
  });

  it('without fromShiftId it moves the person’s overlapping shift on fromUnitId, also one scheduled afterwards', () => {
    const { when, cell } = given();
    when('StaffBooked', { bookingId: 'R1', staffId: 'P1', unitId: 'B8', date: '2026-11-23', slot: 'dag', competence: 'SSK', source: 'reallocation', fromUnitId: 'C4' });
    expect(when('ShiftScheduled', dayShift('S1', 'P1', '2026-11-23', 'C4'))).toEqual([gl('C4', '2026-11-23|dag|SSK')]);
    expect(cell('C4', '2026-11-23|dag|SSK')).toMatchObject({ scheduled: 0, staffed: 0 });
    expect(when('BookingCancelled', { bookingId: 'R1' })).toEqual([gl('B8', '2026-11-23|dag|SSK'), gl('C4', '2026-11-23|dag|SSK')]);
    expect(cell('C4', '2026-11-23|dag|SSK')).toMatchObject({ scheduled: 1, staffed: 1 });
  });
});

describe('gap list: the change list names exactly the touched cells', () => {
  it('schedule, move to another slot, restate unchanged, clock in and out', () => {
    const { when, cell, state, log } = given();
    expect(when('ShiftScheduled', dayShift('S1', 'P1'))).toEqual([gl('C4', '2026-11-23|dag|SSK')]);
    // restated as it is: nothing changed
    expect(when('ShiftChanged', dayShift('S1', 'P1'))).toEqual([]);
    // moved to the evening: the old and the new cell
    expect(when('ShiftChanged', { ...dayShift('S1', 'P1'), start: winter('2026-11-23', 15), end: winter('2026-11-23', 21, 45) })).toEqual([
      gl('C4', '2026-11-23|dag|SSK'),
      gl('C4', '2026-11-23|kvall|SSK'),
    ]);
    // another competence on the same shift
    expect(when('ShiftChanged', { ...dayShift('S1', 'P1', '2026-11-23', 'C4', 'USK'), start: winter('2026-11-23', 15), end: winter('2026-11-23', 21, 45) })).toEqual([
      gl('C4', '2026-11-23|kvall|SSK'),
      gl('C4', '2026-11-23|kvall|USK'),
    ]);
    // an unrelated person's absence: nothing
    expect(when('AbsenceReported', { absenceId: 'A1', staffId: 'P9', kind: 'sick', start: winter('2026-11-23', 0), end: winter('2026-11-24', 0) })).toEqual([]);
    // clock-in 10 min early: the cell and the date's clock-in list
    expect(when('ClockedIn', { staffId: 'P1', unitId: 'C4', at: winter('2026-11-23', 14, 50) })).toEqual([
      gl('C4', '2026-11-23|kvall|USK'),
      { model: 'gap-list-clock-ins', unitId: 'C4', key: '2026-11-23' },
    ]);
    expect(cell('C4', '2026-11-23|kvall|USK')).toMatchObject({ clockedIn: 1 });
    expect(cell('C4', '2026-11-23|kvall|USK').people[0]).toMatchObject({ status: 'clocked-in', clockedInAt: '2026-11-23T13:50:00.000Z', clockedOutAt: null });
    expect(when('ClockedOut', { staffId: 'P1', unitId: 'C4', at: winter('2026-11-23', 21, 50) })).toEqual([
      gl('C4', '2026-11-23|kvall|USK'),
      { model: 'gap-list-clock-ins', unitId: 'C4', key: '2026-11-23' },
    ]);
    // a clock-in with no matching entry changes only the list
    expect(when('ClockedIn', { staffId: 'P7', unitId: 'C4', at: winter('2026-11-23', 8) })).toEqual([{ model: 'gap-list-clock-ins', unitId: 'C4', key: '2026-11-23' }]);
    // a name change touches the person's cells
    expect(when('StaffRegistered', { staffId: 'P1', name: 'Anna A', competences: ['SSK', 'USK'], employmentForm: 'hourly' })).toEqual([gl('C4', '2026-11-23|kvall|USK')]);
    expect(when('StaffRegistered', { staffId: 'P1', name: 'Anna A', competences: ['SSK', 'USK'], employmentForm: 'hourly' })).toEqual([]);
    // shift events also name the ISO weeks whose scheduled hours changed (schedule vs plan reads them from this state);
    // a new activity changes the week's hours by activity but no gap-list cell
    const kvall = { ...dayShift('S1', 'P1', '2026-11-23', 'C4', 'USK'), start: winter('2026-11-23', 15), end: winter('2026-11-23', 21, 45) };
    expect(gapList.evolve(state, log.add('ShiftChanged', { ...kvall, activity: 'pat.sluten.extravak' }))).toEqual([{ model: 'schedule-vs-plan', unitId: 'C4', key: '2026-W48' }]);
    expect(gapList.evolve(state, log.add('ShiftChanged', { ...kvall, activity: 'pat.sluten.extravak' }))).toEqual([]);
    expect(gapList.evolve(state, log.add('ShiftCancelled', { shiftId: 'S1' }))).toEqual([gl('C4', '2026-11-23|kvall|USK'), { model: 'schedule-vs-plan', unitId: 'C4', key: '2026-W48' }]);
    // events the gap list does not use
    expect(when('ProductionPlanSet', { unitId: 'C4', week: '2026-W48', activity: 'pat.sluten.odef', plannedHours: 10 })).toEqual([]);
  });
});

describe('gap list: the weekly grid', () => {
  it('rows unit × slot × date for one competence, weekly sums, beds and department totals', () => {
    const { when, week, log } = given();
    when('BedsPlanned', { unitId: 'C4', from: '2026-01-01', beds: 14 });
    when('BedsPlanned', { unitId: 'B8', from: '2026-01-01', beds: 6 });
    when('StaffingKeySet', { unitId: 'C4', slot: 'dag', competence: 'SSK', minimum: { perBeds: 7 }, target: { perBeds: 5 } });
    when('StaffingKeySet', { unitId: 'B8', slot: 'dag', competence: 'SSK', minimum: { fixed: 1 }, target: { fixed: 1 } });
    for (const date of ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29']) {
      when('ShiftScheduled', dayShift(`C4-${date}-1`, 'P1', date, 'C4'));
      when('ShiftScheduled', dayShift(`B8-${date}-1`, 'P2', date, 'B8'));
      when('ShiftScheduled', dayShift(`B8-${date}-2`, 'P3', date, 'B8'));
    }
    when('ShiftScheduled', dayShift('USK-1', 'P4', '2026-11-23', 'C4', 'USK'));
    void log;
    const answer = week(['C4', 'B8'], '2026-W48');
    expect(answer.rows).toHaveLength(2 * 3 * 7);
    expect(answer.rows.every((r) => r.competence === 'SSK')).toBe(true);
    expect(answer.rows.slice(0, 7).map((r) => r.key)).toEqual(
      ['23', '24', '25', '26', '27', '28', '29'].map((d) => `C4|2026-11-${d}|dag|SSK`),
    );
    expect(answer.units.map((u) => [u.unitId, u.beds])).toEqual([
      ['C4', 14],
      ['B8', 6],
    ]);
    const sums = answer.weeklySums.filter((s) => s.slot === 'dag');
    expect(sums.map((s) => [s.unitId, s.minimum, s.staffed, s.plusVsMinimum, s.minusVsMinimum, s.plusVsTarget, s.minusVsTarget])).toEqual([
      ['C4', 14, 7, 0, -7, 0, -14],
      ['B8', 7, 14, 7, 0, 7, 0],
    ]);
    const period = answer.totals.find((t) => t.date === null)!;
    expect(period).toMatchObject({ competence: 'SSK', units: 2, beds: 20, minimum: 21, staffed: 21, plusVsMinimum: 7, minusVsMinimum: -7 });
    const monday = answer.totals.find((t) => t.date === '2026-11-23')!;
    expect(monday).toMatchObject({ beds: 20, minimum: 3, staffed: 3, plusVsMinimum: 1, minusVsMinimum: -1 });
    // every competence: USK rows appear too
    expect(new Set(week(['C4'], '2026-W48', null).rows.map((r) => r.competence))).toEqual(new Set(['SSK', 'USK']));
    expect(answer.people.filter((p) => p.unitId === 'B8' && p.date === '2026-11-23').map((p) => p.staffId)).toEqual(['P2', 'P3']);
    // the answer is exactly the contract (nothing stripped, nothing missing)
    const response = { position: 7, ...answer };
    expect(GapListResponse.parse(response)).toEqual(response);
  });

  it('live cells and findings match their contracts', () => {
    const { when, state } = given();
    when('ShiftScheduled', dayShift('S1', 'P1'));
    when('StaffBooked', { bookingId: 'B1', staffId: 'P1', unitId: 'C4', date: '2026-11-23', slot: 'dag', competence: 'SSK', source: 'pool' });
    when('ClockedIn', { staffId: 'P1', unitId: 'C4', at: winter('2026-11-23', 6, 55) });
    when('ClockedOut', { staffId: 'P2', unitId: 'C4', at: winter('2026-11-23', 16) });
    const { cells, people } = gapListCells(state, 'C4', ['2026-11-23|dag|SSK', '2026-11-23|natt|USK']);
    const message = { position: 3, cells, people, refetchUnitIds: [] };
    expect(GapListCellsChanged.parse(message)).toEqual(message);
    expect(cells.map((c) => [c.cellKey, c.staffed, c.clockedIn])).toEqual([
      ['2026-11-23|dag|SSK', 1, 1],
      ['2026-11-23|natt|USK', 0, 0],
    ]);
    expect(gapListCells(state, 'C4', ['*']).refetch).toBe(true);
    const rows = gapListFindings(state, 'C4', '2026-11-23', '2026-11-23');
    expect(rows.map((f) => f.kind).sort()).toEqual(['clock-out-without-clock-in', 'double-booked']);
    const findings = { position: 3, asOf: NOW, unitId: 'C4', from: '2026-11-23', to: '2026-11-23', rows };
    expect(GapListFindingsResponse.parse(findings)).toEqual(findings);
  });

  it('resolves the period: a week, a date range, or the current week in Stockholm', () => {
    expect(resolveGapListPeriod({}, '2026-11-29T23:30:00Z')).toEqual({ from: '2026-11-30', to: '2026-12-06', week: '2026-W49' });
    expect(resolveGapListPeriod({ week: '2026-W53' }, NOW)).toEqual({ from: '2026-12-28', to: '2027-01-03', week: '2026-W53' });
    expect(resolveGapListPeriod({ from: '2026-11-25', to: '2026-12-02' }, NOW)).toEqual({ from: '2026-11-25', to: '2026-12-02', week: null });
  });
});

describe('gap list: state', () => {
  it('survives a structured-clone snapshot and keeps evolving the same', () => {
    const a = given();
    a.when('ShiftScheduled', dayShift('S1', 'P1'));
    a.when('AbsenceReported', { absenceId: 'A1', staffId: 'P1', kind: 'sick', start: winter('2026-11-23', 0), end: winter('2026-11-24', 0) });
    const copy = deserialize(serialize(a.state)) as GapListState;
    expect(copy).toEqual(a.state);
    const next = a.log.add('ShiftScheduled', dayShift('S2', 'P2'));
    expect(gapList.evolve(copy, next)).toEqual(gapList.evolve(a.state, next));
    expect(copy).toEqual(a.state);
    expect(gapListCells(copy, 'C4', ['2026-11-23|dag|SSK']).cells[0]).toMatchObject({ scheduled: 2, absent: 1, staffed: 1 });
  });

  it('places entries that arrived before their unit once it is registered', () => {
    const { when, cell } = given();
    when('ShiftScheduled', dayShift('S1', 'P1', '2026-11-23', 'NEW'));
    expect(when('UnitRegistered', { unitId: 'NEW', name: 'Ny', departmentId: 'akut', slots: SLOTS })).toEqual([gl('NEW', '*')]);
    expect(cell('NEW', '2026-11-23|dag|SSK')).toMatchObject({ scheduled: 1 });
    void nextDay;
  });
});
