export { scheduleVsPlan, initialScheduleVsPlanState, forEachWeekPart, SCHEDULE_VS_PLAN_MODEL, type ScheduleVsPlanState } from './schedule-vs-plan.js';
export { queryScheduleVsPlan, weekPlan, type ScheduleVsPlanQuery } from './schedule-vs-plan-query.js';
