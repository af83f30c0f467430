import { z } from 'zod';
import { DEFAULT_SHIFT_ACTIVITY } from '../reference/activity-labels.js';
import { checkInterval } from '../primitives/intervals.js';
import { ActivityCode, CompetenceCode, EntityId, Instant, SlotCode } from '../primitives/scalars.js';

/** The longest a single shift may last. */
export const MAX_SHIFT_HOURS = 24;

const shiftFields = {
  shiftId: EntityId,
  unitId: EntityId,
  /** null = an open shift, nobody assigned yet */
  staffId: EntityId.nullable().default(null),
  /** the competence this shift is scheduled for */
  competence: CompetenceCode,
  start: Instant,
  end: Instant,
  /** the unit's slot this shift fills; derived from the start time when absent */
  slot: SlotCode.optional(),
  /** level-3 activity label */
  activity: ActivityCode.default(DEFAULT_SHIFT_ACTIVITY),
};

export const ShiftScheduled = z.strictObject(shiftFields).superRefine(checkInterval(MAX_SHIFT_HOURS));

/** A change restates the whole shift as it now is. */
export const ShiftChanged = z.strictObject(shiftFields).superRefine(checkInterval(MAX_SHIFT_HOURS));

export const ShiftCancelled = z.strictObject({
  shiftId: EntityId,
  reason: z.string().max(200).optional(),
});
