import type { StoredEvent } from '@pks/contracts';
import { asDomainEvent, NO_CHANGES, type Change, type Projection } from '../projection/projection.js';
import { localTimeOf, offsetMs, slotInterval, toEpochMs, zonedEpochMs } from '../time/zoned-time.js';
import { formatDate, parseDate } from '../time/civil-days.js';
import { intern, newInternTable, type InternTable } from '../gap-list/columns.js';
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
 * An assignment as the state keeps it: staff, unit and competence interned (`StaffRosterState.strings`), the date as
 * a day number, so that a few hundred thousand of them (every shift scheduled ahead) stay small, also after a
 * snapshot is loaded (structured clone copies every string it meets). `assignmentOf` turns it into a RosterAssignment.
 */
export interface RosterEntry {
  id: string;
  /** ENTRY_SHIFT or ENTRY_BOOKING */
  kind: number;
  /** interned staff id, −1 = open shift */
  staff: number;
  /** interned unit id */
  unit: number;
  /** interned competence */
  competence: number;
  startMs: number;
  endMs: number;
  /** the date the assignment fills, days since 1970-01-01 */
  day: number;
  slot: string | null;
}

export const ENTRY_SHIFT = 0;
export const ENTRY_BOOKING = 1;

/**
 * Who works where and when, per person, for the staffing centre: registrations, current assignments (shifts and
 * bookings), open shifts and absence intervals (no reasons: those are health data and not needed here). Entries
 * that ended more than `RETENTION_DAYS` before the newest event's occurrence are dropped, deterministically, so the
 * state stays small; the gap list and performed time keep history.
 */
export interface StaffRosterState {
  units: UnitDirectory;
  staff: Map<string, RosterStaff>;
  /** staff, unit and competence ids of the entries */
  strings: InternTable;
  assignments: Map<string, RosterEntry>;
  /** interned staff id → their entries (the same objects as in `assignments`) */
  byStaff: Map<number, RosterEntry[]>;
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
    strings: newInternTable(),
    assignments: new Map(),
    byStaff: new Map(),
    openShifts: new Set(),
    absences: new Map(),
    absenceOwner: new Map(),
    clockMs: 0,
    lastPruneMs: 0,
  };
}

/** A stored entry as the read side shows it. */
export function assignmentOf(state: StaffRosterState, entry: RosterEntry): RosterAssignment {
  const strings = state.strings.strings;
  return {
    id: entry.id,
    kind: entry.kind === ENTRY_SHIFT ? 'shift' : 'booking',
    staffId: entry.staff < 0 ? null : strings[entry.staff]!,
    unitId: strings[entry.unit]!,
    competence: strings[entry.competence]!,
    startMs: entry.startMs,
    endMs: entry.endMs,
    date: dateText(entry.day),
    slot: entry.slot,
  };
}

/** The assignment with this id, or null when there is none (or it was pruned). */
export function assignmentById(state: StaffRosterState, id: string): RosterAssignment | null {
  const entry = state.assignments.get(id);
  return entry ? assignmentOf(state, entry) : null;
}

function removeAssignment(state: StaffRosterState, id: string): RosterEntry | null {
  const a = state.assignments.get(id);
  if (!a) return null;
  state.assignments.delete(id);
  if (a.staff < 0) state.openShifts.delete(id);
  else {
    const list = state.byStaff.get(a.staff);
    if (list) {
      const i = list.indexOf(a);
      const at = i >= 0 ? i : list.findIndex((e) => e.id === id);
      if (at >= 0) list.splice(at, 1);
      if (list.length === 0) state.byStaff.delete(a.staff);
    }
  }
  return a;
}

function addAssignment(state: StaffRosterState, a: RosterEntry): void {
  state.assignments.set(a.id, a);
  if (a.staff < 0) state.openShifts.add(a.id);
  else {
    const list = state.byStaff.get(a.staff);
    if (list) list.push(a);
    else state.byStaff.set(a.staff, [a]);
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

/** The last occurredAt text converted, and its ms: consecutive events often share it, or share nothing at all. */
let lastOccurredAt = '';
let lastOccurredMs = 0;

function occurredMs(text: string): number {
  if (text !== lastOccurredAt) {
    lastOccurredMs = toEpochMs(text);
    lastOccurredAt = text;
  }
  return lastOccurredMs;
}

const dateTexts = new Map<number, string>();

/** YYYY-MM-DD of a day number (cached; not state). */
function dateText(day: number): string {
  let text = dateTexts.get(day);
  if (text === undefined) {
    text = formatDate(day);
    if (dateTexts.size > 100_000) dateTexts.clear();
    dateTexts.set(day, text);
  }
  return text;
}

/** The local day number of an instant in a zone. */
function localDayOf(ms: number, timeZone: string): number {
  return Math.floor((ms + offsetMs(timeZone, ms)) / DAY);
}

const change = (unitId: string | null, key: string): Change => ({ model: 'staffing-overview', unitId, key });

export const staffRoster: Projection<StaffRosterState> = {
  name: 'staff-roster',
  version: 2,
  initialState: initialStaffRoster,
  evolve(state, stored: StoredEvent): readonly Change[] {
    const event = asDomainEvent(stored);
    if (!event) return NO_CHANGES;
    const occurred = occurredMs(stored.metadata.occurredAt);
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
        const day = localDayOf(startMs, tz);
        let slot = d.slot ?? null;
        if (slot === null && unit) slot = slotForLocalTime(unit, localTimeOf(startMs, tz))?.code ?? null;
        const unitNo = intern(state.strings, d.unitId);
        addAssignment(state, {
          id: d.shiftId,
          kind: ENTRY_SHIFT,
          staff: d.staffId === null ? -1 : intern(state.strings, d.staffId),
          unit: unitNo,
          competence: intern(state.strings, d.competence),
          startMs,
          endMs: toEpochMs(d.end),
          day,
          slot,
        });
        const out = [change(d.unitId, `shift|${d.shiftId}`)];
        if (old && old.unit !== unitNo) out.push(change(state.strings.strings[old.unit]!, `shift|${d.shiftId}`));
        return out;
      }
      case 'ShiftCancelled': {
        const old = removeAssignment(state, event.data.shiftId);
        return old ? [change(state.strings.strings[old.unit]!, `shift|${event.data.shiftId}`)] : NO_CHANGES;
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
        addAssignment(state, {
          id: d.bookingId,
          kind: ENTRY_BOOKING,
          staff: intern(state.strings, d.staffId),
          unit: intern(state.strings, d.unitId),
          competence: intern(state.strings, d.competence),
          startMs,
          endMs,
          day: parseDate(d.date),
          slot: d.slot,
        });
        if (d.source === 'reallocation' && d.fromShiftId !== undefined) removeAssignment(state, d.fromShiftId);
        return [change(d.unitId, `booking|${d.bookingId}`)];
      }
      case 'BookingCancelled': {
        const old = removeAssignment(state, event.data.bookingId);
        return old ? [change(state.strings.strings[old.unit]!, `booking|${event.data.bookingId}`)] : NO_CHANGES;
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
  const staff = state.strings.ids.get(staffId);
  if (staff === undefined) return out;
  for (const a of state.byStaff.get(staff) ?? []) if (a.startMs < toMs && a.endMs > fromMs) out.push(assignmentOf(state, a));
  return out.sort((a, b) => a.startMs - b.startMs);
}

/** Is the person absent for any part of [fromMs, toMs)? */
export function isAbsent(state: StaffRosterState, staffId: string, fromMs: number, toMs: number): boolean {
  for (const [start, end] of state.absences.get(staffId)?.values() ?? []) if (start < toMs && end > fromMs) return true;
  return false;
}
