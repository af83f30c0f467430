import { DEFAULT_COMPETENCES, type StaffCategory } from '@pks/contracts';
import { event, rec, type Rec, round2, SOURCE } from './event-builders.js';
import { DAY_MS, dayOfMonthOfDay, dayOfYmd, monthOfDay, weekdayOfDay, yearOfDay } from './local-calendar.js';
import { requirementCount } from './unit-templates.js';
import { u01 } from './random.js';
import { COMPETENCE_CODES, Tag, type SimContext, type UnitRT } from './sim-context.js';
import type { Simulation } from './simulation.js';
import type { UnitVolumes } from './unit-volumes.js';

const CATEGORY = new Map(DEFAULT_COMPETENCES.map((c) => [c.code, c.category]));
export function categoryOfComp(comp: number): StaffCategory {
  return CATEGORY.get(COMPETENCE_CODES[comp]!) ?? 'other';
}

/** Schedule line ≈ plan + 10 % (the rule of thumb in seeds/001): the plan is the keys' hours ÷ 1.1. */
const SCHEDULE_ABOVE_PLAN = 1.1;

function monthDays(year: number, month: number): [number, number] {
  const first = dayOfYmd(year, month, 1);
  const next = month === 12 ? dayOfYmd(year + 1, 1, 1) : dayOfYmd(year, month + 1, 1);
  return [first, next];
}

/**
 * Dimensioned presence (FTE) per staff category for a unit and month: the keys' target hours (without per-date
 * overrides) ÷ (days × 5.45), ±2 %.
 */
export function dimensioningFor(ctx: SimContext, unit: UnitRT, year: number, month: number): Map<StaffCategory, number> {
  const [first, next] = monthDays(year, month);
  const hours = new Map<StaffCategory, number>();
  for (let day = first; day < next; day += 1) {
    const wd = weekdayOfDay(day) - 1;
    for (const g of unit.groups) {
      const req = g.target[wd];
      if (!req) continue;
      const cat = categoryOfComp(g.comp);
      hours.set(cat, (hours.get(cat) ?? 0) + requirementCount(req, ctx.bedsOn(unit, day)) * unit.slotHours[g.slot]!);
    }
  }
  const out = new Map<StaffCategory, number>();
  for (const [cat, h] of hours) {
    // master data of the hospital: depends on the hospital's seed, not the events' seed
    const noise = 1 + 0.04 * (u01(ctx.hospital.seed, Tag.dimensioning, unit.idx, year * 12 + month, cat.length) - 0.5);
    out.set(cat, round2((h / ((next - first) * 5.45)) * noise));
  }
  return out;
}

export function dimensioningEvent(unit: UnitRT, year: number, month: number, category: StaffCategory, fte: number, ms: number) {
  const m = `${year}-${month < 10 ? '0' : ''}${month}`;
  return event(`dim.${unit.id}.${category}.${m}`, 'DimensioningSet', { unitId: unit.id, staffCategory: category, month: m, fte }, ms, SOURCE.planning);
}

/**
 * The plan side, sent when planners send it: the summer bed closures (in April), next year's dimensioning (20 Nov)
 * and production plan per ISO week (25 Nov), weekly plan revisions 4–8 weeks ahead, monthly forecasts for the next
 * six months (on the 5th; some units systematically off), and per-date requirement overrides two days ahead on
 * emergency units when high demand is expected.
 */
export class PlanEvents {
  constructor(
    private readonly sim: Simulation,
    private readonly volumes: UnitVolumes,
  ) {}

  emit(day: number, push: (r: Rec) => void): void {
    const ctx = this.sim.ctx;
    const cal = ctx.calendar;
    const year = yearOfDay(day);
    const month = monthOfDay(day);
    const dom = dayOfMonthOfDay(day);
    const weekday = weekdayOfDay(day);

    if (month === 4 && dom === 15) {
      const [from, to] = ctx.summerClosure(day);
      for (const unit of ctx.units) {
        if (unit.model.summerBeds === null) continue;
        const ms = cal.at(day, 10 + unit.model.officeMinute / 60);
        const until = cal.midnight(to + 1);
        push(rec(ms, until, event(`beds.${unit.id}.${cal.date(from)}`, 'BedsPlanned', { unitId: unit.id, from: cal.date(from), beds: unit.model.summerBeds }, ms, SOURCE.planning)));
        push(rec(ms + 1000, until, event(`beds.${unit.id}.${cal.date(to)}`, 'BedsPlanned', { unitId: unit.id, from: cal.date(to), beds: unit.model.beds }, ms + 1000, SOURCE.planning)));
      }
    }

    if (month === 11 && dom === 20) {
      for (const unit of ctx.units) {
        const ms = cal.at(day, 11 + unit.model.officeMinute / 60);
        let i = 0;
        for (let m = 1; m <= 12; m += 1) {
          for (const [cat, fte] of dimensioningFor(ctx, unit, year + 1, m)) {
            push(rec(ms + i * 100, 0, dimensioningEvent(unit, year + 1, m, cat, fte, ms + i * 100)));
            i += 1;
          }
        }
      }
    }

    if (month === 11 && dom === 25) {
      // the ISO weeks of next year
      const jan4 = dayOfYmd(year + 1, 1, 4);
      let monday = jan4 - weekdayOfDay(jan4) + 1;
      const weeks: number[] = [];
      while (cal.isoWeek(monday).startsWith(`${year + 1}-`)) {
        weeks.push(monday);
        monday += 7;
      }
      for (const unit of ctx.units) {
        const ms = cal.at(day, 10 + unit.model.officeMinute / 60);
        weeks.forEach((w, i) => push(this.plan(unit, w, ms + i * 100, 'y', 1)));
      }
    }

    if (weekday === 1) {
      for (const unit of ctx.units) {
        if (ctx.u(Tag.planRevision, unit.idx, day) >= 0.15) continue;
        const ahead = 4 + Math.floor(5 * ctx.u(Tag.planRevision, unit.idx, day, 1));
        const ms = cal.at(day, 13 + unit.model.officeMinute / 60);
        // a revision moves the week's plan by up to ±8 %
        push(this.plan(unit, day + ahead * 7, ms, `r${cal.ymd(day)}`, 0.92 + 0.16 * ctx.u(Tag.planRevision, unit.idx, day, 2)));
      }
    }

    if (dom === 5) {
      for (const unit of ctx.units) {
        const ms = cal.at(day, 9 + unit.model.officeMinute / 60);
        let i = 0;
        for (let k = 1; k <= 6; k += 1) {
          const y = year + Math.floor((month - 1 + k) / 12);
          const m = ((month - 1 + k) % 12) + 1;
          const [first, next] = monthDays(y, m);
          let inflow = 0;
          let production = 0;
          for (let d = first; d < next; d += 1) {
            inflow += this.volumes.expectedInflow(unit, d);
            production += this.volumes.expectedProduction(unit, d);
          }
          const mt = `${y}-${m < 10 ? '0' : ''}${m}`;
          const until = cal.midnight(next) + 366 * DAY_MS;
          const bias = unit.model.forecastBias;
          for (const [what, value, measure] of [
            ['inflow', inflow, 'patients'],
            ['production', production, unit.model.measure],
          ] as const) {
            const noise = 0.06 * (ctx.u(Tag.forecast, unit.idx, day, k * 2 + (what === 'inflow' ? 0 : 1)) - 0.5);
            const at = ms + i * 100;
            i += 1;
            push(rec(at, until, event(`fc.${unit.id}.${mt}.${what}.${cal.ymd(day)}`, 'ForecastSet', { unitId: unit.id, month: mt, what, measure, value: Math.max(0, Math.round(value * (1 - bias + noise))) }, at, SOURCE.planning)));
          }
        }
      }
    }

    // per-date requirement overrides: one more nurse in the evening on expected high-demand days
    for (const unit of ctx.units) {
      if (unit.model.kind !== 'emergency') continue;
      const target = day + 2;
      unit.groups.forEach((g, gi) => {
        if (ctx.overrideOn(unit, target, g) === 0) return;
        const slot = unit.slots[g.slot]!.code;
        const ms = cal.at(day, 14 + unit.model.officeMinute / 300);
        const date = cal.date(target);
        push(
          rec(
            ms,
            cal.midnight(target + 1),
            event(
              `req.${unit.id}.${date}.${slot}.${COMPETENCE_CODES[g.comp]}`,
              'StaffingRequirementSet',
              { unitId: unit.id, date, slot, competence: COMPETENCE_CODES[g.comp]!, minimum: ctx.minimum(unit, gi, target), target: ctx.target(unit, gi, target) },
              ms,
              SOURCE.staffing,
            ),
          ),
        );
      });
    }
  }

  /** The plan for the ISO week starting on a Monday: hours (keys ÷ 1.1) and volume in the unit's measure. */
  private plan(unit: UnitRT, monday: number, ms: number, version: string, factor: number): Rec {
    const ctx = this.sim.ctx;
    const cal = ctx.calendar;
    let hours = 0;
    let volume = 0;
    for (let d = monday; d < monday + 7; d += 1) {
      hours += this.volumes.targetHours(unit, d) - overrideHours(ctx, unit, d);
      volume += this.volumes.expectedProduction(unit, d);
    }
    const week = cal.isoWeek(monday);
    const u1 = ctx.u(Tag.plan, unit.idx, monday, 1);
    const u2 = ctx.u(Tag.plan, unit.idx, monday, 2);
    const until = cal.midnight(monday + 7) + 13 * 7 * DAY_MS;
    return rec(
      ms,
      until,
      event(
        `pps.${unit.id}.${week}.${version}`,
        'ProductionPlanSet',
        {
          unitId: unit.id,
          week,
          activity: unit.model.activity,
          plannedHours: Math.round((hours / SCHEDULE_ABOVE_PLAN) * (0.98 + 0.04 * u1) * factor),
          plannedVolume: Math.round(volume * (0.98 + 0.04 * u2) * factor),
          measure: unit.model.measure,
        },
        ms,
        SOURCE.planning,
      ),
    );
  }
}

function overrideHours(ctx: SimContext, unit: UnitRT, day: number): number {
  let h = 0;
  for (const g of unit.groups) h += ctx.overrideOn(unit, day, g) * unit.slotHours[g.slot]!;
  return h;
}

