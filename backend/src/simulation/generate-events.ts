import type { EventInput } from '@pks/contracts';
import { loadDemandProfile, type DemandProfile } from './demand-profile.js';
import { MAX_LAG_DAYS, MAX_LEAD_DAYS } from './day-plan.js';
import { type Rec, render } from './event-builders.js';
import { executeDay } from './execute-day.js';
import { FaultInjector, type FaultOptions } from './faults.js';
import type { Hospital } from './hospital-model.js';
import { type InstantLike, toEpochMs } from './local-calendar.js';
import { OutcomeEvents } from './outcome-events.js';
import { MAX_WAITLIST_SPAN_DAYS, PatientEvents } from './patient-events.js';
import { PlanEvents } from './plan-events.js';
import { MAX_PLANNED_ABSENCE_SPAN_DAYS, PlannedAbsences } from './planned-absence.js';
import { MAX_PUBLICATION_LEAD_DAYS, publishSchedules } from './schedule-publication.js';
import { Simulation } from './simulation.js';
import { UnitVolumes } from './unit-volumes.js';

export interface GenerateOptions {
  hospital: Hospital;
  /** the seed of the events (the hospital has its own); same seed and period → byte-identical events */
  seed: number | string;
  /** first instant (inclusive) */
  from: InstantLike;
  /** end (exclusive); absent or null = endless (a live feed pulls lazily) */
  to?: InstantLike | null;
  /**
   * Also emit, before `from` and at their own earlier times, the events sent earlier that still matter at `from`:
   * published schedules and bookings for shifts not yet over, absences not yet ended, waiting-list entries still
   * waiting and future appointments, plans and forecasts of the last quarter/year, summer bed closures. This is what a
   * platform that starts at `from` needs to show a complete state. Default false.
   */
  prologue?: boolean;
  /** invalid and duplicate events a real feed contains; false = none. Default: 0.05 % invalid, 0.1 % duplicates. */
  faults?: FaultOptions | false;
  /** demand profile; default: the ED arrivals file found at runtime, else the built-in profile */
  demand?: DemandProfile;
}

/** How far back a run starts so that every event due in the period is produced (waiting-list flow is the longest). */
const LOOKBACK_DAYS = MAX_WAITLIST_SPAN_DAYS;
/** How far back the prologue looks (a yearly plan set in November stays relevant until the quarter after its year). */
const PROLOGUE_DAYS = 400;

/**
 * The simulated hospital's events in [from, to) in non-decreasing `metadata.occurredAt` order, streaming one local
 * day at a time (memory stays flat over a year). Events sources send ahead of time (schedules 6–14 weeks ahead,
 * plans, vacation, bookings) come at their publication time; corrections and late reports weeks later. Each event is
 * a pure function of (hospital, seed, its own identity): a run over [a, c) restricted to [b, c) equals a run over
 * [b, c) with the prologue, and re-runs are byte-identical.
 */
export function* generateEvents(options: GenerateOptions): Generator<EventInput, void, undefined> {
  const demand = options.demand ?? loadDemandProfile();
  const sim = new Simulation(options.hospital, options.seed, demand);
  const ctx = sim.ctx;
  const cal = ctx.calendar;
  const volumes = new UnitVolumes(ctx);
  const plans = new PlanEvents(sim, volumes);
  const outcomes = new OutcomeEvents(sim, volumes);
  const patients = new PatientEvents(sim);
  const planned = new PlannedAbsences(sim);
  const faults = new FaultInjector(ctx.seed, options.faults);

  const fromMs = toEpochMs(options.from);
  const toMs = options.to === undefined || options.to === null ? Number.POSITIVE_INFINITY : toEpochMs(options.to);
  if (!(toMs > fromMs)) return;
  const prologue = options.prologue === true;
  const firstDay = cal.dayOf(fromMs);
  const lastDay = Number.isFinite(toMs) ? cal.dayOf(toMs - 1) : Number.POSITIVE_INFINITY;
  const startDay = firstDay - (prologue ? PROLOGUE_DAYS : LOOKBACK_DAYS);

  // events due on later days than the one being generated
  const queue = new Map<number, Rec[]>();
  const enqueue = (day: number, r: Rec) => {
    const list = queue.get(day);
    if (list) list.push(r);
    else queue.set(day, [r]);
  };

  /** whether a record can still be emitted: in the period, or relevant at its start when there is a prologue */
  const keep = (ms: number, until: number) => (ms >= fromMs && ms < toMs) || (prologue && ms < fromMs && until > fromMs);

  for (let day = startDay; day <= lastDay; day += 1) {
    const windowStart = cal.midnight(day);
    const windowEnd = cal.midnight(day + 1);
    const batch = queue.get(day) ?? [];
    queue.delete(day);
    const push = (r: Rec) => {
      if (r.ms < windowEnd) {
        if (r.ms < windowStart) throw new Error(`simulation bug: an event at ${new Date(r.ms).toISOString()} produced on ${cal.date(day)}`);
        batch.push(r);
      } else {
        enqueue(cal.dayOf(r.ms), r);
      }
    };
    const before = firstDay - day; // > 0 while still before the period

    // cheap families with long reach: run over the whole look-back
    patients.emit(day, push, keep);
    if (before <= 1 || prologue) {
      plans.emit(day, push);
      outcomes.emit(day, push);
    }
    if (before <= 1 || (prologue && before <= MAX_PLANNED_ABSENCE_SPAN_DAYS)) planned.emit(day, push);
    if (before <= 1 || (prologue && before <= MAX_PUBLICATION_LEAD_DAYS)) publishSchedules(sim, day, push);
    // day plans: sparse events up to 21 days ahead of their day and up to 35 days after it
    if (before <= MAX_LAG_DAYS + 1) {
      for (let s = day; s <= day + MAX_LEAD_DAYS; s += 1) {
        const plan = sim.dayPlan(s);
        if (s === day) {
          for (const [d, recs] of plan.outbox) {
            if (d < day) continue;
            for (const r of recs) push(r);
          }
        } else {
          const recs = plan.outbox.get(day);
          if (recs) for (const r of recs) push(r);
        }
      }
      executeDay(sim, sim.dayPlan(day), push, fromMs);
    }

    sortByMs(batch, windowStart);
    for (const r of batch) {
      if (r.ms >= toMs) break;
      if (r.ms < fromMs) {
        if (prologue && r.until > fromMs) yield render(r);
        continue;
      }
      const ev = render(r);
      yield ev;
      if (faults.enabled) {
        const extra = faults.after(ev);
        if (extra) for (const e of extra) yield e;
      }
    }
    sim.evictBefore(day);
  }
}

/**
 * Stable sort of a day's records by instant: a counting sort by minute of the day, then insertion sort inside each
 * minute (few records share a minute), linear in practice where Array#sort with a comparator was a hot spot.
 */
export function sortByMs(recs: Rec[], windowStart: number): void {
  const n = recs.length;
  if (n < 64) {
    recs.sort((a, b) => a.ms - b.ms);
    return;
  }
  const buckets = 26 * 60 + 1;
  const counts = new Int32Array(buckets + 1);
  const key = new Int32Array(n);
  for (let i = 0; i < n; i += 1) {
    const k = Math.min(buckets - 1, Math.max(0, Math.floor((recs[i]!.ms - windowStart) / 60_000)));
    key[i] = k;
    counts[k + 1] = counts[k + 1]! + 1;
  }
  for (let k = 0; k < buckets; k += 1) counts[k + 1] = counts[k + 1]! + counts[k]!;
  const out: Rec[] = new Array<Rec>(n);
  for (let i = 0; i < n; i += 1) {
    const k = key[i]!;
    out[counts[k]!] = recs[i]!;
    counts[k] = counts[k]! + 1;
  }
  // counts[k] is now the end of bucket k; insertion-sort each bucket by ms
  let start = 0;
  for (let k = 0; k < buckets; k += 1) {
    const end = counts[k]!;
    for (let i = start + 1; i < end; i += 1) {
      const r = out[i]!;
      let j = i - 1;
      while (j >= start && out[j]!.ms > r.ms) {
        out[j + 1] = out[j]!;
        j -= 1;
      }
      out[j + 1] = r;
    }
    start = end;
  }
  for (let i = 0; i < n; i += 1) recs[i] = out[i]!;
}
