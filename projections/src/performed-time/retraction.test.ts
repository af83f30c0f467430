import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listPerformedTimeFindings } from './findings.js';
import { idLookup } from './id-index.js';
import { Hospital, local } from './performed-time.fixtures.js';
import { queryChppd } from './query-chppd.js';
import { queryPerformedTime } from './query-performed-time.js';
import { queryStaffVolume } from './query-staff-volume.js';

/**
 * Incremental = from scratch: any history of schedules, changes, cancellations, absences (reported, corrected,
 * withdrawn), work registrations (also on the hours of the person's shifts, and overlapping each other) and hour
 * reports (replaced by id) must answer exactly like a log holding only the final version of each record. This is what
 * "an event retracts its old contribution exactly" means.
 */

type Op =
  | { t: 'shift'; id: number; staff: number | null; unit: number; day: number; hour: number; length: number; activity: number }
  | { t: 'cancel'; id: number }
  | { t: 'absence'; id: number; staff: number; day: number; hour: number; length: number; kind: number }
  | { t: 'withdraw'; id: number }
  | { t: 'work'; id: number; staff: number; unit: number; day: number; hour: number; length: number; kind: number; offset?: number; activity?: number | null }
  /** a registration on the hours of an earlier shift op (resolved into a `work` op by `resolve`): the feed sending both */
  | { t: 'workOnShift'; id: number; shift: number; otherUnit: boolean; offset: number; length: number; kind: number; activity: number | null }
  | { t: 'report'; id: number; unit: number; day: number | null; hours: number; component: number };

const ACTIVITIES = ['pat.sluten.odef', 'pat.oppen.mottagning', 'ejpat.utbildning.intern'];
const ABSENCE = ['sick', 'child-care', 'vacation'];
const WORK = ['ordinary', 'overtime', 'on-call', 'standby', 'hourly', 'additional'];
const COMPONENTS = ['ordinary', 'overtime', 'absence-sick'];
const STAFF = ['P0', 'P1', 'P2'];
// days from 2026-03-27 (so the spring DST night is inside)
const date = (day: number) => `2026-03-${String(27 + day).padStart(2, '0')}`;
const at = (day: number, hour: number) => local(date(day), `${String(hour).padStart(2, '0')}:00`);
const endAt = (day: number, hour: number, length: number) => new Date(Date.parse(at(day, hour)) + length * 1800_000).toISOString();

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    t: fc.constant('shift' as const),
    id: fc.integer({ min: 0, max: 5 }),
    staff: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
    unit: fc.integer({ min: 0, max: 1 }),
    day: fc.integer({ min: 0, max: 3 }),
    hour: fc.integer({ min: 0, max: 23 }),
    length: fc.integer({ min: 1, max: 26 }),
    activity: fc.integer({ min: 0, max: 2 }),
  }),
  fc.record({ t: fc.constant('cancel' as const), id: fc.integer({ min: 0, max: 5 }) }),
  fc.record({
    t: fc.constant('absence' as const),
    id: fc.integer({ min: 0, max: 2 }),
    staff: fc.integer({ min: 0, max: 2 }),
    day: fc.integer({ min: 0, max: 3 }),
    hour: fc.integer({ min: 0, max: 23 }),
    length: fc.integer({ min: 1, max: 100 }),
    kind: fc.integer({ min: 0, max: 2 }),
  }),
  fc.record({ t: fc.constant('withdraw' as const), id: fc.integer({ min: 0, max: 2 }) }),
  fc.record({
    t: fc.constant('work' as const),
    id: fc.integer({ min: 0, max: 2 }),
    staff: fc.integer({ min: 0, max: 2 }),
    unit: fc.integer({ min: 0, max: 1 }),
    day: fc.integer({ min: 0, max: 3 }),
    hour: fc.integer({ min: 0, max: 23 }),
    length: fc.integer({ min: 1, max: 20 }),
    kind: fc.integer({ min: 0, max: 5 }),
  }),
  fc.record({
    t: fc.constant('workOnShift' as const),
    id: fc.integer({ min: 0, max: 3 }),
    shift: fc.integer({ min: 0, max: 5 }),
    otherUnit: fc.integer({ min: 0, max: 6 }).map((n) => n === 0),
    // half hours from the shift's start: before it, on it, after it
    offset: fc.integer({ min: -4, max: 20 }),
    length: fc.integer({ min: 1, max: 24 }),
    kind: fc.integer({ min: 0, max: 5 }),
    activity: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
  }),
  fc.record({
    t: fc.constant('report' as const),
    id: fc.integer({ min: 0, max: 2 }),
    unit: fc.integer({ min: 0, max: 1 }),
    day: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
    hours: fc.integer({ min: 1, max: 100 }),
    component: fc.integer({ min: 0, max: 2 }),
  }),
);

function apply(h: Hospital, o: Op): void {
  const unitId = (u: number) => `U${u + 1}`;
  switch (o.t) {
    case 'shift':
      h.add(idLookup(h.state.shiftIds, `S${o.id}`) >= 0 ? 'ShiftChanged' : 'ShiftScheduled', {
        shiftId: `S${o.id}`,
        unitId: unitId(o.unit),
        staffId: o.staff === null ? null : STAFF[o.staff],
        competence: 'SSK',
        start: at(o.day, o.hour),
        end: endAt(o.day, o.hour, o.length),
        activity: ACTIVITIES[o.activity],
      });
      return;
    case 'cancel':
      h.add('ShiftCancelled', { shiftId: `S${o.id}` });
      return;
    case 'absence':
      h.add('AbsenceReported', { absenceId: `A${o.id}`, staffId: STAFF[o.staff], kind: ABSENCE[o.kind], start: at(o.day, o.hour), end: endAt(o.day, o.hour, o.length) });
      return;
    case 'withdraw':
      h.add('AbsenceWithdrawn', { absenceId: `A${o.id}`, staffId: 'P0' });
      return;
    case 'work': {
      const start = new Date(Date.parse(at(o.day, o.hour)) + (o.offset ?? 0) * 1800_000).toISOString();
      h.add('WorkRegistered', {
        registrationId: `R${o.id}`,
        staffId: STAFF[o.staff],
        unitId: unitId(o.unit),
        competence: 'SSK',
        kind: WORK[o.kind],
        start,
        end: new Date(Date.parse(start) + o.length * 1800_000).toISOString(),
        ...(o.activity !== undefined && o.activity !== null && { activity: ACTIVITIES[o.activity] }),
      });
      return;
    }
    case 'workOnShift':
      throw new Error('resolve workOnShift first');
    case 'report':
      h.add('HoursReported', {
        reportId: `H${o.id}`,
        unitId: unitId(o.unit),
        ...(o.day === null ? { month: '2026-03' } : { date: date(o.day) }),
        competence: 'SSK',
        employmentForm: 'monthly',
        payComponent: COMPONENTS[o.component],
        hours: o.hours,
      });
      return;
  }
}

/**
 * Turns each `workOnShift` into a plain `work` op on the person, unit and hours of the latest shift op with that id
 * before it (a fixed op, so both worlds get the same registration); dropped when there is none or it is open.
 */
function resolve(ops: Op[]): Op[] {
  const out: Op[] = [];
  const shifts = new Map<number, Extract<Op, { t: 'shift' }>>();
  for (const o of ops) {
    if (o.t === 'shift') shifts.set(o.id, o);
    if (o.t !== 'workOnShift') {
      out.push(o);
      continue;
    }
    const s = shifts.get(o.shift);
    if (!s || s.staff === null) continue;
    out.push({ t: 'work', id: o.id, staff: s.staff, unit: o.otherUnit ? 1 - s.unit : s.unit, day: s.day, hour: s.hour, offset: o.offset, length: o.length, kind: o.kind, activity: o.activity });
  }
  return out;
}

/**
 * The final version of each record, in the order the records first appeared (rows are numbered by first appearance,
 * and ties of double bookings go to the lower row). A record whose last op cancels or withdraws it is scheduled in its
 * last version and then cancelled, which must answer like a record that never existed. Work registrations come last,
 * in the order of their last version: of two overlapping registrations of a person the one stated later wins.
 */
function finalOps(ops: Op[]): Op[] {
  const key = (o: Op) => (o.t === 'cancel' ? `shift${o.id}` : o.t === 'withdraw' ? `absence${o.id}` : `${o.t}${o.id}`);
  const last = new Map<string, Op>();
  const lastVersion = new Map<string, Op>();
  const lastIndex = new Map<string, number>();
  ops.forEach((o, i) => {
    const k = key(o);
    if ((o.t === 'cancel' || o.t === 'withdraw') && !last.has(k)) return; // cancels nothing yet
    last.set(k, o); // Map keeps the position of the first set
    lastIndex.set(k, i);
    if (o.t !== 'cancel' && o.t !== 'withdraw') lastVersion.set(k, o);
  });
  const out: Op[] = [];
  const work: [number, Op][] = [];
  for (const [k, o] of last) {
    if (o.t === 'work') work.push([lastIndex.get(k)!, o]);
    else if (o.t === 'cancel' || o.t === 'withdraw') out.push(lastVersion.get(k)!, o);
    else out.push(o);
  }
  work.sort((a, b) => a[0] - b[0]);
  for (const [, o] of work) out.push(o);
  return out;
}

function world(ops: Op[]): Hospital {
  const h = new Hospital().unit('U1').unit('U2');
  h.staff('P0', 'monthly').staff('P1', 'hourly').staff('P2', 'agency', { homeUnitId: null });
  for (const o of ops) apply(h, o);
  return h;
}

function answers(h: Hospital) {
  const now = '2026-04-05T00:00:00Z';
  const period = { unitIds: ['U1', 'U2'], from: '2026-03-26', to: '2026-04-01' };
  const strip = <T extends { rows: unknown[] }>(r: T) => r.rows;
  const findings = ['U1', 'U2'].flatMap((u) =>
    listPerformedTimeFindings(h.state, u, period.from, period.to).map((f) => `${f.kind}|${f.unitId}|${f.date}|${f.staffId}|${f.ids.split(',').sort().join(',')}|${f.at}|${/as (\S+) \(the one registered later\)/.exec(f.message)?.[1] ?? ''}`),
  );
  return {
    findings: findings.sort(),
    hours: strip(queryPerformedTime(h.state, { ...period, bucket: 'hour', groupBy: ['unit', 'activity3', 'employmentForm', 'kind'], includeAbsence: 'by-reason' }, now)),
    volume: strip(queryStaffVolume(h.state, { ...period, bucket: 'period', groupBy: ['unit', 'category'], absenceByReason: true }, now)),
    chppd: strip(queryChppd(h.state, { ...period, bucket: 'day', groupBy: ['unit', 'competence'] }, now)),
  };
}

const close = (a: unknown, b: unknown): boolean => {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) < 1e-9;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => close(v, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => close((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
};

describe('retraction is exact', () => {
  it('any history answers like the final versions alone', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), (generated) => {
        const ops = resolve(generated);
        const incremental = answers(world(ops));
        const clean = answers(world(finalOps(ops)));
        if (!close(incremental, clean)) {
          expect(incremental).toEqual(clean);
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it('scheduling then cancelling everything leaves nothing', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 30 }), (generated) => {
        const ops = resolve(generated);
        const h = world(ops);
        for (let i = 0; i <= 5; i++) h.add('ShiftCancelled', { shiftId: `S${i}` });
        for (let i = 0; i <= 2; i++) h.add('AbsenceWithdrawn', { absenceId: `A${i}`, staffId: 'P0' });
        const a = answers(h);
        const workOrReports = ops.some((o) => o.t === 'work' || o.t === 'report');
        if (!workOrReports) expect(a.hours).toEqual([]);
        // no shift of a person is left in the unit-day chains or the staff lists
        expect([...h.state.shiftDays.values()].every((m) => m.size === 0)).toBe(true);
        expect(h.state.staffShifts.every((l) => l.length === 0)).toBe(true);
        return true;
      }),
      { numRuns: 200 },
    );
  });
});
