import type { WorkKind } from '@pks/contracts';
import type { DayPlan } from './day-plan.js';
import { ceilQuarter, deferred, event, rec, type Rec, type Renderer, round2, SOURCE } from './event-builders.js';
import { HOUR_MS, isoOf, MINUTE_MS, weekdayOfDay } from './local-calendar.js';
import { COMPETENCE_CODES, FORM_HOURLY, LAK, SPSK, Tag, type UnitRT } from './sim-context.js';
import type { Simulation } from './simulation.js';

const FORM_NAMES = ['monthly', 'hourly', 'agency', 'external-resident'] as const;
const SUFFIXES = ['o', 'h', 'x', 'late', 'jour', 'ber'];

interface Worker {
  staff: number;
  unit: number;
  comp: number;
  startMs: number;
  endMs: number;
  shiftId: string | null;
  activity: string;
  /** 'overtime' or 'additional' for the unit's own staff booked on a day off */
  extra: WorkKind | null;
}

/**
 * What happens on a day as it is lived: clock-ins and clock-outs around the shift changes (a few minutes early or
 * late, some missing), worked intervals reported the next day (physicians' ordinary time, hourly staff, overtime,
 * staying late, on-call and standby), corrections weeks later, and payroll-style hour reports for the units that
 * only have those.
 */
export function executeDay(sim: Simulation, plan: DayPlan, push: (r: Rec) => void, cutoffMs = -Infinity): void {
  const ctx = sim.ctx;
  const cal = ctx.calendar;
  const day = plan.day;
  const workers: Worker[] = [];
  for (const s of plan.shifts) {
    if (s.cancelled || s.staff < 0 || s.absence !== null || s.movedTo >= 0) continue;
    workers.push({ staff: s.staff, unit: s.unit, comp: s.comp, startMs: s.startMs, endMs: s.endMs, shiftId: sim.shiftId(ctx.units[s.unit]!, day, s.group, s.ord), activity: s.activity, extra: null });
  }
  for (const b of plan.bookings) {
    if (!Number.isNaN(b.cancelledMs)) continue;
    const st = ctx.staff[b.staff]!;
    const extra: WorkKind | null = b.source === 'overtime' ? (st.rate < 1 ? 'additional' : 'overtime') : null;
    workers.push({ staff: b.staff, unit: b.unit, comp: b.comp, startMs: b.startMs, endMs: b.endMs, shiftId: null, activity: ctx.units[b.unit]!.model.activity, extra });
  }

  const payroll = new Map<number, Map<string, number>>();
  const addHours = (unit: number, comp: number, form: number, component: string, hours: number) => {
    let lines = payroll.get(unit);
    if (!lines) {
      lines = new Map();
      payroll.set(unit, lines);
    }
    const key = `${COMPETENCE_CODES[comp]}|${FORM_NAMES[form as 0]}|${component}`;
    lines.set(key, (lines.get(key) ?? 0) + hours);
  };

  const renderClock: Renderer = (r) => {
    const staffId = ctx.staff[r.a]!.id;
    const unitId = ctx.units[r.b]!.id;
    const d: Record<string, unknown> = { staffId, unitId, at: isoOf(r.ms) };
    if (r.s !== null) d.shiftId = r.s;
    return r.d === 0
      ? event(`in.${staffId}.${cal.ymd(r.c)}`, 'ClockedIn', d, r.ms, SOURCE.clock)
      : event(`out.${staffId}.${cal.ymd(r.c)}`, 'ClockedOut', d, r.ms, SOURCE.clock);
  };
  const onCallDone = new Set<number>();
  for (const w of workers) {
    const unit = ctx.units[w.unit]!;
    const st = ctx.staff[w.staff]!;
    if (unit.payroll) {
      addHours(w.unit, w.comp, st.form, st.form === FORM_HOURLY ? 'hourly' : w.extra ?? 'ordinary', (w.endMs - w.startMs) / HOUR_MS);
      continue;
    }
    const u1 = ctx.u(Tag.clockIn, w.staff, day);
    const u2 = ctx.u(Tag.clockOut, w.staff, day);
    let inMs = Number.NaN;
    let outMs = Number.NaN;
    if (w.comp !== LAK) {
      // physicians report their time; everyone else clocks in and out
      if (ctx.u(Tag.clockMissing, w.staff, day) >= 0.03) {
        inMs = u1 < 0.9 ? w.startMs - Math.round((2 + 10 * (u1 / 0.9)) * MINUTE_MS) : w.startMs + Math.round((1 + 19 * ((u1 - 0.9) / 0.1)) * MINUTE_MS);
        if (inMs >= cutoffMs) push(deferred(inMs, inMs, renderClock, w.staff, w.unit, day, 0, w.shiftId));
      }
      if (ctx.u(Tag.clockMissing, w.staff, day, 1) >= 0.02) {
        const late = u2 >= 0.95;
        outMs = late ? w.endMs + Math.round((30 + 120 * ((u2 - 0.95) / 0.05)) * MINUTE_MS) : w.endMs + Math.round((-3 + 18 * (u2 / 0.95)) * MINUTE_MS);
        if (outMs >= cutoffMs) push(deferred(outMs, outMs, renderClock, w.staff, w.unit, day, 1, w.shiftId));
        if (late) register(sim, push, cutoffMs, day, w, 'overtime', w.endMs, ceilQuarter(outMs), 'late', unit.model.activity);
      }
    }
    if (w.comp === LAK) register(sim, push, cutoffMs, day, w, 'ordinary', w.startMs, w.endMs, 'o', w.activity);
    else if (st.form === FORM_HOURLY) register(sim, push, cutoffMs, day, w, 'hourly', Number.isNaN(inMs) ? w.startMs : inMs, Number.isNaN(outMs) ? w.endMs : outMs, 'h', w.activity);
    if (w.extra) register(sim, push, cutoffMs, day, w, w.extra, w.startMs, w.endMs, 'x', unit.model.activity);
    // one physician per unit is on call after the day shift; surgery has a nurse on standby at weekends
    if (w.comp === LAK && !onCallDone.has(w.unit) && unit.model.kind !== 'emergency' && unit.model.kind !== 'outpatient' && w.endMs - cal.midnight(day) < 20 * HOUR_MS) {
      onCallDone.add(w.unit);
      register(sim, push, cutoffMs, day, w, 'on-call', w.endMs, cal.at(day + 1, 7.5), 'jour', 'pat.jourber.jour');
    }
    if (w.comp === SPSK && unit.model.kind === 'surgery' && weekdayOfDay(day) >= 6 && !onCallDone.has(-1 - w.unit) && w.endMs - cal.midnight(day) < 20 * HOUR_MS) {
      onCallDone.add(-1 - w.unit);
      register(sim, push, cutoffMs, day, w, 'standby', w.endMs, cal.at(day + 1, 7), 'ber', 'pat.jourber.beredskap');
    }
  }

  // payroll-style reports: absence and vacation hours too, sent with the night batch
  for (const s of plan.shifts) {
    const unit = ctx.units[s.unit]!;
    if (!unit.payroll || s.cancelled || s.staff < 0 || s.absence === null) continue;
    addHours(s.unit, s.comp, ctx.staff[s.staff]!.form, `absence-${s.absence}`, (s.endMs - s.startMs) / HOUR_MS);
  }
  if (weekdayOfDay(day) <= 5) {
    for (const unit of ctx.units) {
      if (!unit.payroll) continue;
      for (const p of unit.rosterPeople) {
        const st = ctx.staff[p]!;
        if (!sim.absences.unavailable(p, day)) continue;
        const parental = isParental(sim, p, day);
        addHours(unit.idx, st.comp, st.form, parental ? 'absence-parental' : 'absence-vacation', 8 * st.rate);
      }
    }
  }
  for (const [unitIdx, lines] of payroll) sendPayroll(sim, ctx.units[unitIdx]!, day, lines, push, cutoffMs);
}

function isParental(sim: Simulation, staff: number, day: number): boolean {
  const year = Number(sim.ctx.calendar.date(day).slice(0, 4));
  for (const y of [year, year - 1]) {
    const p = sim.absences.parentalLeave(staff, y);
    if (p && day >= p[0] && day < p[1]) return true;
  }
  return false;
}

/** A worked interval reported the next morning (a fifth a few days late), 3 % corrected weeks later. */
function register(sim: Simulation, push: (r: Rec) => void, cutoffMs: number, day: number, w: Worker, kind: WorkKind, startMs: number, endMs: number, suffix: string, activity: string): void {
  const ctx = sim.ctx;
  const cal = ctx.calendar;
  const st = ctx.staff[w.staff]!;
  const registrationId = `wr.${st.id}.${cal.ymd(day)}.${suffix}`;
  const unit: UnitRT = ctx.units[w.unit]!;
  const salt = 16 * SUFFIXES.indexOf(suffix);
  const r = ctx.u(Tag.workCorrection, w.staff, day, salt);
  const ms = r < 0.8 ? cal.at(day + 1, 8 + 3 * (r / 0.8)) : cal.at(day + 2 + Math.floor(3 * ((r - 0.8) / 0.2)), 9 + 5 * ctx.u(Tag.workCorrection, w.staff, day, salt + 1));
  const data = (end: number): Record<string, unknown> => ({
    registrationId,
    staffId: st.id,
    unitId: unit.id,
    competence: COMPETENCE_CODES[w.comp]!,
    start: isoOf(startMs),
    end: isoOf(end),
    kind,
    activity,
    employmentForm: FORM_NAMES[st.form as 0],
  });
  if (ms >= cutoffMs) push(rec(ms, ms, event(`wr.${registrationId}`, 'WorkRegistered', data(endMs), ms, SOURCE.time)));
  const c = ctx.u(Tag.workCorrection, w.staff, day, salt + 2);
  if (c < 0.03) {
    const cms = cal.at(day + 14 + Math.floor(21 * (c / 0.03)), 10 + 5 * ctx.u(Tag.workCorrection, w.staff, day, salt + 3));
    const delta = (c < 0.015 ? -1 : 1) * (15 + 15 * Math.floor(4 * ctx.u(Tag.workCorrection, w.staff, day, salt + 4))) * MINUTE_MS;
    const end = Math.max(startMs + 15 * MINUTE_MS, endMs + delta);
    if (cms >= cutoffMs) push(rec(cms, cms, event(`wr.${registrationId}.rev2`, 'WorkRegistered', data(end), cms, SOURCE.time)));
  }
}

function sendPayroll(sim: Simulation, unit: UnitRT, day: number, lines: Map<string, number>, push: (r: Rec) => void, cutoffMs: number): void {
  const ctx = sim.ctx;
  const cal = ctx.calendar;
  const date = cal.date(day);
  const ymd = cal.ymd(day);
  const ms = cal.at(day + 1, 3 + unit.model.officeMinute / 300);
  const keys = [...lines.keys()].sort();
  keys.forEach((key, i) => {
    const [competence, employmentForm, payComponent] = key.split('|') as [string, string, string];
    const reportId = `hr.${unit.id}.${ymd}.${competence}.${employmentForm}.${payComponent}`;
    const hours = round2(lines.get(key)!);
    const data = (h: number): Record<string, unknown> => {
      const d: Record<string, unknown> = { reportId, unitId: unit.id, date, competence, employmentForm, payComponent, hours: h };
      if (!payComponent.startsWith('absence-')) d.activity = unit.model.activity;
      return d;
    };
    const at = ms + i * 1000;
    if (at >= cutoffMs) push(rec(at, at, event(reportId, 'HoursReported', data(hours), at, SOURCE.payroll)));
    const c = ctx.u(Tag.payrollCorrection, unit.idx, day, i);
    if (c < 0.02) {
      const cms = cal.at(day + 20, 4) + i * 1000;
      if (cms >= cutoffMs) push(rec(cms, cms, event(`${reportId}.rev2`, 'HoursReported', data(round2(Math.max(0, hours + (c < 0.01 ? -2 : 2)))), cms, SOURCE.payroll)));
    }
  });
}

