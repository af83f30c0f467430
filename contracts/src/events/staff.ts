import { z } from 'zod';
import { CompetenceCode, EntityId, LocalDate } from '../primitives/scalars.js';
import { EmploymentForm } from './enums.js';

export const StaffRegistered = z
  .strictObject({
    staffId: EntityId,
    /** display name; personal data, shown only to roles entitled to person-level views */
    name: z.string().min(1).max(120).optional(),
    competences: z.array(CompetenceCode).min(1).max(10),
    employmentForm: EmploymentForm,
    /** employment rate (sysselsättningsgrad) 0–1; none for hourly, agency and external staff */
    rate: z.number().gt(0).max(1).nullable().default(null),
    homeUnitId: EntityId.nullable().default(null),
    /** the staffing-centre pool this person belongs to, if any */
    poolId: EntityId.optional(),
    employedFrom: LocalDate.optional(),
    employedUntil: LocalDate.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.employmentForm === 'monthly' && v.rate === null) {
      ctx.addIssue({ code: 'custom', path: ['rate'], message: 'monthly salaried staff need an employment rate between 0 and 1' });
    }
    if (v.employmentForm === 'hourly' && v.rate !== null) {
      ctx.addIssue({ code: 'custom', path: ['rate'], message: 'hourly paid staff have no employment rate' });
    }
    if (v.employedFrom && v.employedUntil && v.employedUntil < v.employedFrom) {
      ctx.addIssue({ code: 'custom', path: ['employedUntil'], message: 'employedUntil must not be before employedFrom' });
    }
    if (new Set(v.competences).size !== v.competences.length) {
      ctx.addIssue({ code: 'custom', path: ['competences'], message: 'a competence is listed twice' });
    }
  });
