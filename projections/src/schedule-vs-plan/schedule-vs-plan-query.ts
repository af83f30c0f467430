import {
  SCHEDULE_VS_PLAN_TARGET_RATIO,
  SCHEDULE_VS_PLAN_WEEKS_AHEAD_GOAL,
  type ScheduleVsPlanActivityRow,
  type ScheduleVsPlanResponse,
  type ScheduleVsPlanRow,
  type ScheduleVsPlanTotal,
  type ScheduleVsPlanUnit,
} from '@pks/contracts';
import { parseDate } from '../time/civil-days.js';
import { addWeeks, daysInMonthOf, isoWeekDates, isoWeekOf, isoWeekStart, monthOf, weeksInRange } from '../time/calendar.js';
import { localDateOf, toEpochMs } from '../time/zoned-time.js';
import { SHIFT, type GapListState } from '../gap-list/gap-list-state.js';
import { DEFAULT_TIME_ZONE, entryBookingCount, type ScheduleVsPlanState } from './schedule-vs-plan.js';
import { forEachWeekPart } from './weeks.js';

const HOUR = 3_600_000;
/** how far ahead weeksAhead looks at most */
const MAX_WEEKS_AHEAD = 156;
const EPSILON = 1e-9;

/** Hours rounded to 6 decimals, so sums of milliseconds read cleanly. */
const hours = (ms: number) => Math.round((ms / HOUR) * 1e6) / 1e6;
const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

export interface ScheduleVsPlanQuery {
  unitIds: string[];
  /** first and last ISO week; default the current week − weeksBack … + weeksAhead */
  from?: string | undefined;
  to?: string | undefined;
  weeksBack?: number | undefined;
  weeksAhead?: number | undefined;
  targetRatio?: number | undefined;
  weeksAheadGoal?: number | undefined;
  /** echoed */
  unitId?: string | undefined;
  departmentId?: string | undefined;
  poolId?: string | undefined;
}

/** Is `activity` the label `ancestor` or under it in the label tree? */
function isUnder(labels: Map<string, string | null>, activity: string, ancestor: string): boolean {
  let code: string | null | undefined = activity;
  for (let depth = 0; code != null && depth < 8; depth += 1) {
    if (code === ancestor) return true;
    code = labels.get(code);
  }
  return false;
}

/**
 * The plan of a unit for an ISO week, per activity: the week's own plan for an activity, else the month plans of
 * that activity spread over the week by days (a month plan of 310 h in a 31-day month gives 10 h a day; a week
 * across two months takes its days from each).
 */
export function weekPlan(state: ScheduleVsPlanState, unitId: string, week: string): Map<string, number> {
  const out = new Map<string, number>(state.weekPlans.get(unitId)?.get(week) ?? []);
  const months = state.monthPlans.get(unitId);
  if (!months) return out;
  const daysByMonth = new Map<string, number>();
  for (const date of isoWeekDates(week)) daysByMonth.set(monthOf(date), (daysByMonth.get(monthOf(date)) ?? 0) + 1);
  const own = state.weekPlans.get(unitId)?.get(week);
  for (const [month, days] of daysByMonth) {
    const plan = months.get(month);
    if (!plan) continue;
    for (const [activity, h] of plan) {
      if (own?.has(activity)) continue;
      out.set(activity, (out.get(activity) ?? 0) + (h * days) / daysInMonthOf(month));
    }
  }
  return out;
}

interface WeekFigures {
  planHours: number | null;
  scheduledMs: number;
  scheduledPlannedMs: number;
  openMs: number;
  bookedMs: number;
  activities: ScheduleVsPlanActivityRow[];
}

interface ScheduledWeek {
  /** level-3 activity → ms of staffed shifts */
  scheduled: Map<string, number>;
  openMs: number;
}

/**
 * Shift hours of a unit in one local ISO week, from the gap-list state (non-cancelled shifts; staffed ones by
 * activity, open ones apart), split at week boundaries by instants (DST-correct). A shift is indexed under the date
 * its slot starts, which is its start date or the day before, so the week's days and the Sunday before cover it.
 */
function scheduledWeek(shifts: GapListState, unitId: string, timeZone: string, week: string): ScheduledWeek {
  const out: ScheduledWeek = { scheduled: new Map(), openMs: 0 };
  const unit = shifts.strings.ids.get(unitId);
  const byDay = unit === undefined ? undefined : shifts.byUnitDay.get(unit);
  if (!byDay) return out;
  const monday = parseDate(isoWeekStart(week));
  const e = shifts.entries;
  for (let day = monday - 1; day <= monday + 6; day += 1) {
    for (const row of byDay.get(day) ?? []) {
      if (e.kind[row] !== SHIFT) continue;
      const staffed = e.staff[row]! >= 0;
      const activity = shifts.strings.strings[e.activity[row]!]!;
      forEachWeekPart(e.start[row]!, e.end[row]!, timeZone, (m, ms) => {
        if (m !== monday) return;
        if (staffed) out.scheduled.set(activity, (out.scheduled.get(activity) ?? 0) + ms);
        else out.openMs += ms;
      });
    }
  }
  return out;
}

function weekFigures(state: ScheduleVsPlanState, sched: ScheduledWeek, unitId: string, week: string): WeekFigures {
  const unit = state.strings.ids.get(unitId);
  const bookedMs = unit === undefined ? 0 : (state.bookedMs.get(unit)?.get(parseDate(isoWeekStart(week))) ?? 0);
  const plan = weekPlan(state, unitId, week);
  const planned = [...plan.keys()];
  // an activity under another planned activity is part of that one's hours already
  const top = planned.filter((a) => !planned.some((b) => b !== a && isUnder(state.labels, a, b)));
  let scheduledMs = 0;
  let scheduledPlannedMs = 0;
  for (const [code, ms] of sched.scheduled) {
    scheduledMs += ms;
    if (top.some((p) => isUnder(state.labels, code, p))) scheduledPlannedMs += ms;
  }
  const activities: ScheduleVsPlanActivityRow[] = [];
  for (const activity of planned.sort()) {
    let ms = 0;
    for (const [code, m] of sched.scheduled) if (isUnder(state.labels, code, activity)) ms += m;
    activities.push({ key: `${unitId}|${week}|${activity}`, unitId, week, activity, planned: true, planHours: round6(plan.get(activity)!), scheduledHours: hours(ms) });
  }
  for (const [code, ms] of [...sched.scheduled].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (planned.some((p) => isUnder(state.labels, code, p))) continue;
    activities.push({ key: `${unitId}|${week}|${code}`, unitId, week, activity: code, planned: false, planHours: null, scheduledHours: hours(ms) });
  }
  return {
    planHours: top.length === 0 ? null : round6(top.reduce((s, a) => s + plan.get(a)!, 0)),
    scheduledMs,
    scheduledPlannedMs,
    openMs: sched.openMs,
    bookedMs,
    activities,
  };
}

/** Does the unit have staffed shift hours in a week? */
function hasSchedule(sched: ScheduledWeek): boolean {
  for (const ms of sched.scheduled.values()) if (ms > 0) return true;
  return false;
}

/**
 * Schedule vs production plan per unit × ISO week (default 12 weeks back and 12 ahead of the week of `now`).
 *
 * Rules: scheduled hours are the hours of non-cancelled shifts with a person, per level-3 activity, split at local
 * week boundaries; open shifts are reported apart. The ratio compares the scheduled hours whose activity is (under)
 * an activity planned that week with the plan's hours (an activity planned under another planned one is not
 * counted twice). To plan: entries still on the waiting list, not booked (no non-cancelled PatientBooked naming
 * them), whose medical target date is in the week and not before today; waited too long: such entries whose target
 * date is before today, shown on the current week. Weeks ahead: consecutive weeks from the current one (included)
 * with staffed scheduled hours. "Today" and the current week are those of `now` in each unit's time zone.
 */
export function queryScheduleVsPlan(
  state: ScheduleVsPlanState,
  shifts: GapListState,
  params: ScheduleVsPlanQuery,
  now: string,
): Omit<ScheduleVsPlanResponse, 'position'> {
  const nowMs = toEpochMs(now);
  const targetRatio = params.targetRatio ?? SCHEDULE_VS_PLAN_TARGET_RATIO;
  const goal = params.weeksAheadGoal ?? SCHEDULE_VS_PLAN_WEEKS_AHEAD_GOAL;
  const firstUnit = params.unitIds.map((id) => state.units.get(id)).find((u) => u !== undefined);
  const currentWeek = isoWeekOf(localDateOf(nowMs, firstUnit?.timeZone ?? DEFAULT_TIME_ZONE));
  const from = params.from ?? addWeeks(currentWeek, -(params.weeksBack ?? 12));
  const to = params.to ?? addWeeks(currentWeek, params.weeksAhead ?? 12);
  const weeks = weeksInRange(from, to);

  const rows: ScheduleVsPlanRow[] = [];
  const activities: ScheduleVsPlanActivityRow[] = [];
  const units: ScheduleVsPlanUnit[] = [];
  const totals = new Map<string, ScheduleVsPlanTotal & { planned: number; anyPlan: boolean }>();
  const unitIds: string[] = [];

  for (const unitId of params.unitIds) {
    const info = state.units.get(unitId);
    if (!info) continue;
    unitIds.push(unitId);
    const today = localDateOf(nowMs, info.timeZone);
    const scheduled = new Map<string, ScheduledWeek>();
    const schedOf = (week: string) => {
      let w = scheduled.get(week);
      if (!w) scheduled.set(week, (w = scheduledWeek(shifts, unitId, info.timeZone, week)));
      return w;
    };
    const thisWeek = isoWeekOf(today);

    // the waiting list: to plan per target week, and waited too long
    const toPlan = new Map<string, { hours: number; count: number }>();
    let overdueHours = 0;
    let overdueCount = 0;
    for (const [entryId, entry] of state.waitlist.get(unitId) ?? []) {
      if (entryBookingCount(state, entryId) > 0) continue;
      if (entry.target < today) {
        overdueHours += entry.hours;
        overdueCount += 1;
      } else {
        const w = isoWeekOf(entry.target);
        const t = toPlan.get(w) ?? { hours: 0, count: 0 };
        t.hours += entry.hours;
        t.count += 1;
        toPlan.set(w, t);
      }
    }

    for (const week of weeks) {
      const f = weekFigures(state, schedOf(week), unitId, week);
      const relation = week < thisWeek ? 'past' : week === thisWeek ? 'current' : 'future';
      const planned = toPlan.get(week);
      const ratio = f.planHours !== null && f.planHours > 0 ? round6(hours(f.scheduledPlannedMs) / f.planHours) : null;
      const targetHours = f.planHours === null ? null : round6(f.planHours * targetRatio);
      const dates = isoWeekDates(week);
      const row: ScheduleVsPlanRow = {
        key: `${unitId}|${week}`,
        unitId,
        unitName: info.name,
        departmentId: info.departmentId,
        week,
        weekStart: dates[0]!,
        weekEnd: dates[6]!,
        relation,
        planHours: f.planHours,
        scheduledHours: hours(f.scheduledMs),
        scheduledPlannedHours: hours(f.scheduledPlannedMs),
        openShiftHours: hours(f.openMs),
        bookedHours: hours(f.bookedMs),
        toPlanHours: round6(planned?.hours ?? 0),
        toPlanCount: planned?.count ?? 0,
        waitedTooLongHours: relation === 'current' ? round6(overdueHours) : 0,
        waitedTooLongCount: relation === 'current' ? overdueCount : 0,
        ratio,
        targetRatio,
        targetHours,
        gapToTargetHours: targetHours === null ? null : round6(hours(f.scheduledPlannedMs) - targetHours),
        meetsTarget: f.planHours === null ? null : ratio === null ? true : ratio >= targetRatio - EPSILON,
      };
      rows.push(row);
      activities.push(...f.activities);
      let t = totals.get(week);
      if (!t) {
        t = { week, units: 0, planHours: null, scheduledHours: 0, scheduledPlannedHours: 0, openShiftHours: 0, bookedHours: 0, toPlanHours: 0, waitedTooLongHours: 0, ratio: null, planned: 0, anyPlan: false };
        totals.set(week, t);
      }
      t.units += 1;
      if (row.planHours !== null) {
        t.anyPlan = true;
        t.planned += row.planHours;
      }
      t.scheduledHours += row.scheduledHours;
      t.scheduledPlannedHours += row.scheduledPlannedHours;
      t.openShiftHours += row.openShiftHours;
      t.bookedHours += row.bookedHours;
      t.toPlanHours += row.toPlanHours;
      t.waitedTooLongHours += row.waitedTooLongHours;
    }

    let weeksAhead = 0;
    for (let w = thisWeek; weeksAhead < MAX_WEEKS_AHEAD && hasSchedule(schedOf(w)); w = addWeeks(w, 1)) weeksAhead += 1;
    let below = 0;
    for (let i = 0, w = thisWeek; i < goal; i += 1, w = addWeeks(w, 1)) {
      const f = weekFigures(state, schedOf(w), unitId, w);
      if (f.planHours !== null && f.planHours > 0 && hours(f.scheduledPlannedMs) / f.planHours < targetRatio - EPSILON) below += 1;
    }
    units.push({
      unitId,
      name: info.name,
      departmentId: info.departmentId,
      timeZone: info.timeZone,
      currentWeek: thisWeek,
      weeksAhead,
      weeksAheadGoal: goal,
      meetsWeeksAheadGoal: weeksAhead >= goal,
      weeksBelowTargetAhead: below,
      waitedTooLongHours: round6(overdueHours),
      waitedTooLongCount: overdueCount,
    });
  }

  return {
    asOf: now,
    ...(params.unitId !== undefined && { unitId: params.unitId }),
    ...(params.departmentId !== undefined && { departmentId: params.departmentId }),
    ...(params.poolId !== undefined && { poolId: params.poolId }),
    unitIds,
    from,
    to,
    currentWeek,
    targetRatio,
    weeksAheadGoal: goal,
    rows,
    activities,
    units,
    totals: [...totals.values()].map(({ planned, anyPlan, ...t }) => ({
      ...t,
      planHours: anyPlan ? round6(planned) : null,
      scheduledHours: round6(t.scheduledHours),
      scheduledPlannedHours: round6(t.scheduledPlannedHours),
      openShiftHours: round6(t.openShiftHours),
      bookedHours: round6(t.bookedHours),
      toPlanHours: round6(t.toPlanHours),
      waitedTooLongHours: round6(t.waitedTooLongHours),
      ratio: anyPlan && planned > 0 ? round6(t.scheduledPlannedHours / planned) : null,
    })),
  };
}
