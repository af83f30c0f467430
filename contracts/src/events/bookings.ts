import { z } from 'zod';
import { checkInterval } from '../primitives/intervals.js';
import { CompetenceCode, EntityId, Instant, LocalDate, SlotCode } from '../primitives/scalars.js';
import { BookingSource } from './enums.js';
import { MAX_SHIFT_HOURS } from './shifts.js';

/** A staffing-centre booking of a person into a unit's slot on a date. */
export const StaffBooked = z
  .strictObject({
    bookingId: EntityId,
    staffId: EntityId,
    unitId: EntityId,
    /** the date the slot starts on (a night slot belongs to the date it starts) */
    date: LocalDate,
    slot: SlotCode,
    competence: CompetenceCode,
    /** actual times when they differ from the slot's */
    start: Instant.optional(),
    end: Instant.optional(),
    source: BookingSource,
    /** reallocation: the unit the person is moved from, and the shift there that they leave */
    fromUnitId: EntityId.optional(),
    fromShiftId: EntityId.optional(),
    note: z.string().max(500).optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.start === undefined) !== (v.end === undefined)) {
      ctx.addIssue({ code: 'custom', path: [v.start === undefined ? 'start' : 'end'], message: 'give both start and end, or neither' });
    } else if (v.start !== undefined && v.end !== undefined) {
      checkInterval(MAX_SHIFT_HOURS)({ start: v.start, end: v.end }, ctx);
    }
    if (v.source === 'reallocation' && v.fromUnitId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['fromUnitId'], message: 'a reallocation names the unit the person is moved from' });
    }
  });

export const BookingCancelled = z.strictObject({
  bookingId: EntityId,
  reason: z.string().max(200).optional(),
});
