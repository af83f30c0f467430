import { z } from 'zod';
import { isValidIsoWeek, isValidLocalDate, isValidLocalTime, isValidMonth, isValidTimeZone } from './calendar.js';

/** Identifier of an entity (unit, staff, shift, …). Used inside stream names, so no colon and no spaces. */
export const EntityId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._~-]*$/, 'must be letters, digits, ".", "_", "~" or "-" (no spaces, no colon)');
export type EntityId = z.infer<typeof EntityId>;

/** A competence code such as SSK, USK, LAK. */
export const CompetenceCode = z
  .string()
  .regex(/^[A-Z][A-Z0-9_-]{0,15}$/, 'must be an upper-case code such as SSK, USK or LAK');
export type CompetenceCode = z.infer<typeof CompetenceCode>;

/** A shift slot code such as dag, kvall, natt (configurable per unit). */
export const SlotCode = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'must be a lower-case slot code such as dag, kvall or natt');
export type SlotCode = z.infer<typeof SlotCode>;

/** An activity label code (level 1, 2 or 3 of the label tree). */
export const ActivityCode = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be a lower-case activity label code');
export type ActivityCode = z.infer<typeof ActivityCode>;

/**
 * An instant, ISO-8601 with an offset or Z. Normalised to UTC (`…Z`, millisecond precision) so the same
 * instant always has the same text.
 */
export const Instant = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(s), {
    message: 'must be an ISO-8601 instant with an offset, e.g. 2026-03-29T05:00:00Z',
  })
  .refine((s) => isValidLocalDate(s.slice(0, 10)) && isValidLocalTime(s.slice(11, 16)) && !Number.isNaN(Date.parse(s)), {
    message: 'is not a date and time that exists',
  })
  .transform((s) => new Date(Date.parse(s)).toISOString());
export type Instant = z.output<typeof Instant>;

/** A calendar date, YYYY-MM-DD, that exists. */
export const LocalDate = z.string().refine(isValidLocalDate, { message: 'must be a date that exists, YYYY-MM-DD' });
export type LocalDate = z.infer<typeof LocalDate>;

/** An ISO week, YYYY-Www, that exists (week 53 only in long years). */
export const IsoWeek = z.string().refine(isValidIsoWeek, { message: 'must be an ISO week that exists, YYYY-Www' });
export type IsoWeek = z.infer<typeof IsoWeek>;

/** A calendar month, YYYY-MM. */
export const Month = z.string().refine(isValidMonth, { message: 'must be a month, YYYY-MM' });
export type Month = z.infer<typeof Month>;

/** A wall-clock time of day, HH:MM. */
export const LocalTime = z.string().refine(isValidLocalTime, { message: 'must be a time of day, HH:MM' });
export type LocalTime = z.infer<typeof LocalTime>;

/** An IANA time zone such as Europe/Stockholm. */
export const TimeZone = z.string().refine(isValidTimeZone, { message: 'must be an IANA time zone such as Europe/Stockholm' });

/** Non-negative, finite hours. */
export const Hours = z.number().finite().nonnegative({ message: 'hours cannot be negative' });

/** An opaque patient reference: never a name or personal identity number. */
export const PatientRef = z
  .string()
  .min(1)
  .max(100)
  .refine((s) => !/^(19|20)?\d{6}[-+]?\d{4}$/.test(s), { message: 'must be an opaque reference, not a personal identity number' });

export const ISO_WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
export const Weekday = z.number().int().min(1).max(7);
