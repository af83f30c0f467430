import type { AbsenceKind } from '@pks/contracts';
import { formatDate } from '../time/civil-days.js';
import { weekdayOf } from '../time/calendar.js';
import { offsetMs } from '../time/zoned-time.js';
import { bedsOn, type UnitInfo } from '../unit-directory/unit-directory.js';
import { lowerBound } from './columns.js';
import { ACTIVE, BOOKING, REALLOCATION, SHIFT, shiftRowOf, type GapListState, type StaffingKeyRecord } from './gap-list-state.js';

export const DEFAULT_TIME_ZONE = 'Europe/Stockholm';
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** a clock-in up to this long before an entry starts counts for it */
export const CLOCK_IN_EARLY_MS = 2 * HOUR;
/** the longest entry (shifts and bookings are at most 24 h) */
const MAX_ENTRY_MS = 24 * HOUR;

export function timeZoneOfUnit(state: GapListState, unit: number): string {
  return state.units.get(state.strings.strings[unit]!)?.timeZone ?? DEFAULT_TIME_ZONE;
}

export function localDay(epochMs: number, timeZone: string): number {
  return Math.floor((epochMs + offsetMs(timeZone, epochMs)) / DAY);
}

/** formatDate, cached per day number (not part of the state) */
const dateStrings = new Map<number, string>();
export function dateOf(day: number): string {
  let date = dateStrings.get(day);
  if (date === undefined) {
    date = formatDate(day);
    if (dateStrings.size > 200_000) dateStrings.clear();
    dateStrings.set(day, date);
  }
  return date;
}

/** `<date>|<slot>|<competence>` of an entry row. */
export function cellKeyOf(state: GapListState, row: number): string {
  const e = state.entries;
  const s = state.strings.strings;
  const slot = e.slot[row]!;
  return `${dateOf(e.day[row]!)}|${slot < 0 ? '-' : s[slot]!}|${s[e.competence[row]!]!}`;
}

const startOf = (state: GapListState) => (row: number) => state.entries.start[row]!;

/**
 * The absence kind when the person is absent for more than half of the entry (union of their absences), else null.
 * The kind is that of the absence covering most of the entry.
 */
export function entryAbsence(state: GapListState, row: number): AbsenceKind | null {
  const e = state.entries;
  const staff = e.staff[row]!;
  if (staff < 0) return null;
  const list = state.staffAbsences.get(staff);
  if (!list || list.length === 0) return null;
  const start = e.start[row]!;
  const end = e.end[row]!;
  if (!(end > start)) return null;
  let first: [number, number] | null = null;
  let clipped: [number, number][] | null = null;
  let kind: AbsenceKind | null = null;
  let best = 0;
  for (const a of list) {
    const a0 = a.start > start ? a.start : start;
    const a1 = a.end < end ? a.end : end;
    if (a1 <= a0) continue;
    if (a1 - a0 > best) {
      best = a1 - a0;
      kind = a.kind;
    }
    if (first === null) first = [a0, a1];
    else (clipped ??= [first]).push([a0, a1]);
  }
  if (first === null) return null;
  let covered = 0;
  if (clipped === null) covered = first[1] - first[0];
  else {
    clipped.sort((x, y) => x[0] - y[0]);
    let [c0, c1] = clipped[0]!;
    for (let i = 1; i < clipped.length; i += 1) {
      const [x0, x1] = clipped[i]!;
      if (x0 <= c1) {
        if (x1 > c1) c1 = x1;
      } else {
        covered += c1 - c0;
        c0 = x0;
        c1 = x1;
      }
    }
    covered += c1 - c0;
  }
  return covered * 2 > end - start ? kind : null;
}

/**
 * For a shift the person was reallocated away from: the interned unit they were moved to, else −1. A reallocation
 * booking moves the shift it names (fromShiftId); one without fromShiftId moves the person's shifts on fromUnitId
 * that overlap it.
 */
export function movedTo(state: GapListState, row: number): number {
  const e = state.entries;
  if (e.kind[row] !== SHIFT) return -1;
  const named = state.moves.get(e.ids[row]!);
  if (named && named.length > 0) return e.unit[named[0]!]!;
  const staff = e.staff[row]!;
  if (staff < 0) return -1;
  const rows = state.byStaff.get(staff);
  if (!rows) return -1;
  const start = e.start[row]!;
  const end = e.end[row]!;
  const unitId = state.strings.strings[e.unit[row]!]!;
  for (let i = lowerBound(rows, start - MAX_ENTRY_MS, startOf(state)); i < rows.length; i += 1) {
    const b = rows[i]!;
    if (e.start[b]! >= end) break;
    if (e.kind[b] !== BOOKING || e.source[b] !== REALLOCATION || e.end[b]! <= start) continue;
    const r = state.reallocations.get(b);
    if (r && r.fromShiftId === null && r.fromUnitId === unitId) return e.unit[b]!;
  }
  return -1;
}

/** The shift rows a reallocation booking moves (named, or the person's overlapping shifts on fromUnitId). */
export function reallocationTargets(state: GapListState, bookingRow: number): number[] {
  const r = state.reallocations.get(bookingRow);
  if (!r) return [];
  const e = state.entries;
  if (r.fromShiftId !== null) {
    const shift = shiftRowOf(state, r.fromShiftId);
    return shift !== undefined && (e.flags[shift]! & ACTIVE) !== 0 ? [shift] : [];
  }
  const staff = e.staff[bookingRow]!;
  const rows = state.byStaff.get(staff);
  if (!rows) return [];
  const start = e.start[bookingRow]!;
  const end = e.end[bookingRow]!;
  const out: number[] = [];
  for (let i = lowerBound(rows, start - MAX_ENTRY_MS, startOf(state)); i < rows.length; i += 1) {
    const s = rows[i]!;
    if (e.start[s]! >= end) break;
    if (e.kind[s] === SHIFT && e.end[s]! > start && state.strings.strings[e.unit[s]!] === r.fromUnitId) out.push(s);
  }
  return out;
}

/** Does a clock record (staff, in, shiftRow) belong to an entry row? */
function clockMatches(state: GapListState, row: number, inMs: number, shiftRow: number): boolean {
  if (shiftRow >= 0) return shiftRow === row;
  const e = state.entries;
  return inMs >= e.start[row]! - CLOCK_IN_EARLY_MS && inMs < e.end[row]!;
}

/** The earliest clock-in (and its clock-out) on the entry's unit that belongs to the entry, or null. */
export function entryClock(state: GapListState, row: number): [inMs: number, outMs: number] | null {
  const e = state.entries;
  const staff = e.staff[row]!;
  if (staff < 0) return null;
  const byDay = state.clocks.get(e.unit[row]!);
  if (!byDay) return null;
  const tz = timeZoneOfUnit(state, e.unit[row]!);
  const start = e.start[row]!;
  const end = e.end[row]!;
  if (Number.isNaN(start)) return null;
  const first = localDay(start - CLOCK_IN_EARLY_MS, tz);
  const last = localDay(end, tz);
  let found: [number, number] | null = null;
  for (let d = first; d <= last; d += 1) {
    const recs = byDay.get(d);
    if (!recs) continue;
    for (let i = 0; i < recs.length; i += 4) {
      if (recs[i] !== staff) continue;
      const inMs = recs[i + 1]!;
      if (Number.isNaN(inMs) || !clockMatches(state, row, inMs, recs[i + 3]!)) continue;
      if (found === null || inMs < found[0]) found = [inMs, recs[i + 2]!];
    }
  }
  return found;
}

/** What a cell shows of one entry; two equal signatures mean the entry's part of the cell did not change. */
export function entrySignature(state: GapListState, row: number): string {
  if ((state.entries.flags[row]! & ACTIVE) === 0) return 'x';
  const clock = entryClock(state, row);
  return `${movedTo(state, row)}|${entryAbsence(state, row) ?? ''}|${clock ? `${clock[0]}|${clock[1]}` : ''}`;
}

/** Staff rows whose start lies in [from, to), in start order. */
export function staffRowsStartingIn(state: GapListState, staff: number, from: number, to: number): number[] {
  const rows = state.byStaff.get(staff);
  if (!rows) return [];
  const out: number[] = [];
  const e = state.entries;
  for (let i = lowerBound(rows, from, startOf(state)); i < rows.length; i += 1) {
    const r = rows[i]!;
    if (e.start[r]! >= to) break;
    out.push(r);
  }
  return out;
}

/** Staff rows overlapping [from, to). */
export function staffRowsOverlapping(state: GapListState, staff: number, from: number, to: number): number[] {
  const e = state.entries;
  return staffRowsStartingIn(state, staff, from - MAX_ENTRY_MS, to).filter((r) => e.end[r]! > from);
}

export interface CellRequirement {
  minimum: number | null;
  target: number | null;
  source: 'override' | 'key' | 'none';
}

function resolveRequirement(req: StaffingKeyRecord['minimum'], beds: number): number {
  if ('fixed' in req) return req.fixed;
  if (beds <= 0) return 0;
  return Math.ceil(beds / req.perBeds - 1e-9);
}

/**
 * The requirement of a cell: a StaffingRequirementSet for the date wins; else the staffing keys for the slot and
 * competence valid on the date (validFrom on or before it), a key for the date's weekday beating a general one,
 * and among those the latest validFrom. Per-beds keys use the beds to staff on the date, rounded up.
 */
export function cellRequirement(state: GapListState, unit: UnitInfo, date: string, slot: string, competence: string): CellRequirement {
  const override = state.overrides.get(unit.unitId)?.get(`${date}|${slot}|${competence}`);
  if (override) return { minimum: override[0], target: override[1], source: 'override' };
  const keys = state.keys.get(unit.unitId);
  if (!keys) return { minimum: null, target: null, source: 'none' };
  const weekday = weekdayOf(date);
  let best: StaffingKeyRecord | null = null;
  for (const k of keys) {
    if (k.slot !== slot || k.competence !== competence || k.validFrom > date) continue;
    if (k.weekday !== 0 && k.weekday !== weekday) continue;
    if (best === null) best = k;
    else if (k.weekday !== 0 && best.weekday === 0) best = k;
    else if ((k.weekday !== 0) === (best.weekday !== 0) && k.validFrom > best.validFrom) best = k;
  }
  if (best === null) return { minimum: null, target: null, source: 'none' };
  const beds = bedsOn(unit, date);
  return { minimum: resolveRequirement(best.minimum, beds), target: resolveRequirement(best.target, beds), source: 'key' };
}
