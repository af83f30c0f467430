import { z } from 'zod';
import { checkStaffTimeQuery, commaList, staffTimeQueryFields } from './performed-time.js';

/**
 * Staff volume (seeds/000, Karolinska): full-time equivalents (helårsarbete, HÅA) and production presence
 * (produktionsnärvaro, ProdN) per unit × period × staff category, with the 5.45 h per calendar day rule:
 * FTE = hours ÷ (calendar days × 5.45). Compared with the dimensioned presence (DimensioningSet) per month.
 */

/** Average hours a full-timer works per calendar day (seeds/000). */
export const HOURS_PER_CALENDAR_DAY = 5.45;
/** The longest period one staff-volume query may cover. */
export const STAFF_VOLUME_MAX_DAYS = 1100;

export const StaffVolumeBucket = z.enum(['month', 'week', 'period']);
export type StaffVolumeBucket = z.infer<typeof StaffVolumeBucket>;

export const STAFF_VOLUME_DIMENSIONS = ['unit', 'category'] as const;
export const StaffVolumeDimension = z.enum(STAFF_VOLUME_DIMENSIONS);
export type StaffVolumeDimension = z.infer<typeof StaffVolumeDimension>;

export const StaffVolumeParams = z
  .object({
    ...staffTimeQueryFields,
    bucket: StaffVolumeBucket.default('month').describe(
      'month (default): one row set per calendar month, cut to the period; week: per ISO week; period: one row set for the whole period',
    ),
    groupBy: commaList(STAFF_VOLUME_DIMENSIONS, STAFF_VOLUME_DIMENSIONS).describe(
      'comma-separated: unit, category (default both). Without unit the units are summed; without category only the all-categories row comes',
    ),
    absenceByReason: z
      .stringbool()
      .default(false)
      .describe('true: fill the absence-by-reason hour columns (health-related personal data; entitled roles only)'),
  })
  .superRefine((v, ctx) => checkStaffTimeQuery(v, ctx, STAFF_VOLUME_MAX_DAYS))
  .meta({ id: 'StaffVolumeParams', description: 'Which units and period the staff-volume (HÅA, ProdN) view covers.' });
export type StaffVolumeParams = z.infer<typeof StaffVolumeParams>;
export type StaffVolumeParamsInput = z.input<typeof StaffVolumeParams>;

const fte = (description: string) => z.number().describe(`${description} (full-time equivalents, full precision; present with one decimal)`);
const hours = (description: string) => z.number().describe(`${description} (hours)`);
const reasonHours = (reason: string) => z.number().nullable().describe(`absence hours, ${reason}; null unless absenceByReason=true`);

export const StaffVolumeRow = z
  .object({
    key: z.string().describe('unique row key `<unitId|*>|<period>|<category|*>`'),
    unitId: z.string().nullable().describe('null when `unit` is not in groupBy (summed over the units of the answer)'),
    period: z.string().describe('2026-03 (month), 2026-W10 (week) or `<from>..<to>` (period)'),
    from: z.string().describe('first local date counted'),
    to: z.string().describe('last local date counted: the bucket end, or the last whole day before asOf when the bucket is not over'),
    days: z.number().int().describe('calendar days counted (the divisor is days × 5.45)'),
    complete: z.boolean().describe('false: the bucket is not over; only its whole days before asOf are counted'),
    staffCategory: z.string().nullable().describe('physician, nursing, allied, admin, other; null = all categories'),
    basis: z
      .enum(['rates', 'hours', 'mixed', 'none'])
      .describe(
        'rates: monthly staff from employment rates (StaffRegistered); hours: no rate data, monthly presence from HoursReported ordinary hours of monthly staff; mixed: a sum over both; none: no monthly staff data (only extra time or non-employed)',
      ),
    monthlyStaff: z.number().int().describe('monthly salaried persons (home unit here) employed on at least one counted day'),
    contractedFte: fte('monthly staff: Σ rate × employed days ÷ days; this is presence + absence. Hours basis: monthly presence + absence'),
    absenceFte: fte('monthly staff absence: scheduled hours absence overlaps, rate × 5.45 h per whole absent day without a shift, HoursReported absence-*'),
    monthlyPresenceFte: fte('monthly staff presence: contractedFte − absenceFte (hours basis: HoursReported ordinary hours of monthly staff)'),
    extraTimeFte: fte('extra time: overtime, additional, on-call, standby and hourly-paid hours performed here'),
    nonEmployedFte: fte('agency staff and external residents: hours performed here'),
    fte: fte('helårsarbete (HÅA) = contractedFte + extraTimeFte; excludes agency and external residents'),
    prodN: fte('produktionsnärvaro (ProdN) = monthlyPresenceFte + extraTimeFte + nonEmployedFte'),
    dimensionedFte: z.number().nullable().describe('dimensioned presence (DimensioningSet), day-weighted over the months of the bucket; null when a month has none'),
    prodNMinusDimensioned: z.number().nullable().describe('prodN − dimensionedFte: negative = below the dimensioning'),
    contractedHours: hours('contractedFte × days × 5.45'),
    absenceHours: hours('absence of monthly staff'),
    monthlyPresenceHours: hours('presence of monthly staff'),
    extraTimeHours: hours('extra time'),
    nonEmployedHours: hours('agency + external residents'),
    unclassifiedHours: hours('ordinary hours of persons with unknown employment form: in no FTE measure (register the staff)'),
    overtimeHours: hours('overtime'),
    additionalHours: hours('additional (fyllnadstid)'),
    onCallHours: hours('on-call (jour)'),
    standbyHours: hours('standby (beredskap)'),
    hourlyHours: hours('hourly-paid (timlön)'),
    agencyHours: hours('agency (inhyrd)'),
    externalResidentHours: hours('external residents (externa randare)'),
    absenceSickHours: reasonHours('sick'),
    absenceChildCareHours: reasonHours('care of child (VAB)'),
    absenceVacationHours: reasonHours('vacation'),
    absenceParentalHours: reasonHours('parental leave'),
    absenceEducationHours: reasonHours('education'),
    absenceOtherHours: reasonHours('other'),
  })
  .meta({ id: 'StaffVolumeRow', description: 'HÅA and ProdN of one unit (or all), period and staff category (or all).' });
export type StaffVolumeRow = z.infer<typeof StaffVolumeRow>;

export const StaffVolumeResponse = z
  .object({
    position: z.number().int().describe('the log position this answer reflects'),
    asOf: z.string().describe('the instant the answer was computed: only whole local days before it count'),
    unitId: z.string().optional(),
    departmentId: z.string().optional(),
    poolId: z.string().optional(),
    unitIds: z.array(z.string()),
    from: z.string(),
    to: z.string(),
    bucket: StaffVolumeBucket,
    groupBy: z.array(StaffVolumeDimension),
    hoursPerCalendarDay: z.number().describe('5.45'),
    rows: z.array(StaffVolumeRow).describe('ordered by unit, period, category (the all-categories row last)'),
  })
  .meta({ id: 'StaffVolumeResponse', description: 'Full-time equivalents (HÅA) and production presence (ProdN) vs dimensioned presence.' });
export type StaffVolumeResponse = z.infer<typeof StaffVolumeResponse>;
