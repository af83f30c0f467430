import { z } from 'zod';
import { isValidIsoWeek, isValidMonth } from '../primitives/calendar.js';
import { ActivityCode, EntityId } from '../primitives/scalars.js';
import { Measure } from '../events/enums.js';

/**
 * Outcome vs plan and forecast error (seeds/001), per unit × month (or ISO week) and measure: deviation = outcome −
 * plan, forecast error = inflow outcome − inflow forecast, both summed over a rolling 12 months, and each classified
 * random or systematic with a tracking signal.
 */

/** |tracking signal| above this = systematic (a common choice; configurable per query). */
export const OUTCOME_VS_PLAN_TRACKING_SIGNAL_LIMIT = 4;
/** Fewer periods than this in the rolling window: no classification. */
export const OUTCOME_VS_PLAN_MIN_PERIODS = 3;
/** The most periods one query may cover. */
export const OUTCOME_VS_PLAN_MAX_PERIODS = 157;

export const OutcomeGranularity = z.enum(['month', 'week']);
export type OutcomeGranularity = z.infer<typeof OutcomeGranularity>;

export const OutcomeVsPlanParams = z
  .object({
    unitId: EntityId.optional().describe('one unit; give exactly one of unitId, departmentId or poolId'),
    departmentId: EntityId.optional().describe('every unit of a department (within your scope)'),
    poolId: EntityId.optional().describe('every unit of a staffing-centre pool (within your scope)'),
    granularity: OutcomeGranularity.default('month').describe('month (default) or ISO week'),
    from: z.string().optional().describe('first period: a month YYYY-MM (granularity month) or an ISO week YYYY-Www (week); default 11 months (51 weeks) before `to`'),
    to: z.string().optional().describe('last period, included; default the current month (week)'),
    measure: Measure.optional().describe('one measure; default every measure with data'),
    activity: ActivityCode.optional().describe('only plans and production of this activity (exact code); default all summed. Inflow and forecasts are per unit and not filtered'),
    trackingSignalLimit: z.coerce
      .number()
      .positive()
      .max(100)
      .default(OUTCOME_VS_PLAN_TRACKING_SIGNAL_LIMIT)
      .describe('|Σ error ÷ mean absolute error| above this = systematic'),
    minPeriods: z.coerce.number().int().min(1).max(52).default(OUTCOME_VS_PLAN_MIN_PERIODS).describe('periods with data needed in the rolling window to classify'),
  })
  .superRefine((v, ctx) => {
    const scopes = [v.unitId, v.departmentId, v.poolId].filter((s) => s !== undefined).length;
    if (scopes !== 1) ctx.addIssue({ code: 'custom', path: ['unitId'], message: 'give exactly one of unitId, departmentId or poolId' });
    const valid = v.granularity === 'week' ? isValidIsoWeek : isValidMonth;
    const shape = v.granularity === 'week' ? 'an ISO week YYYY-Www' : 'a month YYYY-MM';
    for (const field of ['from', 'to'] as const) {
      const value = v[field];
      if (value !== undefined && !valid(value)) ctx.addIssue({ code: 'custom', path: [field], message: `must be ${shape} (granularity ${v.granularity})` });
    }
    if (v.from !== undefined && v.to !== undefined && valid(v.from) && valid(v.to) && v.to < v.from) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must not be before from' });
    }
  })
  .meta({ description: 'Which units, periods and measures the outcome-vs-plan view covers.' });
export type OutcomeVsPlanParams = z.infer<typeof OutcomeVsPlanParams>;

export const OutcomeErrorClass = z
  .enum(['random', 'systematic-positive', 'systematic-negative', 'insufficient-data'])
  .describe('tracking signal TS = Σ error ÷ mean absolute error over the rolling window; |TS| > limit = systematic (sign of Σ); fewer than minPeriods periods = insufficient-data');
export type OutcomeErrorClass = z.infer<typeof OutcomeErrorClass>;

const value = (description: string) => z.number().nullable().describe(description);

export const OutcomeVsPlanRow = z
  .object({
    key: z.string().describe('`<unitId>|<period>|<measure>`'),
    unitId: z.string(),
    unitName: z.string(),
    departmentId: z.string(),
    granularity: OutcomeGranularity,
    period: z.string().describe('YYYY-MM or YYYY-Www'),
    periodStart: z.string(),
    periodEnd: z.string(),
    measure: Measure,
    plan: value('production plan (month plans; week plans allotted to months by days)'),
    outcome: value('recorded production (ProductionRecorded)'),
    deviation: value('outcome − plan'),
    cumulativeDeviation: value('Σ deviation over the rolling 12 months ending with this period (periods with both values)'),
    deviationPeriods: z.number().int().describe('periods in that sum'),
    deviationTrackingSignal: value('cumulativeDeviation ÷ mean |deviation| over the window'),
    deviationClass: OutcomeErrorClass,
    forecast: value('inflow forecast (ForecastSet what=inflow; per month, spread over weeks by days)'),
    inflow: value('recorded inflow (InflowRecorded)'),
    forecastError: value('inflow − forecast'),
    cumulativeForecastError: value('Σ forecast error over the rolling 12 months ending with this period'),
    forecastErrorPeriods: z.number().int(),
    forecastErrorTrackingSignal: value('cumulativeForecastError ÷ mean |forecast error| over the window'),
    forecastErrorClass: OutcomeErrorClass,
  })
  .meta({ description: 'One unit, period and measure: outcome vs plan and forecast error.' });
export type OutcomeVsPlanRow = z.infer<typeof OutcomeVsPlanRow>;

export const OutcomeVsPlanTotal = z
  .object({
    period: z.string(),
    measure: Measure,
    units: z.number().int(),
    plan: z.number().nullable(),
    outcome: z.number().nullable(),
    deviation: z.number().nullable(),
    forecast: z.number().nullable(),
    inflow: z.number().nullable(),
    forecastError: z.number().nullable(),
  })
  .meta({ description: 'Sums over the units of the answer (units with both values for deviation and error).' });
export type OutcomeVsPlanTotal = z.infer<typeof OutcomeVsPlanTotal>;

export const OutcomeVsPlanResponse = z
  .object({
    position: z.number().int(),
    asOf: z.string(),
    unitId: z.string().optional(),
    departmentId: z.string().optional(),
    poolId: z.string().optional(),
    unitIds: z.array(z.string()),
    granularity: OutcomeGranularity,
    from: z.string(),
    to: z.string(),
    measure: Measure.nullable(),
    activity: z.string().nullable(),
    trackingSignalLimit: z.number(),
    minPeriods: z.number().int(),
    rows: z.array(OutcomeVsPlanRow).describe('unit × measure × period, in period order; the last row of each unit and measure holds its current classification'),
    totals: z.array(OutcomeVsPlanTotal),
  })
  .meta({ description: 'Outcome vs plan and forecast error, rolling 12 months.' });
export type OutcomeVsPlanResponse = z.infer<typeof OutcomeVsPlanResponse>;
