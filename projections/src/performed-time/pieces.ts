import { civilFromDays } from '../time/civil-days.js';
import { offsetMs } from '../time/zoned-time.js';
import {
  DAY_MS,
  DAY_S,
  FORM_UNKNOWN,
  HOUR_MS,
  KIND_ORDINARY,
  NO_ACTIVITY,
  NO_FORM,
  STATUS_ACTIVE,
  formOfStaff,
  kindFor,
  type PerformedTimeState,
} from './state.js';

/**
 * Query-time rules of performed time: how a shift becomes worked intervals (clock times, absence, double bookings,
 * the person's registrations), how registrations count against each other, and iteration over a unit's records.
 * Intervals are flat lists [start0, end0, start1, end1, …] in epoch ms.
 */

/** A clock time further than this outside its shift's scheduled interval is ignored (and reported). */
export const CLOCK_SLACK_S = 12 * 3600;
/** A clock event without shiftId matches the person's shift on the unit whose scheduled start (in) or end (out) is nearest, within this. */
export const CLOCK_MATCH_WINDOW_S = 4 * 3600;
/** Longest shift (contracts: 24 h) plus clock slack on both sides, for neighbour searches. */
const NEIGHBOUR_LOOKBACK_S = 24 * 3600 + 2 * CLOCK_SLACK_S;

/** Removes [s, e) from a sorted, disjoint interval list. */
export function subtractInterval(list: number[], s: number, e: number): number[] {
  if (e <= s || list.length === 0) return list;
  let touches = false;
  for (let i = 0; i < list.length; i += 2) if (s < list[i + 1]! && e > list[i]!) touches = true;
  if (!touches) return list;
  const out: number[] = [];
  for (let i = 0; i < list.length; i += 2) {
    const a = list[i]!;
    const b = list[i + 1]!;
    if (e <= a || s >= b) {
      out.push(a, b);
      continue;
    }
    if (s > a) out.push(a, s);
    if (e < b) out.push(e, b);
  }
  return out;
}

/** Removes [s, e) from a list of [start, end, tag] triples. */
export function subtractTagged(list: number[], s: number, e: number): number[] {
  if (e <= s || list.length === 0) return list;
  const out: number[] = [];
  for (let i = 0; i < list.length; i += 3) {
    const a = list[i]!;
    const b = list[i + 1]!;
    const tag = list[i + 2]!;
    if (e <= a || s >= b) {
      out.push(a, b, tag);
      continue;
    }
    if (s > a) out.push(a, s, tag);
    if (e < b) out.push(e, b, tag);
  }
  return out;
}

/** The clock-in of a shift in seconds if it counts (set, and within CLOCK_SLACK_S of the scheduled interval), else 0. */
export function effectiveClockIn(state: PerformedTimeState, row: number): number {
  const t = state.shifts;
  const c = t.clockIn[row]!;
  return c > 0 && c >= t.start[row]! - CLOCK_SLACK_S && c <= t.end[row]! + CLOCK_SLACK_S ? c : 0;
}

export function effectiveClockOut(state: PerformedTimeState, row: number): number {
  const t = state.shifts;
  const c = t.clockOut[row]!;
  return c > 0 && c >= t.start[row]! - CLOCK_SLACK_S && c <= t.end[row]! + CLOCK_SLACK_S ? c : 0;
}

export interface ShiftPieces {
  /** worked intervals, ms */
  worked: number[];
  /** [start, end, absenceKind] triples, ms: scheduled time lost to absence */
  absent: number[];
}

const EMPTY: ShiftPieces = Object.freeze({ worked: [], absent: [] }) as unknown as ShiftPieces;

/** The earliest instant (seconds) a shift can have worked time in, given its clock-in. */
function extentStartOf(state: PerformedTimeState, row: number): number {
  const ci = effectiveClockIn(state, row);
  const s = state.shifts.start[row]!;
  return ci > 0 && ci < s ? ci : s;
}

/** The latest instant (seconds) a shift can have worked time in, given its clock-out. */
function extentEndOf(state: PerformedTimeState, row: number): number {
  const co = effectiveClockOut(state, row);
  const e = state.shifts.end[row]!;
  return co > e ? co : e;
}

/**
 * Worked and absent intervals of one shift before double-booking is resolved:
 * - presence P = [clock-in or scheduled start, clock-out or scheduled end);
 * - with both clock times, worked = P (clocked presence wins over reported absence) and absence = the absence
 *   overlapping the scheduled time outside P;
 * - otherwise worked = P minus the person's absences, absence = the absence overlapping the scheduled time;
 * - overlapping absences of the person are counted once, the first reported wins.
 */
function rawPieces(state: PerformedTimeState, row: number, withAbsent: boolean): ShiftPieces {
  const t = state.shifts;
  const staff = t.staff[row]!;
  const s = t.start[row]! * 1000;
  const e = t.end[row]! * 1000;
  const ciS = effectiveClockIn(state, row);
  const coS = effectiveClockOut(state, row);
  const pS = ciS > 0 ? ciS * 1000 : s;
  const pE = coS > 0 ? coS * 1000 : e;
  const full = ciS > 0 && coS > 0 && pE > pS;
  let worked: number[] = pE > pS ? [pS, pE] : [];
  let base: number[] = full ? subtractInterval([s, e], pS, pE) : [s, e];
  const absent: number[] = [];
  const lo = Math.min(s, pS);
  const hi = Math.max(e, pE);
  const a = state.absences;
  for (const abs of state.staffAbsences[staff]!) {
    if (a.status[abs] !== STATUS_ACTIVE) continue;
    const as = a.start[abs]! * 1000;
    const ae = a.end[abs]! * 1000;
    if (ae <= lo || as >= hi) continue;
    if (!full) worked = subtractInterval(worked, as, ae);
    if (withAbsent && base.length > 0) {
      for (let i = 0; i < base.length; i += 2) {
        const os = Math.max(base[i]!, as);
        const oe = Math.min(base[i + 1]!, ae);
        if (oe > os) absent.push(os, oe, a.kind[abs]!);
      }
      base = subtractInterval(base, as, ae);
    }
  }
  return { worked, absent };
}

/** Index of the first entry of a staff's shift list whose scheduled start is ≥ startS. */
function lowerBound(state: PerformedTimeState, list: number[], startS: number): number {
  const starts = state.shifts.start;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[list[mid]!]! < startS) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Calls back for every other active shift of the same person whose extent (scheduled interval widened by its clock
 * times) overlaps [loS, hiS).
 */
export function forEachOverlappingShiftOfPerson(state: PerformedTimeState, staff: number, loS: number, hiS: number, skipRow: number, cb: (row: number) => void): void {
  const list = state.staffShifts[staff]!;
  const starts = state.shifts.start;
  for (let i = lowerBound(state, list, loS - NEIGHBOUR_LOOKBACK_S); i < list.length; i++) {
    const q = list[i]!;
    if (starts[q]! >= hiS + CLOCK_SLACK_S) break;
    if (q === skipRow) continue;
    if (extentStartOf(state, q) < hiS && extentEndOf(state, q) > loS) cb(q);
  }
}

/** Calls back for every active shift of a person with a scheduled start in [fromS − 24 h, toS). */
export function forEachShiftOfPerson(state: PerformedTimeState, staff: number, fromS: number, toS: number, cb: (row: number) => void): void {
  const list = state.staffShifts[staff]!;
  const starts = state.shifts.start;
  for (let i = lowerBound(state, list, fromS - NEIGHBOUR_LOOKBACK_S); i < list.length; i++) {
    const q = list[i]!;
    if (starts[q]! >= toS) break;
    cb(q);
  }
}

/** q comes before row for double bookings: earlier scheduled start, then scheduled first (lower row). */
function precedes(state: PerformedTimeState, q: number, row: number): boolean {
  const sq = state.shifts.start[q]!;
  const sr = state.shifts.start[row]!;
  return sq < sr || (sq === sr && q < row);
}

/**
 * The worked and absent intervals of a shift, every rule applied:
 * an open shift (nobody assigned) or a cancelled one has none; a person on two overlapping shifts is counted once:
 * the time goes to the shift that starts first (then the one scheduled first), the later one keeps only the rest
 * (of its worked and of its absent time).
 */
export function shiftPieces(state: PerformedTimeState, row: number): ShiftPieces {
  const t = state.shifts;
  const staff = t.staff[row]!;
  if (staff < 0 || t.status[row] !== STATUS_ACTIVE) return EMPTY;
  const pieces = rawPieces(state, row, true);
  const lo = extentStartOf(state, row);
  const hi = extentEndOf(state, row);
  forEachOverlappingShiftOfPerson(state, staff, lo, hi, row, (q) => {
    if (!precedes(state, q, row)) return;
    const other = rawPieces(state, q, false).worked;
    for (let i = 0; i < other.length; i += 2) pieces.worked = subtractInterval(pieces.worked, other[i]!, other[i + 1]!);
    pieces.absent = subtractTagged(pieces.absent, t.start[q]! * 1000, t.end[q]! * 1000);
  });
  return pieces;
}

/** Active shifts of the same person whose scheduled interval overlaps this one's (a double booking). */
export function doubleBookedWith(state: PerformedTimeState, row: number): number[] {
  const t = state.shifts;
  const staff = t.staff[row]!;
  const out: number[] = [];
  if (staff < 0 || t.status[row] !== STATUS_ACTIVE) return out;
  const s = t.start[row]!;
  const e = t.end[row]!;
  forEachShiftOfPerson(state, staff, s, e, (q) => {
    if (q !== row && t.start[q]! < e && t.end[q]! > s) out.push(q);
  });
  return out;
}

// ----- registrations against each other and against shifts --------------------------------------------------------

/** Longest registration (contracts: 72 h for on-call and standby, else 24 h), for searches in a person's list. */
export const REGISTRATION_LOOKBACK_S = 72 * 3600;

/** Index of the first entry of a person's registration list whose start is ≥ startS. */
function registrationLowerBound(state: PerformedTimeState, list: number[], startS: number): number {
  const starts = state.registrations.start;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[list[mid]!]! < startS) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Calls back for every registration of a person (any unit) whose interval overlaps [loS, hiS). */
export function forEachRegistrationOfPerson(state: PerformedTimeState, staff: number, loS: number, hiS: number, cb: (row: number) => void): void {
  const list = state.staffRegistrations[staff]!;
  if (list.length === 0) return;
  const r = state.registrations;
  for (let i = registrationLowerBound(state, list, loS - REGISTRATION_LOOKBACK_S); i < list.length; i++) {
    const q = list[i]!;
    if (r.start[q]! >= hiS) break;
    if (r.end[q]! > loS) cb(q);
  }
}

/** q was stated after row (higher seq; rows break a tie, which a log cannot produce). */
export function registeredAfter(state: PerformedTimeState, q: number, row: number): boolean {
  const seq = state.registrations.seq;
  return seq[q]! > seq[row]! || (seq[q] === seq[row] && q > row);
}

/**
 * The counted intervals (ms) of a registration: its interval minus the overlapping registrations of the same person
 * (on any unit) stated after it (the later registration wins the overlap). Null when that is the whole interval (the
 * usual case; no allocation). Without a person: the whole interval.
 */
export function registrationPieces(state: PerformedTimeState, row: number): number[] | null {
  const r = state.registrations;
  const staff = r.staff[row]!;
  if (staff < 0) return null;
  const list = state.staffRegistrations[staff]!;
  if (list.length < 2) return null;
  const s = r.start[row]!;
  const e = r.end[row]!;
  let out: number[] | null = null;
  for (let i = registrationLowerBound(state, list, s - REGISTRATION_LOOKBACK_S); i < list.length; i++) {
    const q = list[i]!;
    const qs = r.start[q]!;
    if (qs >= e) break;
    const qe = r.end[q]!;
    if (q === row || qe <= s || !registeredAfter(state, q, row)) continue;
    out = subtractInterval(out ?? [s * 1000, e * 1000], qs * 1000, qe * 1000);
  }
  return out;
}

/**
 * A shift's worked intervals minus the person's registrations on the shift's unit: a registration overlapping the
 * person's worked shift time counts that time itself (with its kind), so the shift keeps only the rest.
 */
export function minusOwnRegistrations(state: PerformedTimeState, row: number, worked: number[]): number[] {
  const staff = state.shifts.staff[row]!;
  if (staff < 0 || worked.length === 0) return worked;
  const list = state.staffRegistrations[staff]!;
  if (list.length === 0) return worked;
  const unit = state.shifts.unit[row]!;
  const r = state.registrations;
  const loS = Math.floor(worked[0]! / 1000);
  const hiS = Math.ceil(worked[worked.length - 1]! / 1000);
  let out = worked;
  for (let i = registrationLowerBound(state, list, loS - REGISTRATION_LOOKBACK_S); i < list.length; i++) {
    const q = list[i]!;
    const qs = r.start[q]!;
    if (qs >= hiS) break;
    const qe = r.end[q]!;
    if (qe > loS && r.unit[q] === unit) out = subtractInterval(out, qs * 1000, qe * 1000);
  }
  return out;
}

/**
 * Splits a registration's counted intervals (null = its whole interval) by the worked time of the person's shifts on
 * the same unit: calls back with each overlap and the shift row it overlaps, and with the rest (shift row -1). Double
 * bookings are resolved first, so an instant belongs to at most one shift. `workedOf` may hold the shifts' worked
 * time already computed (shiftPieces).
 */
export function splitByOwnShifts(
  state: PerformedTimeState,
  row: number,
  pieces: number[] | null,
  cb: (startMs: number, endMs: number, shiftRow: number) => void,
  workedOf?: Map<number, number[]>,
): void {
  const r = state.registrations;
  const t = state.shifts;
  const staff = r.staff[row]!;
  const unit = r.unit[row]!;
  const loS = r.start[row]!;
  const hiS = r.end[row]!;
  let rest = pieces ?? [loS * 1000, hiS * 1000];
  const list = staff >= 0 ? state.staffShifts[staff]! : [];
  const starts = t.start;
  for (let i = lowerBound(state, list, loS - NEIGHBOUR_LOOKBACK_S); i < list.length && rest.length > 0; i++) {
    const q = list[i]!;
    if (starts[q]! >= hiS + CLOCK_SLACK_S) break;
    if (t.unit[q] !== unit || extentStartOf(state, q) >= hiS || extentEndOf(state, q) <= loS) continue;
    const worked = workedOf?.get(q) ?? shiftPieces(state, q).worked;
    for (let k = 0; k < worked.length; k += 2) {
      const ws = worked[k]!;
      const we = worked[k + 1]!;
      for (let j = 0; j < rest.length; j += 2) {
        const s = Math.max(ws, rest[j]!);
        const e = Math.min(we, rest[j + 1]!);
        if (e > s) cb(s, e, q);
      }
    }
    for (let k = 0; k < worked.length; k += 2) rest = subtractInterval(rest, worked[k]!, worked[k + 1]!);
  }
  for (let j = 0; j < rest.length; j += 2) cb(rest[j]!, rest[j + 1]!, -1);
}

// ----- iteration over a unit's records ---------------------------------------------------------------------------

function forEachInChains(days: Map<number, number> | undefined, next: Int32Array, d0: number, d1: number, cb: (row: number) => void): void {
  if (!days) return;
  if (d1 - d0 > days.size * 2) {
    for (const [d, head] of days) {
      if (d < d0 || d > d1) continue;
      for (let r = head; r >= 0; r = next[r]!) cb(r);
    }
    return;
  }
  for (let d = d0; d <= d1; d++) {
    const head = days.get(d);
    if (head === undefined) continue;
    for (let r = head; r >= 0; r = next[r]!) cb(r);
  }
}

/** Active shifts of a unit that may have time (scheduled or clocked) in [fromMs, toMs). */
export function forEachShiftOfUnit(state: PerformedTimeState, unit: number, fromMs: number, toMs: number, cb: (row: number) => void): void {
  const d0 = Math.floor((fromMs / 1000 - NEIGHBOUR_LOOKBACK_S) / DAY_S);
  const d1 = Math.floor((toMs / 1000 + CLOCK_SLACK_S) / DAY_S);
  forEachInChains(state.shiftDays.get(unit), state.shifts.next, d0, d1, cb);
}

/** Registrations of a unit that start in [fromMs − 72 h, toMs). */
export function forEachRegistrationOfUnit(state: PerformedTimeState, unit: number, fromMs: number, toMs: number, cb: (row: number) => void): void {
  const d0 = Math.floor((fromMs - 72 * HOUR_MS) / DAY_MS);
  const d1 = Math.floor(toMs / DAY_MS);
  forEachInChains(state.registrationDays.get(unit), state.registrations.next, d0, d1, cb);
}

const monthDaysCache = new Map<number, [first: number, days: number]>();

/** First day (days since epoch) and length of a month number (year × 12 + month − 1). */
export function monthSpan(month: number): [number, number] {
  let span = monthDaysCache.get(month);
  if (!span) {
    const y = Math.floor(month / 12);
    const m = month - y * 12;
    const first = Date.UTC(y, m, 1) / DAY_MS;
    const next = Date.UTC(y, m + 1, 1) / DAY_MS;
    span = [first, next - first];
    monthDaysCache.set(month, span);
  }
  return span;
}

/** Month number (year × 12 + month − 1) of a day number. */
export function monthNumberOfDay(day: number): number {
  const [y, m] = civilFromDays(day);
  return y * 12 + m - 1;
}

/**
 * Hour reports of a unit placed on local dates in [fromDay, toDay]: a day-level report on its date, a month-level
 * report spread evenly over the calendar days of its month (hours ÷ days in month per day).
 */
export function forEachReportDay(state: PerformedTimeState, unit: number, fromDay: number, toDay: number, cb: (row: number, day: number, hours: number) => void): void {
  const months = state.reportMonths.get(unit);
  if (!months) return;
  const r = state.reports;
  for (let m = monthNumberOfDay(fromDay), last = monthNumberOfDay(toDay); m <= last; m++) {
    const head = months.get(m);
    if (head === undefined) continue;
    const [first, days] = monthSpan(m);
    for (let row = head; row >= 0; row = r.next[row]!) {
      if (r.monthLevel[row] === 1) {
        const share = r.hours[row]! / days;
        for (let d = Math.max(first, fromDay), end = Math.min(first + days - 1, toDay); d <= end; d++) cb(row, d, share);
      } else {
        const d = r.day[row]!;
        if (d >= fromDay && d <= toDay) cb(row, d, r.hours[row]!);
      }
    }
  }
}

// ----- attributes of performed time ------------------------------------------------------------------------------

export interface WorkAttrs {
  unit: number;
  staff: number;
  competence: number;
  activity: number;
  form: number;
  kind: number;
}

/**
 * Every piece of performed time of a unit inside [fromMs, toMs) (clip toMs to now before calling), from shifts and
 * work registrations, each instant of a person once: a shift's worked time minus the person's registrations on the
 * same unit (those count it, with their kind), a registration's interval minus the person's later registrations
 * (see registrationPieces); a registration without an activity takes that of the shift whose worked time it covers.
 * And, when onAbsent is given, the scheduled time of the unit's shifts lost to absence (registrations do not change it).
 * Hour reports are separate (forEachReportDay): they carry no instants.
 */
export function forEachWorkPiece(
  state: PerformedTimeState,
  unit: number,
  fromMs: number,
  toMs: number,
  onWork: (startMs: number, endMs: number, attrs: WorkAttrs) => void,
  onAbsent?: (startMs: number, endMs: number, absenceKind: number, attrs: WorkAttrs) => void,
): void {
  if (toMs <= fromMs) return;
  const t = state.shifts;
  const attrs: WorkAttrs = { unit, staff: -1, competence: 0, activity: 0, form: FORM_UNKNOWN, kind: KIND_ORDINARY };
  /** worked time of the shifts of people with registrations (their registrations may take the shift's activity) */
  const workedOf = new Map<number, number[]>();
  forEachShiftOfUnit(state, unit, fromMs, toMs, (row) => {
    const staff = t.staff[row]!;
    if (staff < 0) return;
    const pieces = shiftPieces(state, row);
    let worked = pieces.worked;
    if (state.staffRegistrations[staff]!.length > 0) {
      workedOf.set(row, worked);
      worked = minusOwnRegistrations(state, row, worked);
    }
    attrs.staff = staff;
    attrs.competence = t.competence[row]!;
    attrs.activity = t.activity[row]!;
    attrs.form = formOfStaff(state, staff);
    attrs.kind = kindFor(attrs.form, KIND_ORDINARY);
    const w = worked;
    for (let i = 0; i < w.length; i += 2) {
      const s = Math.max(w[i]!, fromMs);
      const e = Math.min(w[i + 1]!, toMs);
      if (e > s) onWork(s, e, attrs);
    }
    if (onAbsent) {
      const a = pieces.absent;
      for (let i = 0; i < a.length; i += 3) {
        const s = Math.max(a[i]!, fromMs);
        const e = Math.min(a[i + 1]!, toMs);
        if (e > s) onAbsent(s, e, a[i + 2]!, attrs);
      }
    }
  });
  const r = state.registrations;
  const emit = (s0: number, e0: number) => {
    const s = Math.max(s0, fromMs);
    const e = Math.min(e0, toMs);
    if (e > s) onWork(s, e, attrs);
  };
  const emitWithShiftActivity = (s: number, e: number, shiftRow: number) => {
    attrs.activity = shiftRow < 0 ? NO_ACTIVITY : t.activity[shiftRow]!;
    emit(s, e);
  };
  forEachRegistrationOfUnit(state, unit, fromMs, toMs, (row) => {
    if (r.end[row]! * 1000 <= fromMs || r.start[row]! * 1000 >= toMs) return;
    const staff = r.staff[row]!;
    attrs.staff = staff;
    attrs.competence = r.competence[row]!;
    attrs.activity = r.activity[row]!;
    const registered = staff >= 0 && state.staff[staff] !== null;
    attrs.form = registered ? formOfStaff(state, staff) : r.form[row] !== NO_FORM ? r.form[row]! : FORM_UNKNOWN;
    attrs.kind = kindFor(attrs.form, r.kind[row]!);
    const pieces = registrationPieces(state, row);
    if (attrs.activity === NO_ACTIVITY && staff >= 0 && state.staffShifts[staff]!.length > 0) {
      // no activity of its own: where it covers worked time of the person's shift on this unit, the shift's activity
      splitByOwnShifts(state, row, pieces, emitWithShiftActivity, workedOf);
    } else if (pieces === null) {
      emit(r.start[row]! * 1000, r.end[row]! * 1000);
    } else {
      for (let i = 0; i < pieces.length; i += 2) emit(pieces[i]!, pieces[i + 1]!);
    }
  });
}

// ----- local days -----------------------------------------------------------------------------------------------

/**
 * Splits [startMs, endMs) into local calendar days (days since 1970-01-01) of a zone, with the hours in each.
 * Arithmetic on cached offsets: no Temporal call, no allocation.
 */
export function forEachLocalDay(startMs: number, endMs: number, timeZone: string, cb: (day: number, hours: number) => void): void {
  let t = startMs;
  while (t < endMs) {
    const off = offsetMs(timeZone, t);
    const day = Math.floor((t + off) / DAY_MS);
    const nextMidnightLocal = (day + 1) * DAY_MS;
    let m = nextMidnightLocal - off;
    const off2 = offsetMs(timeZone, m);
    if (off2 !== off) {
      const corrected = nextMidnightLocal - off2;
      if (corrected > t) m = corrected;
    }
    const end = Math.min(endMs, m);
    cb(day, (end - t) / HOUR_MS);
    t = end;
  }
}

/** The local day (days since epoch) of an instant in ms. */
export function localDayOf(ms: number, timeZone: string): number {
  return Math.floor((ms + offsetMs(timeZone, ms)) / DAY_MS);
}
