import { AbsenceModel } from './absence-model.js';
import type { DemandProfile } from './demand-profile.js';
import type { DayPlan } from './day-plan.js';
import { buildDayPlan } from './day-plan.js';
import type { Hospital } from './hospital-model.js';
import { HOUR_MS } from './local-calendar.js';
import { buildRoster, type Roster } from './roster.js';
import { COMPETENCE_CODES as COMP, PERIOD_DAYS, periodOf, periodStart, SLOT_NIGHT, SimContext, type UnitRT } from './sim-context.js';

/**
 * The simulation's state between days: the indexed hospital, the absence model, and caches of schedules (per unit
 * and period) and day plans (per day). Everything cached can be recomputed from the seed, so eviction only costs
 * time.
 */
export class Simulation {
  readonly ctx: SimContext;
  readonly absences: AbsenceModel;
  private readonly rosters = new Map<number, Roster>();
  private readonly plans = new Map<number, DayPlan>();

  constructor(hospital: Hospital, seed: number | string, demand: DemandProfile) {
    this.ctx = new SimContext(hospital, seed, demand);
    this.absences = new AbsenceModel(this.ctx, (staff, day) => this.nightShiftEnd(staff, day));
  }

  roster(unit: number, period: number): Roster {
    const key = period * 4096 + unit;
    let r = this.rosters.get(key);
    if (!r) {
      r = buildRoster(this.ctx, this.absences, unit, period);
      this.rosters.set(key, r);
    }
    return r;
  }

  /** The person's rostered shift starting on a day (roster index), or null. */
  rosterShift(staff: number, day: number): { roster: Roster; i: number } | null {
    const s = this.ctx.staff[staff]!;
    if (s.rosterLocal < 0) return null;
    const r = this.roster(s.unit, periodOf(day));
    const i = r.personDay[s.rosterLocal * PERIOD_DAYS + (day - r.startDay)]!;
    return i < 0 ? null : { roster: r, i };
  }

  /** The end of the person's rostered night shift starting on a day, or NaN. */
  nightShiftEnd(staff: number, day: number): number {
    const found = this.rosterShift(staff, day);
    if (!found) return Number.NaN;
    const unit = this.ctx.units[found.roster.unit]!;
    const slot = unit.groups[found.roster.group[found.i]!]!.slot;
    if (unit.slotKind[slot] !== SLOT_NIGHT) return Number.NaN;
    return this.slotTimes(unit, day, slot).endMs;
  }

  /** The start of the person's rostered shift on a day, or NaN. */
  rosterShiftStart(staff: number, day: number): number {
    const found = this.rosterShift(staff, day);
    if (!found) return Number.NaN;
    const unit = this.ctx.units[found.roster.unit]!;
    return this.slotTimes(unit, day, unit.groups[found.roster.group[found.i]!]!.slot).startMs;
  }

  slotTimes(unit: UnitRT, day: number, slot: number): { startMs: number; endMs: number } {
    const s = unit.slots[slot]!;
    return this.ctx.calendar.slot(day, s.start, s.end);
  }

  /** When a unit publishes the schedule of a period: a Monday `scheduleLeadWeeks` before it, in office hours. */
  publicationMs(unit: UnitRT, period: number): number {
    const day = periodStart(period) - unit.model.scheduleLeadWeeks * 7;
    return this.ctx.calendar.midnight(day) + 9 * HOUR_MS + this.ctx.officeMs(unit);
  }

  /** The stable id of a rostered shift: unit.YYYYMMDD.slot.COMPn */
  shiftId(unit: UnitRT, day: number, group: number, ord: number): string {
    const g = unit.groups[group]!;
    return `${unit.id}.${this.ctx.calendar.ymd(day)}.${unit.slots[g.slot]!.code}.${COMP[g.comp]}${ord + 1}`;
  }

  dayPlan(day: number): DayPlan {
    let p = this.plans.get(day);
    if (!p) {
      p = buildDayPlan(this, day);
      this.plans.set(day, p);
    }
    return p;
  }

  /** Drops caches no longer needed once `day` is being generated. */
  evictBefore(day: number): void {
    for (const k of this.plans.keys()) if (k < day - 1) this.plans.delete(k);
    const oldestPeriod = periodOf(day - 45);
    for (const [k, r] of this.rosters) if (r.period < oldestPeriod) this.rosters.delete(k);
    if (day % 16 === 0) this.absences.evictBefore(day);
    this.ctx.calendar.forgetBefore(day);
  }
}
