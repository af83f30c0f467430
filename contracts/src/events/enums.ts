import { z } from 'zod';

export const EmploymentForm = z.enum(['monthly', 'hourly', 'agency', 'external-resident']);
export type EmploymentForm = z.infer<typeof EmploymentForm>;

/** Kinds of worked time. `ordinary` is presence within ordinary working hours; the rest is extra time. */
export const WorkKind = z.enum(['ordinary', 'overtime', 'additional', 'on-call', 'standby', 'hourly']);
export type WorkKind = z.infer<typeof WorkKind>;

export const AbsenceKind = z.enum(['sick', 'child-care', 'vacation', 'parental', 'education', 'other']);
export type AbsenceKind = z.infer<typeof AbsenceKind>;

export const BookingSource = z.enum(['pool', 'overtime', 'agency', 'reallocation']);
export type BookingSource = z.infer<typeof BookingSource>;

/** Pay components of payroll-style hour reports: the work kinds, and absence by kind. */
export const PayComponent = z.enum([
  ...WorkKind.options,
  ...AbsenceKind.options.map((k) => `absence-${k}` as `absence-${typeof k}`),
]);
export type PayComponent = z.infer<typeof PayComponent>;

/** What a production plan, a recorded outcome or a forecast counts. */
export const Measure = z.enum(['hours', 'visits', 'operations', 'bed-days', 'patients']);
export type Measure = z.infer<typeof Measure>;

export const ForecastSubject = z.enum(['inflow', 'production', 'capacity']);
export type ForecastSubject = z.infer<typeof ForecastSubject>;

export const UnitKind = z.enum(['inpatient', 'outpatient', 'emergency', 'surgery', 'diagnostics', 'other']);
export type UnitKind = z.infer<typeof UnitKind>;

export const WaitlistRemovalReason = z.enum(['booked', 'treated', 'withdrawn', 'transferred', 'other']);
