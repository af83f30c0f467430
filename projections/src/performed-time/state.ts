import { DEFAULT_ACTIVITY_LABELS, DEFAULT_COMPETENCES, type StaffCategory } from '@pks/contracts';
import type { ActivityLabelInfo, CompetenceInfo } from '../reference-catalog/reference-catalog.js';
import { daysFromCivil, formatDate } from '../time/civil-days.js';
import { newUnitDirectory, type UnitDirectory } from '../unit-directory/unit-directory.js';
import { newIdIndex, type IdIndex } from './id-index.js';

/**
 * The state of the `performed-time` projection. It keeps compact per-record tables (typed-array columns, interned
 * strings) of shifts, clock times, work registrations, absences and hour reports, and aggregates them at query time
 * (see README.md for why). Plain objects, arrays, Maps and typed arrays only: structured-clone serialisable.
 */

export const DEFAULT_TIME_ZONE = 'Europe/Stockholm';

// ----- codes --------------------------------------------------------------------------------------------------

export const FORMS = ['monthly', 'hourly', 'agency', 'external-resident', 'unknown'] as const;
export type FormName = (typeof FORMS)[number];
export const FORM_MONTHLY = 0;
export const FORM_HOURLY = 1;
export const FORM_AGENCY = 2;
export const FORM_EXTERNAL = 3;
export const FORM_UNKNOWN = 4;

export const KINDS = ['ordinary', 'overtime', 'additional', 'on-call', 'standby', 'hourly', 'agency', 'external-resident'] as const;
export type KindName = (typeof KINDS)[number];
export const KIND_ORDINARY = 0;
export const KIND_ON_CALL = 3;
export const KIND_STANDBY = 4;
export const KIND_HOURLY = 5;
export const KIND_AGENCY = 6;
export const KIND_EXTERNAL = 7;

export const ABSENCE_KINDS = ['sick', 'child-care', 'vacation', 'parental', 'education', 'other'] as const;
export type AbsenceKindName = (typeof ABSENCE_KINDS)[number];
/** The level-3 label of each absence kind in the built-in label tree (contracts/src/reference/activity-labels.ts). */
export const ABSENCE_LABELS: readonly string[] = [
  'franvaro.sjuk.sjuk',
  'franvaro.vab.vab',
  'franvaro.semester.semester',
  'franvaro.foraldraledig.ledig',
  'franvaro.utbildning.ledig',
  'franvaro.ovrig.ovrig',
];

/** HoursReported pay components: 0–5 the work kinds, 6–11 absence-<kind>. */
export const PAY_COMPONENT_ABSENCE_BASE = 6;

export const NO_ACTIVITY = 0xffff;
export const NO_FORM = 255;

export const STATUS_ACTIVE = 0;
export const STATUS_INACTIVE = 1;

// ----- tables ---------------------------------------------------------------------------------------------------

/** Shifts: one row per shiftId. Times are seconds since the epoch (0 = none for clock times). */
export interface ShiftTable {
  length: number;
  capacity: number;
  start: Uint32Array;
  end: Uint32Array;
  clockIn: Uint32Array;
  clockOut: Uint32Array;
  unit: Uint16Array;
  /** staff index, -1 = open shift */
  staff: Int32Array;
  competence: Uint16Array;
  activity: Uint16Array;
  /** STATUS_ACTIVE, or STATUS_INACTIVE = cancelled */
  status: Uint8Array;
  /** next row in the unit-day chain, -1 = end */
  next: Int32Array;
}

/** Work registrations (WorkRegistered): one row per registrationId. */
export interface RegistrationTable {
  length: number;
  capacity: number;
  start: Uint32Array;
  end: Uint32Array;
  unit: Uint16Array;
  staff: Int32Array;
  competence: Uint16Array;
  activity: Uint16Array;
  kind: Uint8Array;
  /** the event's employmentForm, NO_FORM when absent */
  form: Uint8Array;
  /**
   * the order in which the registration was last stated (a running count of WorkRegistered events, so log order; a
   * correction gets a new, higher one): of two overlapping registrations of one person the higher one wins the overlap
   */
  seq: Uint32Array;
  next: Int32Array;
}

/** Absences: one row per absenceId. */
export interface AbsenceTable {
  length: number;
  capacity: number;
  start: Uint32Array;
  end: Uint32Array;
  staff: Int32Array;
  kind: Uint8Array;
  /** STATUS_ACTIVE, or STATUS_INACTIVE = withdrawn */
  status: Uint8Array;
}

/** Hour reports (HoursReported): one row per reportId. */
export interface ReportTable {
  length: number;
  capacity: number;
  unit: Uint16Array;
  /** local date (days since 1970-01-01); for a month-level report its first day */
  day: Int32Array;
  /** 1 = the report is for the whole month */
  monthLevel: Uint8Array;
  competence: Uint16Array;
  form: Uint8Array;
  component: Uint8Array;
  hours: Float64Array;
  activity: Uint16Array;
  next: Int32Array;
}

export interface StaffInfo {
  form: number;
  rate: number | null;
  /** unit index of the home unit, -1 = none */
  home: number;
  /** competence index of the first competence (its category is the person's staff category) */
  competence: number;
  /** days since 1970-01-01, null = open */
  employedFrom: number | null;
  employedUntil: number | null;
}

export interface PendingClock {
  unit: number;
  /** seconds */
  at: number;
  out: boolean;
  shiftId: string | null;
}

export interface ClockFinding {
  kind: 'clock-on-cancelled-shift' | 'clock-far-from-shift';
  staff: number;
  at: number;
  out: boolean;
  shiftRow: number;
}

export interface PerformedTimeState {
  units: UnitDirectory;
  competences: Map<string, CompetenceInfo>;
  labels: Map<string, ActivityLabelInfo>;

  unitCodes: string[];
  unitIndex: Map<string, number>;
  /** by unit index: the unit's time zone (Europe/Stockholm until UnitRegistered says otherwise) */
  unitTimeZones: string[];
  competenceCodes: string[];
  competenceIndex: Map<string, number>;
  activityCodes: string[];
  activityIndex: Map<string, number>;
  staffCodes: string[];
  staffIndex: Map<string, number>;

  /** by staff index; null = not registered */
  staff: (StaffInfo | null)[];
  /** by staff index: active shift rows, sorted by scheduled start */
  staffShifts: number[][];
  /** by staff index: absence rows in the order first reported (withdrawn ones included, skipped by status) */
  staffAbsences: number[][];
  /** by staff index: registration rows, sorted by start */
  staffRegistrations: number[][];

  shifts: ShiftTable;
  shiftIds: IdIndex;
  /** unit index → UTC day of the scheduled start (floor(start / 86400 s)) → first row of the chain */
  shiftDays: Map<number, Map<number, number>>;

  registrations: RegistrationTable;
  registrationIds: IdIndex;
  /** unit index → UTC day of the start → first row */
  registrationDays: Map<number, Map<number, number>>;
  /** WorkRegistered events applied so far (the source of RegistrationTable.seq) */
  registrationSeq: number;

  absences: AbsenceTable;
  absenceIds: IdIndex;

  reports: ReportTable;
  reportIds: IdIndex;
  /** unit index → month number (year × 12 + month − 1) → first row */
  reportMonths: Map<number, Map<number, number>>;

  /** unit index → local date (days since 1970-01-01) → patients at midnight */
  census: Map<number, Map<number, number>>;
  /** unit index → `YYYY-MM|category` → dimensioned FTE */
  dimensioning: Map<number, Map<string, number>>;

  /** by staff index: clock events no shift matched (yet), oldest first, at most MAX_PENDING_CLOCKS */
  pendingClocks: Map<number, PendingClock[]>;
  /** unit index → clock findings that are not pending (cancelled shift, far from the shift), at most MAX_CLOCK_FINDINGS */
  clockFindings: Map<number, ClockFinding[]>;
  /** clock events dropped from the capped lists above */
  droppedClockEvents: number;
}

export const MAX_PENDING_CLOCKS = 200;
export const MAX_CLOCK_FINDINGS = 5000;

function shiftTable(capacity: number): ShiftTable {
  return {
    length: 0,
    capacity,
    start: new Uint32Array(capacity),
    end: new Uint32Array(capacity),
    clockIn: new Uint32Array(capacity),
    clockOut: new Uint32Array(capacity),
    unit: new Uint16Array(capacity),
    staff: new Int32Array(capacity),
    competence: new Uint16Array(capacity),
    activity: new Uint16Array(capacity),
    status: new Uint8Array(capacity),
    next: new Int32Array(capacity),
  };
}

function registrationTable(capacity: number): RegistrationTable {
  return {
    length: 0,
    capacity,
    start: new Uint32Array(capacity),
    end: new Uint32Array(capacity),
    unit: new Uint16Array(capacity),
    staff: new Int32Array(capacity),
    competence: new Uint16Array(capacity),
    activity: new Uint16Array(capacity),
    kind: new Uint8Array(capacity),
    form: new Uint8Array(capacity),
    seq: new Uint32Array(capacity),
    next: new Int32Array(capacity),
  };
}

function absenceTable(capacity: number): AbsenceTable {
  return {
    length: 0,
    capacity,
    start: new Uint32Array(capacity),
    end: new Uint32Array(capacity),
    staff: new Int32Array(capacity),
    kind: new Uint8Array(capacity),
    status: new Uint8Array(capacity),
  };
}

function reportTable(capacity: number): ReportTable {
  return {
    length: 0,
    capacity,
    unit: new Uint16Array(capacity),
    day: new Int32Array(capacity),
    monthLevel: new Uint8Array(capacity),
    competence: new Uint16Array(capacity),
    form: new Uint8Array(capacity),
    component: new Uint8Array(capacity),
    hours: new Float64Array(capacity),
    activity: new Uint16Array(capacity),
    next: new Int32Array(capacity),
  };
}

type Typed = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;

/**
 * Makes room for one more row and returns its number: when full, every typed-array column is copied into one 1.5 times
 * as long (amortised O(1) per row; the unused tail is at most a third of each column).
 */
export function ensureRow(table: { length: number; capacity: number }): number {
  if (table.length === table.capacity) {
    const t = table as unknown as Record<string, Typed | number>;
    const capacity = Math.ceil(table.capacity * 1.5);
    for (const [k, v] of Object.entries(t)) {
      if (typeof v === 'number') continue;
      const grown = new (v.constructor as new (n: number) => Typed)(capacity);
      grown.set(v as never);
      t[k] = grown;
    }
    table.capacity = capacity;
  }
  const row = table.length;
  table.length += 1;
  return row;
}

export function initialPerformedTimeState(): PerformedTimeState {
  return {
    units: newUnitDirectory(),
    competences: new Map(DEFAULT_COMPETENCES.map((c) => [c.code, { ...c, nameEn: c.nameEn }])),
    labels: new Map(DEFAULT_ACTIVITY_LABELS.map((l) => [l.code, { ...l, nameEn: l.nameEn }])),
    unitCodes: [],
    unitIndex: new Map(),
    unitTimeZones: [],
    competenceCodes: [],
    competenceIndex: new Map(),
    activityCodes: [],
    activityIndex: new Map(),
    staffCodes: [],
    staffIndex: new Map(),
    staff: [],
    staffShifts: [],
    staffAbsences: [],
    staffRegistrations: [],
    shifts: shiftTable(1024),
    shiftIds: newIdIndex(),
    shiftDays: new Map(),
    registrations: registrationTable(256),
    registrationIds: newIdIndex(),
    registrationDays: new Map(),
    registrationSeq: 0,
    absences: absenceTable(256),
    absenceIds: newIdIndex(),
    reports: reportTable(64),
    reportIds: newIdIndex(),
    reportMonths: new Map(),
    census: new Map(),
    dimensioning: new Map(),
    pendingClocks: new Map(),
    clockFindings: new Map(),
    droppedClockEvents: 0,
  };
}

// ----- interning ------------------------------------------------------------------------------------------------

export function internUnit(state: PerformedTimeState, unitId: string): number {
  let i = state.unitIndex.get(unitId);
  if (i === undefined) {
    i = state.unitCodes.length;
    if (i >= 0xffff) throw new Error('performed-time: more than 65,534 units');
    state.unitCodes.push(unitId);
    state.unitIndex.set(unitId, i);
    state.unitTimeZones.push(state.units.get(unitId)?.timeZone ?? DEFAULT_TIME_ZONE);
  }
  return i;
}

export function internCompetence(state: PerformedTimeState, code: string): number {
  let i = state.competenceIndex.get(code);
  if (i === undefined) {
    i = state.competenceCodes.length;
    state.competenceCodes.push(code);
    state.competenceIndex.set(code, i);
  }
  return i;
}

export function internActivity(state: PerformedTimeState, code: string | undefined | null): number {
  if (code === undefined || code === null) return NO_ACTIVITY;
  let i = state.activityIndex.get(code);
  if (i === undefined) {
    i = state.activityCodes.length;
    if (i >= NO_ACTIVITY) throw new Error('performed-time: more than 65,534 activity labels');
    state.activityCodes.push(code);
    state.activityIndex.set(code, i);
  }
  return i;
}

export function internStaff(state: PerformedTimeState, staffId: string): number {
  let i = state.staffIndex.get(staffId);
  if (i === undefined) {
    i = state.staffCodes.length;
    state.staffCodes.push(staffId);
    state.staffIndex.set(staffId, i);
    state.staff.push(null);
    state.staffShifts.push([]);
    state.staffAbsences.push([]);
    state.staffRegistrations.push([]);
  }
  return i;
}

export function timeZoneOf(state: PerformedTimeState, unit: number): string {
  return state.unitTimeZones[unit]!;
}

export function categoryOfCompetence(state: PerformedTimeState, competence: number): StaffCategory | null {
  return state.competences.get(state.competenceCodes[competence]!)?.category ?? null;
}

/** The staff category of a person: the category of their first competence. */
export function categoryOfStaff(state: PerformedTimeState, staff: number): StaffCategory | null {
  const info = staff >= 0 ? state.staff[staff] : null;
  return info ? categoryOfCompetence(state, info.competence) : null;
}

/** The employment form of a person (FORM_UNKNOWN when not registered). */
export function formOfStaff(state: PerformedTimeState, staff: number): number {
  const info = staff >= 0 ? state.staff[staff] : null;
  return info ? info.form : FORM_UNKNOWN;
}

/**
 * The kind of performed time: agency and external-resident staff's time is kind agency / external-resident
 * whatever the shift or registration says; an hourly-paid person's ordinary time is kind hourly.
 */
export function kindFor(form: number, workKind: number): number {
  if (form === FORM_AGENCY) return KIND_AGENCY;
  if (form === FORM_EXTERNAL) return KIND_EXTERNAL;
  if (form === FORM_HOURLY && workKind === KIND_ORDINARY) return KIND_HOURLY;
  return workKind;
}

export const SECOND = 1000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const DAY_S = 86_400;

const digit = (s: string, i: number) => s.charCodeAt(i) - 48;

/**
 * Seconds since the epoch of an instant. The contracts normalise instants to `YYYY-MM-DDTHH:mm:ss.sssZ`; those are
 * read digit by digit (no Date, no Temporal: this runs for every event); anything else falls back to Date.parse.
 */
export function toSeconds(instant: string): number {
  if (instant.length === 24 && instant.charCodeAt(23) === 90 /* Z */ && instant.charCodeAt(10) === 84 /* T */) {
    const y = digit(instant, 0) * 1000 + digit(instant, 1) * 100 + digit(instant, 2) * 10 + digit(instant, 3);
    const mo = digit(instant, 5) * 10 + digit(instant, 6);
    const d = digit(instant, 8) * 10 + digit(instant, 9);
    const h = digit(instant, 11) * 10 + digit(instant, 12);
    const mi = digit(instant, 14) * 10 + digit(instant, 15);
    const se = digit(instant, 17) * 10 + digit(instant, 18);
    return daysFromCivil(y, mo, d) * DAY_S + h * 3600 + mi * 60 + se;
  }
  return Math.floor(Date.parse(instant) / SECOND);
}

const dateTexts = new Map<number, string>();
const monthTexts = new Map<number, string>();

/** YYYY-MM of a day number, cached. */
export function monthTextOfDay(day: number): string {
  let text = monthTexts.get(day);
  if (text === undefined) {
    text = dateText(day).slice(0, 7);
    if (monthTexts.size > 100_000) monthTexts.clear();
    monthTexts.set(day, text);
  }
  return text;
}

/** YYYY-MM-DD of a day number, cached (change keys are built for every event). */
export function dateText(day: number): string {
  let text = dateTexts.get(day);
  if (text === undefined) {
    text = formatDate(day);
    if (dateTexts.size > 100_000) dateTexts.clear();
    dateTexts.set(day, text);
  }
  return text;
}

export function monthNumber(month: string): number {
  return Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
}
