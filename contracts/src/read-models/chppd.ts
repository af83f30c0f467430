import { z } from 'zod';
import { checkStaffTimeQuery, commaList, staffTimeQueryFields } from './performed-time.js';

/**
 * Care hours per patient day (CHPPD, the NHS measure): performed hours of care-staff competences (careStaff = true)
 * ÷ the sum of the daily midnight census (CensusRecorded) over the same days, per competence and in total.
 */

/** The longest period one CHPPD query may cover. */
export const CHPPD_MAX_DAYS = 1100;

export const ChppdBucket = z.enum(['day', 'week', 'month', 'quarter', 'period']);
export type ChppdBucket = z.infer<typeof ChppdBucket>;

export const CHPPD_DIMENSIONS = ['unit', 'competence'] as const;
export const ChppdDimension = z.enum(CHPPD_DIMENSIONS);
export type ChppdDimension = z.infer<typeof ChppdDimension>;

export const ChppdParams = z
  .object({
    ...staffTimeQueryFields,
    bucket: ChppdBucket.default('period').describe('day, ISO week, month, quarter, or period (default: one row set for the whole period)'),
    groupBy: commaList(CHPPD_DIMENSIONS, CHPPD_DIMENSIONS).describe(
      'comma-separated: unit, competence (default both). Without unit the units are summed (hours and census); the total row (competence null) always comes',
    ),
  })
  .superRefine((v, ctx) => checkStaffTimeQuery(v, ctx, CHPPD_MAX_DAYS))
  .meta({ id: 'ChppdParams', description: 'Which units and period the CHPPD view covers.' });
export type ChppdParams = z.infer<typeof ChppdParams>;
export type ChppdParamsInput = z.input<typeof ChppdParams>;

export const ChppdRow = z
  .object({
    key: z.string().describe('unique row key `<unitId|*>|<period>|<competence|*>`'),
    unitId: z.string().nullable().describe('null when `unit` is not in groupBy'),
    period: z.string().describe('2026-03-05 (day), 2026-W10, 2026-03, 2026-Q1 or `<from>..<to>` (period)'),
    from: z.string().describe('first local date counted'),
    to: z.string().describe('last local date counted (the last whole day before asOf when the bucket is not over)'),
    days: z.number().int().describe('calendar days counted'),
    complete: z.boolean().describe('false: the bucket is not over'),
    competence: z.string().nullable().describe('a care-staff competence; null = all care staff (the total)'),
    careHours: z.number().describe('care hours on the days that have a census (the numerator)'),
    patientDays: z.number().describe('sum of the midnight census over the days that have one (the denominator)'),
    chppd: z.number().nullable().describe('careHours ÷ patientDays; null when no day has a census or the census sums to 0'),
    censusDays: z.number().int().describe('days with a census'),
    missingCensusDays: z.number().int().describe('days without a census: their care hours are left out of chppd'),
    careHoursWithoutCensus: z.number().describe('care hours on days without a census (not in chppd)'),
  })
  .meta({ id: 'ChppdRow', description: 'Care hours per patient day of one unit (or all), period and competence (or all care staff).' });
export type ChppdRow = z.infer<typeof ChppdRow>;

export const ChppdMissingCensus = z
  .object({
    unitId: z.string(),
    dates: z.array(z.string()).describe('local dates in the period, before asOf, with no CensusRecorded'),
  })
  .meta({ id: 'ChppdMissingCensus' });

export const ChppdResponse = z
  .object({
    position: z.number().int().describe('the log position this answer reflects'),
    asOf: z.string().describe('the instant the answer was computed: only whole local days before it count'),
    unitId: z.string().optional(),
    departmentId: z.string().optional(),
    poolId: z.string().optional(),
    unitIds: z.array(z.string()),
    from: z.string(),
    to: z.string(),
    bucket: ChppdBucket,
    groupBy: z.array(ChppdDimension),
    careCompetences: z.array(z.string()).describe('competences counted as care staff (careStaff = true)'),
    rows: z.array(ChppdRow).describe('ordered by unit, period, competence (the total row last)'),
    censusComplete: z.boolean().describe('true when every counted day of every unit has a census'),
    missingCensus: z.array(ChppdMissingCensus).describe('per unit, the days without a census (empty when complete)'),
  })
  .meta({ id: 'ChppdResponse', description: 'Care hours per patient day (CHPPD), per competence and total.' });
export type ChppdResponse = z.infer<typeof ChppdResponse>;
