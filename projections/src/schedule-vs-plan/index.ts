export { scheduleVsPlan, initialScheduleVsPlanState, type ScheduleVsPlanState } from './schedule-vs-plan.js';
export { forEachWeekPart, SCHEDULE_VS_PLAN_MODEL } from './weeks.js';
export { queryScheduleVsPlan, weekPlan, type ScheduleVsPlanQuery } from './schedule-vs-plan-query.js';
