import { z } from 'zod';
import { StaffCategory } from '../reference/competences.js';
import {
  ActivityCode,
  CompetenceCode,
  EntityId,
  LocalDate,
  LocalTime,
  SlotCode,
  TimeZone,
  Weekday,
} from '../primitives/scalars.js';
import { UnitKind } from './enums.js';

export const CompetenceDefined = z.strictObject({
  code: CompetenceCode,
  name: z.string().min(1).max(100),
  nameEn: z.string().min(1).max(100).optional(),
  category: StaffCategory,
  careStaff: z.boolean().default(true),
});

export const ActivityLabelDefined = z
  .strictObject({
    code: ActivityCode,
    level: z.union([z.literal(1), z.literal(2), z.literal(3)]),
    name: z.string().min(1).max(120),
    nameEn: z.string().min(1).max(120).optional(),
    parent: ActivityCode.nullable().default(null),
  })
  .superRefine((v, ctx) => {
    if (v.level === 1 && v.parent !== null) ctx.addIssue({ code: 'custom', path: ['parent'], message: 'a level-1 label has no parent' });
    if (v.level > 1 && v.parent === null) ctx.addIssue({ code: 'custom', path: ['parent'], message: 'a level-2 or level-3 label needs a parent' });
  });

export const ShiftSlot = z.strictObject({
  code: SlotCode,
  name: z.string().min(1).max(60).optional(),
  /** local wall-clock start, HH:MM */
  start: LocalTime,
  /** local wall-clock end, HH:MM; earlier than start means the slot ends the next day */
  end: LocalTime,
});
export type ShiftSlot = z.infer<typeof ShiftSlot>;

export const UnitRegistered = z
  .strictObject({
    unitId: EntityId,
    name: z.string().min(1).max(120),
    departmentId: EntityId,
    departmentName: z.string().min(1).max(120).optional(),
    kind: UnitKind.default('inpatient'),
    timeZone: TimeZone.default('Europe/Stockholm'),
    slots: z.array(ShiftSlot).min(1).max(12),
    /** the staffing-centre pool this unit belongs to, if any */
    poolId: EntityId.optional(),
  })
  .superRefine((v, ctx) => {
    const seen = new Set<string>();
    v.slots.forEach((slot, i) => {
      if (seen.has(slot.code)) ctx.addIssue({ code: 'custom', path: ['slots', i, 'code'], message: `slot code '${slot.code}' appears twice` });
      seen.add(slot.code);
      if (slot.start === slot.end) ctx.addIssue({ code: 'custom', path: ['slots', i, 'end'], message: 'a slot cannot start and end at the same time' });
    });
  });

export const BedsPlanned = z.strictObject({
  unitId: EntityId,
  from: LocalDate,
  beds: z.number().int().min(0).max(10_000),
});

/** A requirement: a fixed head count, or one per N beds (rounded up). */
export const Requirement = z.union([
  z.strictObject({ fixed: z.number().int().min(0).max(1000) }),
  z.strictObject({ perBeds: z.number().positive().max(1000) }),
]);
export type Requirement = z.infer<typeof Requirement>;

export const StaffingKeySet = z.strictObject({
  unitId: EntityId,
  slot: SlotCode,
  competence: CompetenceCode,
  /** ISO weekday 1 = Monday … 7 = Sunday; absent = every day */
  weekday: Weekday.optional(),
  /** from which date the key applies; absent = always */
  validFrom: LocalDate.optional(),
  minimum: Requirement,
  target: Requirement,
}).superRefine((v, ctx) => {
  if ('fixed' in v.minimum && 'fixed' in v.target && v.target.fixed < v.minimum.fixed) {
    ctx.addIssue({ code: 'custom', path: ['target'], message: 'target cannot be below minimum' });
  }
  if ('perBeds' in v.minimum && 'perBeds' in v.target && v.target.perBeds > v.minimum.perBeds) {
    ctx.addIssue({ code: 'custom', path: ['target'], message: 'target cannot be below minimum (more beds per person than the minimum)' });
  }
});

export const StaffingRequirementSet = z.strictObject({
  unitId: EntityId,
  date: LocalDate,
  slot: SlotCode,
  competence: CompetenceCode,
  minimum: z.number().int().min(0).max(1000),
  target: z.number().int().min(0).max(1000),
}).refine((v) => v.target >= v.minimum, { path: ['target'], message: 'target cannot be below minimum' });
