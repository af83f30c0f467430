import { GAP_LIST_ALL_CELLS, type EventData, type StoredEvent } from '@pks/contracts';
import { forEachWeekPart, SCHEDULE_VS_PLAN_MODEL, weekKey } from '../schedule-vs-plan/weeks.js';
import { asDomainEvent, NO_CHANGES, type Change, type Projection } from '../projection/projection.js';
import { formatDate, parseDate } from '../time/civil-days.js';
import { offsetMs, slotInterval } from '../time/zoned-time.js';
import type { ShiftSlot } from '@pks/contracts';
import { evolveUnitDirectory, slotForLocalTime, type UnitInfo } from '../unit-directory/unit-directory.js';
import { insertSorted, intern, parseInstantMs, removeValue } from './columns.js';
import {
  ACTIVE,
  addRowFor,
  BOOKING,
  bookingRowOf,
  shiftRowOf,
  BOOKING_SOURCES,
  EXPLICIT_TIMES,
  initialGapListState,
  REALLOCATION,
  SHIFT,
  type AbsenceRecord,
  type GapListState,
} from './gap-list-state.js';
import {
  CLOCK_IN_EARLY_MS,
  cellKeyOf,
  dateOf,
  DEFAULT_TIME_ZONE,
  entryAbsence,
  entryClock,
  localDay,
  movedTo,
  reallocationTargets,
  staffRowsOverlapping,
  staffRowsStartingIn,
  timeZoneOfUnit,
} from './gap-list-status.js';

export const GAP_LIST_MODEL = 'gap-list';
/** Changes of the per-date list of who clocked in on a unit (key: the date). */
export const GAP_LIST_CLOCK_INS_MODEL = 'gap-list-clock-ins';

/** a shift whose slot was given by its source (not derived from its start time) */
const EXPLICIT_SLOT = 4;
const DAY = 86_400_000;
const HOUR = 3_600_000;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const hhmm = (minutes: number) => {
  const h = Math.floor(minutes / 60);
  const m = minutes - h * 60;
  return `${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}`;
};

type Signature = (state: GapListState, row: number) => string | number;

/** What an entry shows in its cell that the event kinds below can change indirectly. */
const movedSignature: Signature = (state, row) => movedTo(state, row);
const absenceSignature: Signature = (state, row) => entryAbsence(state, row) ?? '';
const clockSignature: Signature = (state, row) => {
  const clock = entryClock(state, row);
  // a record's clock-out only ever goes from none to a time, so the earliest clock-in and whether it has ended suffice
  return clock === null ? -1 : clock[0] * 2 + (Number.isNaN(clock[1]) ? 0 : 1);
};

/**
 * What one evolve touched: cells (in the order touched), units whose every cell changed, clock-in dates, and entry
 * rows whose indirect state (moved, absent, clocked in) may change, with their signature before the event. One
 * instance is reused for every event (evolve is synchronous), so folding an event allocates little.
 */
class Touched {
  private state!: GapListState;
  private out: Change[] = [];
  /** changes of other models: clock-in lists, schedule-vs-plan weeks */
  private clockOut: Change[] = [];
  private readonly all: string[] = [];
  private readonly watchedRows: number[] = [];
  private readonly watchedBefore: (string | number)[] = [];
  private signature: Signature = movedSignature;

  reset(state: GapListState): this {
    this.state = state;
    this.out = [];
    if (this.clockOut.length > 0) this.clockOut = [];
    this.all.length = 0;
    this.watchedRows.length = 0;
    this.watchedBefore.length = 0;
    return this;
  }

  private push(out: Change[], model: string, unitId: string, key: string): void {
    for (const c of out) if (c.key === key && c.unitId === unitId && c.model === model) return;
    out.push({ model, unitId, key });
  }

  cell(unitId: string, key: string): void {
    this.push(this.out, GAP_LIST_MODEL, unitId, key);
  }

  allCells(unitId: string): void {
    if (!this.all.includes(unitId)) this.all.push(unitId);
  }

  /** The ISO weeks a shift's hours fall in changed (schedule vs plan). */
  weeks(unitId: string, start: number, end: number): void {
    forEachWeekPart(start, end, this.state.units.get(unitId)?.timeZone ?? DEFAULT_TIME_ZONE, (monday) => {
      this.push(this.clockOut, SCHEDULE_VS_PLAN_MODEL, unitId, weekKey(monday));
    });
  }

  allWeeks(unitId: string): void {
    this.push(this.clockOut, SCHEDULE_VS_PLAN_MODEL, unitId, '*');
  }

  shiftWeeks(row: number): void {
    const e = this.state.entries;
    this.weeks(this.state.strings.strings[e.unit[row]!]!, e.start[row]!, e.end[row]!);
  }

  clockDate(unitId: string, day: number): void {
    this.push(this.clockOut, GAP_LIST_CLOCK_INS_MODEL, unitId, dateOf(day));
  }

  row(row: number): void {
    this.cell(this.state.strings.strings[this.state.entries.unit[row]!]!, cellKeyOf(this.state, row));
  }

  /** Remembers rows' signatures before the event changes them (one signature kind per event). */
  watch(rows: Iterable<number>, signature: Signature): void {
    this.signature = signature;
    for (const r of rows) {
      if (this.watchedRows.includes(r)) continue;
      this.watchedRows.push(r);
      this.watchedBefore.push(signature(this.state, r));
    }
  }

  changes(): readonly Change[] {
    const flags = this.state.entries.flags;
    for (let i = 0; i < this.watchedRows.length; i += 1) {
      const row = this.watchedRows[i]!;
      if ((flags[row]! & ACTIVE) !== 0 && this.signature(this.state, row) !== this.watchedBefore[i]) this.row(row);
    }
    if (this.all.length > 0) {
      const rest = this.out.filter((c) => !this.all.includes(c.unitId!));
      this.out = [...this.all.map((unitId) => ({ model: GAP_LIST_MODEL, unitId, key: GAP_LIST_ALL_CELLS })), ...rest];
    }
    // cells first, then clock-in lists and schedule-vs-plan weeks
    if (this.clockOut.length > 0) for (const c of this.clockOut) this.out.push(c);
    return this.out.length === 0 ? NO_CHANGES : this.out;
  }
}

const scratch = new Touched();

// ---------------------------------------------------------------------------------------------------------------
// indexes

function indexRow(state: GapListState, row: number): void {
  const e = state.entries;
  const unit = e.unit[row]!;
  let byDay = state.byUnitDay.get(unit);
  if (!byDay) state.byUnitDay.set(unit, (byDay = new Map()));
  const day = e.day[row]!;
  const rows = byDay.get(day);
  if (rows) rows.push(row);
  else byDay.set(day, [row]);
  const staff = e.staff[row]!;
  if (staff >= 0) {
    let staffRows = state.byStaff.get(staff);
    if (!staffRows) state.byStaff.set(staff, (staffRows = []));
    insertSorted(staffRows, row, (r) => e.start[r]!);
  }
}

function unindexRow(state: GapListState, row: number): void {
  const e = state.entries;
  const byDay = state.byUnitDay.get(e.unit[row]!);
  const rows = byDay?.get(e.day[row]!);
  if (byDay && rows) {
    removeValue(rows, row);
    if (rows.length === 0) byDay.delete(e.day[row]!);
  }
  const staff = e.staff[row]!;
  if (staff >= 0) {
    const staffRows = state.byStaff.get(staff);
    if (staffRows) {
      removeValue(staffRows, row);
      if (staffRows.length === 0) state.byStaff.delete(staff);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// placing entries into cells

/** slotForLocalTime per unit and minute of the day, cached by the unit's slot list (not part of the state) */
const derivedSlots = new WeakMap<ShiftSlot[], (ShiftSlot | null | undefined)[]>();

function derivedSlot(unit: UnitInfo, minutes: number): ShiftSlot | null {
  let cache = derivedSlots.get(unit.slots);
  if (!cache) derivedSlots.set(unit.slots, (cache = []));
  let slot = cache[minutes];
  if (slot === undefined) cache[minutes] = slot = slotForLocalTime(unit, hhmm(minutes));
  return slot;
}

/**
 * The slot and cell date of a shift: the slot is the explicit one or the one slotForLocalTime gives for the local
 * start time; the date is the local start date, except that a shift starting after midnight inside a slot that
 * wraps midnight (e.g. 00:30 in natt 21:15–07:15) belongs to the previous date, the date that slot started on.
 */
function placeShift(unit: UnitInfo | undefined, explicitSlot: string | undefined, startMs: number): { slot: string | null; day: number } {
  const tz = unit?.timeZone ?? DEFAULT_TIME_ZONE;
  const local = startMs + offsetMs(tz, startMs);
  let day = Math.floor(local / DAY);
  const minutes = Math.floor((local - day * DAY) / 60_000);
  if (!unit) return { slot: explicitSlot ?? null, day };
  const slot = explicitSlot !== undefined ? (unit.slots.find((s) => s.code === explicitSlot) ?? null) : derivedSlot(unit, minutes);
  if (slot && slot.end <= slot.start && minutes < minutesOf(slot.end)) day -= 1;
  return { slot: slot?.code ?? explicitSlot ?? null, day };
}

/** Start and end of a booking without explicit times: its slot on its date (DST-correct), NaN when unknown. */
function bookingSlotTimes(unit: UnitInfo | undefined, date: string, slotCode: string): [number, number] {
  const slot = unit?.slots.find((s) => s.code === slotCode);
  if (!unit || !slot) return [Number.NaN, Number.NaN];
  const { startMs, endMs } = slotInterval(date, slot.start, slot.end, unit.timeZone);
  return [startMs, endMs];
}

// ---------------------------------------------------------------------------------------------------------------
// event handlers

function upsertShift(state: GapListState, d: EventData<'ShiftScheduled'>, touched: Touched): void {
  const e = state.entries;
  const unit = intern(state.strings, d.unitId);
  const staff = d.staffId === null ? -1 : intern(state.strings, d.staffId);
  const competence = intern(state.strings, d.competence);
  const start = parseInstantMs(d.start);
  const end = parseInstantMs(d.end);
  const placed = placeShift(state.units.get(d.unitId), d.slot, start);
  const slot = placed.slot === null ? -1 : intern(state.strings, placed.slot);
  const flags = ACTIVE | (d.slot !== undefined ? EXPLICIT_SLOT : 0);
  const activity = intern(state.strings, d.activity);
  let row = shiftRowOf(state, d.shiftId);
  if (row !== undefined) {
    const active = (e.flags[row]! & ACTIVE) !== 0;
    const sameHours = active && e.unit[row] === unit && (e.staff[row]! < 0) === (staff < 0) && e.activity[row] === activity && e.start[row] === start && e.end[row] === end;
    const sameCell =
      active &&
      e.flags[row] === flags &&
      e.unit[row] === unit &&
      e.staff[row] === staff &&
      e.competence[row] === competence &&
      e.slot[row] === slot &&
      e.day[row] === placed.day &&
      e.start[row] === start &&
      e.end[row] === end;
    if (!sameHours) {
      if (active) touched.shiftWeeks(row);
      touched.weeks(d.unitId, start, end);
    }
    // only the activity changed: schedule vs plan sees it, the gap list does not show it
    if (sameCell) {
      e.activity[row] = activity;
      return;
    }
    if (active) {
      touched.row(row);
      unindexRow(state, row);
    }
  } else {
    touched.weeks(d.unitId, start, end);
    row = addRowFor(state, SHIFT, d.shiftId);
  }
  e.kind[row] = SHIFT;
  e.activity[row] = activity;
  e.flags[row] = flags;
  e.source[row] = 0;
  e.unit[row] = unit;
  e.staff[row] = staff;
  e.competence[row] = competence;
  e.slot[row] = slot;
  e.day[row] = placed.day;
  e.start[row] = start;
  e.end[row] = end;
  indexRow(state, row);
  touched.row(row);
}

function cancelShift(state: GapListState, shiftId: string, touched: Touched): void {
  const row = shiftRowOf(state, shiftId);
  if (row === undefined || (state.entries.flags[row]! & ACTIVE) === 0) return;
  touched.row(row);
  touched.shiftWeeks(row);
  unindexRow(state, row);
  state.entries.flags[row] = state.entries.flags[row]! & ~ACTIVE;
}

/** Shift rows a reallocation would move, computed from its fields (so it can be asked before the booking is stored). */
function movableShifts(state: GapListState, staff: number, fromUnitId: string, fromShiftId: string | null, start: number, end: number): number[] {
  if (fromShiftId !== null) {
    const row = shiftRowOf(state, fromShiftId);
    return row === undefined ? [] : [row];
  }
  const e = state.entries;
  return staffRowsOverlapping(state, staff, start, end).filter(
    (r) => e.kind[r] === SHIFT && state.strings.strings[e.unit[r]!] === fromUnitId,
  );
}

function addMove(state: GapListState, shiftId: string, bookingRow: number): void {
  const rows = state.moves.get(shiftId);
  if (rows) rows.push(bookingRow);
  else state.moves.set(shiftId, [bookingRow]);
}

function removeMove(state: GapListState, shiftId: string, bookingRow: number): void {
  const rows = state.moves.get(shiftId);
  if (!rows) return;
  removeValue(rows, bookingRow);
  if (rows.length === 0) state.moves.delete(shiftId);
}

/** Takes an active booking out of the indexes and the moves (its reallocation targets watched first). */
function deactivateBooking(state: GapListState, row: number, touched: Touched): void {
  touched.watch(reallocationTargets(state, row), movedSignature);
  touched.row(row);
  const r = state.reallocations.get(row);
  if (r?.fromShiftId != null) removeMove(state, r.fromShiftId, row);
  unindexRow(state, row);
  state.entries.flags[row] = state.entries.flags[row]! & ~ACTIVE;
}

function upsertBooking(state: GapListState, d: EventData<'StaffBooked'>, touched: Touched): void {
  const e = state.entries;
  const unitInfo = state.units.get(d.unitId);
  const unit = intern(state.strings, d.unitId);
  const staff = intern(state.strings, d.staffId);
  const competence = intern(state.strings, d.competence);
  const slot = intern(state.strings, d.slot);
  const day = parseDate(d.date);
  const explicit = d.start !== undefined && d.end !== undefined;
  const [start, end] = explicit ? [parseInstantMs(d.start!), parseInstantMs(d.end!)] : bookingSlotTimes(unitInfo, d.date, d.slot);
  const source = 1 + BOOKING_SOURCES.indexOf(d.source);
  const fromShiftId = d.fromShiftId ?? null;
  const fromUnitId = d.fromUnitId ?? null;
  const flags = ACTIVE | (explicit ? EXPLICIT_TIMES : 0);

  let row = bookingRowOf(state, d.bookingId);
  if (row !== undefined) {
    const active = (e.flags[row]! & ACTIVE) !== 0;
    const r = state.reallocations.get(row);
    if (
      active &&
      e.flags[row] === flags &&
      e.source[row] === source &&
      e.unit[row] === unit &&
      e.staff[row] === staff &&
      e.competence[row] === competence &&
      e.slot[row] === slot &&
      e.day[row] === day &&
      Object.is(e.start[row], start) &&
      Object.is(e.end[row], end) &&
      (r?.fromUnitId ?? null) === (source === REALLOCATION ? fromUnitId : null) &&
      (r?.fromShiftId ?? null) === (source === REALLOCATION ? fromShiftId : null)
    ) {
      return;
    }
    if (active) deactivateBooking(state, row, touched);
  } else {
    row = addRowFor(state, BOOKING, d.bookingId);
  }
  if (source === REALLOCATION && fromUnitId !== null) {
    touched.watch(movableShifts(state, staff, fromUnitId, fromShiftId, start, end), movedSignature);
  }
  e.kind[row] = BOOKING;
  e.activity[row] = -1;
  e.flags[row] = flags;
  e.source[row] = source;
  e.unit[row] = unit;
  e.staff[row] = staff;
  e.competence[row] = competence;
  e.slot[row] = slot;
  e.day[row] = day;
  e.start[row] = start;
  e.end[row] = end;
  if (source === REALLOCATION && fromUnitId !== null) {
    state.reallocations.set(row, { fromUnitId, fromShiftId });
    if (fromShiftId !== null) addMove(state, fromShiftId, row);
  } else {
    state.reallocations.delete(row);
  }
  indexRow(state, row);
  touched.row(row);
}

function cancelBooking(state: GapListState, bookingId: string, touched: Touched): void {
  const row = bookingRowOf(state, bookingId);
  if (row === undefined || (state.entries.flags[row]! & ACTIVE) === 0) return;
  deactivateBooking(state, row, touched);
}

function watchAbsence(state: GapListState, a: AbsenceRecord, touched: Touched): void {
  touched.watch(staffRowsOverlapping(state, a.staff, a.start, a.end), absenceSignature);
}

function removeAbsence(state: GapListState, a: AbsenceRecord): void {
  state.absences.delete(a.id);
  const list = state.staffAbsences.get(a.staff);
  if (!list) return;
  const i = list.indexOf(a);
  if (i >= 0) list.splice(i, 1);
  if (list.length === 0) state.staffAbsences.delete(a.staff);
}

function upsertAbsence(state: GapListState, d: EventData<'AbsenceReported'>, touched: Touched): void {
  const next: AbsenceRecord = { id: d.absenceId, staff: intern(state.strings, d.staffId), kind: d.kind, start: parseInstantMs(d.start), end: parseInstantMs(d.end) };
  const old = state.absences.get(d.absenceId);
  if (old && old.staff === next.staff && old.kind === next.kind && old.start === next.start && old.end === next.end) return;
  if (old) watchAbsence(state, old, touched);
  watchAbsence(state, next, touched);
  if (old) removeAbsence(state, old);
  state.absences.set(next.id, next);
  const list = state.staffAbsences.get(next.staff);
  if (list) list.push(next);
  else state.staffAbsences.set(next.staff, [next]);
}

function withdrawAbsence(state: GapListState, absenceId: string, touched: Touched): void {
  const old = state.absences.get(absenceId);
  if (!old) return;
  watchAbsence(state, old, touched);
  removeAbsence(state, old);
}

/**
 * Entry rows of a person on a unit that a clock-in at `inMs` could belong to: a clock record naming a known shift
 * belongs to that shift only; otherwise the person's entries on the unit by time.
 */
function clockCandidates(state: GapListState, staff: number, unit: number, inMs: number, shiftRow: number): number[] {
  const e = state.entries;
  if (shiftRow >= 0) return (e.flags[shiftRow]! & ACTIVE) !== 0 ? [shiftRow] : [];
  return staffRowsStartingIn(state, staff, inMs - 24 * HOUR, inMs + CLOCK_IN_EARLY_MS + 1).filter((r) => e.unit[r] === unit);
}

function clockIn(state: GapListState, d: EventData<'ClockedIn'>, touched: Touched): void {
  const unit = intern(state.strings, d.unitId);
  const staff = intern(state.strings, d.staffId);
  const at = parseInstantMs(d.at);
  const shiftRow = d.shiftId !== undefined ? (shiftRowOf(state, d.shiftId) ?? -1) : -1;
  touched.watch(clockCandidates(state, staff, unit, at, shiftRow), clockSignature);
  const day = localDay(at, timeZoneOfUnit(state, unit));
  let byDay = state.clocks.get(unit);
  if (!byDay) state.clocks.set(unit, (byDay = new Map()));
  const recs = byDay.get(day);
  if (recs) recs.push(staff, at, Number.NaN, shiftRow);
  else byDay.set(day, [staff, at, Number.NaN, shiftRow]);
  touched.clockDate(d.unitId, day);
}

function clockOut(state: GapListState, d: EventData<'ClockedOut'>, touched: Touched): void {
  const unit = intern(state.strings, d.unitId);
  const staff = intern(state.strings, d.staffId);
  const at = parseInstantMs(d.at);
  const day = localDay(at, timeZoneOfUnit(state, unit));
  let byDay = state.clocks.get(unit);
  if (!byDay) state.clocks.set(unit, (byDay = new Map()));
  // the latest open clock-in of the person on the unit, today or yesterday (night shifts)
  let found: number[] | null = null;
  let foundAt = -1;
  let foundDay = day;
  for (const dd of [day, day - 1]) {
    const recs = byDay.get(dd);
    if (!recs) continue;
    for (let i = 0; i < recs.length; i += 4) {
      if (recs[i] === staff && Number.isNaN(recs[i + 2]!) && recs[i + 1]! <= at && (found === null || recs[i + 1]! > found[foundAt + 1]!)) {
        found = recs;
        foundAt = i;
        foundDay = dd;
      }
    }
  }
  if (found !== null) {
    touched.watch(clockCandidates(state, staff, unit, found[foundAt + 1]!, found[foundAt + 3]!), clockSignature);
    found[foundAt + 2] = at;
    touched.clockDate(d.unitId, foundDay);
    return;
  }
  const shiftRow = d.shiftId !== undefined ? (shiftRowOf(state, d.shiftId) ?? -1) : -1;
  const recs = byDay.get(day);
  if (recs) recs.push(staff, Number.NaN, at, shiftRow);
  else byDay.set(day, [staff, Number.NaN, at, shiftRow]);
  touched.clockDate(d.unitId, day);
}

function registerStaff(state: GapListState, d: EventData<'StaffRegistered'>, touched: Touched): void {
  const staff = intern(state.strings, d.staffId);
  const before = state.staffNames.get(staff) ?? null;
  const after = d.name ?? null;
  if (after === null) state.staffNames.delete(staff);
  else state.staffNames.set(staff, after);
  state.staffCompetences.set(staff, [...d.competences]);
  if (before !== after) for (const r of state.byStaff.get(staff) ?? []) touched.row(r);
}

/** After a unit's slots or time zone change: every entry of the unit gets its slot, date and slot times again. */
function replaceUnitEntries(state: GapListState, unitId: string): void {
  const unit = state.strings.ids.get(unitId);
  if (unit === undefined) return;
  const byDay = state.byUnitDay.get(unit);
  if (!byDay) return;
  const info = state.units.get(unitId);
  const rows = [...byDay.values()].flat();
  const e = state.entries;
  for (const row of rows) {
    unindexRow(state, row);
    if (e.kind[row] === SHIFT) {
      const explicit = (e.flags[row]! & EXPLICIT_SLOT) !== 0 ? state.strings.strings[e.slot[row]!] : undefined;
      const placed = placeShift(info, explicit, e.start[row]!);
      e.slot[row] = placed.slot === null ? -1 : intern(state.strings, placed.slot);
      e.day[row] = placed.day;
    } else if ((e.flags[row]! & EXPLICIT_TIMES) === 0) {
      const [start, end] = bookingSlotTimes(info, formatDate(e.day[row]!), state.strings.strings[e.slot[row]!]!);
      e.start[row] = start;
      e.end[row] = end;
    }
    indexRow(state, row);
  }
}

function unitSignature(unit: UnitInfo | undefined): string {
  return unit ? JSON.stringify([unit.name, unit.departmentId, unit.departmentName, unit.timeZone, unit.slots]) : '';
}

function setStaffingKey(state: GapListState, d: EventData<'StaffingKeySet'>): boolean {
  const weekday = d.weekday ?? 0;
  const validFrom = d.validFrom ?? '';
  let keys = state.keys.get(d.unitId);
  if (!keys) state.keys.set(d.unitId, (keys = []));
  const record = { slot: d.slot, competence: d.competence, weekday, validFrom, minimum: d.minimum, target: d.target };
  const i = keys.findIndex((k) => k.slot === d.slot && k.competence === d.competence && k.weekday === weekday && k.validFrom === validFrom);
  if (i >= 0) {
    if (JSON.stringify(keys[i]) === JSON.stringify(record)) return false;
    keys[i] = record;
  } else keys.push(record);
  return true;
}

// ---------------------------------------------------------------------------------------------------------------

/**
 * The gap list (lucklista): per unit × date × slot × competence who is scheduled, booked, absent and clocked in,
 * against the requirement from the staffing keys. Evolve keeps compact per-entry records and indexes; cells are
 * computed on query (see gap-list-query.ts). The change list names exactly the cells whose content changed:
 * `{ model: 'gap-list', unitId, key: '<date>|<slot>|<competence>' }`, or key `*` when every cell of the unit did
 * (staffing keys, beds, slots); clock-ins also give `{ model: 'gap-list-clock-ins', unitId, key: '<date>' }`.
 */
export const gapList: Projection<GapListState> = {
  name: 'gap-list',
  version: 1,
  initialState: initialGapListState,
  evolve(state, stored: StoredEvent): readonly Change[] {
    const event = asDomainEvent(stored);
    if (!event) return NO_CHANGES;
    const touched = scratch.reset(state);
    switch (event.type) {
      case 'UnitRegistered': {
        const before = unitSignature(state.units.get(event.data.unitId));
        const zoneBefore = state.units.get(event.data.unitId)?.timeZone ?? DEFAULT_TIME_ZONE;
        evolveUnitDirectory(state.units, event);
        if (unitSignature(state.units.get(event.data.unitId)) === before) return NO_CHANGES;
        replaceUnitEntries(state, event.data.unitId);
        touched.allCells(event.data.unitId);
        // shift hours fall into the unit's local weeks: a new time zone moves them
        if (zoneBefore !== event.data.timeZone) touched.allWeeks(event.data.unitId);
        break;
      }
      case 'BedsPlanned': {
        const unit = state.units.get(event.data.unitId);
        const before = unit ? JSON.stringify(unit.beds) : '';
        if (evolveUnitDirectory(state.units, event) === null || JSON.stringify(unit!.beds) === before) return NO_CHANGES;
        touched.allCells(event.data.unitId);
        break;
      }
      case 'StaffingKeySet':
        if (!setStaffingKey(state, event.data)) return NO_CHANGES;
        touched.allCells(event.data.unitId);
        break;
      case 'StaffingRequirementSet': {
        const d = event.data;
        let overrides = state.overrides.get(d.unitId);
        if (!overrides) state.overrides.set(d.unitId, (overrides = new Map()));
        const key = `${d.date}|${d.slot}|${d.competence}`;
        const old = overrides.get(key);
        if (old && old[0] === d.minimum && old[1] === d.target) return NO_CHANGES;
        overrides.set(key, [d.minimum, d.target]);
        touched.cell(d.unitId, key);
        break;
      }
      case 'StaffRegistered':
        registerStaff(state, event.data, touched);
        break;
      case 'ShiftScheduled':
      case 'ShiftChanged':
        upsertShift(state, event.data, touched);
        break;
      case 'ShiftCancelled':
        cancelShift(state, event.data.shiftId, touched);
        break;
      case 'StaffBooked':
        upsertBooking(state, event.data, touched);
        break;
      case 'BookingCancelled':
        cancelBooking(state, event.data.bookingId, touched);
        break;
      case 'AbsenceReported':
      case 'AbsenceCorrected':
        upsertAbsence(state, event.data, touched);
        break;
      case 'AbsenceWithdrawn':
        withdrawAbsence(state, event.data.absenceId, touched);
        break;
      case 'ClockedIn':
        clockIn(state, event.data, touched);
        break;
      case 'ClockedOut':
        clockOut(state, event.data, touched);
        break;
      default:
        return NO_CHANGES;
    }
    return touched.changes();
  },
};
