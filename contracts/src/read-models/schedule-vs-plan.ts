import { z } from 'zod';
import { EntityId, IsoWeek } from '../primitives/scalars.js';

/**
 * Schedule vs production plan (Region Jönköping's and Karolinska's forward views, seeds/001), per unit × ISO week:
 * the production plan, the scheduled hours (the schedule line, 10 % above the plan as the rule of thumb), patient
 * bookings, waiting-list entries to plan and those that waited too long, and how far ahead the schedule reaches.
 */

/** Region Jönköping's rule of thumb: the schedule line 10 % above the production plan. */
export const SCHEDULE_VS_PLAN_TARGET_RATIO = 1.1;
/** Region Jönköping's goal: 12 weeks of schedule ahead. */
export const SCHEDULE_VS_PLAN_WEEKS_AHEAD_GOAL = 12;
/** The most weeks one query may cover. */
export const SCHEDULE_VS_PLAN_MAX_WEEKS = 157;

/** Weeks since the ISO week of 1970-01-01 (validation only; bucketing lives in projections/). */
function weekNumber(week: string): number {
  const year = Number(week.slice(0, 4));
  const jan4 = Date.UTC(year, 0, 4) / 86_400_000;
  const mondayOfWeek1 = jan4 - ((new Date(jan4 * 86_400_000).getUTCDay() + 6) % 7);
  return Math.round((mondayOfWeek1 + (Number(week.slice(6, 8)) - 1) * 7 + 3) / 7);
}

export const ScheduleVsPlanParams = z
  .object({
    unitId: EntityId.optional().describe('one unit; give exactly one of unitId, departmentId or poolId'),
    departmentId: EntityId.optional().describe('every unit of a department (within your scope)'),
    poolId: EntityId.optional().describe('every unit of a staffing-centre pool (within your scope)'),
    from: IsoWeek.optional().describe('first ISO week (YYYY-Www); default the current week − weeksBack'),
    to: IsoWeek.optional().describe('last ISO week, included; default the current week + weeksAhead'),
    weeksBack: z.coerce.number().int().min(0).max(104).default(12).describe('weeks before the current one when from is not given'),
    weeksAhead: z.coerce.number().int().min(0).max(104).default(12).describe('weeks after the current one when to is not given'),
    targetRatio: z.coerce
      .number()
      .positive()
      .max(10)
      .default(SCHEDULE_VS_PLAN_TARGET_RATIO)
      .describe('the schedule ÷ plan ratio to reach (Region Jönköping: 1.10, the schedule line 10 % above the plan)'),
    weeksAheadGoal: z.coerce.number().int().min(1).max(104).default(SCHEDULE_VS_PLAN_WEEKS_AHEAD_GOAL).describe('weeks of schedule ahead to reach (RJL: 12)'),
  })
  .superRefine((v, ctx) => {
    const scopes = [v.unitId, v.departmentId, v.poolId].filter((s) => s !== undefined).length;
    if (scopes !== 1) ctx.addIssue({ code: 'custom', path: ['unitId'], message: 'give exactly one of unitId, departmentId or poolId' });
    if (v.from !== undefined && v.to !== undefined) {
      if (v.to < v.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must not be before from' });
      else if (weekNumber(v.to) - weekNumber(v.from) >= SCHEDULE_VS_PLAN_MAX_WEEKS) {
        ctx.addIssue({ code: 'custom', path: ['to'], message: `a query covers at most ${SCHEDULE_VS_PLAN_MAX_WEEKS} weeks` });
      }
    }
  })
  .meta({ description: 'Which units and weeks the schedule-vs-plan view covers.' });
export type ScheduleVsPlanParams = z.infer<typeof ScheduleVsPlanParams>;

const hours = (description: string) => z.number().nonnegative().describe(description);

export const ScheduleVsPlanRow = z
  .object({
    key: z.string().describe('unique row key `<unitId>|<week>`'),
    unitId: z.string(),
    unitName: z.string(),
    departmentId: z.string(),
    week: z.string().describe('ISO week, YYYY-Www'),
    weekStart: z.string().describe('its Monday'),
    weekEnd: z.string().describe('its Sunday'),
    relation: z.enum(['past', 'current', 'future']).describe('the week relative to the week of `asOf` in the unit’s time zone'),
    planHours: z.number().nonnegative().nullable().describe('production plan hours (week plans; month plans spread over the weeks by days); null: no plan'),
    scheduledHours: hours('hours of non-cancelled staffed shifts on the unit, every activity (DST-correct)'),
    scheduledPlannedHours: hours('scheduled hours whose activity is (under) a planned activity of the week: what the ratio compares'),
    openShiftHours: hours('hours of non-cancelled open shifts (nobody assigned); not in scheduledHours'),
    bookedHours: hours('hours of non-cancelled patient bookings'),
    toPlanHours: hours('expected hours of waiting-list entries still waiting, not booked, with the medical target date in the week and not yet passed'),
    toPlanCount: z.number().int().nonnegative(),
    waitedTooLongHours: hours('entries still waiting whose target date has passed (shown on the current week only)'),
    waitedTooLongCount: z.number().int().nonnegative(),
    ratio: z.number().nullable().describe('scheduledPlannedHours ÷ planHours; null when there is no plan (or it is 0)'),
    targetRatio: z.number(),
    targetHours: z.number().nullable().describe('planHours × targetRatio'),
    gapToTargetHours: z.number().nullable().describe('scheduledPlannedHours − targetHours: negative = below the schedule line'),
    meetsTarget: z.boolean().nullable().describe('ratio ≥ targetRatio (true for a plan of 0 h); null when there is no plan'),
  })
  .meta({ description: 'One unit and ISO week of the schedule-vs-plan view.' });
export type ScheduleVsPlanRow = z.infer<typeof ScheduleVsPlanRow>;

export const ScheduleVsPlanActivityRow = z
  .object({
    key: z.string().describe('`<unitId>|<week>|<activity>`'),
    unitId: z.string(),
    week: z.string(),
    activity: z.string().describe('a planned activity (any level), or a scheduled level-3 activity no plan covers'),
    planned: z.boolean(),
    planHours: z.number().nullable(),
    scheduledHours: z.number().describe('staffed shift hours whose level-3 activity is this activity or under it'),
  })
  .meta({ description: 'Plan and schedule per activity.' });
export type ScheduleVsPlanActivityRow = z.infer<typeof ScheduleVsPlanActivityRow>;

export const ScheduleVsPlanUnit = z
  .object({
    unitId: z.string(),
    name: z.string(),
    departmentId: z.string(),
    timeZone: z.string(),
    currentWeek: z.string(),
    weeksAhead: z.number().int().describe('consecutive weeks from the current one (included) with scheduled hours'),
    weeksAheadGoal: z.number().int(),
    meetsWeeksAheadGoal: z.boolean(),
    weeksBelowTargetAhead: z
      .number()
      .int()
      .describe('weeks among the current one and the next weeksAheadGoal − 1 whose plan is not met by targetRatio (a week with a plan)'),
    waitedTooLongHours: z.number(),
    waitedTooLongCount: z.number().int(),
  });
export type ScheduleVsPlanUnit = z.infer<typeof ScheduleVsPlanUnit>;

export const ScheduleVsPlanTotal = z
  .object({
    week: z.string(),
    units: z.number().int(),
    planHours: z.number().nullable(),
    scheduledHours: z.number(),
    scheduledPlannedHours: z.number(),
    openShiftHours: z.number(),
    bookedHours: z.number(),
    toPlanHours: z.number(),
    waitedTooLongHours: z.number(),
    ratio: z.number().nullable(),
  })
  .meta({ description: 'Sums over the units of the answer per week.' });
export type ScheduleVsPlanTotal = z.infer<typeof ScheduleVsPlanTotal>;

export const ScheduleVsPlanResponse = z
  .object({
    position: z.number().int(),
    asOf: z.string(),
    unitId: z.string().optional(),
    departmentId: z.string().optional(),
    poolId: z.string().optional(),
    unitIds: z.array(z.string()),
    from: z.string(),
    to: z.string(),
    currentWeek: z.string(),
    targetRatio: z.number(),
    weeksAheadGoal: z.number().int(),
    rows: z.array(ScheduleVsPlanRow),
    activities: z.array(ScheduleVsPlanActivityRow),
    units: z.array(ScheduleVsPlanUnit),
    totals: z.array(ScheduleVsPlanTotal),
  })
  .meta({ description: 'Schedule vs production plan per unit and ISO week.' });
export type ScheduleVsPlanResponse = z.infer<typeof ScheduleVsPlanResponse>;
