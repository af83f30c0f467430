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
  private readonly summerWeeks = new Map<string, number>();

  constructor(
    private readonly ctx: SimContext,
    /** the end instant of the person's rostered night shift starting on a day, or NaN */
    private readonly nightShiftEnd: (staff: number, day: number) => number,
  ) {}

  // ---- planned absence -------------------------------------------------------------------------------------

  /** Four summer weeks (ISO weeks 25–34) for monthly employees: [first day, day after). */
  summerVacation(staff: number, year: number): [number, number] | null {
    const s = this.ctx.staff[staff]!;
    if (!s.reportsAbsence) return null;
    const week = 25 + Math.floor(this.ctx.u(Tag.vacation, staff, year) * 6);
    const start = this.weekStart(year, week);
    return [start, start + 28];
  }

  /** Christmas or New Year days off for about 40 %. */
  christmasVacation(staff: number, year: number): [number, number] | null {
    const s = this.ctx.staff[staff]!;
    if (!s.reportsAbsence) return null;
    const u = this.ctx.u(Tag.christmas, staff, year);
    if (u >= 0.4) return null;
    return u < 0.2 ? [dayOfYmd(year, 12, 23), dayOfYmd(year, 12, 27)] : [dayOfYmd(year, 12, 30), dayOfYmd(year + 1, 1, 2)];
  }

  /** Parental leave starting in a year (parents of small children, about 6 % a year), 2–8 months. */
  parentalLeave(staff: number, year: number): [number, number] | null {
    const s = this.ctx.staff[staff]!;
    if (!s.reportsAbsence || !s.kids) return null;
    if (this.ctx.u(Tag.parental, staff, year) >= 0.06) return null;
    const start = dayOfYmd(year, 1, 1) + Math.floor(this.ctx.u(Tag.parental, staff, year, 1) * 365);
    return [start, start + 60 + Math.floor(this.ctx.u(Tag.parental, staff, year, 2) * 180)];
  }

  /** On vacation or parental leave (planned absence the schedule already knows about). */
  unavailable(staff: number, day: number): boolean {
    if (!this.ctx.staff[staff]!.reportsAbsence) return false;
    const year = yearOfDay(day);
    const inside = (r: [number, number] | null) => r !== null && day >= r[0] && day < r[1];
    return (
      inside(this.summerVacation(staff, year)) ||
      inside(this.christmasVacation(staff, year)) ||
      inside(this.christmasVacation(staff, year - 1)) ||
      inside(this.parentalLeave(staff, year)) ||
      inside(this.parentalLeave(staff, year - 1))
    );
  }

  private weekStart(year: number, week: number): number {
    const key = `${year}-W${week}`;
    let d = this.summerWeeks.get(key);
    if (d === undefined) {
      d = parseDate(isoWeekStart(`${year}-W${week < 10 ? '0' : ''}${week}`));
      this.summerWeeks.set(key, d);
    }
    return d;
  }

  // ---- sick and care of child --------------------------------------------------------------------------------

  /** Length of a sick candidate starting on a day (0 = none). */
  sickCandidate(staff: number, day: number): number {
    const s = this.ctx.staff[staff]!;
    if (!s.reportsAbsence) return 0;
    const p = SICK_BASE_RATE * SICK_WEEKDAY_FACTOR[weekdayOfDay(day) - 1]! * SICK_MONTH_FACTOR[monthOfDay(day) - 1]! * s.prone;
    if (this.ctx.u(Tag.sickStart, staff, day) >= p) return 0;
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
    const wd = weekdayOfDay(day);
    if (wd > 5) return 0;
    if (this.ctx.u(Tag.vabStart, staff, day) >= VAB_BASE_RATE * VAB_MONTH_FACTOR[monthOfDay(day) - 1]!) return 0;
    return 1 + Math.floor(this.ctx.u(Tag.vabLength, staff, day) * MAX_VAB_DAYS);
  }

  private candidate(kind: SpellKind, staff: number, day: number): number {
    return kind === 'sick' ? this.sickCandidate(staff, day) : this.vabCandidate(staff, day);
  }

  private isPhantom(kind: SpellKind, staff: number, day: number): boolean {
    return this.ctx.u(kind === 'sick' ? Tag.sickCorrection : Tag.vabReport, staff, day, 7) < PHANTOM_SHARE;
  }

  /**
   * The spell starting on a day if the person reports one that day (a candidate not inside an earlier real
   * candidate, and not on planned leave), else null.
   */
  spellStarting(kind: SpellKind, staff: number, day: number): Spell | null {
    const length = this.candidate(kind, staff, day);
    if (length === 0) return null;
    if (this.unavailable(staff, day)) return null;
    const max = kind === 'sick' ? MAX_SICK_DAYS : MAX_VAB_DAYS;
    for (let k = 1; k < max; k += 1) {
      const earlier = this.candidate(kind, staff, day - k);
      if (earlier > k && !this.isPhantom(kind, staff, day - k)) return null;
    }
    const phantom = this.isPhantom(kind, staff, day);
    return { kind, staff, start: day, length, reported: this.reportedLength(kind, staff, day, length), phantom };
  }

  /** The real (not withdrawn) spell covering a day, or null. */
  spellCovering(kind: SpellKind, staff: number, day: number): Spell | null {
    const max = kind === 'sick' ? MAX_SICK_DAYS : MAX_VAB_DAYS;
    for (let k = 0; k < max; k += 1) {
      const length = this.candidate(kind, staff, day - k);
      if (length > k) {
        const spell = this.spellStarting(kind, staff, day - k);
        if (spell && !spell.phantom) return spell;
      }
    }
    return null;
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
