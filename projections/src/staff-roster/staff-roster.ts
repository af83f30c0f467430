import type { StoredEvent } from '@pks/contracts';
import { asDomainEvent, NO_CHANGES, type Change, type Projection } from '../projection/projection.js';
import { localDateOf, localTimeOf, slotInterval, toEpochMs, zonedEpochMs } from '../time/zoned-time.js';
import { evolveUnitDirectory, newUnitDirectory, slotForLocalTime, type UnitDirectory } from '../unit-directory/unit-directory.js';

export interface RosterStaff {
  staffId: string;
  name: string | null;
  competences: string[];
  employmentForm: string;
  rate: number | null;
  homeUnitId: string | null;
  poolId: string | null;
}

/** A shift or booking that puts a person (or nobody: an open shift) on a unit for an interval. */
export interface RosterAssignment {
  id: string;
  kind: 'shift' | 'booking';
  staffId: string | null;
  unitId: string;
  competence: string;
  startMs: number;
  endMs: number;
  /** the date and slot the assignment fills */
  date: string;
  slot: string | null;
}

/**
 * Who works where and when, per person, for the staffing centre: registrations, current assignments (shifts and
 * bookings), open shifts and absence intervals (no reasons: those are health data and not needed here). Entries
 * that ended more than `RETENTION_DAYS` before the newest event's occurrence are dropped, deterministically, so the
 * state stays small; the gap list and performed time keep history.
 */
export interface StaffRosterState {
  units: UnitDirectory;
  staff: Map<string, RosterStaff>;
  assignments: Map<string, RosterAssignment>;
  /** assignment ids per person */
  byStaff: Map<string, Set<string>>;
  openShifts: Set<string>;
  /** absence intervals per person: absenceId → [startMs, endMs] */
  absences: Map<string, Map<string, [number, number]>>;
  absenceOwner: Map<string, string>;
  /** newest occurredAt seen, ms */
  clockMs: number;
  lastPruneMs: number;
}

export const RETENTION_DAYS = 21;
const DAY = 86_400_000;

export function initialStaffRoster(): StaffRosterState {
  return {
    units: newUnitDirectory(),
    staff: new Map(),
    assignments: new Map(),
    byStaff: new Map(),
    openShifts: new Set(),
    absences: new Map(),
    absenceOwner: new Map(),
    clockMs: 0,
    lastPruneMs: 0,
  };
}

function removeAssignment(state: StaffRosterState, id: string): RosterAssignment | null {
  const a = state.assignments.get(id);
  if (!a) return null;
  state.assignments.delete(id);
  if (a.staffId === null) state.openShifts.delete(id);
  else state.byStaff.get(a.staffId)?.delete(id);
  return a;
}

function addAssignment(state: StaffRosterState, a: RosterAssignment): void {
  state.assignments.set(a.id, a);
  if (a.staffId === null) state.openShifts.add(a.id);
  else {
    let set = state.byStaff.get(a.staffId);
    if (!set) state.byStaff.set(a.staffId, (set = new Set()));
    set.add(a.id);
  }
}

function prune(state: StaffRosterState): void {
  const horizon = state.clockMs - RETENTION_DAYS * DAY;
  for (const [id, a] of state.assignments) if (a.endMs < horizon) removeAssignment(state, id);
  for (const [staffId, map] of state.absences) {
    for (const [absenceId, [, end]] of map) {
      if (end < horizon) {
        map.delete(absenceId);
        state.absenceOwner.delete(absenceId);
      }
    }
    if (map.size === 0) state.absences.delete(staffId);
  }
  state.lastPruneMs = state.clockMs;
}

const change = (unitId: string | null, key: string): Change => ({ model: 'staffing-overview', unitId, key });

export const staffRoster: Projection<StaffRosterState> = {
  name: 'staff-roster',
  version: 1,
  initialState: initialStaffRoster,
  evolve(state, stored: StoredEvent): readonly Change[] {
    const event = asDomainEvent(stored);
    if (!event) return NO_CHANGES;
    const occurred = toEpochMs(stored.metadata.occurredAt);
    if (occurred > state.clockMs) state.clockMs = occurred;
    if (state.clockMs - state.lastPruneMs > DAY) prune(state);

    switch (event.type) {
      case 'UnitRegistered':
      case 'BedsPlanned':
        evolveUnitDirectory(state.units, event);
        return NO_CHANGES;
      case 'StaffRegistered': {
        const d = event.data;
        state.staff.set(d.staffId, {
          staffId: d.staffId,
          name: d.name ?? null,
          competences: d.competences,
          employmentForm: d.employmentForm,
          rate: d.rate,
          homeUnitId: d.homeUnitId,
          poolId: d.poolId ?? null,
        });
        return [change(d.homeUnitId, `staff|${d.staffId}`)];
      }
      case 'ShiftScheduled':
      case 'ShiftChanged': {
        const d = event.data;
        const old = removeAssignment(state, d.shiftId);
        const startMs = toEpochMs(d.start);
        const unit = state.units.get(d.unitId);
        const tz = unit?.timeZone ?? 'Europe/Stockholm';
        const date = localDateOf(startMs, tz);
        let slot = d.slot ?? null;
        if (slot === null && unit) slot = slotForLocalTime(unit, localTimeOf(startMs, tz))?.code ?? null;
        addAssignment(state, { id: d.shiftId, kind: 'shift', staffId: d.staffId, unitId: d.unitId, competence: d.competence, startMs, endMs: toEpochMs(d.end), date, slot });
        const out = [change(d.unitId, `shift|${d.shiftId}`)];
        if (old && old.unitId !== d.unitId) out.push(change(old.unitId, `shift|${d.shiftId}`));
        return out;
      }
      case 'ShiftCancelled': {
        const old = removeAssignment(state, event.data.shiftId);
        return old ? [change(old.unitId, `shift|${event.data.shiftId}`)] : NO_CHANGES;
      }
      case 'StaffBooked': {
        const d = event.data;
        removeAssignment(state, d.bookingId);
        const unit = state.units.get(d.unitId);
        const slotDef = unit?.slots.find((s) => s.code === d.slot);
        let startMs: number;
        let endMs: number;
        if (d.start !== undefined && d.end !== undefined) {
          startMs = toEpochMs(d.start);
          endMs = toEpochMs(d.end);
        } else if (slotDef && unit) {
          ({ startMs, endMs } = slotInterval(d.date, slotDef.start, slotDef.end, unit.timeZone));
        } else {
          startMs = zonedEpochMs(d.date, '00:00', unit?.timeZone ?? 'Europe/Stockholm');
          endMs = startMs + DAY;
        }
        addAssignment(state, { id: d.bookingId, kind: 'booking', staffId: d.staffId, unitId: d.unitId, competence: d.competence, startMs, endMs, date: d.date, slot: d.slot });
        if (d.source === 'reallocation' && d.fromShiftId !== undefined) removeAssignment(state, d.fromShiftId);
        return [change(d.unitId, `booking|${d.bookingId}`)];
      }
      case 'BookingCancelled': {
        const old = removeAssignment(state, event.data.bookingId);
        return old ? [change(old.unitId, `booking|${event.data.bookingId}`)] : NO_CHANGES;
      }
      case 'AbsenceReported':
      case 'AbsenceCorrected': {
        const d = event.data;
        const previousOwner = state.absenceOwner.get(d.absenceId);
        if (previousOwner !== undefined) state.absences.get(previousOwner)?.delete(d.absenceId);
        let map = state.absences.get(d.staffId);
        if (!map) state.absences.set(d.staffId, (map = new Map()));
        map.set(d.absenceId, [toEpochMs(d.start), toEpochMs(d.end)]);
        state.absenceOwner.set(d.absenceId, d.staffId);
        return [change(state.staff.get(d.staffId)?.homeUnitId ?? null, `absence|${d.staffId}`)];
      }
      case 'AbsenceWithdrawn': {
        const owner = state.absenceOwner.get(event.data.absenceId);
        if (owner === undefined) return NO_CHANGES;
        state.absences.get(owner)?.delete(event.data.absenceId);
        state.absenceOwner.delete(event.data.absenceId);
        return [change(state.staff.get(owner)?.homeUnitId ?? null, `absence|${owner}`)];
      }
      default:
        return NO_CHANGES;
    }
  },
};

/** Assignments of a person overlapping [fromMs, toMs), sorted by start. */
export function assignmentsOf(state: StaffRosterState, staffId: string, fromMs = -Infinity, toMs = Infinity): RosterAssignment[] {
  const out: RosterAssignment[] = [];
  for (const id of state.byStaff.get(staffId) ?? []) {
    const a = state.assignments.get(id);
    if (a && a.startMs < toMs && a.endMs > fromMs) out.push(a);
  }
  return out.sort((a, b) => a.startMs - b.startMs);
}

/** Is the person absent for any part of [fromMs, toMs)? */
export function isAbsent(state: StaffRosterState, staffId: string, fromMs: number, toMs: number): boolean {
  for (const [start, end] of state.absences.get(staffId)?.values() ?? []) if (start < toMs && end > fromMs) return true;
  return false;
}
