import { z } from 'zod';
import { StaffCategory } from '../reference/competences.js';
import { checkInterval } from '../primitives/intervals.js';
import {
  ActivityCode,
  EntityId,
  Hours,
  Instant,
  IsoWeek,
  LocalDate,
  Month,
  PatientRef,
} from '../primitives/scalars.js';
import { ForecastSubject, Measure, WaitlistRemovalReason } from './enums.js';
import { isValidIsoWeek, isValidLocalDate, isValidMonth } from '../primitives/calendar.js';

/** A period: a date (YYYY-MM-DD), an ISO week (YYYY-Www) or a month (YYYY-MM). */
export const Period = z
  .string()
  .refine((s) => isValidLocalDate(s) || isValidIsoWeek(s) || isValidMonth(s), {
    message: 'must be a date (YYYY-MM-DD), an ISO week (YYYY-Www) or a month (YYYY-MM) that exists',
  });

/**
 * The production plan of a unit for one ISO week (or one month) and activity. Setting it again for the same
 * unit, period and activity replaces the earlier value.
 */
export const ProductionPlanSet = z
  .strictObject({
    unitId: EntityId,
    week: IsoWeek.optional(),
    month: Month.optional(),
    activity: ActivityCode,
    plannedHours: Hours.optional(),
    plannedVolume: z.number().finite().nonnegative().optional(),
    /** what the volume counts; hours when only hours are given */
    measure: Measure.default('hours'),
  })
  .superRefine((v, ctx) => {
    if ((v.week === undefined) === (v.month === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['week'], message: 'give exactly one of week or month' });
    }
    if (v.plannedHours === undefined && v.plannedVolume === undefined) {
      ctx.addIssue({ code: 'custom', path: ['plannedHours'], message: 'give planned hours, a planned volume, or both' });
    }
  });

export const PatientBooked = z
  .strictObject({
    bookingId: EntityId,
    unitId: EntityId,
    patientRef: PatientRef,
    activity: ActivityCode.optional(),
    start: Instant,
    end: Instant,
    waitlistEntryId: EntityId.optional(),
  })
  .superRefine(checkInterval(24));

export const PatientBookingCancelled = z.strictObject({
  bookingId: EntityId,
  reason: z.string().max(200).optional(),
});

export const WaitlistEntryAdded = z.strictObject({
  entryId: EntityId,
  unitId: EntityId,
  patientRef: PatientRef,
  activity: ActivityCode.optional(),
  expectedHours: Hours.max(1000),
  medicalTargetDate: LocalDate,
});

export const WaitlistEntryRemoved = z.strictObject({
  entryId: EntityId,
  reason: WaitlistRemovalReason,
});

/** Recorded production (outcome) for a period; setting it again for the same key replaces it. */
export const ProductionRecorded = z.strictObject({
  unitId: EntityId,
  period: Period,
  measure: Measure,
  activity: ActivityCode.optional(),
  value: z.number().finite().nonnegative(),
});

/** Recorded inflow (demand that arrived) for a period; setting it again for the same key replaces it. */
export const InflowRecorded = z.strictObject({
  unitId: EntityId,
  period: Period,
  measure: Measure,
  activity: ActivityCode.optional(),
  value: z.number().finite().nonnegative(),
});

export const ForecastSet = z.strictObject({
  unitId: EntityId,
  month: Month,
  what: ForecastSubject,
  measure: Measure.default('hours'),
  value: z.number().finite().nonnegative(),
});

/** Patients on the unit at midnight (23:59) of a date. */
export const CensusRecorded = z.strictObject({
  unitId: EntityId,
  date: LocalDate,
  patients: z.number().int().min(0).max(100_000),
});

/** Dimensioned presence: the FTE a unit is dimensioned for, per staff category and month. */
export const DimensioningSet = z.strictObject({
  unitId: EntityId,
  staffCategory: StaffCategory,
  month: Month,
  fte: z.number().finite().nonnegative().max(100_000),
});
