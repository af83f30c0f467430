import type { EventInput } from '@pks/contracts';
import { deferred, event, type Rec, type Renderer, SOURCE } from './event-builders.js';
import { isoOf, MINUTE_MS, weekdayOfDay } from './local-calendar.js';
import { hash32, rngFor, weightedIndex } from './random.js';
import { Tag, type UnitRT } from './sim-context.js';
import type { Simulation } from './simulation.js';
import { referralCount, referralRate } from './unit-volumes.js';

/** The longest from a referral to its last event (target date up to 180 days, up to 15 % late, plus the visit). */
export const MAX_WAITLIST_SPAN_DAYS = 230;

const TARGETS: Record<string, { days: number[]; weights: number[] }> = {
  outpatient: { days: [14, 30, 60, 90], weights: [0.15, 0.35, 0.3, 0.2] },
  surgery: { days: [30, 60, 90, 180], weights: [0.2, 0.35, 0.3, 0.15] },
  rehab: { days: [14, 30, 60], weights: [0.3, 0.4, 0.3] },
};

interface Entry {
  addedMs: number;
  targetDay: number;
  withdrawnMs: number;
  bookedMs: number;
  apptStart: number;
  apptEnd: number;
  cancelledMs: number;
}

/** The next weekday on or after a day. */
function weekdayOnOrAfter(day: number): number {
  const wd = weekdayOfDay(day);
  return wd === 6 ? day + 2 : wd === 7 ? day + 1 : day;
}

/**
 * Patient flow of units with appointments (outpatient clinics, operating departments, rehab): referrals join the
 * waiting list with a medical target date (priority 14–180 days); most are booked 1–5 weeks ahead for a visit near
 * the target date (about one in six after it: waited too long); some withdraw; a few bookings are cancelled. Return
 * visits are booked directly without the list. The number of referrals follows the unit's rate × month × the real
 * day-to-day demand deviation. Each entry's later events are queued as small deferred records and rendered when due.
 */
export class PatientEvents {
  private readonly renderEntry: Renderer;
  private readonly renderDirect: Renderer;
  /** day → [unit, origin day, number, direct?]… of entries with an event that day */
  private readonly wakeups = new Map<number, number[]>();
  /** per weekday, the cumulative hour-of-week profile over office hours 08–17: when referrals arrive */
  private readonly referralHours: Float64Array[];

  constructor(private readonly sim: Simulation) {
    this.referralHours = Array.from({ length: 7 }, (_, w) => {
      const c = new Float64Array(9);
      let sum = 0;
      for (let h = 0; h < 9; h += 1) {
        sum += sim.ctx.demand.hourOfWeek[w * 24 + 8 + h]!;
        c[h] = sum;
      }
      for (let h = 0; h < 9; h += 1) c[h] = c[h]! / sum;
      return c;
    });
    this.renderEntry = (r) => {
      const unit = this.sim.ctx.units[r.a]!;
      const e = this.entry(unit, r.b, r.c);
      switch (r.d) {
        case ADDED:
          return this.added(unit, e, r.b, r.c);
        case WITHDRAWN:
          return this.removed(unit, r.b, r.c, 'withdrawn', r.ms);
        case REMOVED:
          return this.removed(unit, r.b, r.c, 'booked', r.ms);
        case BOOKED:
          return this.booked(unit, e, r.b, r.c, true, r.ms);
        default:
          return this.cancelled(unit, r.b, r.c, false, r.ms);
      }
    };
    this.renderDirect = (r) => {
      const unit = this.sim.ctx.units[r.a]!;
      if (r.d === CANCELLED) return this.cancelled(unit, r.b, r.c, true, r.ms);
      // BOOKED
      return this.booked(unit, this.direct(unit, r.b, r.c), r.b, r.c, false, r.ms);
    };
  }

  /**
   * The day's patient events. Each referral or direct booking is a pure function of (unit, day, number); instead of
   * queueing all its future events, it leaves one small wake-up for the next day on which it has an event.
   * `keep(ms, until)`: whether a record would be used (lets the look-back before a period skip rendering).
   */
  emit(day: number, push: (r: Rec) => void, keep: (ms: number, until: number) => boolean = () => true): void {
    const ctx = this.sim.ctx;
    const due = this.wakeups.get(day);
    if (due) {
      this.wakeups.delete(day);
      for (let j = 0; j < due.length; j += 4) this.expand(ctx.units[due[j]!]!, due[j + 1]!, due[j + 2]!, due[j + 3] === 1, day, push, keep);
    }
    if (weekdayOfDay(day) > 5) return;
    for (const unit of ctx.units) {
      if (!unit.appointments) continue;
      const n = referralCount(ctx, unit, day);
      for (let i = 0; i < n; i += 1) this.expand(unit, day, i, false, day, push, keep);
      // return visits booked directly, 1–6 weeks ahead
      const direct = rngFor(ctx.seed, Tag.directBookings, unit.idx, day).poisson(referralRate(unit) / 4);
      for (let i = 0; i < direct; i += 1) this.expand(unit, day, i, true, day, push, keep);
    }
  }

  /** Pushes an entry's (or direct booking's) events that fall on `day` and books a wake-up for its next event day. */
  private expand(unit: UnitRT, origin: number, i: number, direct: boolean, day: number, push: (r: Rec) => void, keep: (ms: number, until: number) => boolean): void {
    const cal = this.sim.ctx.calendar;
    const e = direct ? this.direct(unit, origin, i) : this.entry(unit, origin, i);
    const fn = direct ? this.renderDirect : this.renderEntry;
    let next = Number.POSITIVE_INFINITY;
    const at = (ms: number, until: number, kind: number) => {
      if (Number.isNaN(ms) || !keep(ms, until)) return;
      const d = cal.dayOf(ms);
      if (d === day) push(deferred(ms, until, fn, unit.idx, origin, i, kind));
      else if (d > day && d < next) next = d;
    };
    const appointmentUntil = Number.isNaN(e.cancelledMs) ? e.apptEnd : e.cancelledMs;
    if (direct) {
      at(e.bookedMs, appointmentUntil, BOOKED);
      at(e.cancelledMs, e.apptEnd, CANCELLED);
    } else {
      at(e.addedMs, Number.isNaN(e.withdrawnMs) ? e.bookedMs : e.withdrawnMs, ADDED);
      at(e.withdrawnMs, e.withdrawnMs, WITHDRAWN);
      at(e.bookedMs, e.bookedMs, REMOVED);
      at(Number.isNaN(e.bookedMs) ? Number.NaN : e.bookedMs + 1000, appointmentUntil, BOOKED);
      at(e.cancelledMs, e.apptEnd, CANCELLED);
    }
    if (next !== Number.POSITIVE_INFINITY) {
      const list = this.wakeups.get(next);
      if (list) list.push(unit.idx, origin, i, direct ? 1 : 0);
      else this.wakeups.set(next, [unit.idx, origin, i, direct ? 1 : 0]);
    }
  }

  private entry(unit: UnitRT, day: number, i: number): Entry {
    const ctx = this.sim.ctx;
    const cal = ctx.calendar;
    const rng = rngFor(ctx.seed, Tag.referrals, unit.idx, day, i + 1);
    const t = TARGETS[unit.model.template] ?? TARGETS.outpatient!;
    const target = t.days[weightedIndex(t.weights, rng.next())]!;
    // referrals arrive in office hours, shaped like the arrivals' hour-of-day profile
    const hours = this.referralHours[weekdayOfDay(day) - 1]!;
    const uh = rng.next();
    let h = 0;
    while (h < 8 && hours[h]! < uh) h += 1;
    const addedMs = cal.at(day, 8 + h + rng.next());
    const e: Entry = {
      addedMs,
      targetDay: day + target,
      withdrawnMs: Number.NaN,
      bookedMs: Number.NaN,
      apptStart: Number.NaN,
      apptEnd: Number.NaN,
      cancelledMs: Number.NaN,
    };
    if (rng.next() < 0.04) {
      e.withdrawnMs = Math.max(addedMs + 60 * MINUTE_MS, cal.at(day + 3 + Math.floor(rng.next() * target), 10 + 5 * rng.next()));
      return e;
    }
    const wait = Math.max(3, Math.round(target * (0.45 + 0.75 * rng.next())));
    const apptDay = weekdayOnOrAfter(day + wait);
    const lead = 7 + Math.floor(28 * rng.next());
    const bookedDay = Math.max(day + 1, apptDay - lead);
    e.bookedMs = cal.at(Math.min(bookedDay, apptDay - 1), 9 + 6 * rng.next());
    this.appointment(unit, apptDay, rng.next(), e);
    if (rng.next() < 0.03 && apptDay - bookedDay >= 2) {
      e.cancelledMs = cal.at(bookedDay + 1 + Math.floor(rng.next() * (apptDay - bookedDay - 1)), 9 + 3 * rng.next());
    }
    return e;
  }

  private direct(unit: UnitRT, day: number, i: number): Entry {
    const ctx = this.sim.ctx;
    const cal = ctx.calendar;
    const rng = rngFor(ctx.seed, Tag.directBookings, unit.idx, day, i + 1);
    const apptDay = weekdayOnOrAfter(day + 7 + Math.floor(35 * rng.next()));
    const e: Entry = {
      addedMs: Number.NaN,
      targetDay: apptDay,
      withdrawnMs: Number.NaN,
      bookedMs: cal.at(day, 8.5 + 7 * rng.next()),
      apptStart: Number.NaN,
      apptEnd: Number.NaN,
      cancelledMs: Number.NaN,
    };
    this.appointment(unit, apptDay, rng.next(), e);
    if (rng.next() < 0.03) e.cancelledMs = cal.at(apptDay - 1 - Math.floor(3 * rng.next()), 9 + 3 * rng.next());
    if (e.cancelledMs <= e.bookedMs) e.cancelledMs = Number.NaN;
    return e;
  }

  /** An appointment on a day: clinics in 08:00–15:30 by the appointment length; operations at 08:00, 10:30, 13:00. */
  private appointment(unit: UnitRT, day: number, u: number, e: Entry): void {
    const cal = this.sim.ctx.calendar;
    const minutes = unit.model.appointmentMinutes || 45;
    const slots = Math.max(1, Math.floor((7.5 * 60) / minutes));
    const k = Math.floor(u * slots);
    e.apptStart = cal.midnight(day) + (8 * 60 + k * minutes) * MINUTE_MS;
    e.apptEnd = e.apptStart + minutes * MINUTE_MS;
  }

  private ids(unit: UnitRT, day: number, i: number, direct: boolean): { entryId: string; bookingId: string } {
    const ymd = this.sim.ctx.calendar.ymd(day);
    return direct ? { entryId: '', bookingId: `pb.${unit.id}.${ymd}.d${i + 1}` } : { entryId: `wl.${unit.id}.${ymd}.${i + 1}`, bookingId: `pb.${unit.id}.${ymd}.${i + 1}` };
  }

  private added(unit: UnitRT, e: Entry, day: number, i: number): EventInput {
    const { entryId } = this.ids(unit, day, i, false);
    return event(
      `wla.${entryId}`,
      'WaitlistEntryAdded',
      {
        entryId,
        unitId: unit.id,
        patientRef: patientRef(this.sim.ctx.seed, unit.idx, day, i),
        activity: unit.model.activity,
        expectedHours: Math.round((unit.model.appointmentMinutes / 60) * 4) / 4 || 0.5,
        medicalTargetDate: this.sim.ctx.calendar.date(e.targetDay),
      },
      e.addedMs,
      SOURCE.patients,
    );
  }

  private removed(unit: UnitRT, day: number, i: number, reason: 'booked' | 'withdrawn', ms: number): EventInput {
    const { entryId } = this.ids(unit, day, i, false);
    return event(`wlr.${entryId}`, 'WaitlistEntryRemoved', { entryId, reason }, ms, SOURCE.patients);
  }

  private booked(unit: UnitRT, e: Entry, day: number, i: number, fromList: boolean, ms: number): EventInput {
    const { entryId, bookingId } = this.ids(unit, day, i, !fromList);
    const data: Record<string, unknown> = {
      bookingId,
      unitId: unit.id,
      patientRef: patientRef(this.sim.ctx.seed, unit.idx, day, fromList ? i : 10_000 + i),
      activity: unit.model.activity,
      start: isoOf(e.apptStart),
      end: isoOf(e.apptEnd),
    };
    if (fromList) data.waitlistEntryId = entryId;
    return event(`pbk.${bookingId}`, 'PatientBooked', data, ms, SOURCE.patients);
  }

  private cancelled(unit: UnitRT, day: number, i: number, direct: boolean, ms: number): EventInput {
    const { bookingId } = this.ids(unit, day, i, direct);
    return event(`pbc.${bookingId}`, 'PatientBookingCancelled', { bookingId, reason: 'patienten avbokade' }, ms, SOURCE.patients);
  }
}

const ADDED = 0;
const WITHDRAWN = 1;
const REMOVED = 2;
const BOOKED = 3;
const CANCELLED = 4;

/** An opaque patient reference (never a name or personal identity number). */
function patientRef(seed: number, unit: number, day: number, i: number): string {
  return `pat-${hash32(seed, Tag.referrals, unit, day, 100_000 + i).toString(36)}${hash32(seed, Tag.referrals, unit, day, 200_000 + i).toString(36)}`;
}
