import type { DomainEvent, StoredEvent } from '@pks/contracts';
import { asDomainEvent, NO_CHANGES, type Change, type Projection } from '../projection/projection.js';
import { parseDate } from '../time/civil-days.js';
import { evolveUnitDirectory } from '../unit-directory/unit-directory.js';
import { idInsert, idLookup } from './id-index.js';
import { CLOCK_MATCH_WINDOW_S, CLOCK_SLACK_S, forEachRegistrationOfPerson, forEachShiftOfPerson, localDayOf, monthNumberOfDay, monthSpan } from './pieces.js';
import {
  ABSENCE_KINDS,
  DAY_S,
  FORMS,
  FORM_MONTHLY,
  KINDS,
  MAX_CLOCK_FINDINGS,
  MAX_PENDING_CLOCKS,
  NO_ACTIVITY,
  NO_FORM,
  PAY_COMPONENT_ABSENCE_BASE,
  STATUS_ACTIVE,
  STATUS_INACTIVE,
  dateText,
  ensureRow,
  initialPerformedTimeState,
  internActivity,
  internCompetence,
  internStaff,
  internUnit,
  monthNumber,
  monthTextOfDay,
  toSeconds,
  type ClockFinding,
  type PendingClock,
  type PerformedTimeState,
} from './state.js';

/** The read models this projection's state serves; Change.model is one of these. */
export const PERFORMED_TIME_MODEL = 'performed-time';
export const STAFF_VOLUME_MODEL = 'staff-volume';
export const CHPPD_MODEL = 'chppd';
/** Change key meaning "everything of this unit (or, with unitId null, of every unit) may have changed": refetch. */
export const ALL_CELLS = '*';

const ON_CALL_LABEL = 'pat.jourber.jour';
const STANDBY_LABEL = 'pat.jourber.beredskap';

const KIND_CODE: Record<string, number> = Object.fromEntries(KINDS.map((k, i) => [k, i]));
const FORM_CODE: Record<string, number> = Object.fromEntries(FORMS.map((f, i) => [f, i]));
const ABSENCE_CODE: Record<string, number> = Object.fromEntries(ABSENCE_KINDS.map((k, i) => [k, i]));
const PAY_COMPONENT_CODE: Record<string, number> = {
  ...Object.fromEntries(KINDS.slice(0, 6).map((k, i) => [k, i])),
  ...Object.fromEntries(ABSENCE_KINDS.map((k, i) => [`absence-${k}`, PAY_COMPONENT_ABSENCE_BASE + i])),
};

// ----- change collection ---------------------------------------------------------------------------------------

function addChange(changes: Change[], model: string, unitId: string | null, key: string): void {
  for (const c of changes) if (c.key === key && c.model === model && c.unitId === unitId) return;
  changes.push({ model, unitId, key });
}

/** Marks the local dates (performed-time, chppd) and months (staff-volume) of [startS, endS) on a unit. */
function touchInterval(state: PerformedTimeState, changes: Change[], unit: number, startS: number, endS: number): void {
  const tz = state.unitTimeZones[unit]!;
  const unitId = state.unitCodes[unit]!;
  const d0 = localDayOf(startS * 1000, tz);
  const d1 = Math.min(localDayOf(Math.max(startS, endS - 1) * 1000, tz), d0 + 400);
  let lastMonth = '';
  for (let d = d0; d <= d1; d++) {
    const date = dateText(d);
    addChange(changes, PERFORMED_TIME_MODEL, unitId, date);
    addChange(changes, CHPPD_MODEL, unitId, date);
    const month = monthTextOfDay(d);
    if (month !== lastMonth) addChange(changes, STAFF_VOLUME_MODEL, unitId, month);
    lastMonth = month;
  }
}

/**
 * Marks the staff-volume months of [startS, endS) on a monthly person's home unit (their absence is counted there);
 * nothing when that is `skipUnit` (already marked).
 */
function touchHome(state: PerformedTimeState, changes: Change[], staff: number, startS: number, endS: number, skipUnit = -1): void {
  const info = staff >= 0 ? state.staff[staff] : null;
  if (!info || info.form !== FORM_MONTHLY || info.home < 0 || info.home === skipUnit) return;
  const tz = state.unitTimeZones[info.home]!;
  const unitId = state.unitCodes[info.home]!;
  const d0 = localDayOf(startS * 1000, tz);
  const d1 = Math.min(localDayOf(Math.max(startS, endS - 1) * 1000, tz), d0 + 450);
  let lastMonth = '';
  for (let d = d0; d <= d1; d++) {
    const month = monthTextOfDay(d);
    if (month !== lastMonth) addChange(changes, STAFF_VOLUME_MODEL, unitId, month);
    lastMonth = month;
  }
}

function allOfUnit(changes: Change[], unitId: string | null): void {
  addChange(changes, PERFORMED_TIME_MODEL, unitId, ALL_CELLS);
  addChange(changes, STAFF_VOLUME_MODEL, unitId, ALL_CELLS);
  addChange(changes, CHPPD_MODEL, unitId, ALL_CELLS);
}

/** Earliest instant (s) a shift can have time in: its scheduled start or an earlier clock-in. */
function extentStart(t: PerformedTimeState['shifts'], row: number): number {
  const ci = t.clockIn[row]!;
  return ci > 0 && ci < t.start[row]! ? ci : t.start[row]!;
}

function extentEnd(t: PerformedTimeState['shifts'], row: number): number {
  const co = t.clockOut[row]!;
  return co > t.end[row]! ? co : t.end[row]!;
}

/**
 * A shift's cells over [lo, hi) (its extent, widened by the caller to cover a previous extent), those of its
 * double-booking partners (their counted time depends on it) and its person's home-unit months.
 */
function touchShift(state: PerformedTimeState, changes: Change[], row: number, lo = Infinity, hi = -Infinity): void {
  const t = state.shifts;
  if (t.status[row] !== STATUS_ACTIVE) return;
  const s = Math.min(extentStart(t, row), lo);
  const e = Math.max(extentEnd(t, row), hi);
  const unit = t.unit[row]!;
  touchInterval(state, changes, unit, s, e);
  const staff = t.staff[row]!;
  if (staff < 0) return;
  touchHome(state, changes, staff, s, e, unit);
  const list = state.staffShifts[staff]!;
  if (list.length < 2) return;
  const starts = t.start;
  // partners start at most 24 h (longest shift) + 12 h (clock slack) before s
  const from = s - 36 * 3600;
  let a = 0;
  let b = list.length;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (starts[list[mid]!]! < from) a = mid + 1;
    else b = mid;
  }
  for (let i = a; i < list.length; i++) {
    const q = list[i]!;
    if (starts[q]! >= e + CLOCK_SLACK_S) break;
    if (q === row) continue;
    const qs = extentStart(t, q);
    const qe = extentEnd(t, q);
    if (qs < e && qe > s) touchInterval(state, changes, t.unit[q]!, qs, qe);
  }
}

// ----- chains and lists ----------------------------------------------------------------------------------------

function link(chains: Map<number, Map<number, number>>, next: Int32Array, unit: number, key: number, row: number): void {
  let days = chains.get(unit);
  if (!days) {
    days = new Map();
    chains.set(unit, days);
  }
  const head = days.get(key);
  next[row] = head === undefined ? -1 : head;
  days.set(key, row);
}

function unlink(chains: Map<number, Map<number, number>>, next: Int32Array, unit: number, key: number, row: number): void {
  const days = chains.get(unit);
  const head = days?.get(key);
  if (!days || head === undefined) return;
  if (head === row) {
    if (next[row]! < 0) days.delete(key);
    else days.set(key, next[row]!);
    return;
  }
  for (let r = head; r >= 0; r = next[r]!) {
    if (next[r] === row) {
      next[r] = next[row]!;
      return;
    }
  }
}

function insertIntoStaffList(state: PerformedTimeState, staff: number, row: number): void {
  const list = state.staffShifts[staff]!;
  const starts = state.shifts.start;
  const s = starts[row]!;
  // shifts mostly arrive in time order: check the end first
  if (list.length === 0 || starts[list[list.length - 1]!]! <= s) {
    list.push(row);
    return;
  }
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[list[mid]!]! <= s) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, row);
}

function removeFromStaffList(state: PerformedTimeState, staff: number, row: number): void {
  const list = state.staffShifts[staff]!;
  const starts = state.shifts.start;
  const s = starts[row]!;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[list[mid]!]! < s) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < list.length && starts[list[i]!]! === s; i++) {
    if (list[i] === row) {
      list.splice(i, 1);
      return;
    }
  }
  const i = list.indexOf(row);
  if (i >= 0) list.splice(i, 1);
}

function removeValue(list: number[], value: number): void {
  const i = list.indexOf(value);
  if (i >= 0) list.splice(i, 1);
}

// ----- clocks -------------------------------------------------------------------------------------------------

function addClockFinding(state: PerformedTimeState, unit: number, finding: ClockFinding): void {
  let list = state.clockFindings.get(unit);
  if (!list) {
    list = [];
    state.clockFindings.set(unit, list);
  }
  list.push(finding);
  if (list.length > MAX_CLOCK_FINDINGS) {
    list.shift();
    state.droppedClockEvents += 1;
  }
}

function addPending(state: PerformedTimeState, staff: number, clock: PendingClock): void {
  let list = state.pendingClocks.get(staff);
  if (!list) {
    list = [];
    state.pendingClocks.set(staff, list);
  }
  list.push(clock);
  if (list.length > MAX_PENDING_CLOCKS) {
    list.shift();
    state.droppedClockEvents += 1;
  }
}

/** Sets a clock time on a shift; a time more than CLOCK_SLACK_S outside the scheduled interval is ignored and reported. */
function attachClock(state: PerformedTimeState, changes: Change[], row: number, staff: number, at: number, out: boolean): void {
  const t = state.shifts;
  if (at < t.start[row]! - CLOCK_SLACK_S || at > t.end[row]! + CLOCK_SLACK_S) {
    addClockFinding(state, t.unit[row]!, { kind: 'clock-far-from-shift', staff, at, out, shiftRow: row });
    return;
  }
  const lo = extentStart(t, row);
  const hi = extentEnd(t, row);
  if (out) t.clockOut[row] = at;
  else t.clockIn[row] = at;
  touchShift(state, changes, row, lo, hi);
}

/**
 * The shift a clock event without shiftId belongs to: the person's active shift on that unit whose scheduled start
 * (clock-in) or scheduled end (clock-out) is nearest to the clock time, at most CLOCK_MATCH_WINDOW_S away; on a tie
 * the one without that clock time yet, then the earlier one.
 */
function nearestShift(state: PerformedTimeState, staff: number, unit: number, at: number, out: boolean): number {
  const t = state.shifts;
  let best = -1;
  let bestDistance = Infinity;
  let bestHas = true;
  forEachShiftOfPerson(state, staff, at - CLOCK_MATCH_WINDOW_S, at + CLOCK_MATCH_WINDOW_S + 1, (q) => {
    if (t.unit[q] !== unit) return;
    const distance = Math.abs(at - (out ? t.end[q]! : t.start[q]!));
    if (distance > CLOCK_MATCH_WINDOW_S) return;
    const has = (out ? t.clockOut[q]! : t.clockIn[q]!) > 0;
    if (distance < bestDistance || (distance === bestDistance && bestHas && !has)) {
      best = q;
      bestDistance = distance;
      bestHas = has;
    }
  });
  return best;
}

/** Clock events that waited for a shift: attach those that now match this one. */
function attachPending(state: PerformedTimeState, changes: Change[], staff: number, row: number, shiftId: string): void {
  const list = state.pendingClocks.get(staff);
  if (!list || list.length === 0) return;
  const t = state.shifts;
  const keep: PendingClock[] = [];
  for (const p of list) {
    const matches =
      p.shiftId !== null
        ? p.shiftId === shiftId
        : p.unit === t.unit[row] && Math.abs(p.at - (p.out ? t.end[row]! : t.start[row]!)) <= CLOCK_MATCH_WINDOW_S;
    if (matches) attachClock(state, changes, row, staff, p.at, p.out);
    else keep.push(p);
  }
  if (keep.length === 0) state.pendingClocks.delete(staff);
  else state.pendingClocks.set(staff, keep);
}

// ----- event handlers ------------------------------------------------------------------------------------------

type Ev<T extends DomainEvent['type']> = Extract<DomainEvent, { type: T }>;

function onShift(state: PerformedTimeState, e: Ev<'ShiftScheduled'> | Ev<'ShiftChanged'>): Change[] {
  const d = e.data;
  const t = state.shifts;
  const changes: Change[] = [];
  let row = idLookup(state.shiftIds, d.shiftId);
  let oldStaff = -1;
  if (row < 0) {
    row = ensureRow(t);
    idInsert(state.shiftIds, d.shiftId);
    t.clockIn[row] = 0;
    t.clockOut[row] = 0;
    t.status[row] = STATUS_INACTIVE;
  } else {
    oldStaff = t.staff[row]!;
    if (t.status[row] === STATUS_ACTIVE) {
      touchShift(state, changes, row);
      unlink(state.shiftDays, t.next, t.unit[row]!, Math.floor(t.start[row]! / DAY_S), row);
      if (oldStaff >= 0) removeFromStaffList(state, oldStaff, row);
    }
  }
  const unit = internUnit(state, d.unitId);
  const staff = d.staffId === null ? -1 : internStaff(state, d.staffId);
  if (oldStaff >= 0 && staff !== oldStaff && (t.clockIn[row]! > 0 || t.clockOut[row]! > 0)) {
    // the person changed: the clock times were the previous person's; they wait for another shift of theirs
    if (t.clockIn[row]! > 0) addPending(state, oldStaff, { unit: t.unit[row]!, at: t.clockIn[row]!, out: false, shiftId: null });
    if (t.clockOut[row]! > 0) addPending(state, oldStaff, { unit: t.unit[row]!, at: t.clockOut[row]!, out: true, shiftId: null });
    t.clockIn[row] = 0;
    t.clockOut[row] = 0;
  }
  t.start[row] = toSeconds(d.start);
  t.end[row] = toSeconds(d.end);
  t.unit[row] = unit;
  t.staff[row] = staff;
  t.competence[row] = internCompetence(state, d.competence);
  t.activity[row] = internActivity(state, d.activity);
  t.status[row] = STATUS_ACTIVE;
  link(state.shiftDays, t.next, unit, Math.floor(t.start[row]! / DAY_S), row);
  if (staff >= 0) {
    insertIntoStaffList(state, staff, row);
    attachPending(state, changes, staff, row, d.shiftId);
  }
  touchShift(state, changes, row);
  return changes;
}

function onShiftCancelled(state: PerformedTimeState, e: Ev<'ShiftCancelled'>): readonly Change[] {
  const row = idLookup(state.shiftIds, e.data.shiftId);
  const t = state.shifts;
  if (row < 0 || t.status[row] !== STATUS_ACTIVE) return NO_CHANGES;
  const changes: Change[] = [];
  touchShift(state, changes, row);
  unlink(state.shiftDays, t.next, t.unit[row]!, Math.floor(t.start[row]! / DAY_S), row);
  const staff = t.staff[row]!;
  if (staff >= 0) removeFromStaffList(state, staff, row);
  t.status[row] = STATUS_INACTIVE;
  if (t.clockIn[row]! > 0) addClockFinding(state, t.unit[row]!, { kind: 'clock-on-cancelled-shift', staff, at: t.clockIn[row]!, out: false, shiftRow: row });
  if (t.clockOut[row]! > 0) addClockFinding(state, t.unit[row]!, { kind: 'clock-on-cancelled-shift', staff, at: t.clockOut[row]!, out: true, shiftRow: row });
  return changes;
}

function onClock(state: PerformedTimeState, e: Ev<'ClockedIn'> | Ev<'ClockedOut'>): readonly Change[] {
  const d = e.data;
  const staff = internStaff(state, d.staffId);
  const unit = internUnit(state, d.unitId);
  const at = toSeconds(d.at);
  const out = e.type === 'ClockedOut';
  const changes: Change[] = [];
  const t = state.shifts;
  if (d.shiftId !== undefined) {
    const row = idLookup(state.shiftIds, d.shiftId);
    if (row < 0) {
      addPending(state, staff, { unit, at, out, shiftId: d.shiftId });
      return NO_CHANGES;
    }
    if (t.status[row] !== STATUS_ACTIVE) {
      // kept on the row (counts again if the shift is restated), reported meanwhile
      if (out) t.clockOut[row] = at;
      else t.clockIn[row] = at;
      addClockFinding(state, t.unit[row]!, { kind: 'clock-on-cancelled-shift', staff, at, out, shiftRow: row });
      return NO_CHANGES;
    }
    attachClock(state, changes, row, staff, at, out);
    return changes;
  }
  const row = nearestShift(state, staff, unit, at, out);
  if (row < 0) {
    addPending(state, staff, { unit, at, out, shiftId: null });
    return NO_CHANGES;
  }
  attachClock(state, changes, row, staff, at, out);
  return changes;
}

function insertRegistration(state: PerformedTimeState, staff: number, row: number): void {
  const list = state.staffRegistrations[staff]!;
  const starts = state.registrations.start;
  const s = starts[row]!;
  // registrations mostly arrive in time order: check the end first
  if (list.length === 0 || starts[list[list.length - 1]!]! <= s) {
    list.push(row);
    return;
  }
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[list[mid]!]! <= s) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, row);
}

function removeRegistration(state: PerformedTimeState, staff: number, row: number): void {
  const list = state.staffRegistrations[staff]!;
  const starts = state.registrations.start;
  const s = starts[row]!;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[list[mid]!]! < s) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < list.length && starts[list[i]!]! === s; i++) {
    if (list[i] === row) {
      list.splice(i, 1);
      return;
    }
  }
  removeValue(list, row);
}

/**
 * A registration's cells: its own interval on its unit (the person's shift time there that it overlaps is on the same
 * unit and dates) and, for the person's other registrations overlapping it, the overlap on their units (the later
 * registration wins an overlap, so theirs can change).
 */
function touchRegistration(state: PerformedTimeState, changes: Change[], row: number): void {
  const r = state.registrations;
  const s = r.start[row]!;
  const e = r.end[row]!;
  touchInterval(state, changes, r.unit[row]!, s, e);
  const staff = r.staff[row]!;
  if (staff < 0) return;
  forEachRegistrationOfPerson(state, staff, s, e, (q) => {
    if (q !== row) touchInterval(state, changes, r.unit[q]!, Math.max(s, r.start[q]!), Math.min(e, r.end[q]!));
  });
}

function onWorkRegistered(state: PerformedTimeState, e: Ev<'WorkRegistered'>): Change[] {
  const d = e.data;
  const r = state.registrations;
  const changes: Change[] = [];
  let row = idLookup(state.registrationIds, d.registrationId);
  if (row < 0) {
    row = ensureRow(r);
    idInsert(state.registrationIds, d.registrationId);
  } else {
    // a correction: the earlier registration's hours leave the period they were in
    touchRegistration(state, changes, row);
    unlink(state.registrationDays, r.next, r.unit[row]!, Math.floor(r.start[row]! / DAY_S), row);
    if (r.staff[row]! >= 0) removeRegistration(state, r.staff[row]!, row);
  }
  const unit = internUnit(state, d.unitId);
  const staff = d.staffId === null ? -1 : internStaff(state, d.staffId);
  r.start[row] = toSeconds(d.start);
  r.end[row] = toSeconds(d.end);
  r.unit[row] = unit;
  r.staff[row] = staff;
  r.competence[row] = internCompetence(state, d.competence);
  r.kind[row] = KIND_CODE[d.kind]!;
  r.activity[row] = internActivity(state, d.activity ?? (d.kind === 'on-call' ? ON_CALL_LABEL : d.kind === 'standby' ? STANDBY_LABEL : null));
  r.form[row] = d.employmentForm === undefined ? NO_FORM : FORM_CODE[d.employmentForm]!;
  // stated now: it wins its overlaps with the person's other registrations
  state.registrationSeq += 1;
  r.seq[row] = state.registrationSeq;
  link(state.registrationDays, r.next, unit, Math.floor(r.start[row]! / DAY_S), row);
  if (staff >= 0) insertRegistration(state, staff, row);
  touchRegistration(state, changes, row);
  return changes;
}

/** The cells an absence affects: the dates of the person's shifts it overlaps, and the home unit's months. */
function touchAbsence(state: PerformedTimeState, changes: Change[], row: number): void {
  const a = state.absences;
  const staff = a.staff[row]!;
  const s = a.start[row]!;
  const e = a.end[row]!;
  const t = state.shifts;
  // a shift with one clock time has worked time outside its scheduled interval, which absence also reduces
  forEachShiftOfPerson(state, staff, s, e + CLOCK_SLACK_S, (q) => {
    const qs = extentStart(t, q);
    const qe = extentEnd(t, q);
    if (qs < e && qe > s) touchInterval(state, changes, t.unit[q]!, qs, qe);
  });
  touchHome(state, changes, staff, s, e);
}

function onAbsence(state: PerformedTimeState, e: Ev<'AbsenceReported'> | Ev<'AbsenceCorrected'>): Change[] {
  const d = e.data;
  const a = state.absences;
  const changes: Change[] = [];
  const staff = internStaff(state, d.staffId);
  let row = idLookup(state.absenceIds, d.absenceId);
  if (row < 0) {
    row = ensureRow(a);
    idInsert(state.absenceIds, d.absenceId);
    state.staffAbsences[staff]!.push(row);
  } else {
    if (a.status[row] === STATUS_ACTIVE) touchAbsence(state, changes, row);
    if (a.staff[row] !== staff) {
      removeValue(state.staffAbsences[a.staff[row]!]!, row);
      // keep the first-reported order (overlapping absences: the first reported wins)
      const list = state.staffAbsences[staff]!;
      list.push(row);
      list.sort((x, y) => x - y);
    }
  }
  a.start[row] = toSeconds(d.start);
  a.end[row] = toSeconds(d.end);
  a.staff[row] = staff;
  a.kind[row] = ABSENCE_CODE[d.kind]!;
  a.status[row] = STATUS_ACTIVE;
  touchAbsence(state, changes, row);
  return changes;
}

function onAbsenceWithdrawn(state: PerformedTimeState, e: Ev<'AbsenceWithdrawn'>): readonly Change[] {
  const a = state.absences;
  const row = idLookup(state.absenceIds, e.data.absenceId);
  if (row < 0 || a.status[row] !== STATUS_ACTIVE) return NO_CHANGES;
  const changes: Change[] = [];
  touchAbsence(state, changes, row);
  a.status[row] = STATUS_INACTIVE;
  return changes;
}

function touchReport(state: PerformedTimeState, changes: Change[], row: number): void {
  const r = state.reports;
  const unit = r.unit[row]!;
  const unitId = state.unitCodes[unit]!;
  const first = r.day[row]!;
  const days = r.monthLevel[row] === 1 ? monthSpan(monthNumberOfDay(first))[1] : 1;
  for (let d = first; d < first + days; d++) {
    const date = dateText(d);
    addChange(changes, PERFORMED_TIME_MODEL, unitId, date);
    addChange(changes, CHPPD_MODEL, unitId, date);
  }
  addChange(changes, STAFF_VOLUME_MODEL, unitId, monthTextOfDay(first));
}

function onHoursReported(state: PerformedTimeState, e: Ev<'HoursReported'>): Change[] {
  const d = e.data;
  const r = state.reports;
  const changes: Change[] = [];
  let row = idLookup(state.reportIds, d.reportId);
  if (row < 0) {
    row = ensureRow(r);
    idInsert(state.reportIds, d.reportId);
  } else {
    touchReport(state, changes, row);
    unlink(state.reportMonths, r.next, r.unit[row]!, monthNumberOfDay(r.day[row]!), row);
  }
  const unit = internUnit(state, d.unitId);
  const monthLevel = d.date === undefined;
  const day = monthLevel ? parseDate(`${d.month!}-01`) : parseDate(d.date!);
  const component = PAY_COMPONENT_CODE[d.payComponent]!;
  r.unit[row] = unit;
  r.day[row] = day;
  r.monthLevel[row] = monthLevel ? 1 : 0;
  r.competence[row] = internCompetence(state, d.competence);
  r.form[row] = FORM_CODE[d.employmentForm]!;
  r.component[row] = component;
  r.hours[row] = d.hours;
  r.activity[row] = internActivity(state, d.activity ?? (d.payComponent === 'on-call' ? ON_CALL_LABEL : d.payComponent === 'standby' ? STANDBY_LABEL : null));
  link(state.reportMonths, r.next, unit, monthLevel ? monthNumber(d.month!) : monthNumberOfDay(day), row);
  touchReport(state, changes, row);
  return changes;
}

function onStaffRegistered(state: PerformedTimeState, e: Ev<'StaffRegistered'>): Change[] {
  const d = e.data;
  const staff = internStaff(state, d.staffId);
  const old = state.staff[staff];
  const info = {
    form: FORM_CODE[d.employmentForm]!,
    rate: d.rate,
    home: d.homeUnitId === null ? -1 : internUnit(state, d.homeUnitId),
    competence: internCompetence(state, d.competences[0]!),
    employedFrom: d.employedFrom === undefined ? null : parseDate(d.employedFrom),
    employedUntil: d.employedUntil === undefined ? null : parseDate(d.employedUntil),
  };
  state.staff[staff] = info;
  const changes: Change[] = [];
  if (old && old.home >= 0) addChange(changes, STAFF_VOLUME_MODEL, state.unitCodes[old.home]!, ALL_CELLS);
  if (info.home >= 0) addChange(changes, STAFF_VOLUME_MODEL, state.unitCodes[info.home]!, ALL_CELLS);
  if (!old || old.form !== info.form || old.competence !== info.competence) {
    // the kind, employment form or category of all their time may change: every unit they worked on
    const units = new Set<number>();
    for (const row of state.staffShifts[staff]!) units.add(state.shifts.unit[row]!);
    for (const row of state.staffRegistrations[staff]!) units.add(state.registrations.unit[row]!);
    for (const unit of units) allOfUnit(changes, state.unitCodes[unit]!);
  }
  return changes;
}

function evolvePerformedTime(state: PerformedTimeState, event: StoredEvent): readonly Change[] {
  const e = asDomainEvent(event);
  if (!e) return NO_CHANGES;
  switch (e.type) {
    case 'ShiftScheduled':
    case 'ShiftChanged':
      return onShift(state, e);
    case 'ShiftCancelled':
      return onShiftCancelled(state, e);
    case 'ClockedIn':
    case 'ClockedOut':
      return onClock(state, e);
    case 'WorkRegistered':
      return onWorkRegistered(state, e);
    case 'AbsenceReported':
    case 'AbsenceCorrected':
      return onAbsence(state, e);
    case 'AbsenceWithdrawn':
      return onAbsenceWithdrawn(state, e);
    case 'HoursReported':
      return onHoursReported(state, e);
    case 'StaffRegistered':
      return onStaffRegistered(state, e);
    case 'CensusRecorded': {
      const unit = internUnit(state, e.data.unitId);
      let days = state.census.get(unit);
      if (!days) {
        days = new Map();
        state.census.set(unit, days);
      }
      days.set(parseDate(e.data.date), e.data.patients);
      return [{ model: CHPPD_MODEL, unitId: e.data.unitId, key: e.data.date }];
    }
    case 'DimensioningSet': {
      const unit = internUnit(state, e.data.unitId);
      let byMonth = state.dimensioning.get(unit);
      if (!byMonth) {
        byMonth = new Map();
        state.dimensioning.set(unit, byMonth);
      }
      byMonth.set(`${e.data.month}|${e.data.staffCategory}`, e.data.fte);
      return [{ model: STAFF_VOLUME_MODEL, unitId: e.data.unitId, key: e.data.month }];
    }
    case 'UnitRegistered': {
      const unit = internUnit(state, e.data.unitId);
      const before = state.unitTimeZones[unit];
      evolveUnitDirectory(state.units, e);
      state.unitTimeZones[unit] = e.data.timeZone;
      if (before !== e.data.timeZone) {
        // every bucket of the unit's time so far moves
        const changes: Change[] = [];
        allOfUnit(changes, e.data.unitId);
        return changes;
      }
      return NO_CHANGES;
    }
    case 'CompetenceDefined': {
      state.competences.set(e.data.code, {
        code: e.data.code,
        name: e.data.name,
        nameEn: e.data.nameEn ?? null,
        category: e.data.category,
        careStaff: e.data.careStaff,
      });
      const changes: Change[] = [];
      allOfUnit(changes, null);
      return changes;
    }
    case 'ActivityLabelDefined':
      state.labels.set(e.data.code, { code: e.data.code, level: e.data.level, name: e.data.name, nameEn: e.data.nameEn ?? null, parent: e.data.parent });
      return [{ model: PERFORMED_TIME_MODEL, unitId: null, key: ALL_CELLS }];
    default:
      return NO_CHANGES;
  }
}

/**
 * Performed time (utförd tid), and the state behind the staff-volume (HÅA, ProdN) and CHPPD read models. See
 * README.md in this folder for every rule.
 */
export const performedTime: Projection<PerformedTimeState> = {
  name: 'performed-time',
  version: 2,
  initialState: initialPerformedTimeState,
  evolve: evolvePerformedTime,
};
