import { isoWeekStart, parseDate } from '@pks/projections';
import { dayOfYmd, monthOfDay, weekdayOfDay, yearOfDay } from './local-calendar.js';
import { PATTERN_NIGHT, type SimContext } from './sim-context.js';
import { Tag, weightedIndex } from './random.js';

/**
 * Sick calls start more often on Mondays (ISO weekday − 1) … and in winter (month − 1). The weekday factors average
 * 1; the month factors follow the Swedish seasonal pattern of short-term sick leave (flu season Dec–Mar).
 */
export const SICK_WEEKDAY_FACTOR = [1.55, 1.05, 0.9, 0.88, 0.95, 0.8, 0.87];
export const SICK_MONTH_FACTOR = [1.35, 1.4, 1.2, 1.0, 0.85, 0.75, 0.6, 0.7, 0.95, 1.05, 1.15, 1.2];
/** Probability per person and calendar day that a sick spell starts (before the factors). */
export const SICK_BASE_RATE = 0.0105;
/** Spell lengths 1–7 days, then 8–14 and 15–28. */
const SICK_LENGTH_WEIGHTS = [0.28, 0.2, 0.15, 0.09, 0.08, 0.04, 0.05, 0.08, 0.03];
export const MAX_SICK_DAYS = 28;
/** Care of a sick child (VAB): parents of small children, more in winter. */
const VAB_BASE_RATE = 0.006;
const VAB_MONTH_FACTOR = [1.5, 1.6, 1.3, 1.0, 0.8, 0.6, 0.3, 0.4, 1.0, 1.2, 1.4, 1.3];
export const MAX_VAB_DAYS = 3;
/** Share of sick calls that were a mistake and are withdrawn within the hour. */
const PHANTOM_SHARE = 0.01;

export type SpellKind = 'sick' | 'child-care';

export interface Spell {
  kind: SpellKind;
  staff: number;
  start: number;
  /** days, true length */
  length: number;
  /** days first reported (≤ length); the rest comes as an AbsenceCorrected */
  reported: number;
  phantom: boolean;
}

/**
 * Absence as pure functions of (seed, person, day): sick and care-of-child spells, summer and Christmas vacation,
 * parental leave. A spell is a candidate when its start day's random number is below the day's rate; a candidate
 * inside an earlier candidate's days is not reported (the person is already off), so whether a person is absent on
 * a day needs only the candidates of the 28 days before it.
 */
export class AbsenceModel {
  private readonly weekStarts = new Map<number, number>();
  /** per year: staff × [summer from, to, christmas from, to, parental from, to], −1 = none */
  private readonly planned = new Map<number, Int32Array>();
  /** per (kind, staff, 64-day block): candidate lengths by day of the block */
  private readonly blocks = new Map<number, Int8Array>();
  private readonly covered = new Map<number, Uint8Array>();
  private readonly sickRates = new Map<number, number>();
  private readonly vabRates = new Map<number, number>();

  constructor(
    private readonly ctx: SimContext,
    /** the end instant of the person's rostered night shift starting on a day, or NaN */
    private readonly nightShiftEnd: (staff: number, day: number) => number,
  ) {}

  // ---- planned absence -------------------------------------------------------------------------------------

  private plannedFor(year: number): Int32Array {
    let a = this.planned.get(year);
    if (a) return a;
    const n = this.ctx.staff.length;
    a = new Int32Array(n * 6).fill(-1);
    const jan1 = dayOfYmd(year, 1, 1);
    for (const s of this.ctx.staff) {
      if (!s.reportsAbsence) continue;
      const i = s.idx * 6;
      // four weeks from week 23, 25, 27, 29 or 31: at most about 40 % away in any summer week
      const week = 23 + 2 * Math.floor(this.ctx.u(Tag.vacation, s.idx, year) * 5);
      const start = this.weekStart(year, week);
      a[i] = start;
      a[i + 1] = start + 28;
      const u = this.ctx.u(Tag.christmas, s.idx, year);
      if (u < 0.4) {
        a[i + 2] = u < 0.2 ? dayOfYmd(year, 12, 23) : dayOfYmd(year, 12, 30);
        a[i + 3] = u < 0.2 ? dayOfYmd(year, 12, 27) : dayOfYmd(year + 1, 1, 2);
      }
      if (s.kids && this.ctx.u(Tag.parental, s.idx, year) < 0.06) {
        const p = jan1 + Math.floor(this.ctx.u(Tag.parental, s.idx, year, 1) * 365);
        a[i + 4] = p;
        a[i + 5] = p + 60 + Math.floor(this.ctx.u(Tag.parental, s.idx, year, 2) * 180);
      }
    }
    this.planned.set(year, a);
    return a;
  }

  private range(staff: number, year: number, slot: number): [number, number] | null {
    const a = this.plannedFor(year);
    const from = a[staff * 6 + slot]!;
    return from < 0 ? null : [from, a[staff * 6 + slot + 1]!];
  }

  /** Four summer weeks (in ISO weeks 23–34) for monthly employees: [first day, day after). */
  summerVacation(staff: number, year: number): [number, number] | null {
    return this.range(staff, year, 0);
  }

  /** Christmas or New Year days off for about 40 %. */
  christmasVacation(staff: number, year: number): [number, number] | null {
    return this.range(staff, year, 2);
  }

  /** Parental leave starting in a year (parents of small children, about 6 % a year), 2–8 months. */
  parentalLeave(staff: number, year: number): [number, number] | null {
    return this.range(staff, year, 4);
  }

  /** On vacation or parental leave (planned absence the schedule already knows about). */
  unavailable(staff: number, day: number): boolean {
    const st = this.ctx.staff[staff]!;
    if (st.seasonal) {
      const [from, to] = this.ctx.summerSeason(day);
      return day < from || day >= to;
    }
    if (!st.reportsAbsence) return false;
    const year = yearOfDay(day);
    const a = this.plannedFor(year);
    const i = staff * 6;
    if ((day >= a[i]! && day < a[i + 1]!) || (day >= a[i + 2]! && day < a[i + 3]!) || (day >= a[i + 4]! && day < a[i + 5]!)) return true;
    const b = this.plannedFor(year - 1);
    return (day >= b[i + 2]! && day < b[i + 3]!) || (day >= b[i + 4]! && day < b[i + 5]!);
  }

  private weekStart(year: number, week: number): number {
    const key = year * 100 + week;
    let d = this.weekStarts.get(key);
    if (d === undefined) {
      d = parseDate(isoWeekStart(`${year}-W${week < 10 ? '0' : ''}${week}`));
      this.weekStarts.set(key, d);
    }
    return d;
  }

  // ---- sick and care of child --------------------------------------------------------------------------------

  private sickRate(day: number): number {
    let r = this.sickRates.get(day);
    if (r === undefined) {
      r = SICK_BASE_RATE * SICK_WEEKDAY_FACTOR[weekdayOfDay(day) - 1]! * SICK_MONTH_FACTOR[monthOfDay(day) - 1]!;
      this.sickRates.set(day, r);
    }
    return r;
  }

  private vabRate(day: number): number {
    let r = this.vabRates.get(day);
    if (r === undefined) {
      r = weekdayOfDay(day) > 5 ? 0 : VAB_BASE_RATE * VAB_MONTH_FACTOR[monthOfDay(day) - 1]!;
      this.vabRates.set(day, r);
    }
    return r;
  }

  /** Length of a sick candidate starting on a day (0 = none). */
  sickCandidate(staff: number, day: number): number {
    const s = this.ctx.staff[staff]!;
    if (!s.reportsAbsence) return 0;
    if (this.ctx.u(Tag.sickStart, staff, day) >= this.sickRate(day) * s.prone) return 0;
    const u = this.ctx.u(Tag.sickLength, staff, day);
    const bucket = weightedIndex(SICK_LENGTH_WEIGHTS, u);
    const v = this.ctx.u(Tag.sickLength, staff, day, 1);
    if (bucket < 7) return bucket + 1;
    if (bucket === 7) return 8 + Math.floor(v * 7);
    return 15 + Math.floor(v * 14);
  }

  vabCandidate(staff: number, day: number): number {
    const s = this.ctx.staff[staff]!;
    if (!s.reportsAbsence || !s.kids) return 0;
    const rate = this.vabRate(day);
    if (rate === 0 || this.ctx.u(Tag.vabStart, staff, day) >= rate) return 0;
    return 1 + Math.floor(this.ctx.u(Tag.vabLength, staff, day) * MAX_VAB_DAYS);
  }

  /** Candidate lengths of 64 days, cached (each person-day is hashed once however often it is asked). */
  private block(kind: SpellKind, staff: number, block: number): Int8Array {
    const key = (block * 2 + (kind === 'sick' ? 0 : 1)) * 65_536 + staff;
    let b = this.blocks.get(key);
    if (!b) {
      b = new Int8Array(64);
      const first = block * 64;
      const s = this.ctx.staff[staff]!;
      if (s.reportsAbsence && (kind === 'sick' || s.kids)) {
        for (let d = 0; d < 64; d += 1) b[d] = kind === 'sick' ? this.sickCandidate(staff, first + d) : this.vabCandidate(staff, first + d);
      }
      this.blocks.set(key, b);
    }
    return b;
  }

  private candidate(kind: SpellKind, staff: number, day: number): number {
    const block = Math.floor(day / 64);
    return this.block(kind, staff, block)[day - block * 64]!;
  }

  private isPhantom(kind: SpellKind, staff: number, day: number): boolean {
    return this.ctx.u(kind === 'sick' ? Tag.sickCorrection : Tag.vabReport, staff, day, 7) < PHANTOM_SHARE;
  }

  /** Whether a candidate starting on `day` is reported: no earlier real candidate still covers that day. */
  private startsFresh(kind: SpellKind, staff: number, day: number): boolean {
    const max = kind === 'sick' ? MAX_SICK_DAYS : MAX_VAB_DAYS;
    for (let k = 1; k < max; k += 1) {
      const earlier = this.candidate(kind, staff, day - k);
      if (earlier > k && !this.isPhantom(kind, staff, day - k)) return false;
    }
    return true;
  }

  /**
   * The spell starting on a day if the person reports one that day (a candidate not inside an earlier real
   * candidate, and not on planned leave), else null.
   */
  spellStarting(kind: SpellKind, staff: number, day: number): Spell | null {
    const length = this.candidate(kind, staff, day);
    if (length === 0) return null;
    if (this.unavailable(staff, day)) return null;
    if (!this.startsFresh(kind, staff, day)) return null;
    const phantom = this.isPhantom(kind, staff, day);
    return { kind, staff, start: day, length, reported: this.reportedLength(kind, staff, day, length), phantom };
  }

  /** The real (not withdrawn) spell covering a day, or null. */
  spellCovering(kind: SpellKind, staff: number, day: number): Spell | null {
    const block = Math.floor(day / 64);
    const start = this.coverage(kind, staff, block)[day - block * 64]!;
    return start === 0 ? null : this.spellStarting(kind, staff, block * 64 + start - 65);
  }

  /**
   * Per day of a 64-day block, the start of the real spell covering it (+65 relative to the block start, 0 = none):
   * one pass over the candidates from 28 days before the block, with the same rules as spellStarting (a candidate
   * is reported when no earlier real candidate covers its day and the person is not on planned leave).
   */
  private coverage(kind: SpellKind, staff: number, block: number): Uint8Array {
    const key = (block * 2 + (kind === 'sick' ? 0 : 1)) * 65_536 + staff;
    let cov = this.covered.get(key);
    if (cov) return cov;
    cov = new Uint8Array(64);
    const s = this.ctx.staff[staff]!;
    if (s.reportsAbsence && (kind === 'sick' || s.kids)) {
      const first = block * 64;
      const max = kind === 'sick' ? MAX_SICK_DAYS : MAX_VAB_DAYS;
      const prev = this.block(kind, staff, block - 1);
      const cur = this.block(kind, staff, block);
      let unionEnd = -Infinity;
      // candidates from 2 × max days back: the union of earlier real candidates decides whether one is reported
      for (let d = first - 2 * max; d < first + 64; d += 1) {
        const length = d < first ? prev[d - first + 64]! : cur[d - first]!;
        if (length === 0) continue;
        const phantom = this.isPhantom(kind, staff, d);
        const fresh = d >= unionEnd;
        if (!phantom) unionEnd = Math.max(unionEnd, d + length);
        if (d < first - max || !fresh || phantom || this.unavailable(staff, d)) continue;
        for (let x = Math.max(d, first); x < Math.min(d + length, first + 64); x += 1) cov[x - first] = d - first + 65;
      }
    }
    this.covered.set(key, cov);
    return cov;
  }

  /** The same as spellCovering by a direct scan of the 28 days before (the reference the cached version is tested against). */
  spellCoveringByScan(kind: SpellKind, staff: number, day: number): Spell | null {
    const max = kind === 'sick' ? MAX_SICK_DAYS : MAX_VAB_DAYS;
    for (let k = 0; k < max; k += 1) {
      if (this.candidate(kind, staff, day - k) > k) {
        const spell = this.spellStarting(kind, staff, day - k);
        if (spell && !spell.phantom) return spell;
      }
    }
    return null;
  }

  /** Forgets cached blocks and years well before a day. */
  evictBefore(day: number): void {
    const oldBlock = Math.floor(day / 64) - 2;
    if (this.blocks.size > 0) {
      for (const key of this.blocks.keys()) if (Math.floor(key / 131_072) < oldBlock) this.blocks.delete(key);
      for (const key of this.covered.keys()) if (Math.floor(key / 131_072) < oldBlock) this.covered.delete(key);
    }
    const year = yearOfDay(day);
    for (const y of this.planned.keys()) if (y < year - 2) this.planned.delete(y);
    if (this.sickRates.size > 2000) {
      this.sickRates.clear();
      this.vabRates.clear();
    }
  }

  /** Sick or caring for a child on a day (sick wins). */
  absentOn(staff: number, day: number): Spell | null {
    const s = this.ctx.staff[staff]!;
    if (!s.reportsAbsence) return null;
    return this.spellCovering('sick', staff, day) ?? (s.kids ? this.spellCovering('child-care', staff, day) : null);
  }

  private reportedLength(kind: SpellKind, staff: number, day: number, length: number): number {
    if (kind === 'child-care' || length <= 2) return length;
    const u = this.ctx.u(Tag.sickReport, staff, day, 3);
    if (length > 7) return u < 0.7 ? Math.min(7, 1 + Math.floor(u * 4)) : length; // a certificate from day 8
    return u < 0.5 ? 1 + Math.floor(u * 4) : length;
  }

  /**
   * Start and end instants of a spell's first `days` days. Night workers' days run 08:00–08:00 so that the night
   * before is not covered and the last night is; others' from midnight, after a night shift ending that morning.
   */
  interval(staff: number, start: number, days: number): [number, number] {
    const cal = this.ctx.calendar;
    if (this.ctx.staff[staff]!.pattern === PATTERN_NIGHT) return [cal.at(start, 8), cal.at(start + days, 8)];
    const before = this.nightShiftEnd(staff, start - 1);
    const last = this.nightShiftEnd(staff, start + days - 1);
    return [Number.isNaN(before) ? cal.midnight(start) : before, Number.isNaN(last) ? cal.midnight(start + days) : Math.max(last, cal.midnight(start + days))];
  }
}

/** Weekday and month factor of the sick-call rate, for tests and documentation. */
export function sickRateFactor(day: number): number {
  return SICK_WEEKDAY_FACTOR[weekdayOfDay(day) - 1]! * SICK_MONTH_FACTOR[monthOfDay(day) - 1]!;
}
