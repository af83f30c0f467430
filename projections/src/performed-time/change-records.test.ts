import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Change } from '../projection/projection.js';
import { idLookup } from './id-index.js';
import { Hospital, local } from './performed-time.fixtures.js';
import { queryChppd } from './query-chppd.js';
import { queryPerformedTime } from './query-performed-time.js';
import { queryStaffVolume } from './query-staff-volume.js';

/**
 * The change records are complete: after any event, every cell whose answer changed (a performed-time or CHPPD date,
 * a staff-volume month, per unit) is named in that event's change list (or covered by `*`). Random histories of
 * shifts, clock events (with and without shiftId), absences and work registrations, many of them on the hours of the
 * person's shifts or overlapping each other.
 */

type Op =
  | { t: 'shift'; id: number; staff: number | null; unit: number; day: number; hour: number; length: number }
  | { t: 'cancel'; id: number }
  | { t: 'clock'; shift: number; out: boolean; offset: number; withShiftId: boolean }
  | { t: 'absence'; id: number; staff: number; day: number; hour: number; length: number }
  | { t: 'withdraw'; id: number }
  | { t: 'work'; id: number; staff: number; unit: number; day: number; hour: number; length: number; kind: number }
  | { t: 'workOnShift'; id: number; shift: number; otherUnit: boolean; offset: number; length: number; kind: number; activity: boolean };

const STAFF = ['P0', 'P1', 'P2'];
const WORK = ['ordinary', 'overtime', 'on-call', 'standby', 'hourly', 'additional'];
const date = (day: number) => `2026-03-${String(27 + day).padStart(2, '0')}`;
const at = (day: number, hour: number) => local(date(day), `${String(hour).padStart(2, '0')}:00`);
const plus = (instant: string, halfHours: number) => new Date(Date.parse(instant) + halfHours * 1800_000).toISOString();

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ t: fc.constant('shift' as const), id: fc.integer({ min: 0, max: 4 }), staff: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null, freq: 8 }), unit: fc.integer({ min: 0, max: 1 }), day: fc.integer({ min: 0, max: 3 }), hour: fc.integer({ min: 0, max: 23 }), length: fc.integer({ min: 2, max: 24 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('cancel' as const), id: fc.integer({ min: 0, max: 4 }) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('clock' as const), shift: fc.integer({ min: 0, max: 4 }), out: fc.boolean(), offset: fc.integer({ min: -6, max: 6 }), withShiftId: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('absence' as const), id: fc.integer({ min: 0, max: 2 }), staff: fc.integer({ min: 0, max: 2 }), day: fc.integer({ min: 0, max: 3 }), hour: fc.integer({ min: 0, max: 23 }), length: fc.integer({ min: 1, max: 60 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('withdraw' as const), id: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('work' as const), id: fc.integer({ min: 0, max: 3 }), staff: fc.integer({ min: 0, max: 2 }), unit: fc.integer({ min: 0, max: 1 }), day: fc.integer({ min: 0, max: 3 }), hour: fc.integer({ min: 0, max: 23 }), length: fc.integer({ min: 1, max: 20 }), kind: fc.integer({ min: 0, max: 5 }) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('workOnShift' as const), id: fc.integer({ min: 0, max: 3 }), shift: fc.integer({ min: 0, max: 4 }), otherUnit: fc.integer({ min: 0, max: 6 }).map((n) => n === 0), offset: fc.integer({ min: -4, max: 20 }), length: fc.integer({ min: 1, max: 24 }), kind: fc.integer({ min: 0, max: 5 }), activity: fc.boolean() }) },
);

/** Applies one op; ops naming a shift use its latest version in the state (skipped when there is none or it is open). */
function apply(h: Hospital, o: Op): boolean {
  const unitId = (u: number) => `U${u + 1}`;
  const shiftOf = (id: number) => {
    const row = idLookup(h.state.shiftIds, `S${id}`);
    if (row < 0 || h.state.shifts.staff[row]! < 0) return null;
    const t = h.state.shifts;
    return { staffId: h.state.staffCodes[t.staff[row]!]!, unit: t.unit[row]!, start: new Date(t.start[row]! * 1000).toISOString(), end: new Date(t.end[row]! * 1000).toISOString() };
  };
  switch (o.t) {
    case 'shift':
      h.add(idLookup(h.state.shiftIds, `S${o.id}`) >= 0 ? 'ShiftChanged' : 'ShiftScheduled', {
        shiftId: `S${o.id}`,
        unitId: unitId(o.unit),
        staffId: o.staff === null ? null : STAFF[o.staff],
        competence: 'SSK',
        start: at(o.day, o.hour),
        end: plus(at(o.day, o.hour), o.length),
      });
      return true;
    case 'cancel':
      h.add('ShiftCancelled', { shiftId: `S${o.id}` });
      return true;
    case 'clock': {
      const s = shiftOf(o.shift);
      if (!s) return false;
      h.add(o.out ? 'ClockedOut' : 'ClockedIn', {
        staffId: s.staffId,
        unitId: h.state.unitCodes[s.unit]!,
        at: plus(o.out ? s.end : s.start, o.offset),
        ...(o.withShiftId && { shiftId: `S${o.shift}` }),
      });
      return true;
    }
    case 'absence':
      h.add('AbsenceReported', { absenceId: `A${o.id}`, staffId: STAFF[o.staff], kind: 'sick', start: at(o.day, o.hour), end: plus(at(o.day, o.hour), o.length) });
      return true;
    case 'withdraw':
      h.add('AbsenceWithdrawn', { absenceId: `A${o.id}`, staffId: 'P0' });
      return true;
    case 'work':
      h.add('WorkRegistered', { registrationId: `R${o.id}`, staffId: STAFF[o.staff], unitId: unitId(o.unit), competence: 'SSK', kind: WORK[o.kind], start: at(o.day, o.hour), end: plus(at(o.day, o.hour), o.length) });
      return true;
    case 'workOnShift': {
      const s = shiftOf(o.shift);
      if (!s) return false;
      const start = plus(s.start, o.offset);
      h.add('WorkRegistered', {
        registrationId: `R${o.id}`,
        staffId: s.staffId,
        unitId: o.otherUnit ? (s.unit === 0 ? 'U2' : 'U1') : h.state.unitCodes[s.unit]!,
        competence: 'SSK',
        kind: WORK[o.kind],
        start,
        end: plus(start, o.length),
        ...(o.activity && { activity: 'pat.oppen.mottagning' }),
      });
      return true;
    }
  }
}

const NOW = '2026-04-05T00:00:00Z';
const PERIOD = { unitIds: ['U1', 'U2'], from: '2026-03-25', to: '2026-04-02' };
const round = (v: number) => Math.round(v * 1e9) / 1e9;

/** Every cell's answer: `model|unit|key` → a signature of its rows. */
function cells(h: Hospital): Map<string, string> {
  const out = new Map<string, string>();
  const add = (key: string, part: string) => out.set(key, `${out.get(key) ?? ''}${part};`);
  const pt = queryPerformedTime(h.state, { ...PERIOD, bucket: 'day', groupBy: ['unit', 'activity3', 'competence', 'employmentForm', 'kind'], includeAbsence: 'by-reason' }, NOW);
  for (const r of pt.rows) add(`performed-time|${r.unitId}|${r.period}`, `${r.key}=${round(r.hours)}`);
  const chppd = queryChppd(h.state, { ...PERIOD, bucket: 'day', groupBy: ['unit', 'competence'] }, NOW);
  for (const r of chppd.rows) add(`chppd|${r.unitId}|${r.period}`, `${r.key}=${round(r.careHours)}/${round(r.careHoursWithoutCensus)}`);
  const volume = queryStaffVolume(h.state, { ...PERIOD, bucket: 'month', groupBy: ['unit', 'category'], absenceByReason: true }, NOW);
  for (const r of volume.rows) {
    const { key, ...rest } = r;
    add(`staff-volume|${r.unitId}|${r.period}`, `${key}=${JSON.stringify(rest, (_k, v: unknown) => (typeof v === 'number' ? round(v) : v))}`);
  }
  return out;
}

function named(changes: readonly Change[], model: string, unitId: string, key: string): boolean {
  return changes.some((c) => c.model === model && (c.unitId === null || c.unitId === unitId) && (c.key === '*' || c.key === key));
}

describe('change records', () => {
  it('name every cell whose answer an event changes', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 30 }), (ops) => {
        const h = new Hospital().unit('U1').unit('U2');
        h.staff('P0', 'monthly').staff('P1', 'hourly').staff('P2', 'agency', { homeUnitId: null });
        let before = cells(h);
        for (const o of ops) {
          if (!apply(h, o)) continue;
          const after = cells(h);
          for (const cell of new Set([...before.keys(), ...after.keys()])) {
            if (before.get(cell) === after.get(cell)) continue;
            const [model, unitId, key] = cell.split('|') as [string, string, string];
            if (!named(h.lastChanges, model, unitId, key)) {
              expect.fail(`${o.t} ${JSON.stringify(o)} changed ${cell} (${before.get(cell)} → ${after.get(cell)}) without naming it; changes: ${JSON.stringify(h.lastChanges)}`);
            }
          }
          before = after;
        }
        return true;
      }),
      { numRuns: 150 },
    );
  });
});
