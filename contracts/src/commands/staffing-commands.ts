import { z } from 'zod';
import { CompetenceCode, EntityId, LocalDate, SlotCode } from '../primitives/scalars.js';

/**
 * Staffing-centre actions that close gaps. Each command carries an idempotency key (header `Idempotency-Key`, or
 * `idempotencyKey` in the body): the same key from the same caller books once, however often it is sent.
 */

export const IdempotencyKey = z
  .string()
  .min(8, 'an idempotency key has at least 8 characters (use a UUID)')
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

const gapFields = {
  unitId: EntityId.describe('the unit with the gap'),
  date: LocalDate.describe('the date the slot starts on'),
  slot: SlotCode,
  competence: CompetenceCode,
  staffId: EntityId.describe('who is booked'),
  note: z.string().max(500).optional(),
  idempotencyKey: IdempotencyKey.optional().describe('or the Idempotency-Key header'),
};

/** POST /api/v1/commands/book-staff → StaffBooked (source pool, overtime or agency). */
export const BookStaffCommand = z
  .strictObject({
    ...gapFields,
    source: z.enum(['pool', 'overtime', 'agency']).default('pool').describe('pool: a staffing-centre pool member; overtime: extra hours of own staff; agency: hired staff'),
  })
  .meta({ id: 'BookStaffCommand' });
export type BookStaffCommand = z.infer<typeof BookStaffCommand>;
export type BookStaffCommandInput = z.input<typeof BookStaffCommand>;

/** POST /api/v1/commands/reallocate → StaffBooked (source reallocation, fromUnitId, fromShiftId). */
export const ReallocateCommand = z
  .strictObject({
    ...gapFields,
    fromUnitId: EntityId.describe('the unit the person is moved from (a surplus cell of the same slot and competence)'),
    fromShiftId: EntityId.optional().describe('the shift there the person leaves; default: their shift in that cell'),
  })
  .meta({ id: 'ReallocateCommand' });
export type ReallocateCommand = z.infer<typeof ReallocateCommand>;
export type ReallocateCommandInput = z.input<typeof ReallocateCommand>;

export const StaffingRejectionCode = z.enum([
  'outside-scope',
  'unknown-gap',
  'no-gap',
  'slot-ended',
  'unknown-staff',
  'competence-not-held',
  'staff-absent',
  'double-booking',
  'daily-rest',
  'weekly-cap',
  'not-in-source',
  'source-below-minimum',
  'same-unit',
  'idempotency-key-reused',
]);
export type StaffingRejectionCode = z.infer<typeof StaffingRejectionCode>;

export const StaffingCommandResponse = z
  .object({
    status: z.enum(['accepted', 'duplicate']).describe('duplicate: this idempotency key was used before; nothing new was booked'),
    bookingId: z.string(),
    eventId: z.string(),
    position: z.number().int().describe('log position of the StaffBooked event (wait for it with minPosition on reads)'),
    event: z.object({ type: z.literal('StaffBooked'), data: z.record(z.string(), z.unknown()) }),
  })
  .meta({ id: 'StaffingCommandResponse' });
export type StaffingCommandResponse = z.infer<typeof StaffingCommandResponse>;
