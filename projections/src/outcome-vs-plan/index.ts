export { outcomeVsPlan, initialOutcomeVsPlanState, OUTCOME_VS_PLAN_MODEL, type OutcomeVsPlanState, type PlanValue } from './outcome-vs-plan.js';
export { queryOutcomeVsPlan, classifyErrors, ROLLING_PERIODS, type OutcomeVsPlanQuery, type ErrorClassification } from './outcome-vs-plan-query.js';
