import { z } from 'zod';
import { ActivityCode, CompetenceCode, EntityId, Hours, LocalDate, Month } from '../primitives/scalars.js';
import { EmploymentForm, PayComponent } from './enums.js';

/**
 * Aggregate hours from payroll lines or spreadsheets: per unit, one date or one month. A later report with the
 * same reportId replaces the earlier one.
 */
export const HoursReported = z
  .strictObject({
    reportId: EntityId,
    unitId: EntityId,
    date: LocalDate.optional(),
    month: Month.optional(),
    competence: CompetenceCode,
    employmentForm: EmploymentForm,
    payComponent: PayComponent,
    hours: Hours.max(1_000_000),
    activity: ActivityCode.optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.date === undefined) === (v.month === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['date'], message: 'give exactly one of date or month' });
    }
  });
