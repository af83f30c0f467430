import type { PerformedTimeFinding } from '@pks/contracts';
import { addDays } from '../time/calendar.js';
import { formatDate } from '../time/civil-days.js';
import { zonedEpochMs } from '../time/zoned-time.js';
import { idKey } from './id-index.js';
import { doubleBookedWith, forEachRegistrationOfPerson, forEachRegistrationOfUnit, forEachShiftOfUnit, localDayOf, registeredAfter } from './pieces.js';
import { KINDS, STATUS_ACTIVE, timeZoneOf, type PerformedTimeState } from './state.js';

/**
 * Data-quality findings of performed time for one unit and local dates [from, to]: every place where a rule had to
 * decide (double bookings counted once, clock events that match no shift, …), so nothing is handled silently.
 */
export function listPerformedTimeFindings(state: PerformedTimeState, unitId: string, from: string, to: string): PerformedTimeFinding[] {
  const unit = state.unitIndex.get(unitId);
  if (unit === undefined) return [];
  const tz = timeZoneOf(state, unit);
  const fromMs = zonedEpochMs(from, '00:00', tz);
  const toMs = zonedEpochMs(addDays(to, 1), '00:00', tz);
  const t = state.shifts;
  const out: PerformedTimeFinding[] = [];
  const shiftId = (row: number) => idKey(state.shiftIds, row);
  const staffId = (staff: number) => (staff >= 0 ? state.staffCodes[staff]! : null);
  const dateOf = (seconds: number) => formatDate(localDayOf(seconds * 1000, tz));
  const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
  const unregistered = new Map<number, { first: number; count: number }>();

  forEachShiftOfUnit(state, unit, fromMs, toMs, (row) => {
    const start = t.start[row]! * 1000;
    if (start < fromMs || start >= toMs) return;
    const staff = t.staff[row]!;
    if (staff < 0) {
      for (const [at, what] of [
        [t.clockIn[row]!, 'clock-in'],
        [t.clockOut[row]!, 'clock-out'],
      ] as const) {
        if (at > 0) {
          out.push({
            kind: 'clock-on-open-shift',
            unitId,
            date: dateOf(t.start[row]!),
            staffId: null,
            ids: shiftId(row),
            at: iso(at),
            message: `a ${what} on open shift ${shiftId(row)} (nobody assigned): the shift is not counted as worked until a person is assigned`,
          });
        }
      }
      return;
    }
    if (state.staff[staff] === null) {
      const u = unregistered.get(staff);
      if (u) {
        u.count += 1;
        if (t.start[row]! < t.start[u.first]!) u.first = row;
      } else unregistered.set(staff, { first: row, count: 1 });
    }
    for (const q of doubleBookedWith(state, row)) {
      const qFirst = t.start[q]! < t.start[row]! || (t.start[q]! === t.start[row]! && q < row);
      // report a pair on this unit once (from its earlier shift); a partner on another unit is reported here too
      if (t.unit[q] === unit && qFirst && t.start[q]! * 1000 >= fromMs) continue;
      const first = qFirst ? q : row;
      out.push({
        kind: 'double-booked',
        unitId,
        date: dateOf(t.start[row]!),
        staffId: staffId(staff),
        ids: `${shiftId(row)},${shiftId(q)}`,
        at: null,
        message:
          `${staffId(staff)} is on two overlapping shifts, ${shiftId(row)} (${state.unitCodes[t.unit[row]!]}) and ${shiftId(q)} (${state.unitCodes[t.unit[q]!]}); ` +
          `the overlap is counted once, on ${shiftId(first)} (the one that starts first)`,
      });
    }
  });

  const r = state.registrations;
  const registrationId = (row: number) => idKey(state.registrationIds, row);
  const hhmm = (seconds: number) => new Date(seconds * 1000).toISOString().slice(11, 16);
  forEachRegistrationOfUnit(state, unit, fromMs, toMs, (row) => {
    const start = r.start[row]! * 1000;
    if (start < fromMs || start >= toMs) return;
    const staff = r.staff[row]!;
    if (staff < 0) return;
    forEachRegistrationOfPerson(state, staff, r.start[row]!, r.end[row]!, (q) => {
      if (q === row) return;
      const qFirst = r.start[q]! < r.start[row]! || (r.start[q] === r.start[row] && q < row);
      // report a pair on this unit once (from its earlier registration); a partner on another unit is reported here too
      if (r.unit[q] === unit && qFirst && r.start[q]! * 1000 >= fromMs) return;
      const later = registeredAfter(state, q, row) ? q : row;
      const s = Math.max(r.start[row]!, r.start[q]!);
      const e = Math.min(r.end[row]!, r.end[q]!);
      out.push({
        kind: 'overlapping-registrations',
        unitId,
        date: dateOf(r.start[row]!),
        staffId: staffId(staff),
        ids: `${registrationId(row)},${registrationId(q)}`,
        at: iso(s),
        message:
          `${staffId(staff)} has two overlapping work registrations, ${registrationId(row)} (${KINDS[r.kind[row]!]}, ${state.unitCodes[r.unit[row]!]}) and ` +
          `${registrationId(q)} (${KINDS[r.kind[q]!]}, ${state.unitCodes[r.unit[q]!]}); the overlap ${hhmm(s)}–${hhmm(e)} UTC (${((e - s) / 3600).toFixed(2)} h) ` +
          `is counted once, as ${registrationId(later)} (the one registered later)`,
      });
    });
  });

  for (const [staff, { first, count }] of unregistered) {
    out.push({
      kind: 'unregistered-staff',
      unitId,
      date: dateOf(t.start[first]!),
      staffId: staffId(staff),
      ids: shiftId(first),
      at: null,
      message: `${staffId(staff)} has ${count} shift(s) here but no StaffRegistered: employment form unknown, the time is in no FTE measure`,
    });
  }

  const fromS = fromMs / 1000;
  const toS = toMs / 1000;
  for (const [staff, pending] of state.pendingClocks) {
    for (const p of pending) {
      if (p.unit !== unit || p.at < fromS || p.at >= toS) continue;
      out.push({
        kind: 'unmatched-clock',
        unitId,
        date: dateOf(p.at),
        staffId: staffId(staff),
        ids: '',
        at: iso(p.at),
        message:
          p.shiftId !== null
            ? `${p.out ? 'clock-out' : 'clock-in'} of ${staffId(staff)} names shift ${p.shiftId}, which is not known (or no longer theirs): not counted`
            : `${p.out ? 'clock-out' : 'clock-in'} of ${staffId(staff)} matches no shift of theirs on this unit within 4 h of its scheduled ${p.out ? 'end' : 'start'}: not counted`,
      });
    }
  }

  for (const f of state.clockFindings.get(unit) ?? []) {
    if (f.at < fromS || f.at >= toS) continue;
    if (f.kind === 'clock-on-cancelled-shift' && t.status[f.shiftRow] === STATUS_ACTIVE) continue;
    out.push({
      kind: f.kind,
      unitId,
      date: dateOf(f.at),
      staffId: staffId(f.staff),
      ids: shiftId(f.shiftRow),
      at: iso(f.at),
      message:
        f.kind === 'clock-on-cancelled-shift'
          ? `${f.out ? 'clock-out' : 'clock-in'} on shift ${shiftId(f.shiftRow)}, which is cancelled: not counted`
          : `${f.out ? 'clock-out' : 'clock-in'} more than 12 h outside shift ${shiftId(f.shiftRow)}: ignored, the scheduled time is used`,
    });
  }

  return out.sort((a, b) => a.date.localeCompare(b.date) || a.kind.localeCompare(b.kind) || a.ids.localeCompare(b.ids));
}

export function countPerformedTimeFindings(state: PerformedTimeState, unitId: string, from: string, to: string): number {
  return listPerformedTimeFindings(state, unitId, from, to).length;
}
