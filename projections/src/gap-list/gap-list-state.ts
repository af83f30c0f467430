import type { AbsenceKind, BookingSource, Requirement } from '@pks/contracts';
import type { UnitDirectory } from '../unit-directory/unit-directory.js';
import { grown, idIndexAdd, idIndexGet, newIdIndex, newInternTable, type IdIndex, type InternTable } from './columns.js';

/** Entry kinds: what puts a person (or an open shift) into a cell. */
export const SHIFT = 0;
export const BOOKING = 1;

/** Entry flags. */
export const ACTIVE = 1;
/** a booking whose times were given explicitly (not derived from the slot) */
export const EXPLICIT_TIMES = 2;

export const BOOKING_SOURCES: readonly BookingSource[] = ['pool', 'overtime', 'agency', 'reallocation'];
/** source column: 0 = not a booking, 1 + index in BOOKING_SOURCES */
export const REALLOCATION = 1 + BOOKING_SOURCES.indexOf('reallocation');

/**
 * Shifts and staffing-centre bookings, one row each, in columns. A cancelled entry keeps its row (its id may be
 * restated) but leaves the indexes.
 */
export interface EntryColumns {
  size: number;
  kind: Uint8Array;
  flags: Uint8Array;
  source: Uint8Array;
  /** interned unit id */
  unit: Int32Array;
  /** interned staff id, −1 = open shift */
  staff: Int32Array;
  /** interned competence */
  competence: Int32Array;
  /** interned level-3 activity of a shift (−1 for bookings); schedule vs plan reads it */
  activity: Int32Array;
  /** interned slot code, −1 = none could be derived */
  slot: Int32Array;
  /** the cell's date, days since 1970-01-01 (the date the slot starts on) */
  day: Int32Array;
  /** instants, ms since epoch (NaN = unknown) */
  start: Float64Array;
  end: Float64Array;
  /** shiftId or bookingId */
  ids: string[];
}

export function newEntryColumns(): EntryColumns {
  return {
    size: 0,
    kind: new Uint8Array(0),
    flags: new Uint8Array(0),
    source: new Uint8Array(0),
    unit: new Int32Array(0),
    staff: new Int32Array(0),
    competence: new Int32Array(0),
    activity: new Int32Array(0),
    slot: new Int32Array(0),
    day: new Int32Array(0),
    start: new Float64Array(0),
    end: new Float64Array(0),
    ids: [],
  };
}

/** Appends an empty row and returns its index. */
export function addEntryRow(t: EntryColumns, id: string): number {
  const row = t.size;
  const needed = row + 1;
  if (needed > t.kind.length) {
    t.kind = grown(t.kind, needed);
    t.flags = grown(t.flags, needed);
    t.source = grown(t.source, needed);
    t.unit = grown(t.unit, needed);
    t.staff = grown(t.staff, needed);
    t.competence = grown(t.competence, needed);
    t.activity = grown(t.activity, needed);
    t.slot = grown(t.slot, needed);
    t.day = grown(t.day, needed);
    t.start = grown(t.start, needed);
    t.end = grown(t.end, needed);
  }
  t.ids.push(id);
  t.size = needed;
  return row;
}

export interface StaffingKeyRecord {
  slot: string;
  competence: string;
  /** 1–7, 0 = every day */
  weekday: number;
  /** '' = always */
  validFrom: string;
  minimum: Requirement;
  target: Requirement;
}

export interface AbsenceRecord {
  id: string;
  /** interned staff id */
  staff: number;
  kind: AbsenceKind;
  start: number;
  end: number;
}

export interface ReallocationRecord {
  fromUnitId: string;
  fromShiftId: string | null;
}

/**
 * State of the gap-list projection. Per-shift data lives in typed-array columns (about 32 bytes a row plus the id
 * map); indexes are nested Maps keyed by interned unit → day number, so no per-cell string keys are kept.
 */
export interface GapListState {
  units: UnitDirectory;
  /** unit, staff, competence and slot ids */
  strings: InternTable;
  /** interned staff id → display name */
  staffNames: Map<number, string>;
  /** interned staff id → competences held */
  staffCompetences: Map<number, string[]>;
  /** unitId → staffing keys */
  keys: Map<string, StaffingKeyRecord[]>;
  /** unitId → `<date>|<slot>|<competence>` → [minimum, target] */
  overrides: Map<string, Map<string, [number, number]>>;
  entries: EntryColumns;
  /** shiftId → row (exact; the ids live in `entries.ids`) */
  shiftRows: IdIndex;
  /** bookingId → row */
  bookingRows: IdIndex;
  /** booking row → where a reallocation moves the person from */
  reallocations: Map<number, ReallocationRecord>;
  /** shiftId → active reallocation bookings naming it as their fromShiftId */
  moves: Map<string, number[]>;
  /** interned unit → day → active entry rows */
  byUnitDay: Map<number, Map<number, number[]>>;
  /** interned staff → active entry rows, sorted by start */
  byStaff: Map<number, number[]>;
  absences: Map<string, AbsenceRecord>;
  /** interned staff → their absences */
  staffAbsences: Map<number, AbsenceRecord[]>;
  /** interned unit → local day of the clock-in → flat [staff, inMs, outMs, shiftRow] quadruples (NaN = none, −1 = no shift) */
  clocks: Map<number, Map<number, number[]>>;
}

export function initialGapListState(): GapListState {
  return {
    units: new Map(),
    strings: newInternTable(),
    staffNames: new Map(),
    staffCompetences: new Map(),
    keys: new Map(),
    overrides: new Map(),
    entries: newEntryColumns(),
    shiftRows: newIdIndex(),
    bookingRows: newIdIndex(),
    reallocations: new Map(),
    moves: new Map(),
    byUnitDay: new Map(),
    byStaff: new Map(),
    absences: new Map(),
    staffAbsences: new Map(),
    clocks: new Map(),
  };
}

function* rowsOfKind(t: EntryColumns, kind: number): Iterable<number> {
  for (let row = 0; row < t.size; row += 1) if (t.kind[row] === kind) yield row;
}

export function shiftRowOf(state: GapListState, shiftId: string): number | undefined {
  return idIndexGet(state.shiftRows, state.entries.ids, shiftId);
}

export function bookingRowOf(state: GapListState, bookingId: string): number | undefined {
  return idIndexGet(state.bookingRows, state.entries.ids, bookingId);
}

/** A new row for a shift or booking id not seen before. */
export function addRowFor(state: GapListState, kind: typeof SHIFT | typeof BOOKING, id: string): number {
  const t = state.entries;
  const row = addEntryRow(t, id);
  t.kind[row] = kind;
  idIndexAdd(kind === SHIFT ? state.shiftRows : state.bookingRows, t.ids, row, () => rowsOfKind(t, kind));
  return row;
}
