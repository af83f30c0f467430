import type { EventInput } from '@pks/contracts';
import { deferred, event, rec, type Rec, SOURCE } from './event-builders.js';
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
  entryId: string;
  bookingId: string;
  patientRef: string;
  addedMs: number;
  targetDay: number;
  expectedHours: number;
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
  constructor(private readonly sim: Simulation) {}

  emit(day: number, push: (r: Rec) => void): void {
    const ctx = this.sim.ctx;
    if (weekdayOfDay(day) > 5) return;
    for (const unit of ctx.units) {
      if (!unit.appointments) continue;
      const n = referralCount(ctx, unit, day);
      for (let i = 0; i < n; i += 1) {
        const e = this.entry(unit, day, i);
        push(rec(e.addedMs, Number.isNaN(e.withdrawnMs) ? e.bookedMs : e.withdrawnMs, this.added(unit, e)));
        if (!Number.isNaN(e.withdrawnMs)) {
          push(deferred(e.withdrawnMs, e.withdrawnMs, () => this.removed(this.entry(unit, day, i), 'withdrawn', true)));
          continue;
        }
        const until = Number.isNaN(e.cancelledMs) ? e.apptEnd : e.cancelledMs;
        push(deferred(e.bookedMs, e.bookedMs, () => this.removed(this.entry(unit, day, i), 'booked', false)));
        push(deferred(e.bookedMs + 1000, until, () => this.booked(unit, this.entry(unit, day, i), true)));
        if (!Number.isNaN(e.cancelledMs)) push(deferred(e.cancelledMs, e.apptEnd, () => this.cancelled(this.entry(unit, day, i))));
      }
      // return visits booked directly, 1–6 weeks ahead
      const direct = rngFor(ctx.seed, Tag.directBookings, unit.idx, day).poisson(referralRate(unit) / 4);
      for (let i = 0; i < direct; i += 1) {
        const e = this.direct(unit, day, i);
        push(rec(e.bookedMs, Number.isNaN(e.cancelledMs) ? e.apptEnd : e.cancelledMs, this.booked(unit, e, false)));
        if (!Number.isNaN(e.cancelledMs)) push(deferred(e.cancelledMs, e.apptEnd, () => this.cancelled(this.direct(unit, day, i))));
      }
    }
  }

  private entry(unit: UnitRT, day: number, i: number): Entry {
    const ctx = this.sim.ctx;
    const cal = ctx.calendar;
    const rng = rngFor(ctx.seed, Tag.referrals, unit.idx, day, i + 1);
    const t = TARGETS[unit.model.template] ?? TARGETS.outpatient!;
    const target = t.days[weightedIndex(t.weights, rng.next())]!;
    const addedMs = cal.at(day, 8 + 8.5 * rng.next());
    const ymd = cal.ymd(day);
    const e: Entry = {
      entryId: `wl.${unit.id}.${ymd}.${i + 1}`,
      bookingId: `pb.${unit.id}.${ymd}.${i + 1}`,
      patientRef: patientRef(ctx.seed, unit.idx, day, i),
      addedMs,
      targetDay: day + target,
      expectedHours: Math.round((unit.model.appointmentMinutes / 60) * 4) / 4 || 0.5,
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
      entryId: '',
      bookingId: `pb.${unit.id}.${cal.ymd(day)}.d${i + 1}`,
      patientRef: patientRef(ctx.seed, unit.idx, day, 10_000 + i),
      addedMs: Number.NaN,
      targetDay: apptDay,
      expectedHours: 0,
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

  private added(unit: UnitRT, e: Entry): EventInput {
    return event(
      `wla.${e.entryId}`,
      'WaitlistEntryAdded',
      {
        entryId: e.entryId,
        unitId: unit.id,
        patientRef: e.patientRef,
        activity: unit.model.activity,
        expectedHours: e.expectedHours,
        medicalTargetDate: this.sim.ctx.calendar.date(e.targetDay),
      },
      e.addedMs,
      SOURCE.patients,
    );
  }

  private removed(e: Entry, reason: 'booked' | 'withdrawn', withdrawn: boolean): EventInput {
    const ms = withdrawn ? e.withdrawnMs : e.bookedMs;
    return event(`wlr.${e.entryId}`, 'WaitlistEntryRemoved', { entryId: e.entryId, reason }, ms, SOURCE.patients);
  }

  private booked(unit: UnitRT, e: Entry, fromList: boolean): EventInput {
    const data: Record<string, unknown> = {
      bookingId: e.bookingId,
      unitId: unit.id,
      patientRef: e.patientRef,
      activity: unit.model.activity,
      start: isoOf(e.apptStart),
      end: isoOf(e.apptEnd),
    };
    if (fromList) data.waitlistEntryId = e.entryId;
    const ms = fromList ? e.bookedMs + 1000 : e.bookedMs;
    return event(`pbk.${e.bookingId}`, 'PatientBooked', data, ms, SOURCE.patients);
  }

  private cancelled(e: Entry): EventInput {
    return event(`pbc.${e.bookingId}`, 'PatientBookingCancelled', { bookingId: e.bookingId, reason: 'patienten avbokade' }, e.cancelledMs, SOURCE.patients);
  }
}

/** An opaque patient reference (never a name or personal identity number). */
function patientRef(seed: number, unit: number, day: number, i: number): string {
  return `pat-${hash32(seed, Tag.referrals, unit, day, 100_000 + i).toString(36)}${hash32(seed, Tag.referrals, unit, day, 200_000 + i).toString(36)}`;
}
