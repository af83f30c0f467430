import { z } from 'zod';
import { CompetenceCode, EntityId, LocalDate } from '../primitives/scalars.js';

/**
 * The staffing centre's view: for every unit of its pool, the next days' slots with shortages and surpluses per
 * competence, sorted by urgency; open shifts; and the pool's staff with what they are already doing.
 */
export const StaffingOverviewParams = z
  .object({
    poolId: EntityId.optional().describe('the staffing-centre pool (its units); give exactly one of poolId or departmentId'),
    departmentId: EntityId.optional(),
    from: LocalDate.optional().describe('first date (default today in the units’ time zone)'),
    days: z.coerce.number().int().min(1).max(14).default(3).describe('how many days from `from`'),
    competence: CompetenceCode.optional(),
  })
  .refine((v) => (v.poolId === undefined) !== (v.departmentId === undefined), { path: ['poolId'], message: 'give exactly one of poolId or departmentId' })
  .meta({ id: 'StaffingOverviewParams' });
export type StaffingOverviewParams = z.infer<typeof StaffingOverviewParams>;

export const StaffingStatus = z.enum(['below-minimum', 'below-target', 'ok', 'surplus']);
export type StaffingStatus = z.infer<typeof StaffingStatus>;

export const StaffingOverviewRow = z
  .object({
    key: z.string().describe('`<unitId>|<date>|<slot>|<competence>`'),
    cellKey: z.string(),
    unitId: z.string(),
    unitName: z.string(),
    departmentId: z.string(),
    date: z.string(),
    slot: z.string(),
    slotStart: z.string().nullable(),
    slotEnd: z.string().nullable(),
    startsAt: z.string().describe('when the slot starts (UTC instant)'),
    competence: z.string(),
    minimum: z.number().int().nullable(),
    target: z.number().int().nullable(),
    staffed: z.number().int(),
    openShifts: z.number().int(),
    vsMinimum: z.number().int().nullable(),
    vsTarget: z.number().int().nullable(),
    status: StaffingStatus,
    urgency: z.number().describe('higher = act sooner: below minimum before below target, sooner before later, larger gaps first'),
  })
  .meta({ id: 'StaffingOverviewRow' });
export type StaffingOverviewRow = z.infer<typeof StaffingOverviewRow>;

export const OpenShiftRow = z
  .object({
    shiftId: z.string(),
    unitId: z.string(),
    unitName: z.string(),
    date: z.string(),
    slot: z.string(),
    competence: z.string(),
    start: z.string(),
    end: z.string(),
  })
  .meta({ id: 'OpenShiftRow' });
export type OpenShiftRow = z.infer<typeof OpenShiftRow>;

export const PoolStaffRow = z
  .object({
    staffId: z.string(),
    name: z.string().nullable(),
    competences: z.string().describe('comma-separated competence codes'),
    employmentForm: z.string(),
    poolId: z.string().nullable(),
    homeUnitId: z.string().nullable(),
    /** what the person already does in the period, e.g. "2026-11-24 dag B8-AVA" */
    assignments: z.string().describe('semicolon-separated `<date> <slot> <unitId>` already assigned in the period'),
    absentDates: z.string().describe('semicolon-separated dates with reported absence (no reason: health data)'),
    freeSlots: z.number().int().describe('slots of the period the person is neither assigned nor absent in'),
  })
  .meta({ id: 'PoolStaffRow' });
export type PoolStaffRow = z.infer<typeof PoolStaffRow>;

export const StaffingOverviewResponse = z
  .object({
    position: z.number().int(),
    asOf: z.string(),
    poolId: z.string().optional(),
    departmentId: z.string().optional(),
    unitIds: z.array(z.string()),
    from: z.string(),
    to: z.string(),
    rows: z.array(StaffingOverviewRow).describe('shortages first (by urgency), then surpluses; cells that are exactly ok are left out'),
    openShifts: z.array(OpenShiftRow),
    poolStaff: z.array(PoolStaffRow),
  })
  .meta({ id: 'StaffingOverviewResponse' });
export type StaffingOverviewResponse = z.infer<typeof StaffingOverviewResponse>;
