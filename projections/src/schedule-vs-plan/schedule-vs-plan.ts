import { DEFAULT_ACTIVITY_LABELS, type EventData, type StoredEvent } from '@pks/contracts';
import { asDomainEvent, NO_CHANGES, type Change, type Projection } from '../projection/projection.js';
import { formatDate, parseDate } from '../time/civil-days.js';
import { isoWeekOf, monthEnd, monthStart } from '../time/calendar.js';
import { offsetMs, zonedEpochMs } from '../time/zoned-time.js';
import { evolveUnitDirectory, type UnitDirectory } from '../unit-directory/unit-directory.js';
import { grown, intern, newInternTable, parseInstantMs, type InternTable } from '../gap-list/columns.js';

export const SCHEDULE_VS_PLAN_MODEL = 'schedule-vs-plan';
export const DEFAULT_TIME_ZONE = 'Europe/Stockholm';
const DAY = 86_400_000;

const ACTIVE = 1;
const STAFFED = 2;

/** Intervals (shifts or patient bookings) in columns: interned unit and activity, instants in ms. */
export interface SpanColumns {
  size: number;
  flags: Uint8Array;
  unit: Int32Array;
  /** interned activity, −1 = none */
  activity: Int32Array;
  start: Float64Array;
  end: Float64Array;
}

function newSpanColumns(): SpanColumns {
  return { size: 0, flags: new Uint8Array(0), unit: new Int32Array(0), activity: new Int32Array(0), start: new Float64Array(0), end: new Float64Array(0) };
}

function addSpanRow(t: SpanColumns): number {
  const row = t.size;
  if (row + 1 > t.flags.length) {
    t.flags = grown(t.flags, row + 1);
    t.unit = grown(t.unit, row + 1);
    t.activity = grown(t.activity, row + 1);
    t.start = grown(t.start, row + 1);
    t.end = grown(t.end, row + 1);
  }
  t.size = row + 1;
  return row;
}

/** Sums of one unit and ISO week, in milliseconds (integers, so adding and removing is exact). */
export interface WeekSums {
  /** interned level-3 activity → ms of staffed, non-cancelled shifts */
  scheduled: Map<number, number>;
  openMs: number;
  bookedMs: number;
}

export interface WaitlistEntry {
  unitId: string;
  /** medical target date */
  target: string;
  hours: number;
  activity: string | null;
}

export interface ScheduleVsPlanState {
  units: UnitDirectory;
  /** activity label → parent (the built-in tree plus ActivityLabelDefined) */
  labels: Map<string, string | null>;
  /** unit ids and activity codes */
  strings: InternTable;
  shifts: SpanColumns;
  shiftRows: Map<string, number>;
  patientBookings: SpanColumns;
  patientBookingRows: Map<string, number>;
  /** patient bookingId → the waiting-list entry it books */
  bookingEntries: Map<string, string>;
  /** interned unit → Monday of the ISO week (days since 1970-01-01) → sums */
  weeks: Map<number, Map<number, WeekSums>>;
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
    shifts: newSpanColumns(),
    shiftRows: new Map(),
    patientBookings: newSpanColumns(),
    patientBookingRows: new Map(),
    bookingEntries: new Map(),
    weeks: new Map(),
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

/** Monday (days since epoch) of the ISO week a day number falls in. */
export function mondayOf(day: number): number {
  return day - ((((day + 3) % 7) + 7) % 7);
}

/**
 * Splits [start, end) at local ISO-week boundaries (Monday 00:00 in the zone), calling back with each week's Monday
 * and the milliseconds in it. Durations are differences of instants, so a night across a DST change counts the
 * hours really worked (11 h in October, 9 h in March).
 */
export function forEachWeekPart(start: number, end: number, timeZone: string, add: (monday: number, ms: number) => void): void {
  let t = start;
  while (t < end) {
    const monday = mondayOf(Math.floor((t + offsetMs(timeZone, t)) / DAY));
    const lastMonday = mondayOf(Math.floor((end - 1 + offsetMs(timeZone, end - 1)) / DAY));
    if (lastMonday === monday) {
      add(monday, end - t);
      return;
    }
    const boundary = zonedEpochMs(formatDate(monday + 7), '00:00', timeZone);
    add(monday, boundary - t);
    t = boundary;
  }
}

function weekSums(state: ScheduleVsPlanState, unit: number, monday: number): WeekSums {
  let byWeek = state.weeks.get(unit);
  if (!byWeek) state.weeks.set(unit, (byWeek = new Map()));
  let sums = byWeek.get(monday);
  if (!sums) byWeek.set(monday, (sums = { scheduled: new Map(), openMs: 0, bookedMs: 0 }));
  return sums;
}

/** ISO week of a Monday, cached (not part of the state) */
const weekKeys = new Map<number, string>();
function weekKey(monday: number): string {
  let key = weekKeys.get(monday);
  if (key === undefined) {
    key = isoWeekOf(formatDate(monday));
    if (weekKeys.size > 100_000) weekKeys.clear();
    weekKeys.set(monday, key);
  }
  return key;
}

/** Adds (sign 1) or removes (sign −1) a shift row's hours; records the touched weeks. */
function applyShift(state: ScheduleVsPlanState, row: number, sign: 1 | -1, touched: Set<string>): void {
  const t = state.shifts;
  const unit = t.unit[row]!;
  const staffed = (t.flags[row]! & STAFFED) !== 0;
  const activity = t.activity[row]!;
  forEachWeekPart(t.start[row]!, t.end[row]!, timeZoneOf(state, state.strings.strings[unit]!), (monday, ms) => {
    const sums = weekSums(state, unit, monday);
    if (staffed) {
      const next = (sums.scheduled.get(activity) ?? 0) + sign * ms;
      if (next === 0) sums.scheduled.delete(activity);
      else sums.scheduled.set(activity, next);
    } else sums.openMs += sign * ms;
    touched.add(weekKey(monday));
  });
}

function applyPatientBooking(state: ScheduleVsPlanState, row: number, sign: 1 | -1, touched: Set<string>): void {
  const t = state.patientBookings;
  const unit = t.unit[row]!;
  forEachWeekPart(t.start[row]!, t.end[row]!, timeZoneOf(state, state.strings.strings[unit]!), (monday, ms) => {
    weekSums(state, unit, monday).bookedMs += sign * ms;
    touched.add(weekKey(monday));
  });
}

function upsertShift(state: ScheduleVsPlanState, d: EventData<'ShiftScheduled'>, touched: Map<string, Set<string>>): void {
  const t = state.shifts;
  const unit = intern(state.strings, d.unitId);
  const activity = intern(state.strings, d.activity);
  const start = parseInstantMs(d.start);
  const end = parseInstantMs(d.end);
  const flags = ACTIVE | (d.staffId !== null ? STAFFED : 0);
  let row = state.shiftRows.get(d.shiftId);
  if (row !== undefined) {
    if (t.flags[row] === flags && t.unit[row] === unit && t.activity[row] === activity && t.start[row] === start && t.end[row] === end) return;
    if ((t.flags[row]! & ACTIVE) !== 0) applyShift(state, row, -1, weeksOf(touched, state.strings.strings[t.unit[row]!]!));
  } else {
    row = addSpanRow(t);
    state.shiftRows.set(d.shiftId, row);
  }
  t.flags[row] = flags;
  t.unit[row] = unit;
  t.activity[row] = activity;
  t.start[row] = start;
  t.end[row] = end;
  applyShift(state, row, 1, weeksOf(touched, d.unitId));
}

function weeksOf(touched: Map<string, Set<string>>, unitId: string): Set<string> {
  let weeks = touched.get(unitId);
  if (!weeks) touched.set(unitId, (weeks = new Set()));
  return weeks;
}

/** The weeks a waiting-list entry shows in: its target week, and the current week (by recordedAt) once it is overdue. */
function touchEntry(touched: Map<string, Set<string>>, entry: WaitlistEntry, today: string): void {
  const weeks = weeksOf(touched, entry.unitId);
  weeks.add(isoWeekOf(entry.target));
  if (entry.target < today) weeks.add(isoWeekOf(today));
}

function setPlan(state: ScheduleVsPlanState, d: EventData<'ProductionPlanSet'>, touched: Map<string, Set<string>>): void {
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

/** Recomputes a unit's week sums after its time zone changed (rare). */
function rebucketUnit(state: ScheduleVsPlanState, unitId: string): void {
  const unit = state.strings.ids.get(unitId);
  if (unit === undefined) return;
  state.weeks.delete(unit);
  const ignore = new Set<string>();
  for (let row = 0; row < state.shifts.size; row += 1) {
    if (state.shifts.unit[row] === unit && (state.shifts.flags[row]! & ACTIVE) !== 0) applyShift(state, row, 1, ignore);
  }
  for (let row = 0; row < state.patientBookings.size; row += 1) {
    if (state.patientBookings.unit[row] === unit && (state.patientBookings.flags[row]! & ACTIVE) !== 0) applyPatientBooking(state, row, 1, ignore);
  }
}

function localToday(state: ScheduleVsPlanState, unitId: string, instant: string): string {
  const ms = parseInstantMs(instant);
  const tz = timeZoneOf(state, unitId);
  return formatDate(Math.floor((ms + offsetMs(tz, ms)) / DAY));
}

/**
 * Schedule vs production plan per unit × ISO week. Evolve keeps, per unit and week, the milliseconds of staffed
 * shifts per level-3 activity, of open shifts and of patient bookings (split at local week boundaries,
 * DST-correct), plus the plans and the waiting list; ratios, to-plan and waited-too-long are computed on query
 * against `now`. Changes: `{ model: 'schedule-vs-plan', unitId, key: '<ISO week>' }` (key `*`: every week).
 */
export const scheduleVsPlan: Projection<ScheduleVsPlanState> = {
  name: 'schedule-vs-plan',
  version: 1,
  initialState: initialScheduleVsPlanState,
  evolve(state, stored: StoredEvent): readonly Change[] {
    const event = asDomainEvent(stored);
    if (!event) return NO_CHANGES;
    const touched = new Map<string, Set<string>>();
    switch (event.type) {
      case 'UnitRegistered': {
        const before = state.units.get(event.data.unitId)?.timeZone ?? DEFAULT_TIME_ZONE;
        evolveUnitDirectory(state.units, event);
        if (event.data.timeZone !== before) {
          rebucketUnit(state, event.data.unitId);
          return [{ model: SCHEDULE_VS_PLAN_MODEL, unitId: event.data.unitId, key: '*' }];
        }
        return NO_CHANGES;
      }
      case 'ActivityLabelDefined': {
        const before = state.labels.get(event.data.code);
        state.labels.set(event.data.code, event.data.parent);
        return before === event.data.parent ? NO_CHANGES : [{ model: SCHEDULE_VS_PLAN_MODEL, unitId: null, key: '*' }];
      }
      case 'ShiftScheduled':
      case 'ShiftChanged':
        upsertShift(state, event.data, touched);
        break;
      case 'ShiftCancelled': {
        const row = state.shiftRows.get(event.data.shiftId);
        const t = state.shifts;
        if (row === undefined || (t.flags[row]! & ACTIVE) === 0) return NO_CHANGES;
        applyShift(state, row, -1, weeksOf(touched, state.strings.strings[t.unit[row]!]!));
        t.flags[row] = t.flags[row]! & ~ACTIVE;
        break;
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
          row = addSpanRow(t);
          state.patientBookingRows.set(d.bookingId, row);
        }
        t.flags[row] = ACTIVE;
        t.unit[row] = intern(state.strings, d.unitId);
        t.activity[row] = d.activity === undefined ? -1 : intern(state.strings, d.activity);
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

function findEntry(state: ScheduleVsPlanState, entryId: string): WaitlistEntry | undefined {
  const unitId = state.waitlistUnits.get(entryId);
  return unitId === undefined ? undefined : state.waitlist.get(unitId)?.get(entryId);
}

function unbookEntry(state: ScheduleVsPlanState, bookingId: string, touched: Map<string, Set<string>>, today: string): void {
  const entryId = state.bookingEntries.get(bookingId);
  if (entryId === undefined) return;
  state.bookingEntries.delete(bookingId);
  const n = (state.entryBookings.get(entryId) ?? 0) - 1;
  if (n <= 0) state.entryBookings.delete(entryId);
  else state.entryBookings.set(entryId, n);
  const entry = findEntry(state, entryId);
  if (entry) touchEntry(touched, entry, today);
}
