import type { BookingSource } from '@pks/contracts';
import type { Spell, SpellKind } from './absence-model.js';
import { ceilQuarter, event, rec, type Rec, SOURCE } from './event-builders.js';
import { DAY_MS, HOUR_MS, isoOf, MINUTE_MS, weekdayOfDay } from './local-calendar.js';
import type { Roster } from './roster.js';
import {
  COMPETENCE_CODES,
  FORM_HOURLY,
  PATTERN_DAY,
  PATTERN_NIGHT,
  PATTERN_ROTATING,
  periodOf,
  SLOT_DAY,
  SLOT_NIGHT,
  Tag,
  type UnitRT,
} from './sim-context.js';
import type { Simulation } from './simulation.js';

/** How far ahead of a day its sparse events (changes, bookings, planned absence) may be sent, and how late. */
export const MAX_LEAD_DAYS = 21;
export const MAX_LAG_DAYS = 35;

export type AbsenceOnShift = SpellKind | 'education';

/** A shift as it will actually be on the day, after changes, absence and moves. */
export interface PlannedShift {
  unit: number;
  group: number;
  slot: number;
  comp: number;
  ord: number;
  rosterStaff: number;
  /** who works it now (−1 = open) */
  staff: number;
  startMs: number;
  endMs: number;
  activity: string;
  cancelled: boolean;
  absence: AbsenceOnShift | null;
  /** the event id of the absence report (for causation) */
  absenceEventId: string | null;
  /** when the unit learnt of the absence */
  absenceKnownMs: number;
  /** reallocated to another unit for the day (−1 = no) */
  movedTo: number;
  changedMs: number;
}

export interface PlannedBooking {
  bookingId: string;
  staff: number;
  unit: number;
  group: number;
  slot: number;
  comp: number;
  source: BookingSource;
  startMs: number;
  endMs: number;
  /** start/end differ from the slot's (a late booking) */
  ownTimes: boolean;
  bookedMs: number;
  cancelledMs: number;
  fromUnit: number;
  fromShiftId: string | null;
}

/** Everything decided about one day: the effective shifts, bookings and the sparse events, by the day they are sent. */
export interface DayPlan {
  day: number;
  shifts: PlannedShift[];
  bookings: PlannedBooking[];
  outbox: Map<number, Rec[]>;
}

const CHANGE_ACTIVITIES = ['ejpat.utbildning.intern', 'pat.introduktion.inskolning', 'pat.ovrig.admin'];

function compatible(pattern: number, slotKind: number): boolean {
  if (pattern === PATTERN_NIGHT) return slotKind === SLOT_NIGHT;
  if (pattern === PATTERN_DAY) return slotKind === SLOT_DAY;
  return slotKind !== SLOT_NIGHT;
}

/**
 * Decides a day: effective shifts (changes, cancellations and swaps decided up to three weeks ahead), who is
 * absent (sick, care of child, education), the sick calls that start that day, and how the gaps against the
 * staffing keys get filled (hourly staff into open shifts, staffing-centre pool, agency, overtime, moving a person
 * from a unit of the same department) or stay open. Pure in the seed; the events go to an outbox keyed by the day
 * they are sent.
 */
export function buildDayPlan(sim: Simulation, day: number): DayPlan {
  const ctx = sim.ctx;
  const cal = ctx.calendar;
  const abs = sim.absences;
  const outbox = new Map<number, Rec[]>();
  const send = (ms: number, until: number, ev: ReturnType<typeof event>) => {
    const d = cal.dayOf(ms);
    if (d < day - MAX_LEAD_DAYS || d > day + MAX_LAG_DAYS) throw new Error(`simulation bug: an event for ${cal.date(day)} sent on ${cal.date(d)}`);
    let list = outbox.get(d);
    if (!list) {
      list = [];
      outbox.set(d, list);
    }
    list.push(rec(ms, until, ev));
  };
  const used = new Set<number>();
  const idOf = (s: PlannedShift) => sim.shiftId(ctx.units[s.unit]!, day, s.group, s.ord);
  const shifts: PlannedShift[] = [];
  const byUnitGroup = new Map<number, PlannedShift[]>();
  const ymd = cal.ymd(day);
  const weekday = weekdayOfDay(day);
  const period = periodOf(day);

  // 1. effective shifts
  for (const unit of ctx.units) {
    const r: Roster = sim.roster(unit.idx, period);
    const d = day - r.startDay;
    for (let i = r.dayStart[d]!; i < r.dayStart[d + 1]!; i += 1) {
      const group = r.group[i]!;
      const g = unit.groups[group]!;
      const ord = r.ord[i]!;
      const times = sim.slotTimes(unit, day, g.slot);
      const s: PlannedShift = {
        unit: unit.idx,
        group,
        slot: g.slot,
        comp: g.comp,
        ord,
        rosterStaff: r.staff[i]!,
        staff: r.staff[i]!,
        startMs: times.startMs,
        endMs: times.endMs,
        activity: unit.model.activity,
        cancelled: false,
        absence: null,
        absenceEventId: null,
        absenceKnownMs: 0,
        movedTo: -1,
        changedMs: 0,
      };
      if (s.staff >= 0) used.add(s.staff);
      shifts.push(s);
      const key = unit.idx * 256 + group;
      const list = byUnitGroup.get(key);
      if (list) list.push(s);
      else byUnitGroup.set(key, [s]);
    }
  }

  // 2. changes decided ahead: cancellations, new times, other activities, swaps
  for (const s of shifts) {
    const unit = ctx.units[s.unit]!;
    const key = s.group * 256 + s.ord;
    const c = ctx.u(Tag.shiftChange, s.unit, day, key);
    if (c >= 0.06) continue;
    const lead = 1 + Math.floor(20 * ctx.u(Tag.shiftChangeLead, s.unit, day, key) ** 2);
    const ms = cal.at(day - lead, 8 + unit.model.officeMinute / 60 + 6 * ctx.u(Tag.shiftChangeDetail, s.unit, day, key));
    const detail = ctx.u(Tag.shiftChangeDetail, s.unit, day, key + 1);
    if (s.staff < 0) {
      if (c < 0.05) {
        s.cancelled = true;
        s.changedMs = ms;
        const shiftId = idOf(s);
        send(ms, s.endMs, event(`shc.${shiftId}`, 'ShiftCancelled', { shiftId, reason: 'behovet bortfallit' }, ms, SOURCE.schedule));
      }
      continue;
    }
    if (c < 0.004) {
      s.cancelled = true;
      s.changedMs = ms;
      const shiftId = idOf(s);
      send(ms, s.endMs, event(`shc.${shiftId}`, 'ShiftCancelled', { shiftId, reason: 'omplanerad' }, ms, SOURCE.schedule));
      continue;
    }
    if (c < 0.03) {
      const v = Math.floor(detail * 4);
      if (v === 0) s.startMs += 30 * MINUTE_MS;
      else if (v === 1) s.startMs += 60 * MINUTE_MS;
      else if (v === 2) s.endMs -= 30 * MINUTE_MS;
      else s.endMs += 60 * MINUTE_MS;
    } else if (c < 0.045) {
      s.activity = CHANGE_ACTIVITIES[Math.floor(detail * CHANGE_ACTIVITIES.length)]!;
    } else {
      if (unit.slotKind[s.slot] === SLOT_NIGHT) continue;
      const other = pickSwap(sim, unit, s, day, used);
      if (other < 0) continue;
      used.add(other);
      s.staff = other;
    }
    s.changedMs = ms;
    send(ms, s.endMs, shiftChanged(sim, unit, s, day, ms, 'c'));
  }

  // 3. absence on the day's shifts (sick or care of child from the spells, education planned ahead)
  for (const s of shifts) {
    if (s.staff < 0 || s.cancelled) continue;
    const spell = abs.absentOn(s.staff, day);
    if (spell) {
      s.absence = spell.kind;
      s.absenceEventId = `sim.abs.${spellId(sim, spell)}`;
      s.absenceKnownMs = day < spell.start + spell.reported ? reportMs(sim, spell) : extensionMs(sim, spell);
      continue;
    }
    const unit = ctx.units[s.unit]!;
    if (weekday <= 5 && unit.slotKind[s.slot] === SLOT_DAY && ctx.staff[s.staff]!.reportsAbsence && ctx.u(Tag.education, s.staff, day) < 0.004) {
      const lead = 7 + Math.floor(ctx.u(Tag.education, s.staff, day, 1) * 14);
      const ms = cal.at(day - lead, 10 + 5 * ctx.u(Tag.education, s.staff, day, 2));
      const absenceId = `utb.${ctx.staff[s.staff]!.id}.${ymd}`;
      s.absence = 'education';
      s.absenceEventId = `sim.abs.${absenceId}`;
      s.absenceKnownMs = ms;
      send(ms, s.endMs, event(`abs.${absenceId}`, 'AbsenceReported', { absenceId, staffId: ctx.staff[s.staff]!.id, kind: 'education', start: iso(s.startMs), end: iso(s.endMs) }, ms, SOURCE.time));
    }
  }

  // 4. sick calls and care-of-child calls starting today
  for (const st of ctx.staff) {
    if (!st.reportsAbsence) continue;
    const sick = abs.spellStarting('sick', st.idx, day);
    if (sick) sendSpell(sim, sick, send);
    if (st.kids) {
      const vab = abs.spellStarting('child-care', st.idx, day);
      if (vab) sendSpell(sim, vab, send);
    }
  }

  // 5. gaps against the keys' targets, then 6. filling them
  const bookings: PlannedBooking[] = [];
  const bookingSeq = new Map<string, number>();
  const staffedCount = new Map<number, number>();
  for (const unit of ctx.units) {
    for (let g = 0; g < unit.groups.length; g += 1) {
      const list = byUnitGroup.get(unit.idx * 256 + g) ?? [];
      let staffed = 0;
      for (const s of list) if (!s.cancelled && s.staff >= 0 && s.absence === null) staffed += 1;
      staffedCount.set(unit.idx * 256 + g, staffed);
    }
  }
  const book = (unit: UnitRT, group: number, staff: number, source: BookingSource, bookedMs: number, slotStart: number, slotEnd: number, causation: string | null, from: PlannedShift | null, note?: string) => {
    const g = unit.groups[group]!;
    const slotCode = unit.slots[g.slot]!.code;
    const comp = COMPETENCE_CODES[g.comp]!;
    const seqKey = `${unit.idx}.${group}`;
    const n = (bookingSeq.get(seqKey) ?? 0) + 1;
    bookingSeq.set(seqKey, n);
    const bookingId = `bk.${unit.id}.${ymd}.${slotCode}.${comp}.${n}`;
    const late = bookedMs + 30 * MINUTE_MS > slotStart;
    const startMs = late ? ceilQuarter(bookedMs + 45 * MINUTE_MS) : slotStart;
    const b: PlannedBooking = {
      bookingId,
      staff,
      unit: unit.idx,
      group,
      slot: g.slot,
      comp: g.comp,
      source,
      startMs,
      endMs: slotEnd,
      ownTimes: late,
      bookedMs,
      cancelledMs: Number.NaN,
      fromUnit: from ? from.unit : -1,
      fromShiftId: from ? idOf(from) : null,
    };
    bookings.push(b);
    used.add(staff);
    const data: Record<string, unknown> = {
      bookingId,
      staffId: ctx.staff[staff]!.id,
      unitId: unit.id,
      date: cal.date(day),
      slot: slotCode,
      competence: comp,
    };
    if (late) {
      data.start = iso(startMs);
      data.end = iso(slotEnd);
    }
    data.source = source;
    if (from) {
      data.fromUnitId = ctx.units[from.unit]!.id;
      data.fromShiftId = b.fromShiftId;
    }
    if (note) data.note = note;
    send(bookedMs, slotEnd, event(`bk.${bookingId}`, 'StaffBooked', data, bookedMs, SOURCE.staffing, causation ?? undefined));
    // some bookings made well ahead are cancelled again; the gap opens again
    if (bookedMs < slotStart - 3 * DAY_MS && ctx.u(Tag.bookingCancel, staff, day) < 0.05) {
      const cancelMs = bookedMs + Math.floor((slotStart - bookedMs) * (0.3 + 0.4 * ctx.u(Tag.bookingCancel, staff, day, 1)));
      b.cancelledMs = cancelMs;
      send(cancelMs, slotEnd, event(`bkc.${bookingId}`, 'BookingCancelled', { bookingId, reason: ctx.u(Tag.bookingCancel, staff, day, 2) < 0.5 ? 'behovet upphörde' : 'personen inte tillgänglig' }, cancelMs, SOURCE.staffing));
    }
    return b;
  };

  for (const unit of ctx.units) {
    for (let g = 0; g < unit.groups.length; g += 1) {
      const target = ctx.target(unit, g, day);
      if (target <= 0) continue;
      const key = unit.idx * 256 + g;
      const missing = target - staffedCount.get(key)!;
      if (missing <= 0) continue;
      const group = unit.groups[g]!;
      const slotKind = unit.slotKind[group.slot]!;
      const { startMs: slotStart, endMs: slotEnd } = sim.slotTimes(unit, day, group.slot);
      const list = byUnitGroup.get(key) ?? [];
      const pubMs = sim.publicationMs(unit, period);
      // the reasons, most foreseeable first
      type Gap = { shift: PlannedShift | null; known: number; causation: string | null; open: boolean };
      const gaps: Gap[] = [];
      for (const s of list) if (!s.cancelled && s.staff < 0) gaps.push({ shift: s, known: pubMs, causation: null, open: true });
      for (const s of list) if (s.cancelled) gaps.push({ shift: s, known: s.changedMs, causation: `sim.shc.${idOf(s)}`, open: false });
      for (const s of list) if (!s.cancelled && s.staff >= 0 && s.absence !== null) gaps.push({ shift: s, known: s.absenceKnownMs, causation: s.absenceEventId, open: false });
      const overrideMs = cal.at(day - 2, 14);
      while (gaps.length < missing) gaps.push({ shift: null, known: ctx.overrideOn(unit, day, group) > 0 ? overrideMs : pubMs, causation: null, open: false });
      gaps.length = Math.min(gaps.length, missing);

      gaps.forEach((gap, k) => {
        const v = ctx.u(Tag.gapFill, unit.idx, day, g * 256 + k);
        const latestAhead = cal.at(day - 1, 16);
        const ahead = gap.known + HOUR_MS < latestAhead;
        let filled = false;
        if (ahead) {
          const firstDay = Math.max(day - MAX_LEAD_DAYS, cal.dayOf(gap.known + HOUR_MS));
          const leadDay = firstDay + Math.floor(ctx.u(Tag.bookingLead, unit.idx, day, g * 256 + k) * (day - firstDay));
          let bookedMs = cal.at(Math.min(leadDay, day - 1), 9 + unit.model.officeMinute / 60 + 6 * ctx.u(Tag.bookingLead, unit.idx, day, g * 256 + k + 1));
          if (bookedMs <= gap.known) bookedMs = gap.known + HOUR_MS;
          if (gap.open && gap.shift && v < 0.33) {
            const h = pickFrom(sim, unit.hourlyByComp.get(group.comp), slotKind, used, day, Tag.hourlyAvailable, 0.5, unit.idx * 7 + k);
            if (h >= 0) {
              used.add(h);
              gap.shift.staff = h;
              gap.shift.changedMs = bookedMs;
              send(bookedMs, gap.shift.endMs, shiftChanged(sim, unit, gap.shift, day, bookedMs, 'f'));
              filled = true;
            }
          } else if (v < 0.65 && unit.pool >= 0) {
            const q = pickPool(sim, unit.pool, group.comp, slotKind, used, day, unit.idx * 7 + k);
            if (q >= 0) {
              book(unit, g, q, 'pool', bookedMs, slotStart, slotEnd, gap.causation, null);
              filled = true;
            }
          } else if (v < 0.75 && (COMPETENCE_CODES[group.comp] === 'SSK' || COMPETENCE_CODES[group.comp] === 'LAK')) {
            const a = pickFrom(sim, ctx.agencyByHospital[unit.hospital], slotKind, used, day, Tag.agencyAvailable, 0.75, unit.idx * 7 + k, group.comp);
            if (a >= 0) {
              book(unit, g, a, 'agency', bookedMs, slotStart, slotEnd, gap.causation, null);
              filled = true;
            }
          }
          if (!filled && v >= 0.75 && v < 0.9 && slotKind !== SLOT_NIGHT) {
            const o = pickOvertime(sim, unit, group.comp, slotKind, used, day, k);
            if (o >= 0) {
              book(unit, g, o, 'overtime', Math.max(gap.known + HOUR_MS, cal.at(day - 1, 12 + 4 * v)), slotStart, slotEnd, gap.causation, null);
              filled = true;
            }
          }
        } else {
          // learnt of it the evening before or the same day: the staffing centre acts within the hour or two
          const bookedMs = gap.known + (10 + 80 * ctx.u(Tag.bookingLead, unit.idx, day, g * 256 + k)) * MINUTE_MS;
          if (bookedMs > slotStart + HOUR_MS || bookedMs >= slotEnd - 2 * HOUR_MS) return;
          if (v < 0.42 && unit.pool >= 0) {
            const q = pickPool(sim, unit.pool, group.comp, slotKind, used, day, unit.idx * 7 + k);
            if (q >= 0) book(unit, g, q, 'pool', bookedMs, slotStart, slotEnd, gap.causation, null);
          } else if (v < 0.68 && slotKind !== SLOT_NIGHT) {
            const o = pickOvertime(sim, unit, group.comp, slotKind, used, day, k);
            if (o >= 0) book(unit, g, o, 'overtime', bookedMs, slotStart, slotEnd, gap.causation, null);
          } else if (v < 0.76) {
            const from = pickReallocation(sim, unit, group, day, byUnitGroup, staffedCount);
            if (from) {
              from.movedTo = unit.idx;
              staffedCount.set(from.unit * 256 + from.group, staffedCount.get(from.unit * 256 + from.group)! - 1);
              book(unit, g, from.staff, 'reallocation', bookedMs, slotStart, slotEnd, gap.causation, from);
            }
          }
        }
      });
    }
  }

  // 7. pool staff nobody asked for are placed the afternoon before where they help most (a plus in the gap list)
  for (const pool of ctx.pools) {
    const units = pool.units;
    if (units.length === 0) continue;
    for (const q of pool.members) {
      const st = ctx.staff[q]!;
      if (used.has(q) || !poolWorks(sim, q, day)) continue;
      const start = Math.floor(ctx.u(Tag.reserve, q, day) * units.length);
      for (let j = 0; j < units.length; j += 1) {
        const unit = ctx.units[units[(start + j) % units.length]!]!;
        const g = unit.groups.findIndex((gr, gi) => gr.comp === st.comp && compatible(st.pattern, unit.slotKind[gr.slot]!) && ctx.target(unit, gi, day) > 0);
        if (g < 0) continue;
        const { startMs, endMs } = sim.slotTimes(unit, day, unit.groups[g]!.slot);
        book(unit, g, q, 'pool', cal.at(day - 1, 13 + 3 * ctx.u(Tag.reserve, q, day, 1)), startMs, endMs, null, null, 'reserv från bemanningscentrum');
        break;
      }
    }
  }

  return { day, shifts, bookings, outbox };
}

const iso = isoOf;

function shiftChanged(sim: Simulation, unit: UnitRT, s: PlannedShift, day: number, ms: number, tag: string) {
  const shiftId = sim.shiftId(unit, day, s.group, s.ord);
  return event(
    `shx.${shiftId}.${tag}`,
    'ShiftChanged',
    {
      shiftId,
      unitId: unit.id,
      staffId: s.staff >= 0 ? sim.ctx.staff[s.staff]!.id : null,
      competence: COMPETENCE_CODES[s.comp]!,
      start: iso(s.startMs),
      end: iso(s.endMs),
      slot: unit.slots[s.slot]!.code,
      activity: s.activity,
    },
    ms,
    SOURCE.schedule,
  );
}

/** The id of a sick or care-of-child spell: sjuk.<staff>.<first day> */
export function spellId(sim: Simulation, spell: Spell): string {
  return `${spell.kind === 'sick' ? 'sjuk' : 'vab'}.${sim.ctx.staff[spell.staff]!.id}.${sim.ctx.calendar.ymd(spell.start)}`;
}

/** When the spell is reported: mostly the same morning before the shift, some the evening before, some days late. */
export function reportMs(sim: Simulation, spell: Spell): number {
  const ctx = sim.ctx;
  const cal = ctx.calendar;
  const tag = spell.kind === 'sick' ? Tag.sickReport : Tag.vabReport;
  const r = ctx.u(tag, spell.staff, spell.start);
  const r2 = ctx.u(tag, spell.staff, spell.start, 1);
  const r3 = ctx.u(tag, spell.staff, spell.start, 2);
  const evening = spell.kind === 'sick' ? 0.12 : 0;
  const sameDay = spell.kind === 'sick' ? 0.93 : 0.95;
  if (r < evening) return cal.at(spell.start - 1, 18 + 4.5 * r2);
  if (r < sameDay) {
    const shiftStart = sim.rosterShiftStart(spell.staff, spell.start);
    if (!Number.isNaN(shiftStart)) {
      const before = shiftStart - cal.midnight(spell.start) > 12 * HOUR_MS ? (2 + 4 * r2) * HOUR_MS : (20 + 100 * r2) * MINUTE_MS;
      return Math.max(cal.at(spell.start, 4.5), shiftStart - before);
    }
    return cal.at(spell.start, ctx.staff[spell.staff]!.pattern === PATTERN_NIGHT ? 9 + 6 * r2 : 6.5 + 3 * r2);
  }
  return cal.at(spell.start + 1 + Math.floor(r2 * 3), 9 + 6 * r3);
}

/** When a spell reported shorter than it lasts is extended: the morning of its last reported day. */
export function extensionMs(sim: Simulation, spell: Spell): number {
  const cal = sim.ctx.calendar;
  const ms = cal.at(spell.start + spell.reported - 1, 8 + 3 * sim.ctx.u(Tag.sickCorrection, spell.staff, spell.start, 1));
  return Math.max(ms, reportMs(sim, spell) + 30 * MINUTE_MS);
}

function sendSpell(sim: Simulation, spell: Spell, send: (ms: number, until: number, ev: ReturnType<typeof event>) => void): void {
  const ctx = sim.ctx;
  const cal = ctx.calendar;
  const staffId = ctx.staff[spell.staff]!.id;
  const absenceId = spellId(sim, spell);
  const at = reportMs(sim, spell);
  const [start, end] = sim.absences.interval(spell.staff, spell.start, spell.reported);
  const [, finalEnd] = sim.absences.interval(spell.staff, spell.start, spell.length);
  send(at, finalEnd, event(`abs.${absenceId}`, 'AbsenceReported', { absenceId, staffId, kind: spell.kind, start: iso(start), end: iso(end) }, at, SOURCE.time));
  if (spell.phantom) {
    const ms = at + (15 + 35 * ctx.u(Tag.sickCorrection, spell.staff, spell.start, 2)) * MINUTE_MS;
    send(ms, finalEnd, event(`absw.${absenceId}`, 'AbsenceWithdrawn', { absenceId, staffId }, ms, SOURCE.time));
    return;
  }
  if (spell.reported < spell.length) {
    const ms = extensionMs(sim, spell);
    send(ms, finalEnd, event(`absc.${absenceId}.1`, 'AbsenceCorrected', { absenceId, staffId, kind: spell.kind, start: iso(start), end: iso(finalEnd) }, ms, SOURCE.time, `sim.abs.${absenceId}`));
  }
  // payroll review weeks later: a "sick" day that was really care of a child
  if (spell.kind === 'sick' && spell.length <= 14 && ctx.staff[spell.staff]!.kids && ctx.u(Tag.sickCorrection, spell.staff, spell.start, 3) < 0.08) {
    const ms = cal.at(spell.start + spell.length + 7 + Math.floor(13 * ctx.u(Tag.sickCorrection, spell.staff, spell.start, 4)), 10 + 5 * ctx.u(Tag.sickCorrection, spell.staff, spell.start, 5));
    send(ms, finalEnd, event(`absc.${absenceId}.2`, 'AbsenceCorrected', { absenceId, staffId, kind: 'child-care', start: iso(start), end: iso(finalEnd) }, ms, SOURCE.time));
  }
}

/** Pool staff work on a day with a probability of their rate (≈ 5 days in 7 at full time) unless absent. */
export function poolWorks(sim: Simulation, q: number, day: number): boolean {
  const st = sim.ctx.staff[q]!;
  if (sim.ctx.u(Tag.poolAvailable, q, day) >= st.rate * 0.7) return false;
  return !sim.absences.unavailable(q, day) && sim.absences.absentOn(q, day) === null;
}

function pickPool(sim: Simulation, pool: number, comp: number, slotKind: number, used: Set<number>, day: number, salt: number): number {
  const members = sim.ctx.pools[pool]!.members;
  const n = members.length;
  if (n === 0) return -1;
  const start = Math.floor(sim.ctx.u(Tag.bookingPick, pool, day, salt) * n);
  for (let j = 0; j < n; j += 1) {
    const q = members[(start + j) % n]!;
    const st = sim.ctx.staff[q]!;
    if (st.comp !== comp || used.has(q) || !compatible(st.pattern, slotKind)) continue;
    if (poolWorks(sim, q, day)) return q;
  }
  return -1;
}

/** A person from a list (hourly staff, agency) who is free and available that day. */
function pickFrom(sim: Simulation, list: readonly number[] | undefined, slotKind: number, used: Set<number>, day: number, tag: number, availability: number, salt: number, comp = -1): number {
  if (!list || list.length === 0) return -1;
  const n = list.length;
  const start = Math.floor(sim.ctx.u(Tag.bookingPick, tag, day, salt) * n);
  for (let j = 0; j < n; j += 1) {
    const p = list[(start + j) % n]!;
    const st = sim.ctx.staff[p]!;
    if ((comp >= 0 && st.comp !== comp) || used.has(p) || !compatible(st.pattern, slotKind)) continue;
    if (sim.ctx.u(tag, p, day) < availability) return p;
  }
  return -1;
}

/** One of the unit's own staff who is off that day and rested: works extra (overtime or, part-timers, additional time). */
function pickOvertime(sim: Simulation, unit: UnitRT, comp: number, slotKind: number, used: Set<number>, day: number, salt: number): number {
  const list = unit.peopleByComp.get(comp);
  if (!list || list.length === 0) return -1;
  const n = list.length;
  const start = Math.floor(sim.ctx.u(Tag.bookingPick, unit.idx, day, 1000 + salt) * n);
  for (let j = 0; j < Math.min(n, 25); j += 1) {
    const p = list[(start + j) % n]!;
    const st = sim.ctx.staff[p]!;
    if (used.has(p) || st.pattern === PATTERN_NIGHT || !compatible(st.pattern === PATTERN_DAY ? PATTERN_DAY : PATTERN_ROTATING, slotKind)) continue;
    if (st.form === FORM_HOURLY) continue;
    if (sim.rosterShift(p, day) !== null) continue;
    if (!Number.isNaN(sim.nightShiftEnd(p, day - 1))) continue;
    if (sim.absences.unavailable(p, day) || sim.absences.absentOn(p, day) !== null) continue;
    return p;
  }
  return -1;
}

/** A staffed shift of the same slot and competence on another unit of the department that is above its minimum. */
function pickReallocation(sim: Simulation, unit: UnitRT, group: UnitRT['groups'][number], day: number, byUnitGroup: Map<number, PlannedShift[]>, staffed: Map<number, number>): PlannedShift | null {
  const slotCode = unit.slots[group.slot]!.code;
  for (const other of sim.ctx.unitsByDepartment[unit.department]!) {
    if (other === unit.idx) continue;
    const o = sim.ctx.units[other]!;
    const g = o.groups.findIndex((gr) => gr.comp === group.comp && o.slots[gr.slot]!.code === slotCode);
    if (g < 0) continue;
    const count = staffed.get(other * 256 + g) ?? 0;
    if (count <= Math.max(1, sim.ctx.minimum(o, g, day))) continue;
    for (const s of byUnitGroup.get(other * 256 + g) ?? []) {
      if (!s.cancelled && s.staff >= 0 && s.absence === null && s.movedTo < 0) return s;
    }
  }
  return null;
}

/** A staffed person who is free that day and may take over the shift (a swap agreed with the scheduler). */
function pickSwap(sim: Simulation, unit: UnitRT, s: PlannedShift, day: number, used: Set<number>): number {
  const list = unit.peopleByComp.get(s.comp);
  if (!list || list.length < 2) return -1;
  const kind = unit.slotKind[s.slot]!;
  const n = list.length;
  const start = Math.floor(sim.ctx.u(Tag.shiftChangeDetail, unit.idx, day, 5000 + s.group * 64 + s.ord) * n);
  for (let j = 0; j < Math.min(n, 20); j += 1) {
    const p = list[(start + j) % n]!;
    if (p === s.staff || used.has(p)) continue;
    const st = sim.ctx.staff[p]!;
    if (!compatible(st.pattern, kind)) continue;
    if (sim.rosterShift(p, day) !== null) continue;
    if (!Number.isNaN(sim.nightShiftEnd(p, day - 1))) continue;
    if (sim.absences.unavailable(p, day) || sim.absences.absentOn(p, day) !== null) continue;
    return p;
  }
  return -1;
}
