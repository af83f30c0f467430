import { event, rec, type Rec, SOURCE } from './event-builders.js';
import { DAY_MS, dayOfMonthOfDay, dayOfYmd, monthOfDay, weekdayOfDay, yearOfDay } from './local-calendar.js';
import type { Simulation } from './simulation.js';
import type { UnitVolumes } from './unit-volumes.js';

/**
 * Outcomes as the business-intelligence side reports them: the midnight census of every inpatient unit (23:59),
 * emergency arrivals per day (just after midnight), production per ISO week (Monday morning), production and inflow
 * per month (on the 3rd).
 */
export class OutcomeEvents {
  constructor(
    private readonly sim: Simulation,
    private readonly volumes: UnitVolumes,
  ) {}

  emit(day: number, push: (r: Rec) => void): void {
    const ctx = this.sim.ctx;
    const cal = ctx.calendar;
    const date = cal.date(day);

    for (const unit of ctx.units) {
      const offsetS = unit.model.officeMinute % 59;
      if (unit.inpatient) {
        const ms = cal.midnight(day + 1) - 60_000 + offsetS * 1000;
        const at = Math.min(ms, cal.midnight(day + 1) - 1);
        push(rec(at, at, event(`cen.${unit.id}.${date}`, 'CensusRecorded', { unitId: unit.id, date, patients: this.volumes.census(unit, day) }, at, SOURCE.outcome)));
      }
      if (unit.model.kind === 'emergency') {
        const ms = cal.midnight(day) + 5 * 60_000 + offsetS * 1000;
        const prev = cal.date(day - 1);
        push(rec(ms, ms, event(`inf.${unit.id}.${prev}`, 'InflowRecorded', { unitId: unit.id, period: prev, measure: 'patients', value: this.volumes.arrivals(unit, day - 1) }, ms, SOURCE.outcome)));
      }
    }

    if (weekdayOfDay(day) === 1) {
      const week = cal.isoWeek(day - 7);
      for (const unit of ctx.units) {
        let value = 0;
        for (let d = day - 7; d < day; d += 1) value += this.volumes.production(unit, d);
        const ms = cal.at(day, 6 + unit.model.officeMinute / 600);
        push(rec(ms, ms + 13 * 7 * DAY_MS, event(`prod.${unit.id}.${week}`, 'ProductionRecorded', { unitId: unit.id, period: week, measure: unit.model.measure, activity: unit.model.activity, value }, ms, SOURCE.outcome)));
      }
    }

    if (dayOfMonthOfDay(day) === 3) {
      const y = monthOfDay(day) === 1 ? yearOfDay(day) - 1 : yearOfDay(day);
      const m = monthOfDay(day) === 1 ? 12 : monthOfDay(day) - 1;
      const first = dayOfYmd(y, m, 1);
      const next = dayOfYmd(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, 1);
      const period = `${y}-${m < 10 ? '0' : ''}${m}`;
      for (const unit of ctx.units) {
        let production = 0;
        let inflow = 0;
        for (let d = first; d < next; d += 1) {
          production += this.volumes.production(unit, d);
          inflow += this.volumes.inflow(unit, d);
        }
        const ms = cal.at(day, 7 + unit.model.officeMinute / 600);
        const until = ms + 366 * DAY_MS;
        push(rec(ms, until, event(`prod.${unit.id}.${period}`, 'ProductionRecorded', { unitId: unit.id, period, measure: unit.model.measure, activity: unit.model.activity, value: production }, ms, SOURCE.outcome)));
        push(rec(ms + 1000, until, event(`inf.${unit.id}.${period}`, 'InflowRecorded', { unitId: unit.id, period, measure: 'patients', value: inflow }, ms + 1000, SOURCE.outcome)));
      }
    }
  }
}
