import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import type { GapListRow } from '@pks/contracts';
import { project } from '../projection/projection.js';
import { EventLog } from '../testing/given-events.js';
import { queryStaffingOverview, staffingStatus, urgencyOf } from '../staffing-overview/query-staffing-overview.js';
import { assignmentById, assignmentsOf, isAbsent, staffRoster, RETENTION_DAYS } from './staff-roster.js';

const slots = [
  { code: 'dag', start: '07:00', end: '15:30' },
  { code: 'kvall', start: '15:00', end: '21:45' },
  { code: 'natt', start: '21:15', end: '07:15' },
];

function given() {
  const log = new EventLog();
  log.add('UnitRegistered', { unitId: 'B8-AVA', name: 'B8, AVA', departmentId: 'akut', slots, poolId: 'bmc' });
  log.add('UnitRegistered', { unitId: 'C9-RO', name: 'C9, RO', departmentId: 'akut', slots, poolId: 'bmc' });
  log.add('StaffRegistered', { staffId: 'P1', name: 'Pia Pool', competences: ['SSK'], employmentForm: 'monthly', rate: 1, homeUnitId: null, poolId: 'bmc' });
  log.add('StaffRegistered', { staffId: 'P2', name: 'Per Pool', competences: ['USK'], employmentForm: 'hourly', poolId: 'bmc' });
  log.add('StaffRegistered', { staffId: 'W1', competences: ['SSK'], employmentForm: 'monthly', rate: 0.8, homeUnitId: 'B8-AVA' });
  return log;
}

describe('staff roster', () => {
  it('given shifts, bookings and absences, knows who works where and when', () => {
    const log = given();
    log.add('ShiftScheduled', { shiftId: 'S1', unitId: 'B8-AVA', staffId: 'P1', competence: 'SSK', start: '2026-11-24T06:00:00Z', end: '2026-11-24T14:30:00Z' });
    log.add('ShiftScheduled', { shiftId: 'S2', unitId: 'B8-AVA', staffId: null, competence: 'SSK', start: '2026-11-24T20:15:00Z', end: '2026-11-25T06:15:00Z' });
    log.add('StaffBooked', { bookingId: 'B1', staffId: 'P2', unitId: 'C9-RO', date: '2026-11-24', slot: 'kvall', competence: 'USK', source: 'pool' });
    log.add('AbsenceReported', { absenceId: 'A1', staffId: 'P1', kind: 'sick', start: '2026-11-25T00:00:00+01:00', end: '2026-11-26T00:00:00+01:00' });
    const state = project(staffRoster, log.events);
    expect(assignmentsOf(state, 'P1').map((a) => [a.id, a.unitId, a.date, a.slot])).toEqual([['S1', 'B8-AVA', '2026-11-24', 'dag']]);
    const booking = assignmentsOf(state, 'P2')[0]!;
    expect([booking.slot, new Date(booking.startMs).toISOString(), new Date(booking.endMs).toISOString()]).toEqual(['kvall', '2026-11-24T14:00:00.000Z', '2026-11-24T20:45:00.000Z']);
    expect([...state.openShifts]).toEqual(['S2']);
    expect(assignmentById(state, 'S2')!.slot).toBe('natt');
    expect(isAbsent(state, 'P1', Date.parse('2026-11-25T08:00:00Z'), Date.parse('2026-11-25T09:00:00Z'))).toBe(true);
    expect(isAbsent(state, 'P1', Date.parse('2026-11-24T08:00:00Z'), Date.parse('2026-11-24T09:00:00Z'))).toBe(false);
  });

  it('when a shift is reassigned, cancelled, a booking cancelled or an absence withdrawn, forgets the old', () => {
    const log = given();
    log.add('ShiftScheduled', { shiftId: 'S1', unitId: 'B8-AVA', staffId: null, competence: 'SSK', start: '2026-11-24T06:00:00Z', end: '2026-11-24T14:30:00Z' });
    log.add('ShiftChanged', { shiftId: 'S1', unitId: 'B8-AVA', staffId: 'W1', competence: 'SSK', start: '2026-11-24T06:00:00Z', end: '2026-11-24T14:30:00Z' });
    log.add('ShiftScheduled', { shiftId: 'S3', unitId: 'B8-AVA', staffId: 'W1', competence: 'SSK', start: '2026-11-25T06:00:00Z', end: '2026-11-25T14:30:00Z' });
    log.add('ShiftCancelled', { shiftId: 'S3' });
    log.add('StaffBooked', { bookingId: 'B1', staffId: 'P2', unitId: 'C9-RO', date: '2026-11-24', slot: 'kvall', competence: 'USK', source: 'pool' });
    log.add('BookingCancelled', { bookingId: 'B1' });
    log.add('AbsenceReported', { absenceId: 'A1', staffId: 'P1', kind: 'sick', start: '2026-11-25T00:00:00Z', end: '2026-11-26T00:00:00Z' });
    log.add('AbsenceWithdrawn', { absenceId: 'A1', staffId: 'P1' });
    const changes = log.events.map((e) => staffRoster.evolve(staffRoster.initialState(), e));
    expect(changes.every((c) => Array.isArray(c))).toBe(true);
    const state = project(staffRoster, log.events);
    expect(state.openShifts.size).toBe(0);
    expect(assignmentsOf(state, 'W1').map((a) => a.id)).toEqual(['S1']);
    expect(assignmentsOf(state, 'P2')).toEqual([]);
    expect(isAbsent(state, 'P1', Date.parse('2026-11-25T08:00:00Z'), Date.parse('2026-11-25T09:00:00Z'))).toBe(false);
  });

  it('a reallocation booking moves the person off the shift they leave', () => {
    const log = given();
    log.add('ShiftScheduled', { shiftId: 'S1', unitId: 'B8-AVA', staffId: 'W1', competence: 'SSK', start: '2026-11-24T06:00:00Z', end: '2026-11-24T14:30:00Z' });
    log.add('StaffBooked', { bookingId: 'R1', staffId: 'W1', unitId: 'C9-RO', date: '2026-11-24', slot: 'dag', competence: 'SSK', source: 'reallocation', fromUnitId: 'B8-AVA', fromShiftId: 'S1' });
    const state = project(staffRoster, log.events);
    expect(assignmentsOf(state, 'W1').map((a) => [a.id, a.unitId])).toEqual([['R1', 'C9-RO']]);
  });

  it(`drops entries that ended more than ${RETENTION_DAYS} days before the newest event, the same way on every replay`, () => {
    const log = given();
    log.add('ShiftScheduled', { shiftId: 'OLD', unitId: 'B8-AVA', staffId: 'W1', competence: 'SSK', start: '2026-10-01T06:00:00Z', end: '2026-10-01T14:30:00Z' }, { occurredAt: '2026-09-20T00:00:00Z' });
    log.add('ShiftScheduled', { shiftId: 'NEW', unitId: 'B8-AVA', staffId: 'W1', competence: 'SSK', start: '2026-11-24T06:00:00Z', end: '2026-11-24T14:30:00Z' }, { occurredAt: '2026-11-20T00:00:00Z' });
    const state = project(staffRoster, log.events);
    expect(assignmentsOf(state, 'W1').map((a) => a.id)).toEqual(['NEW']);
    expect(project(staffRoster, log.events)).toEqual(state);
  });

  it('reuses the rows of removed assignments: after a snapshot round trip and more events it equals a straight fold, and every query answers as before', () => {
    const log = given();
    // four weeks of a day shift each for W1 and P1, each planned a week ahead; every third is cancelled, every fifth changed
    for (let d = 0; d < 28; d += 1) {
      const date = new Date(Date.UTC(2026, 10, 2 + d)).toISOString().slice(0, 10);
      const at = new Date(Date.UTC(2026, 10, 2 + d - 7)).toISOString();
      for (const staffId of ['W1', 'P1']) {
        const shiftId = `${staffId}-${date}`;
        log.add('ShiftScheduled', { shiftId, unitId: 'B8-AVA', staffId, competence: 'SSK', start: `${date}T06:00:00Z`, end: `${date}T14:30:00Z` }, { occurredAt: at });
        if (d % 3 === 0) log.add('ShiftCancelled', { shiftId }, { occurredAt: at });
        if (d % 5 === 0) log.add('ShiftChanged', { shiftId: `${staffId}-${date}`, unitId: 'C9-RO', staffId, competence: 'SSK', start: `${date}T14:00:00Z`, end: `${date}T20:45:00Z` }, { occurredAt: at });
      }
    }
    log.add('StaffBooked', { bookingId: 'B9', staffId: 'P2', unitId: 'C9-RO', date: '2026-11-30', slot: 'natt', competence: 'USK', source: 'pool' }, { occurredAt: '2026-11-23T00:00:00Z' });
    const events = log.events;
    const half = Math.floor(events.length / 2);
    const straight = project(staffRoster, events);
    const resumed = project(staffRoster, events.slice(half), deserialize(serialize(project(staffRoster, events.slice(0, half)))) as ReturnType<typeof staffRoster.initialState>);
    expect(resumed).toEqual(straight);
    // rows were freed (cancellations, changes, retention) and taken again: without reuse there would be 57
    expect(straight.rows.size).toBeLessThan(2 * 28);
    expect(straight.rows.size).toBe(straight.assignments.size + straight.rows.free.length);
    // what is left: the last RETENTION_DAYS days and the week ahead, without the cancelled ones; changed ones moved
    const w1 = assignmentsOf(straight, 'W1');
    const expected: string[] = [];
    for (let d = 0; d < 28; d += 1) {
      const date = new Date(Date.UTC(2026, 10, 2 + d)).toISOString().slice(0, 10);
      const kept = d % 3 !== 0 || d % 5 === 0; // a change after a cancellation schedules it again
      if (kept && Date.parse(`${date}T14:30:00Z`) >= Date.parse('2026-11-23T00:00:00Z') - RETENTION_DAYS * 86_400_000) expected.push(`W1-${date}`);
    }
    expect(w1.map((a) => a.id)).toEqual(expected);
    for (const a of w1) {
      const changed = (Number(a.date.slice(8, 10)) - 2) % 5 === 0; // d % 5 === 0
      expect(a.unitId).toBe(changed ? 'C9-RO' : 'B8-AVA');
      expect(assignmentById(straight, a.id)).toEqual(a);
    }
    expect(assignmentById(straight, 'B9')).toMatchObject({ kind: 'booking', staffId: 'P2', slot: 'natt', date: '2026-11-30' });
  });
});

describe('staffing overview', () => {
  const row = (over: Partial<GapListRow>): GapListRow => ({
    key: 'B8-AVA|2026-11-24|dag|SSK',
    cellKey: '2026-11-24|dag|SSK',
    unitId: 'B8-AVA',
    unitName: 'B8, AVA',
    departmentId: 'akut',
    date: '2026-11-24',
    weekday: 2,
    week: '2026-W48',
    slot: 'dag',
    slotName: null,
    slotStart: '07:00',
    slotEnd: '15:30',
    competence: 'SSK',
    beds: 14,
    minimum: 3,
    target: 4,
    requirementSource: 'key',
    scheduled: 3,
    booked: 0,
    absent: 0,
    staffed: 3,
    openShifts: 0,
    clockedIn: 0,
    vsMinimum: 0,
    vsTarget: -1,
    belowMinimum: false,
    belowTarget: true,
    ...over,
  });

  it('classifies cells and ranks below-minimum first, sooner first', () => {
    expect(staffingStatus({ minimum: 3, target: 4, staffed: 2 })).toBe('below-minimum');
    expect(staffingStatus({ minimum: 3, target: 4, staffed: 3 })).toBe('below-target');
    expect(staffingStatus({ minimum: 3, target: 4, staffed: 4 })).toBe('ok');
    expect(staffingStatus({ minimum: 3, target: 4, staffed: 5 })).toBe('surplus');
    const now = Date.parse('2026-11-24T00:00:00Z');
    expect(urgencyOf('below-minimum', now + 48 * 3.6e6, now, -1)).toBeGreaterThan(urgencyOf('below-target', now, now, -3));
    expect(urgencyOf('below-target', now + 3.6e6, now, -1)).toBeGreaterThan(urgencyOf('below-target', now + 10 * 3.6e6, now, -1));
  });

  it('lists shortages and surpluses of the pool units by urgency, open shifts and pool staff with free slots', () => {
    const log = given();
    log.add('ShiftScheduled', { shiftId: 'S2', unitId: 'B8-AVA', staffId: null, competence: 'SSK', start: '2026-11-24T20:15:00Z', end: '2026-11-25T06:15:00Z' });
    log.add('ShiftScheduled', { shiftId: 'S1', unitId: 'B8-AVA', staffId: 'P1', competence: 'SSK', start: '2026-11-24T06:00:00Z', end: '2026-11-24T14:30:00Z' });
    const roster = project(staffRoster, log.events);
    const result = queryStaffingOverview(
      [
        row({}),
        row({ key: 'B8-AVA|2026-11-24|natt|SSK', cellKey: '2026-11-24|natt|SSK', slot: 'natt', slotStart: '21:15', slotEnd: '07:15', staffed: 1, vsMinimum: -2, vsTarget: -3 }),
        row({ key: 'C9-RO|2026-11-24|dag|SSK', unitId: 'C9-RO', staffed: 5, vsMinimum: 2, vsTarget: 1 }),
        row({ key: 'C9-RO|2026-11-24|kvall|SSK', unitId: 'C9-RO', slot: 'kvall', staffed: 4, vsMinimum: 1, vsTarget: 0 }),
      ],
      roster,
      { unitIds: ['B8-AVA', 'C9-RO'], from: '2026-11-24', to: '2026-11-24', poolId: 'bmc' },
      '2026-11-24T05:00:00Z',
    );
    expect(result.rows.map((r) => [r.key, r.status])).toEqual([
      ['B8-AVA|2026-11-24|natt|SSK', 'below-minimum'],
      ['B8-AVA|2026-11-24|dag|SSK', 'below-target'],
      ['C9-RO|2026-11-24|dag|SSK', 'surplus'],
    ]);
    expect(result.openShifts.map((s) => [s.shiftId, s.slot])).toEqual([['S2', 'natt']]);
    expect(result.poolStaff.map((p) => [p.staffId, p.freeSlots, p.assignments])).toEqual([
      ['P2', 3, ''],
      ['P1', 1, '2026-11-24 dag B8-AVA'],
    ]);
  });
});
