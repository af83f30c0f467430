import { DEFAULT_ACTIVITY_LABELS, type EventData, type StoredEvent } from '@pks/contracts';
import { asDomainEvent, NO_CHANGES, type Change, type Projection } from '../projection/projection.js';
import { formatDate, parseDate } from '../time/civil-days.js';
import { isoWeekOf, monthEnd, monthStart } from '../time/calendar.js';
import { offsetMs } from '../time/zoned-time.js';
import { evolveUnitDirectory, type UnitDirectory } from '../unit-directory/unit-directory.js';
import { grown, intern, newInternTable, parseInstantMs, type InternTable } from '../gap-list/columns.js';
import { forEachWeekPart, mondayOf, SCHEDULE_VS_PLAN_MODEL, weekKey } from './weeks.js';

export const DEFAULT_TIME_ZONE = 'Europe/Stockholm';
const DAY = 86_400_000;
const ACTIVE = 1;

/** Patient bookings in columns: interned unit, instants in ms. */
export interface BookingColumns {
  size: number;
  flags: Uint8Array;
  unit: Int32Array;
  start: Float64Array;
  end: Float64Array;
}

function newBookingColumns(): BookingColumns {
  return { size: 0, flags: new Uint8Array(0), unit: new Int32Array(0), start: new Float64Array(0), end: new Float64Array(0) };
}

function addBookingRow(t: BookingColumns): number {
  const row = t.size;
  if (row + 1 > t.flags.length) {
    t.flags = grown(t.flags, row + 1);
    t.unit = grown(t.unit, row + 1);
    t.start = grown(t.start, row + 1);
    t.end = grown(t.end, row + 1);
  }
  t.size = row + 1;
  return row;
}

export interface WaitlistEntry {
  unitId: string;
  /** medical target date */
  target: string;
  hours: number;
  activity: string | null;
}

/**
 * The plan side of schedule vs plan. Scheduled hours are not kept here: the query reads them from the gap-list
 * state, which already holds every shift (one copy of 3 million shifts a year instead of two).
 */
export interface ScheduleVsPlanState {
  units: UnitDirectory;
  /** activity label → parent (the built-in tree plus ActivityLabelDefined) */
  labels: Map<string, string | null>;
  /** interned unit ids */
  strings: InternTable;
  patientBookings: BookingColumns;
  patientBookingRows: Map<string, number>;
  /** patient bookingId → the waiting-list entry it books */
  bookingEntries: Map<string, string>;
  /** interned unit → Monday of the ISO week (days since 1970-01-01) → ms of non-cancelled patient bookings (integers: exact) */
  bookedMs: Map<number, Map<number, number>>;
  /** unitId → ISO week → activity → planned hours */
  weekPlans: Map<string, Map<string, Map<string, number>>>;
  /** unitId → month → activity → planned hours */
  monthPlans: Map<string, Map<string, Map<string, number>>>;
  /** unitId → entryId → entry still on the list */
  waitlist: Map<string, Map<string, WaitlistEntry>>;
  /** entryId → unitId, for removals */
  waitlistUnits: Map<string, string>;
  /** entryId → active patient bookings naming it */
  entryBookings: Map<string, number>;
}

export function initialScheduleVsPlanState(): ScheduleVsPlanState {
  return {
    units: new Map(),
    labels: new Map(DEFAULT_ACTIVITY_LABELS.map((l) => [l.code, l.parent])),
    strings: newInternTable(),
    patientBookings: newBookingColumns(),
    patientBookingRows: new Map(),
    bookingEntries: new Map(),
    bookedMs: new Map(),
    weekPlans: new Map(),
    monthPlans: new Map(),
    waitlist: new Map(),
    waitlistUnits: new Map(),
    entryBookings: new Map(),
  };
}

export function timeZoneOf(state: ScheduleVsPlanState, unitId: string): string {
  return state.units.get(unitId)?.timeZone ?? DEFAULT_TIME_ZONE;
}

type Touched = Map<string, Set<string>>;

function weeksOf(touched: Touched, unitId: string): Set<string> {
  let weeks = touched.get(unitId);
  if (!weeks) touched.set(unitId, (weeks = new Set()));
  return weeks;
}

/** Adds (sign 1) or removes (sign −1) a patient booking's hours, split at local week boundaries. */
function applyPatientBooking(state: ScheduleVsPlanState, row: number, sign: 1 | -1, touched: Set<string>): void {
  const t = state.patientBookings;
  const unit = t.unit[row]!;
  let byWeek = state.bookedMs.get(unit);
  if (!byWeek) state.bookedMs.set(unit, (byWeek = new Map()));
  const weeks = byWeek;
  forEachWeekPart(t.start[row]!, t.end[row]!, timeZoneOf(state, state.strings.strings[unit]!), (monday, ms) => {
    const next = (weeks.get(monday) ?? 0) + sign * ms;
    if (next === 0) weeks.delete(monday);
    else weeks.set(monday, next);
    touched.add(weekKey(monday));
  });
}

/** The weeks a waiting-list entry shows in: its target week, and the current week (by recordedAt) once it is overdue. */
function touchEntry(touched: Touched, entry: WaitlistEntry, today: string): void {
  const weeks = weeksOf(touched, entry.unitId);
  weeks.add(isoWeekOf(entry.target));
  if (entry.target < today) weeks.add(isoWeekOf(today));
}

function setPlan(state: ScheduleVsPlanState, d: EventData<'ProductionPlanSet'>, touched: Touched): void {
  const byUnit = d.week !== undefined ? state.weekPlans : state.monthPlans;
  const period = (d.week ?? d.month)!;
  let byPeriod = byUnit.get(d.unitId);
  if (!byPeriod) byUnit.set(d.unitId, (byPeriod = new Map()));
  let byActivity = byPeriod.get(period);
  if (!byActivity) byPeriod.set(period, (byActivity = new Map()));
  const before = byActivity.get(d.activity);
  // setting the same unit, period and activity again replaces it; a plan without hours leaves no hours
  if (d.plannedHours === undefined) byActivity.delete(d.activity);
  else byActivity.set(d.activity, d.plannedHours);
  if (byActivity.size === 0) byPeriod.delete(period);
  if (before === d.plannedHours) return;
  const weeks = weeksOf(touched, d.unitId);
  if (d.week !== undefined) weeks.add(d.week);
  else {
    const last = parseDate(monthEnd(d.month!));
    for (let day = mondayOf(parseDate(monthStart(d.month!))); day <= last; day += 7) weeks.add(weekKey(day));
  }
}

/** Recomputes a unit's booked hours after its time zone changed (rare). */
function rebucketUnit(state: ScheduleVsPlanState, unitId: string): void {
  const unit = state.strings.ids.get(unitId);
  if (unit === undefined) return;
  state.bookedMs.delete(unit);
  const ignore = new Set<string>();
  const t = state.patientBookings;
  for (let row = 0; row < t.size; row += 1) {
    if (t.unit[row] === unit && (t.flags[row]! & ACTIVE) !== 0) applyPatientBooking(state, row, 1, ignore);
  }
}

function localToday(state: ScheduleVsPlanState, unitId: string, instant: string): string {
  const ms = parseInstantMs(instant);
  const tz = timeZoneOf(state, unitId);
  return formatDate(Math.floor((ms + offsetMs(tz, ms)) / DAY));
}

function findEntry(state: ScheduleVsPlanState, entryId: string): WaitlistEntry | undefined {
  const unitId = state.waitlistUnits.get(entryId);
  return unitId === undefined ? undefined : state.waitlist.get(unitId)?.get(entryId);
}

function unbookEntry(state: ScheduleVsPlanState, bookingId: string, touched: Touched, today: string): void {
  const entryId = state.bookingEntries.get(bookingId);
  if (entryId === undefined) return;
  state.bookingEntries.delete(bookingId);
  const n = (state.entryBookings.get(entryId) ?? 0) - 1;
  if (n <= 0) state.entryBookings.delete(entryId);
  else state.entryBookings.set(entryId, n);
  const entry = findEntry(state, entryId);
  if (entry) touchEntry(touched, entry, today);
}

/**
 * The plan side of schedule vs production plan per unit × ISO week: production plans (week and month), patient
 * bookings (hours per local week, DST-correct) and the waiting list. Scheduled hours come from the gap-list state at
 * query time, and the gap-list projection reports the weeks that shift events change. Changes:
 * `{ model: 'schedule-vs-plan', unitId, key: '<ISO week>' }` (key `*`: every week of the unit; unitId null: every
 * unit, after the activity tree changed).
 */
export const scheduleVsPlan: Projection<ScheduleVsPlanState> = {
  name: 'schedule-vs-plan',
  version: 1,
  initialState: initialScheduleVsPlanState,
  evolve(state, stored: StoredEvent): readonly Change[] {
    const event = asDomainEvent(stored);
    if (!event) return NO_CHANGES;
    const touched: Touched = new Map();
    switch (event.type) {
      case 'UnitRegistered': {
        const before = timeZoneOf(state, event.data.unitId);
        evolveUnitDirectory(state.units, event);
        if (event.data.timeZone === before) return NO_CHANGES;
        rebucketUnit(state, event.data.unitId);
        return [{ model: SCHEDULE_VS_PLAN_MODEL, unitId: event.data.unitId, key: '*' }];
      }
      case 'ActivityLabelDefined': {
        const before = state.labels.get(event.data.code);
        state.labels.set(event.data.code, event.data.parent);
        return before === event.data.parent ? NO_CHANGES : [{ model: SCHEDULE_VS_PLAN_MODEL, unitId: null, key: '*' }];
      }
      case 'ProductionPlanSet':
        setPlan(state, event.data, touched);
        break;
      case 'PatientBooked': {
        const d = event.data;
        const t = state.patientBookings;
        let row = state.patientBookingRows.get(d.bookingId);
        const today = localToday(state, d.unitId, stored.metadata.recordedAt);
        if (row !== undefined && (t.flags[row]! & ACTIVE) !== 0) {
          applyPatientBooking(state, row, -1, weeksOf(touched, state.strings.strings[t.unit[row]!]!));
          unbookEntry(state, d.bookingId, touched, today);
        }
        if (row === undefined) {
          row = addBookingRow(t);
          state.patientBookingRows.set(d.bookingId, row);
        }
        t.flags[row] = ACTIVE;
        t.unit[row] = intern(state.strings, d.unitId);
        t.start[row] = parseInstantMs(d.start);
        t.end[row] = parseInstantMs(d.end);
        applyPatientBooking(state, row, 1, weeksOf(touched, d.unitId));
        if (d.waitlistEntryId !== undefined) {
          state.bookingEntries.set(d.bookingId, d.waitlistEntryId);
          state.entryBookings.set(d.waitlistEntryId, (state.entryBookings.get(d.waitlistEntryId) ?? 0) + 1);
          const entry = findEntry(state, d.waitlistEntryId);
          if (entry) touchEntry(touched, entry, today);
        }
        break;
      }
      case 'PatientBookingCancelled': {
        const row = state.patientBookingRows.get(event.data.bookingId);
        const t = state.patientBookings;
        if (row === undefined || (t.flags[row]! & ACTIVE) === 0) return NO_CHANGES;
        const unitId = state.strings.strings[t.unit[row]!]!;
        applyPatientBooking(state, row, -1, weeksOf(touched, unitId));
        t.flags[row] = 0;
        unbookEntry(state, event.data.bookingId, touched, localToday(state, unitId, stored.metadata.recordedAt));
        break;
      }
      case 'WaitlistEntryAdded': {
        const d = event.data;
        const old = findEntry(state, d.entryId);
        const today = localToday(state, d.unitId, stored.metadata.recordedAt);
        if (old) {
          state.waitlist.get(old.unitId)?.delete(d.entryId);
          touchEntry(touched, old, today);
        }
        const entry: WaitlistEntry = { unitId: d.unitId, target: d.medicalTargetDate, hours: d.expectedHours, activity: d.activity ?? null };
        let byEntry = state.waitlist.get(d.unitId);
        if (!byEntry) state.waitlist.set(d.unitId, (byEntry = new Map()));
        byEntry.set(d.entryId, entry);
        state.waitlistUnits.set(d.entryId, d.unitId);
        touchEntry(touched, entry, today);
        break;
      }
      case 'WaitlistEntryRemoved': {
        const entry = findEntry(state, event.data.entryId);
        if (!entry) return NO_CHANGES;
        state.waitlist.get(entry.unitId)?.delete(event.data.entryId);
        state.waitlistUnits.delete(event.data.entryId);
        touchEntry(touched, entry, localToday(state, entry.unitId, stored.metadata.recordedAt));
        break;
      }
      default:
        return NO_CHANGES;
    }
    if (touched.size === 0) return NO_CHANGES;
    const out: Change[] = [];
    for (const [unitId, weeks] of touched) for (const key of weeks) out.push({ model: SCHEDULE_VS_PLAN_MODEL, unitId, key });
    return out;
  },
};
