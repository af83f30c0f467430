import { DEFAULT_ACTIVITY_LABELS, type EventData, type StoredEvent } from '@pks/contracts';
import { asDomainEvent, NO_CHANGES, type Change, type Projection } from '../projection/projection.js';
import { formatDate, parseDate } from '../time/civil-days.js';
import { isoWeekOf, monthEnd, monthStart } from '../time/calendar.js';
import { offsetMs } from '../time/zoned-time.js';
import { evolveUnitDirectory, type UnitDirectory } from '../unit-directory/unit-directory.js';
import { grown, intern, newInternTable, parseInstantMs, type InternTable } from '../gap-list/columns.js';
import { idInsert, idKey, idLookup, newIdIndex, type IdIndex } from '../performed-time/id-index.js';
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
  /** the waiting-list entry (its number in `entryIds`) the booking books, −1 = none */
  entry: Int32Array;
}

function newBookingColumns(): BookingColumns {
  return { size: 0, flags: new Uint8Array(0), unit: new Int32Array(0), start: new Float64Array(0), end: new Float64Array(0), entry: new Int32Array(0) };
}

function addBookingRow(t: BookingColumns): number {
  const row = t.size;
  if (row + 1 > t.flags.length) {
    t.flags = grown(t.flags, row + 1);
    t.unit = grown(t.unit, row + 1);
    t.start = grown(t.start, row + 1);
    t.end = grown(t.end, row + 1);
    t.entry = grown(t.entry, row + 1);
  }
  t.entry[row] = -1;
  t.size = row + 1;
  return row;
}

/** Waiting-list entries ever named (by an entry or a booking), by number in `entryIds`. */
export interface EntryColumns {
  size: number;
  /** interned unit of the entry while it is on the list, −1 = not on the list */
  unit: Int32Array;
  /** active patient bookings naming the entry */
  bookings: Int32Array;
}

function newEntryColumns(): EntryColumns {
  return { size: 0, unit: new Int32Array(0), bookings: new Int32Array(0) };
}

/** The number of a waiting-list entry id, adding it when `add` (else −1 when unknown). */
function entryNumber(state: ScheduleVsPlanState, entryId: string, add: boolean): number {
  const found = idLookup(state.entryIds, entryId);
  if (found >= 0 || !add) return found;
  const row = idInsert(state.entryIds, entryId);
  const t = state.entries;
  if (row + 1 > t.unit.length) {
    t.unit = grown(t.unit, row + 1);
    t.bookings = grown(t.bookings, row + 1);
  }
  t.unit[row] = -1;
  t.bookings[row] = 0;
  t.size = row + 1;
  return row;
}

/** Active patient bookings naming a waiting-list entry. */
export function entryBookingCount(state: ScheduleVsPlanState, entryId: string): number {
  const n = idLookup(state.entryIds, entryId);
  return n < 0 ? 0 : state.entries.bookings[n]!;
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
  /** patient bookingId → row of patientBookings (ids as bytes: no string per booking) */
  patientBookingRows: IdIndex;
  /** waiting-list entry id → its number in `entries` */
  entryIds: IdIndex;
  entries: EntryColumns;
  /** interned unit → Monday of the ISO week (days since 1970-01-01) → ms of non-cancelled patient bookings (integers: exact) */
  bookedMs: Map<number, Map<number, number>>;
  /** unitId → ISO week → activity → planned hours */
  weekPlans: Map<string, Map<string, Map<string, number>>>;
  /** unitId → month → activity → planned hours */
  monthPlans: Map<string, Map<string, Map<string, number>>>;
  /** unitId → entryId → entry still on the list */
  waitlist: Map<string, Map<string, WaitlistEntry>>;
}

export function initialScheduleVsPlanState(): ScheduleVsPlanState {
  return {
    units: new Map(),
    labels: new Map(DEFAULT_ACTIVITY_LABELS.map((l) => [l.code, l.parent])),
    strings: newInternTable(),
    patientBookings: newBookingColumns(),
    patientBookingRows: newIdIndex(),
    entryIds: newIdIndex(),
    entries: newEntryColumns(),
    bookedMs: new Map(),
    weekPlans: new Map(),
    monthPlans: new Map(),
    waitlist: new Map(),
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
  const n = idLookup(state.entryIds, entryId);
  const unit = n < 0 ? -1 : state.entries.unit[n]!;
  return unit < 0 ? undefined : state.waitlist.get(state.strings.strings[unit]!)?.get(entryId);
}

function unbookEntry(state: ScheduleVsPlanState, row: number, touched: Touched, today: string): void {
  const t = state.patientBookings;
  const n = t.entry[row]!;
  if (n < 0) return;
  t.entry[row] = -1;
  const e = state.entries;
  if (e.bookings[n]! > 0) e.bookings[n] = e.bookings[n]! - 1;
  const unit = e.unit[n]!;
  if (unit < 0) return;
  const entry = state.waitlist.get(state.strings.strings[unit]!)?.get(idKey(state.entryIds, n));
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
  version: 2,
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
        let row = idLookup(state.patientBookingRows, d.bookingId);
        const today = localToday(state, d.unitId, stored.metadata.recordedAt);
        if (row >= 0 && (t.flags[row]! & ACTIVE) !== 0) {
          applyPatientBooking(state, row, -1, weeksOf(touched, state.strings.strings[t.unit[row]!]!));
          unbookEntry(state, row, touched, today);
        }
        if (row < 0) {
          row = addBookingRow(t);
          idInsert(state.patientBookingRows, d.bookingId);
        }
        t.flags[row] = ACTIVE;
        t.unit[row] = intern(state.strings, d.unitId);
        t.start[row] = parseInstantMs(d.start);
        t.end[row] = parseInstantMs(d.end);
        applyPatientBooking(state, row, 1, weeksOf(touched, d.unitId));
        if (d.waitlistEntryId !== undefined) {
          const n = entryNumber(state, d.waitlistEntryId, true);
          t.entry[row] = n;
          state.entries.bookings[n] = state.entries.bookings[n]! + 1;
          const entry = findEntry(state, d.waitlistEntryId);
          if (entry) touchEntry(touched, entry, today);
        }
        break;
      }
      case 'PatientBookingCancelled': {
        const row = idLookup(state.patientBookingRows, event.data.bookingId);
        const t = state.patientBookings;
        if (row < 0 || (t.flags[row]! & ACTIVE) === 0) return NO_CHANGES;
        const unitId = state.strings.strings[t.unit[row]!]!;
        applyPatientBooking(state, row, -1, weeksOf(touched, unitId));
        t.flags[row] = 0;
        unbookEntry(state, row, touched, localToday(state, unitId, stored.metadata.recordedAt));
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
        state.entries.unit[entryNumber(state, d.entryId, true)] = intern(state.strings, d.unitId);
        touchEntry(touched, entry, today);
        break;
      }
      case 'WaitlistEntryRemoved': {
        const entry = findEntry(state, event.data.entryId);
        if (!entry) return NO_CHANGES;
        state.waitlist.get(entry.unitId)?.delete(event.data.entryId);
        state.entries.unit[entryNumber(state, event.data.entryId, false)] = -1;
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
