import { z } from 'zod';
import { checkInterval } from '../primitives/intervals.js';
import { ActivityCode, CompetenceCode, EntityId, Instant } from '../primitives/scalars.js';
import { EmploymentForm, WorkKind } from './enums.js';

const clockFields = {
  staffId: EntityId,
  unitId: EntityId,
  at: Instant,
  shiftId: EntityId.optional(),
};

export const ClockedIn = z.strictObject(clockFields);
export const ClockedOut = z.strictObject(clockFields);

/**
 * A worked interval reported after the fact. A later `WorkRegistered` with the same registrationId replaces the
 * earlier one (a correction), so the hours move to the period in which the work was done.
 */
export const WorkRegistered = z
  .strictObject({
    registrationId: EntityId,
    staffId: EntityId.nullable().default(null),
    unitId: EntityId,
    competence: CompetenceCode,
    start: Instant,
    end: Instant,
    kind: WorkKind,
    activity: ActivityCode.optional(),
    /** when staffId is null or the person is not registered, the employment form of whoever worked */
    employmentForm: EmploymentForm.optional(),
  })
  .superRefine((v, ctx) => {
    checkInterval(v.kind === 'on-call' || v.kind === 'standby' ? 72 : 24)(v, ctx);
  });
