import type { StoredEvent } from '@pks/contracts';
import { asDomainEvent, NO_CHANGES, type Change, type Projection } from '../projection/projection.js';
import { localTimeOf, offsetMs, slotInterval, toEpochMs, zonedEpochMs } from '../time/zoned-time.js';
import { formatDate, parseDate } from '../time/civil-days.js';
import { grown, intern, newInternTable, type InternTable } from '../gap-list/columns.js';
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
 * Assignments as the state keeps them: one row each in typed columns (staff, unit, competence and slot interned in
 * `StaffRosterState.strings`, the date as a day number), so that the half a million a medium hospital has scheduled
 * ahead take ~155 bytes each instead of ~330 as objects (a decoded snapshot of a medium year: 168 → 89 MB). Rows of
 * removed assignments are reused (`free`), deterministically, so a rebuild equals the live state.
 */
export interface RosterRows {
  /** rows allocated (live and free) */
  size: number;
  /** ENTRY_SHIFT or ENTRY_BOOKING */
  kind: Uint8Array;
  /** interned staff id, −1 = open shift */
  staff: Int32Array;
  /** interned unit id */
  unit: Int32Array;
  /** interned competence */
  competence: Int32Array;
  /** interned slot code, −1 = none */
  slot: Int32Array;
  /** the date the assignment fills, days since 1970-01-01 */
  day: Int32Array;
  startMs: Float64Array;
  endMs: Float64Array;
  /** shiftId or bookingId of the row, null = free */
  ids: (string | null)[];
  /** free rows, reused last freed first */
  free: number[];
}

function newRosterRows(): RosterRows {
  return {
    size: 0,
    kind: new Uint8Array(0),
    staff: new Int32Array(0),
    unit: new Int32Array(0),
    competence: new Int32Array(0),
    slot: new Int32Array(0),
    day: new Int32Array(0),
    startMs: new Float64Array(0),
    endMs: new Float64Array(0),
    ids: [],
    free: [],
  };
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
  /** staff, unit, competence and slot ids of the rows */
  strings: InternTable;
  rows: RosterRows;
  /** assignment id → its row */
  assignments: Map<string, number>;
  /** interned staff id → rows of their assignments */
  byStaff: Map<number, number[]>;
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
    rows: newRosterRows(),
    assignments: new Map(),
    byStaff: new Map(),
    openShifts: new Set(),
    absences: new Map(),
    absenceOwner: new Map(),
    clockMs: 0,
    lastPruneMs: 0,
  };
}

/** A row as the read side shows it. */
function assignmentOf(state: StaffRosterState, row: number): RosterAssignment {
  const strings = state.strings.strings;
  const t = state.rows;
  const staff = t.staff[row]!;
  const slot = t.slot[row]!;
  return {
    id: t.ids[row]!,
    kind: t.kind[row] === ENTRY_SHIFT ? 'shift' : 'booking',
    staffId: staff < 0 ? null : strings[staff]!,
    unitId: strings[t.unit[row]!]!,
    competence: strings[t.competence[row]!]!,
    startMs: t.startMs[row]!,
    endMs: t.endMs[row]!,
    date: dateText(t.day[row]!),
    slot: slot < 0 ? null : strings[slot]!,
  };
}

/** The assignment with this id, or null when there is none (or it was pruned). */
export function assignmentById(state: StaffRosterState, id: string): RosterAssignment | null {
  const row = state.assignments.get(id);
  return row === undefined ? null : assignmentOf(state, row);
}

/** Removes an assignment; returns its interned unit, or −1 when there was none. */
function removeAssignment(state: StaffRosterState, id: string): number {
  const row = state.assignments.get(id);
  if (row === undefined) return -1;
  const t = state.rows;
  state.assignments.delete(id);
  const staff = t.staff[row]!;
  if (staff < 0) state.openShifts.delete(id);
  else {
    const list = state.byStaff.get(staff);
    if (list) {
      const at = list.lastIndexOf(row);
      if (at >= 0) list.splice(at, 1);
      if (list.length === 0) state.byStaff.delete(staff);
    }
  }
  t.ids[row] = null;
  t.free.push(row);
  return t.unit[row]!;
}

interface NewAssignment {
  id: string;
  kind: number;
  /** interned, −1 = open shift */
  staff: number;
  unit: number;
  competence: number;
  startMs: number;
  endMs: number;
  day: number;
  slot: string | null;
}

function addAssignment(state: StaffRosterState, a: NewAssignment): void {
  const t = state.rows;
  let row = t.free.pop();
  if (row === undefined) {
    row = t.size;
    t.size += 1;
    if (t.size > t.kind.length) {
      t.kind = grown(t.kind, t.size);
      t.staff = grown(t.staff, t.size);
      t.unit = grown(t.unit, t.size);
      t.competence = grown(t.competence, t.size);
      t.slot = grown(t.slot, t.size);
      t.day = grown(t.day, t.size);
      t.startMs = grown(t.startMs, t.size);
      t.endMs = grown(t.endMs, t.size);
    }
    t.ids.push(a.id);
  } else t.ids[row] = a.id;
  t.kind[row] = a.kind;
  t.staff[row] = a.staff;
  t.unit[row] = a.unit;
  t.competence[row] = a.competence;
  t.slot[row] = a.slot === null ? -1 : intern(state.strings, a.slot);
  t.day[row] = a.day;
  t.startMs[row] = a.startMs;
  t.endMs[row] = a.endMs;
  state.assignments.set(a.id, row);
  if (a.staff < 0) state.openShifts.add(a.id);
  else {
    const list = state.byStaff.get(a.staff);
    if (list) list.push(row);
    else state.byStaff.set(a.staff, [row]);
  }
}

function prune(state: StaffRosterState): void {
  const horizon = state.clockMs - RETENTION_DAYS * DAY;
  const endMs = state.rows.endMs;
  for (const [id, row] of state.assignments) if (endMs[row]! < horizon) removeAssignment(state, id);
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
  version: 3,
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
        if (old >= 0 && old !== unitNo) out.push(change(state.strings.strings[old]!, `shift|${d.shiftId}`));
        return out;
      }
      case 'ShiftCancelled': {
        const old = removeAssignment(state, event.data.shiftId);
        return old >= 0 ? [change(state.strings.strings[old]!, `shift|${event.data.shiftId}`)] : NO_CHANGES;
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
        return old >= 0 ? [change(state.strings.strings[old]!, `booking|${event.data.bookingId}`)] : NO_CHANGES;
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
  const t = state.rows;
  for (const row of state.byStaff.get(staff) ?? []) if (t.startMs[row]! < toMs && t.endMs[row]! > fromMs) out.push(assignmentOf(state, row));
  return out.sort((a, b) => a.startMs - b.startMs);
}

/** Is the person absent for any part of [fromMs, toMs)? */
export function isAbsent(state: StaffRosterState, staffId: string, fromMs: number, toMs: number): boolean {
  for (const [start, end] of state.absences.get(staffId)?.values() ?? []) if (start < toMs && end > fromMs) return true;
  return false;
}
