import { deferred, event, type Rec, type Renderer, SOURCE } from './event-builders.js';
import { EPOCH_MONDAY, isoOf } from './local-calendar.js';
import { COMPETENCE_CODES, periodOf } from './sim-context.js';
import type { Simulation } from './simulation.js';

/** The longest any unit publishes ahead: 10 weeks before a 4-week period. */
export const MAX_PUBLICATION_LEAD_DAYS = 10 * 7 + 28;

/**
 * Schedule publication: on a Monday `scheduleLeadWeeks` (6–10) before a 4-week period starts, the unit's scheduler
 * publishes the whole period (ShiftScheduled for every staffed and open shift), so the schedule reaches 6–14 weeks
 * ahead. Each shift event is relevant for the prologue until the shift ends.
 */
export function publishSchedules(sim: Simulation, day: number, push: (r: Rec) => void): void {
  const ctx = sim.ctx;
  const cal = ctx.calendar;
  for (const unit of ctx.units) {
    const periodDay = day + unit.model.scheduleLeadWeeks * 7;
    if ((periodDay - EPOCH_MONDAY) % 28 !== 0) continue;
    const period = periodOf(periodDay);
    const r = sim.roster(unit.idx, period);
    const pubMs = sim.publicationMs(unit, period);
    const render = renderer(sim);
    for (let i = 0; i < r.n; i += 1) {
      const d = r.startDay + r.day[i]!;
      const slot = unit.slots[unit.groups[r.group[i]!]!.slot]!;
      // a later change may move the end by an hour
      const until = cal.slot(d, slot.start, slot.end).endMs + 3_600_000;
      push(deferred(pubMs + i * 200, until, render, unit.idx, period, i));
    }
  }
}

const renderers = new WeakMap<Simulation, Renderer>();

function renderer(sim: Simulation): Renderer {
  let fn = renderers.get(sim);
  if (!fn) {
    fn = (rc: Rec) => {
      const ctx = sim.ctx;
      const unit = ctx.units[rc.a]!;
      const r = sim.roster(rc.a, rc.b);
      const i = rc.c;
      const d = r.startDay + r.day[i]!;
      const group = r.group[i]!;
      const g = unit.groups[group]!;
      const slot = unit.slots[g.slot]!;
      const { startMs, endMs } = ctx.calendar.slot(d, slot.start, slot.end);
      const shiftId = sim.shiftId(unit, d, group, r.ord[i]!);
      const staff = r.staff[i]!;
      return event(
        `shs.${shiftId}`,
        'ShiftScheduled',
        {
          shiftId,
          unitId: unit.id,
          staffId: staff >= 0 ? ctx.staff[staff]!.id : null,
          competence: COMPETENCE_CODES[g.comp]!,
          start: isoOf(startMs),
          end: isoOf(endMs),
          slot: slot.code,
          activity: unit.model.activity,
        },
        rc.ms,
        SOURCE.schedule,
      );
    };
    renderers.set(sim, fn);
  }
  return fn;
}
