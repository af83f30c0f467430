import type { BookStaffCommand, ReallocateCommand } from '@pks/contracts';
import { describe, expect, it } from 'vitest';
import { local, localMs, World } from '../alerts/alerts.fixtures.js';
import { gapListCells } from '../gap-list/gap-list-query.js';
import { decideBookStaff, decideReallocate, type StaffingDecision } from './decide-booking.js';
import { gapCandidates } from './gap-candidates.js';
import { suggestMoves } from './gap-suggestions.js';
import { DEFAULT_WORKING_TIME, type StaffingActor } from './staffing-context.js';

/** Given/when/then for the staffing-centre deciders: given events, when a command is decided at `now`, then an event or a rejection. */

const DAY = '2026-11-24';
const NOW = localMs('2026-11-23', '13:00');
const centre: StaffingActor = { sub: 'bmc-1', role: 'staffing-centre', units: [], pools: ['bmc'], departments: [] };
const admin: StaffingActor = { sub: 'admin', role: 'admin', units: [], pools: [], departments: [] };

/**
 * B8 and C9 (pool bmc, department akut) and K1 (kirurgi, no pool). B8 dag SSK: minimum 2, target 3, N1 and N2
 * scheduled (a gap of 1). C9 dag SSK: minimum 1, target 1, C1 and C2 scheduled (a surplus of 1).
 */
function hospital(): World {
  const w = new World().unit('B8').unit('C9').unit('K1', { departmentId: 'kirurgi', poolId: undefined });
  w.key('B8', 2, 3).key('C9', 1, 1).key('K1', 1, 1);
  for (const p of ['N1', 'N2', 'N3']) w.staff(p, { homeUnitId: 'B8' });
  for (const p of ['C1', 'C2']) w.staff(p, { homeUnitId: 'C9' });
  for (const p of ['POOL1', 'POOL2', 'POOL4', 'POOL5']) w.staff(p, { poolId: 'bmc' });
  w.staff('POOL3', { poolId: 'bmc', competences: ['USK'] });
  w.staff('AG1', { employmentForm: 'agency', rate: null, poolId: 'bmc' });
  w.shift('S-N1', 'B8', 'N1', DAY).shift('S-N2', 'B8', 'N2', DAY).shift('S-C1', 'C9', 'C1', DAY).shift('S-C2', 'C9', 'C2', DAY);
  return w;
}

const book = (extra: Partial<BookStaffCommand> = {}): BookStaffCommand & { bookingId: string } => ({
  bookingId: 'BK-1',
  unitId: 'B8',
  date: DAY,
  slot: 'dag',
  competence: 'SSK',
  staffId: 'POOL1',
  source: 'pool',
  ...extra,
});

const move = (extra: Partial<ReallocateCommand> = {}): ReallocateCommand & { bookingId: string } => ({
  bookingId: 'RE-1',
  unitId: 'B8',
  date: DAY,
  slot: 'dag',
  competence: 'SSK',
  staffId: 'C1',
  fromUnitId: 'C9',
  ...extra,
});

const state = (w: World, settings = DEFAULT_WORKING_TIME) => ({ gapList: w.inputs.gapList, roster: w.roster, settings });
const rejection = (d: StaffingDecision) => (d.ok ? 'accepted' : d.code);

describe('book-staff', () => {
  it('books a free pool member into the gap: StaffBooked (source pool), and the gap closes', () => {
    const w = hospital();
    const d = decideBookStaff(state(w), book({ note: 'sick call cover' }), centre, NOW);
    expect(d).toEqual({
      ok: true,
      event: { type: 'StaffBooked', data: { bookingId: 'BK-1', staffId: 'POOL1', unitId: 'B8', date: DAY, slot: 'dag', competence: 'SSK', source: 'pool', note: 'sick call cover' } },
    });
    if (!d.ok) return;
    w.add('StaffBooked', d.event.data);
    expect(gapListCells(w.inputs.gapList, 'B8', [`${DAY}|dag|SSK`]).cells[0]).toMatchObject({ staffed: 3, booked: 1, belowTarget: false });
    // the same person again is a double booking; the cell is now full anyway
    expect(rejection(decideBookStaff(state(w), book({ bookingId: 'BK-2', staffId: 'POOL2' }), centre, NOW))).toBe('no-gap');
  });

  it('rejects outside the actor’s scope: another pool, and managers (who only reallocate between own units)', () => {
    const w = hospital();
    expect(decideBookStaff(state(w), book(), { ...centre, pools: ['other'] }, NOW)).toMatchObject({ ok: false, code: 'outside-scope', statusCode: 403 });
    const manager: StaffingActor = { sub: 'chef', role: 'manager', units: ['B8'], pools: [], departments: [] };
    expect(decideBookStaff(state(w), book(), manager, NOW)).toMatchObject({ ok: false, code: 'outside-scope', message: expect.stringContaining('reallocate') });
    const tactical: StaffingActor = { sub: 't', role: 'tactical', units: [], pools: [], departments: ['kirurgi'] };
    expect(rejection(decideBookStaff(state(w), book(), tactical, NOW))).toBe('outside-scope');
    expect(rejection(decideBookStaff(state(w), book(), { ...tactical, departments: ['akut'] }, NOW))).toBe('accepted');
    // a pool booking of someone who is not in the pool
    expect(decideBookStaff(state(w), book({ staffId: 'N3' }), centre, NOW)).toMatchObject({ ok: false, code: 'outside-scope', rule: 'pool membership' });
    expect(rejection(decideBookStaff(state(w), book({ staffId: 'N3', source: 'overtime' }), centre, NOW))).toBe('accepted');
  });

  it('rejects an unknown gap (unit, slot, or no requirement) and a cell without a gap', () => {
    const w = hospital();
    expect(decideBookStaff(state(w), book({ unitId: 'X1' }), admin, NOW)).toMatchObject({ ok: false, code: 'unknown-gap', statusCode: 404 });
    expect(rejection(decideBookStaff(state(w), book({ slot: 'lunch' }), admin, NOW))).toBe('unknown-gap');
    expect(rejection(decideBookStaff(state(w), book({ competence: 'USK', staffId: 'POOL3' }), admin, NOW))).toBe('unknown-gap');
    expect(decideBookStaff(state(w), book({ unitId: 'C9' }), admin, NOW)).toMatchObject({ ok: false, code: 'no-gap', statusCode: 409 });
  });

  it('rejects booking into the past: the slot has ended', () => {
    const w = hospital();
    expect(decideBookStaff(state(w), book(), centre, localMs(DAY, '15:31'))).toMatchObject({ ok: false, code: 'slot-ended', rule: 'no booking into the past' });
    // a slot under way can still be booked
    expect(rejection(decideBookStaff(state(w), book(), centre, localMs(DAY, '10:00')))).toBe('accepted');
  });

  it('rejects unknown staff and a competence the person does not hold', () => {
    const w = hospital();
    expect(decideBookStaff(state(w), book({ staffId: 'NOBODY' }), centre, NOW)).toMatchObject({ ok: false, code: 'unknown-staff', statusCode: 404 });
    expect(decideBookStaff(state(w), book({ staffId: 'POOL3' }), centre, NOW)).toMatchObject({ ok: false, code: 'competence-not-held' });
  });

  it('rejects double booking: the person is already assigned overlapping (elsewhere, or in this very cell)', () => {
    const w = hospital().shift('S-K1', 'K1', 'POOL1', DAY);
    expect(decideBookStaff(state(w), book(), centre, NOW)).toMatchObject({ ok: false, code: 'double-booking', rule: 'one assignment at a time', message: expect.stringContaining('K1') });
    expect(rejection(decideBookStaff(state(w), book({ staffId: 'N1', source: 'overtime' }), centre, NOW))).toBe('double-booking');
  });

  it('rejects absent staff (without naming the reason)', () => {
    const w = hospital().absence('A1', 'POOL1', DAY, 'sick');
    const d = decideBookStaff(state(w), book(), centre, NOW);
    expect(d).toMatchObject({ ok: false, code: 'staff-absent' });
    expect(JSON.stringify(d)).not.toMatch(/sick/);
  });

  it('rejects a daily-rest violation (11 h between assignments), naming the rule', () => {
    // POOL1 works kvall the evening before (ends 21:45): 9.25 h until dag starts at 07:00
    const w = hospital().shift('S-prev', 'K1', 'POOL1', '2026-11-23', 'kvall');
    expect(decideBookStaff(state(w), book(), centre, NOW)).toMatchObject({ ok: false, code: 'daily-rest', rule: expect.stringContaining('daily rest'), message: expect.stringContaining('9.3 h rest') });
    // the next day's natt starting 21:15 leaves 5.75 h after dag: also too little
    const v = hospital().shift('S-next', 'K1', 'POOL2', DAY, 'natt');
    expect(rejection(decideBookStaff(state(v), book({ staffId: 'POOL2' }), centre, NOW))).toBe('daily-rest');
    // with a shorter configured rest it passes
    expect(rejection(decideBookStaff(state(w, { dailyRestHours: 9, weeklyCapHours: 48 }), book(), centre, NOW))).toBe('accepted');
  });

  it('rejects the weekly cap (48 h in the ISO week by default, configurable)', () => {
    const w = hospital();
    // POOL4: five dag shifts (5 × 8.5 = 42.5 h) in the week of DAY, other days
    for (const date of ['2026-11-23', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28']) w.shift(`S-P4-${date}`, 'K1', 'POOL4', date);
    expect(decideBookStaff(state(w), book({ staffId: 'POOL4' }), centre, NOW)).toMatchObject({ ok: false, code: 'weekly-cap', message: expect.stringContaining('51 h in ISO week 2026-W48') });
    expect(rejection(decideBookStaff(state(w, { dailyRestHours: 11, weeklyCapHours: 52 }), book({ staffId: 'POOL4' }), centre, NOW))).toBe('accepted');
  });
});

describe('reallocate', () => {
  it('moves a person from a surplus cell of another unit: StaffBooked (reallocation, fromUnitId, fromShiftId); both cells change', () => {
    const w = hospital();
    const d = decideReallocate(state(w), move(), centre, NOW);
    expect(d).toEqual({
      ok: true,
      event: { type: 'StaffBooked', data: { bookingId: 'RE-1', staffId: 'C1', unitId: 'B8', date: DAY, slot: 'dag', competence: 'SSK', source: 'reallocation', fromUnitId: 'C9', fromShiftId: 'S-C1' } },
    });
    if (!d.ok) return;
    w.add('StaffBooked', d.event.data);
    expect(gapListCells(w.inputs.gapList, 'B8', [`${DAY}|dag|SSK`]).cells[0]).toMatchObject({ staffed: 3 });
    expect(gapListCells(w.inputs.gapList, 'C9', [`${DAY}|dag|SSK`]).cells[0]).toMatchObject({ staffed: 1 });
  });

  it('managers reallocate between their own units only', () => {
    const w = hospital();
    const both: StaffingActor = { sub: 'chef', role: 'manager', units: ['B8', 'C9'], pools: [], departments: [] };
    expect(rejection(decideReallocate(state(w), move(), both, NOW))).toBe('accepted');
    expect(decideReallocate(state(w), move(), { ...both, units: ['B8'] }, NOW)).toMatchObject({ ok: false, code: 'outside-scope', statusCode: 403 });
  });

  it('rejects the same unit, a person not on a shift in the source cell, and a source that would fall below its minimum', () => {
    const w = hospital();
    expect(rejection(decideReallocate(state(w), move({ fromUnitId: 'B8', staffId: 'N1' }), admin, NOW))).toBe('same-unit');
    expect(decideReallocate(state(w), move({ staffId: 'POOL1' }), admin, NOW)).toMatchObject({ ok: false, code: 'not-in-source' });
    expect(rejection(decideReallocate(state(w), move({ fromShiftId: 'S-C2' }), admin, NOW))).toBe('not-in-source');
    w.absence('A1', 'C2', DAY);
    expect(decideReallocate(state(w), move(), admin, NOW)).toMatchObject({ ok: false, code: 'source-below-minimum', message: expect.stringContaining('below its minimum of 1') });
  });

  it('checks the working-time rules with the shift the person leaves left out', () => {
    const w = hospital().shift('S-C1-prev', 'C9', 'C1', '2026-11-23', 'kvall');
    expect(rejection(decideReallocate(state(w), move(), admin, NOW))).toBe('daily-rest');
    expect(rejection(decideReallocate(state(hospital()), move({ date: '2026-11-22' }), admin, NOW))).toBe('slot-ended');
  });
});

describe('candidates and suggestions', () => {
  it('lists reallocation first, then free pool staff, overtime and agency, each with reasons; excluded people with the rule', () => {
    const w = hospital().shift('S-K1', 'K1', 'POOL2', DAY).shift('S-prev', 'K1', 'POOL5', '2026-11-23', 'kvall').absence('A1', 'POOL4', DAY);
    const result = gapCandidates({ gapList: w.inputs.gapList, roster: w.roster }, { unitId: 'B8', date: DAY, slot: 'dag', competence: 'SSK' }, centre, DEFAULT_WORKING_TIME, NOW);
    if (!result.ok) throw new Error(result.message);
    const { gap, candidates, excluded } = result.answer;
    expect(gap).toMatchObject({ unitId: 'B8', staffed: 2, minimum: 2, target: 3, status: 'below-target', start: `${DAY}T06:00:00Z`, ended: false });
    expect(candidates.map((c) => [c.rank, c.staffId, c.source])).toEqual([
      [1, 'C1', 'reallocation'],
      [2, 'C2', 'reallocation'],
      [3, 'POOL1', 'pool'],
      [4, 'N3', 'overtime'],
      [5, 'AG1', 'agency'],
    ]);
    expect(candidates[0]).toMatchObject({ fromUnitId: 'C9', fromShiftId: 'S-C1', command: 'reallocate', commandBody: { unitId: 'B8', staffId: 'C1', fromUnitId: 'C9', fromShiftId: 'S-C1' } });
    expect(candidates[0]!.reasons[0]).toContain('surplus of 1 in C9');
    expect(candidates[2]).toMatchObject({ command: 'book-staff', commandBody: { source: 'pool', staffId: 'POOL1' }, weekHoursBefore: 0, weekHoursAfter: 8.5 });
    expect(excluded.map((x) => [x.staffId, x.code])).toEqual([
      ['POOL2', 'double-booking'],
      ['POOL4', 'staff-absent'],
      ['POOL5', 'daily-rest'],
    ]);
  });

  it('suggests several moves for a slot across the pool: below-minimum cells first, reallocation before pool staff', () => {
    const w = hospital().unit('D10').key('D10', 1, 2);
    w.add('AbsenceReported', { absenceId: 'A1', staffId: 'N2', kind: 'sick', start: local(DAY, '00:00'), end: local('2026-11-25', '00:00') });
    // B8: 1 staffed (min 2, target 3); D10: 0 staffed (min 1, target 2); C9: surplus 1
    const result = suggestMoves(
      { gapList: w.inputs.gapList, roster: w.roster },
      { poolId: 'bmc', date: DAY, slot: 'dag', unitIds: ['B8', 'C9', 'D10'] },
      centre,
      DEFAULT_WORKING_TIME,
      NOW,
    );
    expect(result.moves.map((m) => [m.order, m.unitId, m.staffId, m.source, m.fills])).toEqual([
      [1, 'B8', 'C1', 'reallocation', 'minimum'],
      [2, 'D10', 'POOL1', 'pool', 'minimum'],
      [3, 'B8', 'POOL2', 'pool', 'target'],
      [4, 'D10', 'POOL4', 'pool', 'target'],
    ]);
    expect(result.shortages).toEqual([
      { unitId: 'B8', unitName: 'B8', competence: 'SSK', minimum: 2, target: 3, staffed: 1, staffedAfter: 3, missingToMinimum: 0, missingToTarget: 0 },
      { unitId: 'D10', unitName: 'D10', competence: 'SSK', minimum: 1, target: 2, staffed: 0, staffedAfter: 2, missingToMinimum: 0, missingToTarget: 0 },
    ]);
    // every move is a valid command when applied in order
    for (const m of result.moves) {
      const d = m.command === 'reallocate' ? decideReallocate(state(w), { ...(m.commandBody as ReallocateCommand), bookingId: `M${m.order}` }, centre, NOW) : decideBookStaff(state(w), { ...(m.commandBody as BookStaffCommand), bookingId: `M${m.order}` }, centre, NOW);
      expect(d.ok, JSON.stringify(d)).toBe(true);
      if (d.ok) w.add('StaffBooked', d.event.data);
    }
  });
});
