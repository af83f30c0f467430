import { z } from 'zod';
import { EntityId, IsoWeek, LocalDate, Month } from '../primitives/scalars.js';

/**
 * Performed time (utförd tid, seeds/000): hours of presence plus extra time, periodised to the local day and hour in
 * which the work was done, per unit × period × activity (three levels) × competence × employment form × kind.
 * This file also holds the period fields shared by the staff-volume and CHPPD read models.
 */

// ---------------------------------------------------------------------------------------------------------------
// Shared by performed-time, staff-volume and chppd
// ---------------------------------------------------------------------------------------------------------------

/** A calendar quarter, YYYY-Qn. */
export const CalendarQuarter = z
  .string()
  .regex(/^(19|20|21)\d{2}-Q[1-4]$/, 'must be a calendar quarter, YYYY-Qn (e.g. 2026-Q4)');
export type CalendarQuarter = z.infer<typeof CalendarQuarter>;

/** Days since 1970-01-01 of a valid YYYY-MM-DD (validation only; bucketing lives in projections/). */
function dayNumber(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000;
}

/** The scope and period fields every staff-time read model (performed-time, staff-volume, chppd) takes. */
export const staffTimeQueryFields = {
  unitId: EntityId.optional().describe('one unit; give exactly one of unitId, departmentId or poolId'),
  departmentId: EntityId.optional().describe('every unit of a department (within your scope)'),
  poolId: EntityId.optional().describe('every unit of a staffing-centre pool (within your scope)'),
  from: LocalDate.optional().describe('first local date of the period (YYYY-MM-DD); needs `to`. Give one of from/to, month, week or quarter; default the current month'),
  to: LocalDate.optional().describe('last local date of the period, included'),
  month: Month.optional().describe('a calendar month, YYYY-MM, instead of from/to'),
  week: IsoWeek.optional().describe('an ISO week, YYYY-Www, instead of from/to'),
  quarter: CalendarQuarter.optional().describe('a calendar quarter, YYYY-Qn, instead of from/to'),
};

/** The refinement of the shared fields: exactly one scope, at most one period form, from ≤ to, at most maxDays. */
export function checkStaffTimeQuery(
  v: { unitId?: string | undefined; departmentId?: string | undefined; poolId?: string | undefined; from?: string | undefined; to?: string | undefined; month?: string | undefined; week?: string | undefined; quarter?: string | undefined },
  ctx: z.core.$RefinementCtx,
  maxDays: number,
): void {
  const scopes = [v.unitId, v.departmentId, v.poolId].filter((s) => s !== undefined).length;
  if (scopes !== 1) ctx.addIssue({ code: 'custom', path: ['unitId'], message: 'give exactly one of unitId, departmentId or poolId' });
  const forms = [v.from !== undefined || v.to !== undefined, v.month !== undefined, v.week !== undefined, v.quarter !== undefined].filter(Boolean).length;
  if (forms > 1) ctx.addIssue({ code: 'custom', path: ['from'], message: 'give only one of from/to, month, week or quarter' });
  if ((v.from === undefined) !== (v.to === undefined)) {
    ctx.addIssue({ code: 'custom', path: [v.from === undefined ? 'from' : 'to'], message: 'give both from and to' });
  } else if (v.from !== undefined && v.to !== undefined) {
    const days = dayNumber(v.to) - dayNumber(v.from);
    if (days < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must not be before from' });
    else if (days >= maxDays) ctx.addIssue({ code: 'custom', path: ['to'], message: `this read model covers at most ${maxDays} days per query` });
  }
}

/** Parses a comma-separated list of names from a fixed set, with a readable error naming the allowed ones. */
export function commaList<const T extends readonly [string, ...string[]]>(allowed: T, fallback: readonly T[number][]) {
  const set = new Set<string>(allowed);
  return z
    .string()
    .optional()
    .transform((s, ctx): T[number][] => {
      if (s === undefined || s.trim() === '') return [...fallback];
      const parts = s.split(',').map((p) => p.trim()).filter((p) => p !== '');
      const out: T[number][] = [];
      for (const p of parts) {
        if (!set.has(p)) {
          ctx.addIssue({ code: 'custom', message: `unknown dimension '${p}'; choose from ${allowed.join(', ')}` });
          return z.NEVER;
        }
        if (!out.includes(p as T[number])) out.push(p as T[number]);
      }
      return out;
    });
}

// ---------------------------------------------------------------------------------------------------------------
// Performed time
// ---------------------------------------------------------------------------------------------------------------

/** The longest period one performed-time query may cover, per bucket. */
export const PERFORMED_TIME_MAX_DAYS = 732;
export const PERFORMED_TIME_MAX_DAYS_HOURLY = 93;

/** Kinds of performed time: the work kinds, plus agency and external-resident whatever the shift. */
export const PerformedTimeKind = z.enum(['ordinary', 'overtime', 'additional', 'on-call', 'standby', 'hourly', 'agency', 'external-resident']);
export type PerformedTimeKind = z.infer<typeof PerformedTimeKind>;

/** Employment forms as performed time reports them; unknown = a person not registered and no form given. */
export const PerformedTimeEmploymentForm = z.enum(['monthly', 'hourly', 'agency', 'external-resident', 'unknown']);
export type PerformedTimeEmploymentForm = z.infer<typeof PerformedTimeEmploymentForm>;

export const PerformedTimeBucket = z.enum(['hour', 'day', 'week', 'month']);
export type PerformedTimeBucket = z.infer<typeof PerformedTimeBucket>;

export const PERFORMED_TIME_DIMENSIONS = ['unit', 'activity1', 'activity2', 'activity3', 'competence', 'category', 'employmentForm', 'kind'] as const;
export const PerformedTimeDimension = z.enum(PERFORMED_TIME_DIMENSIONS);
export type PerformedTimeDimension = z.infer<typeof PerformedTimeDimension>;
export const PERFORMED_TIME_DEFAULT_GROUP_BY: readonly PerformedTimeDimension[] = ['unit', 'activity3', 'competence', 'employmentForm', 'kind'];

/** How absence shows in performed time: not at all, as one total, or by reason (health data: entitled roles only). */
export const PerformedTimeAbsenceMode = z.enum(['none', 'total', 'by-reason']);
export type PerformedTimeAbsenceMode = z.infer<typeof PerformedTimeAbsenceMode>;

export const PerformedTimeParams = z
  .object({
    ...staffTimeQueryFields,
    bucket: PerformedTimeBucket.default('day').describe(
      `time bucket in the unit’s time zone: hour (at most ${PERFORMED_TIME_MAX_DAYS_HOURLY} days), day (default), ISO week or month`,
    ),
    groupBy: commaList(PERFORMED_TIME_DIMENSIONS, PERFORMED_TIME_DEFAULT_GROUP_BY).describe(
      `comma-separated dimensions to keep, from ${PERFORMED_TIME_DIMENSIONS.join(', ')}; the rest are summed away. ` +
        `Default ${PERFORMED_TIME_DEFAULT_GROUP_BY.join(',')}. activity3 also fills activity2 and activity1 (the label tree rolls up); activity2 fills activity1.`,
    ),
    includeAbsence: PerformedTimeAbsenceMode.default('none').describe(
      'none (default): performed time only; total: also the scheduled hours lost to absence, kind `absence` under activity1 `franvaro`; by-reason: the same by reason (level-3 absence labels; health-related personal data)',
    ),
  })
  .superRefine((v, ctx) => checkStaffTimeQuery(v, ctx, v.bucket === 'hour' ? PERFORMED_TIME_MAX_DAYS_HOURLY : PERFORMED_TIME_MAX_DAYS))
  .meta({ id: 'PerformedTimeParams', description: 'Which units, period, bucket and dimensions the performed-time view covers.' });
export type PerformedTimeParams = z.infer<typeof PerformedTimeParams>;
export type PerformedTimeParamsInput = z.input<typeof PerformedTimeParams>;

export const PerformedTimeRow = z
  .object({
    key: z.string().describe('unique row key: the period and every dimension value, `|`-separated'),
    unitId: z.string().nullable().describe('null when `unit` is not in groupBy (summed over the units of the answer)'),
    period: z
      .string()
      .describe(
        'the bucket: 2026-10-25T02:00+02:00 (hour, with the offset: the two 02:00 hours of an October night differ), 2026-10-25 (day), 2026-W43 (week), 2026-10 (month). ' +
          'Hours reported per day (HoursReported) carry no hour: in hour buckets they come as a row with the date as period and hour null.',
      ),
    periodStart: z.string().describe('local date the bucket starts on (a week: its Monday; a month: its first day)'),
    hour: z.number().int().min(0).max(23).nullable().describe('local hour of an hour bucket; null for coarser buckets and for hours without an hour'),
    bucketStart: z.string().nullable().describe('UTC instant the hour bucket starts (hour buckets only)'),
    activity1: z.string().nullable().describe('level-1 activity label (patient-related, non-patient, absence); null = unlabelled or summed away'),
    activity2: z.string().nullable().describe('level-2 activity label'),
    activity3: z.string().nullable().describe('level-3 activity label (the label the schedule carries)'),
    competence: z.string().nullable().describe('the competence the time was scheduled or registered for'),
    category: z.string().nullable().describe('staff category of that competence (physician, nursing, allied, admin, other)'),
    employmentForm: z.string().nullable().describe('monthly, hourly, agency, external-resident or unknown (person not registered)'),
    kind: z
      .string()
      .nullable()
      .describe('ordinary, overtime, additional, on-call, standby, hourly, agency, external-resident; absence (only with includeAbsence)'),
    hours: z.number().describe('hours, full precision'),
  })
  .meta({ id: 'PerformedTimeRow', description: 'Performed hours of one bucket and combination of dimensions (only non-zero cells).' });
export type PerformedTimeRow = z.infer<typeof PerformedTimeRow>;

export const PerformedTimeResponse = z
  .object({
    position: z.number().int().describe('the log position this answer reflects'),
    asOf: z.string().describe('the instant the answer was computed: only time before it counts as performed'),
    unitId: z.string().optional(),
    departmentId: z.string().optional(),
    poolId: z.string().optional(),
    unitIds: z.array(z.string()),
    from: z.string(),
    to: z.string(),
    bucket: PerformedTimeBucket,
    groupBy: z.array(PerformedTimeDimension),
    includeAbsence: PerformedTimeAbsenceMode,
    rows: z.array(PerformedTimeRow).describe('ordered by unit, period, then dimensions'),
    performedHours: z.number().describe('sum of the performed (non-absence) hours of the rows'),
    absenceHours: z.number().nullable().describe('sum of the absence rows; null when includeAbsence = none'),
    findings: z.number().int().describe('data-quality findings for these units in the period (double bookings, unmatched clock events; see the findings route)'),
  })
  .meta({ id: 'PerformedTimeResponse', description: 'Performed time (utförd tid) per local hour, day, week or month.' });
export type PerformedTimeResponse = z.infer<typeof PerformedTimeResponse>;

// ---------------------------------------------------------------------------------------------------------------
// Data-quality findings of the performed-time projection
// ---------------------------------------------------------------------------------------------------------------

export const PerformedTimeFindingKind = z
  .enum(['double-booked', 'unmatched-clock', 'clock-on-cancelled-shift', 'clock-far-from-shift', 'clock-on-open-shift', 'unregistered-staff', 'overlapping-registrations'])
  .describe(
    'double-booked: one person on two overlapping shifts (counted once); unmatched-clock: a clock event no shift matches; clock-on-cancelled-shift: clocked on a shift later cancelled (not counted); ' +
      'clock-far-from-shift: a clock time more than 12 h outside its shift (ignored); clock-on-open-shift: clock event on a shift with nobody assigned (not counted); unregistered-staff: shifts of a person with no StaffRegistered (employment form unknown); ' +
      'overlapping-registrations: two WorkRegistered of one person overlap (the overlap counted once, as the one registered later)',
  );
export type PerformedTimeFindingKind = z.infer<typeof PerformedTimeFindingKind>;

export const PerformedTimeFinding = z
  .object({
    kind: PerformedTimeFindingKind,
    unitId: z.string(),
    date: z.string().describe('local date (of the shift start, the clock event or the registration start)'),
    staffId: z.string().nullable(),
    ids: z.string().describe('shift ids involved, comma-separated (empty for a clock event without a shift); registration ids for overlapping-registrations'),
    at: z.string().nullable().describe('the instant of the clock event, for clock findings; the start of the overlap for overlapping-registrations'),
    message: z.string(),
  })
  .meta({ id: 'PerformedTimeFinding', description: 'A data-quality finding of performed time: handled by a stated rule, never silently.' });
export type PerformedTimeFinding = z.infer<typeof PerformedTimeFinding>;

export const PerformedTimeFindingsParams = z
  .object({
    unitId: EntityId.describe('the unit'),
    from: LocalDate.optional().describe('first local date; default the current month'),
    to: LocalDate.optional().describe('last local date, included'),
  })
  .superRefine((v, ctx) => checkStaffTimeQuery(v, ctx, 367))
  .meta({ id: 'PerformedTimeFindingsParams' });
export type PerformedTimeFindingsParams = z.infer<typeof PerformedTimeFindingsParams>;

export const PerformedTimeFindingsResponse = z
  .object({
    position: z.number().int(),
    asOf: z.string(),
    unitId: z.string(),
    from: z.string(),
    to: z.string(),
    rows: z.array(PerformedTimeFinding),
  })
  .meta({ id: 'PerformedTimeFindingsResponse' });
export type PerformedTimeFindingsResponse = z.infer<typeof PerformedTimeFindingsResponse>;
