import type { ScheduleVsPlanTotal } from '@pks/contracts';

export interface ScheduleVsPlanSeries {
  weeks: string[];
  x: number[];
  plan: (number | null)[];
  band: (number | null)[];
  schedule: number[];
  booked: number[];
  toPlan: number[];
  waitedTooLong: number[];
  /** stacked tops for the bars: booked, booked + to plan, booked + to plan + waited too long */
  stack1: number[];
  stack2: number[];
  stack3: number[];
  currentIndex: number;
}

/** The chart's arrays from the per-week totals (sums over the units in scope). */
export function scheduleVsPlanSeries(totals: readonly ScheduleVsPlanTotal[], currentWeek: string, targetRatio: number): ScheduleVsPlanSeries {
  const sorted = [...totals].sort((a, b) => a.week.localeCompare(b.week));
  const r1 = (n: number) => Math.round(n * 10) / 10;
  const weeks = sorted.map((t) => t.week);
  const plan = sorted.map((t) => (t.planHours === null ? null : r1(t.planHours)));
  const booked = sorted.map((t) => r1(t.bookedHours));
  const toPlan = sorted.map((t) => r1(t.toPlanHours));
  const waitedTooLong = sorted.map((t) => r1(t.waitedTooLongHours));
  return {
    weeks,
    x: weeks.map((_, i) => i),
    plan,
    band: plan.map((p) => (p === null ? null : r1(p * targetRatio))),
    schedule: sorted.map((t) => r1(t.planHours === null ? t.scheduledHours : t.scheduledPlannedHours)),
    booked,
    toPlan,
    waitedTooLong,
    stack1: booked,
    stack2: booked.map((b, i) => r1(b + toPlan[i]!)),
    stack3: booked.map((b, i) => r1(b + toPlan[i]! + waitedTooLong[i]!)),
    currentIndex: weeks.indexOf(currentWeek),
  };
}
