import { monthOfDay, weekdayOfDay } from './local-calendar.js';
import { rngFor } from './random.js';
import { Tag, type SimContext, type UnitRT } from './sim-context.js';

/** Average length of stay (days) used to turn census into admissions. */
const LENGTH_OF_STAY = 4.5;

/**
 * Daily volumes of a unit as pure functions of (seed, unit, day), shaped by the ED-arrivals demand profile: midnight
 * census, production (bed-days, visits, operations, patients, examinations) and inflow. Weekly and monthly outcomes
 * are sums of these, so they agree with each other.
 */
export class UnitVolumes {
  constructor(private readonly ctx: SimContext) {}

  /** Patients on an inpatient unit at 23:59: occupancy follows the last three days' arrivals, a little lower at weekends. */
  census(unit: UnitRT, day: number): number {
    const beds = this.ctx.bedsOn(unit, day);
    if (beds <= 0) return 0;
    let demand = 0;
    for (let k = 1; k <= 3; k += 1) demand += this.ctx.demandFactor(unit, day - k);
    demand /= 3;
    const weekend = weekdayOfDay(day) >= 6 ? -0.04 : 0;
    const occupancy = 0.9 + 0.45 * (demand - 1) + weekend + 0.06 * (this.ctx.u(Tag.census, unit.idx, day) - 0.5);
    return Math.max(0, Math.min(beds + 3, Math.round(beds * occupancy)));
  }

  /** Production on a day in the unit's measure. */
  production(unit: UnitRT, day: number): number {
    const m = unit.model;
    const weekday = weekdayOfDay(day) <= 5;
    const u = this.ctx.u(Tag.production, unit.idx, day);
    switch (m.template) {
      case 'ward':
      case 'ima':
      case 'iva':
      case 'maternity':
        return this.census(unit, day);
      case 'emergency':
        return this.arrivals(unit, day);
      case 'surgery':
        return weekday ? Math.round(m.dailyVolume * (0.82 + 0.25 * u)) : Math.round(m.size * 0.4 * this.ctx.demandFactor(unit, day) * (0.5 + u));
      case 'outpatient':
      case 'rehab':
        return weekday ? Math.round(m.dailyVolume * (0.84 + 0.16 * u) * this.ctx.demand.month[monthOfDay(day) - 1]!) : 0;
      case 'diagnostics':
        return Math.round(m.dailyVolume * this.ctx.demandFactor(unit, day) * (weekday ? 1 : 0.35) * (0.95 + 0.1 * u));
    }
  }

  /** Emergency arrivals on a day (the real day-to-day series, scaled to the unit). */
  arrivals(unit: UnitRT, day: number): number {
    return Math.max(0, Math.round(unit.model.dailyVolume * this.ctx.demandFactor(unit, day)));
  }

  /** Inflow (demand that arrived) on a day, in patients. */
  inflow(unit: UnitRT, day: number): number {
    const m = unit.model;
    switch (m.template) {
      case 'ward':
      case 'ima':
      case 'iva':
      case 'maternity':
        return Math.round((this.ctx.bedsOn(unit, day) * 0.9 * this.ctx.demandFactor(unit, day)) / LENGTH_OF_STAY);
      case 'emergency':
        return this.arrivals(unit, day);
      case 'surgery':
      case 'outpatient':
      case 'rehab':
        return referralCount(this.ctx, unit, day);
      case 'diagnostics':
        return Math.round(this.production(unit, day) * 1.02);
    }
  }

  /** Production the plan expects on a day (no day-to-day noise). */
  expectedProduction(unit: UnitRT, day: number): number {
    const m = unit.model;
    const weekday = weekdayOfDay(day) <= 5;
    const d = this.ctx.demand;
    const month = d.month[monthOfDay(day) - 1]!;
    switch (m.template) {
      case 'ward':
      case 'ima':
      case 'iva':
      case 'maternity':
        return this.ctx.bedsOn(unit, day) * 0.9;
      case 'emergency':
        return m.dailyVolume * d.weekday[weekdayOfDay(day) - 1]! * month;
      case 'surgery':
        return weekday ? m.dailyVolume * 0.95 : m.size * 0.4;
      case 'outpatient':
      case 'rehab':
        return weekday ? m.dailyVolume * 0.92 * month : 0;
      case 'diagnostics':
        return m.dailyVolume * (weekday ? 1 : 0.35) * month;
    }
  }

  expectedInflow(unit: UnitRT, day: number): number {
    const m = unit.model;
    const weekday = weekdayOfDay(day) <= 5;
    const month = this.ctx.demand.month[monthOfDay(day) - 1]!;
    switch (m.template) {
      case 'surgery':
      case 'outpatient':
      case 'rehab':
        return weekday ? referralRate(unit) * month : 0;
      case 'ward':
      case 'ima':
      case 'iva':
      case 'maternity':
        return (this.ctx.bedsOn(unit, day) * 0.9) / LENGTH_OF_STAY;
      default:
        return this.expectedProduction(unit, day) * (m.template === 'diagnostics' ? 1.02 : 1);
    }
  }

  /** Hours the staffing keys' targets ask for on a day (the schedule line when fully staffed). */
  targetHours(unit: UnitRT, day: number): number {
    let h = 0;
    for (let g = 0; g < unit.groups.length; g += 1) h += this.ctx.target(unit, g, day) * unit.slotHours[unit.groups[g]!.slot]!;
    return h;
  }

  /** Target hours per staff category on a day. */
  targetHoursByCategory(unit: UnitRT, day: number, categoryOf: (comp: number) => string, out: Map<string, number>): void {
    for (let g = 0; g < unit.groups.length; g += 1) {
      const group = unit.groups[g]!;
      const cat = categoryOf(group.comp);
      out.set(cat, (out.get(cat) ?? 0) + this.ctx.target(unit, g, day) * unit.slotHours[group.slot]!);
    }
  }
}

/** New waiting-list entries a weekday brings on average (80 % of appointments come from the waiting list). */
export function referralRate(unit: UnitRT): number {
  return unit.model.dailyVolume * 0.8;
}

/** Referrals (new waiting-list entries) on a day: Poisson around the rate × month × the real day-to-day deviation. */
export function referralCount(ctx: SimContext, unit: UnitRT, day: number): number {
  if (!unit.appointments || weekdayOfDay(day) > 5) return 0;
  const d = ctx.demand;
  const n = d.dailyRatio.length;
  const ratio = d.dailyRatio[(((day + unit.model.demandOffset) % n) + n) % n]!;
  const month = d.month[monthOfDay(day) - 1]!;
  return rngFor(ctx.seed, Tag.referrals, unit.idx, day).poisson(referralRate(unit) * month * ratio);
}
