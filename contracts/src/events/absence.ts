import { z } from 'zod';
import { checkInterval } from '../primitives/intervals.js';
import { EntityId, Instant } from '../primitives/scalars.js';
import { AbsenceKind } from './enums.js';

/** The longest one absence record may span (parental leave can be long). */
const MAX_ABSENCE_HOURS = 24 * 400;

const absenceFields = {
  absenceId: EntityId,
  staffId: EntityId,
  /** the reason; health-related personal data, shown only to entitled roles */
  kind: AbsenceKind,
  start: Instant,
  end: Instant,
  paid: z.boolean().default(true),
};

/** Absence for a past, present or future interval. */
export const AbsenceReported = z.strictObject(absenceFields).superRefine(checkInterval(MAX_ABSENCE_HOURS));
/** Restates an absence as it now is. */
export const AbsenceCorrected = z.strictObject(absenceFields).superRefine(checkInterval(MAX_ABSENCE_HOURS));
export const AbsenceWithdrawn = z.strictObject({
  absenceId: EntityId,
  staffId: EntityId,
});
