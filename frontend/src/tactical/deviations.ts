import type { GapListRow, ScheduleVsPlanRow, ScheduleVsPlanTotal } from '@pks/contracts';

export type Deviation =
  | { kind: 'below-minimum'; key: string; severity: 2; sort: string; unitName: string; date: string; slot: string; slotStart: string | null; competence: string; staffed: number; minimum: number }
  | { kind: 'below-plan'; key: string; severity: 1; sort: string; unitName: string; week: string; scheduled: number; plan: number; ratio: number; target: number; gap: number }
  | { kind: 'alert'; key: string; severity: 1 | 2; sort: string; text: string };

/** Cells below the minimum from today on (the department's next days), soonest first. */
export function gapDeviations(rows: readonly GapListRow[], today: string): Deviation[] {
  return rows
    .filter((r) => r.belowMinimum && r.date >= today && r.minimum !== null)
    .map((r) => ({
      kind: 'below-minimum' as const,
      key: `gap|${r.key}`,
      severity: 2 as const,
      sort: `${r.date}|${r.slotStart ?? '99:99'}|${r.unitName}|${r.competence}`,
      unitName: r.unitName,
      date: r.date,
      slot: r.slotName ?? r.slot,
      slotStart: r.slotStart,
      competence: r.competence,
      staffed: r.staffed,
      minimum: r.minimum!,
    }))
    .sort((a, b) => a.sort.localeCompare(b.sort));
}

const round = (n: number) => Math.round(n);

/** Current and future weeks whose schedule is below the plan × target ratio (Region Jönköping: 1.10). */
export function planDeviations(rows: readonly ScheduleVsPlanRow[]): Deviation[] {
  return rows
    .filter((r) => r.relation !== 'past' && r.meetsTarget === false && r.planHours !== null && r.targetHours !== null)
    .map((r) => ({
      kind: 'below-plan' as const,
      key: `plan|${r.key}`,
      severity: 1 as const,
      sort: `${r.week}|${r.unitName}`,
      unitName: r.unitName,
      week: r.week,
      scheduled: round(r.scheduledPlannedHours),
      plan: round(r.planHours!),
      ratio: r.targetRatio,
      target: round(r.targetHours!),
      gap: round(r.gapToTargetHours ?? r.scheduledPlannedHours - r.targetHours!),
    }))
    .sort((a, b) => a.sort.localeCompare(b.sort));
}

/** Alerts from the live model 'alerts' (shape not fixed yet): rows with a message/text/title, newest first. */
export function alertDeviations(snapshot: unknown): Deviation[] {
  const rows = (snapshot as { rows?: unknown } | null)?.rows;
  if (!Array.isArray(rows)) return [];
  return rows
    .filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null)
    .filter((r) => r.state !== 'resolved' && r.status !== 'resolved')
    .map((r, i) => {
      const text = [r.message, r.text, r.title, r.rule, r.key].find((v) => typeof v === 'string') as string | undefined;
      const severe = r.severity === 'critical' || r.severity === 'high' || r.severity === 2;
      return { kind: 'alert' as const, key: `alert|${typeof r.key === 'string' ? r.key : i}`, severity: severe ? (2 as const) : (1 as const), sort: String(r.raisedAt ?? r.at ?? ''), text: text ?? JSON.stringify(r) };
    });
}

/** The feed: alerts and unsafe cells first, then weeks below plan. */
export function deviationFeed(...lists: Deviation[][]): Deviation[] {
  return lists.flat().sort((a, b) => b.severity - a.severity || (a.kind === 'alert' && b.kind === 'alert' ? b.sort.localeCompare(a.sort) : a.sort.localeCompare(b.sort)));
}

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
