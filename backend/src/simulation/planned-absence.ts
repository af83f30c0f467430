import { event, rec, type Rec, SOURCE } from './event-builders.js';
import { dayOfYmd, isoOf, yearOfDay } from './local-calendar.js';
import { Tag } from './sim-context.js';
import type { Simulation } from './simulation.js';

interface Planned {
  staff: number;
  kind: 'vacation' | 'parental';
  code: 'sem' | 'jul' | 'fl';
  range: [number, number];
  reportMs: number;
}

/** Reported up to this many days before planned absence ends (parental leave: 120 days ahead, up to 8 months long). */
export const MAX_PLANNED_ABSENCE_SPAN_DAYS = 120 + 240 + 10;

/**
 * Planned absence reported ahead: summer vacation (four weeks in ISO weeks 23–34, approved in March), Christmas or
 * New Year days (approved in October), parental leave (reported four months before it starts; unpaid by the
 * employer). The schedule already leaves these people out.
 */
export class PlannedAbsences {
  private readonly byYear = new Map<number, Map<number, Planned[]>>();

  constructor(private readonly sim: Simulation) {}

  emit(day: number, push: (r: Rec) => void): void {
    const year = yearOfDay(day);
    for (const y of [year, year + 1]) {
      for (const p of this.plannedFor(y).get(day) ?? []) {
        const ctx = this.sim.ctx;
        const cal = ctx.calendar;
        const staffId = ctx.staff[p.staff]!.id;
        const absenceId = `${p.code}.${staffId}.${y}`;
        const start = cal.midnight(p.range[0]);
        const end = cal.midnight(p.range[1]);
        const data: Record<string, unknown> = { absenceId, staffId, kind: p.kind, start: isoOf(start), end: isoOf(end) };
        if (p.kind === 'parental') data.paid = false;
        push(rec(p.reportMs, end, event(`abs.${absenceId}`, 'AbsenceReported', data, p.reportMs, SOURCE.time)));
      }
    }
    // keep two years of index
    for (const y of this.byYear.keys()) if (y < year - 1) this.byYear.delete(y);
  }

  /** Planned absence of an absence year, by the day it is reported. */
  private plannedFor(year: number): Map<number, Planned[]> {
    let index = this.byYear.get(year);
    if (index) return index;
    index = new Map();
    const ctx = this.sim.ctx;
    const cal = ctx.calendar;
    const abs = this.sim.absences;
    const add = (p: Planned) => {
      const day = cal.dayOf(p.reportMs);
      const list = index!.get(day);
      if (list) list.push(p);
      else index!.set(day, [p]);
    };
    for (const st of ctx.staff) {
      if (!st.reportsAbsence) continue;
      const summer = abs.summerVacation(st.idx, year);
      if (summer) {
        const d = dayOfYmd(year, 3, 1) + Math.floor(28 * ctx.u(Tag.vacation, st.idx, year, 1));
        add({ staff: st.idx, kind: 'vacation', code: 'sem', range: summer, reportMs: cal.at(d, 10 + 5 * ctx.u(Tag.vacation, st.idx, year, 2)) });
      }
      const christmas = abs.christmasVacation(st.idx, year);
      if (christmas) {
        const d = dayOfYmd(year, 10, 1) + Math.floor(28 * ctx.u(Tag.christmas, st.idx, year, 1));
        add({ staff: st.idx, kind: 'vacation', code: 'jul', range: christmas, reportMs: cal.at(d, 10 + 5 * ctx.u(Tag.christmas, st.idx, year, 2)) });
      }
      const parental = abs.parentalLeave(st.idx, year);
      if (parental) {
        add({ staff: st.idx, kind: 'parental', code: 'fl', range: parental, reportMs: cal.at(parental[0] - 120, 10 + 5 * ctx.u(Tag.parental, st.idx, year, 3)) });
      }
    }
    this.byYear.set(year, index);
    return index;
  }
}
