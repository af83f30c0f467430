import { z } from 'zod';
import { AbsenceKind, BookingSource } from '../events/enums.js';
import { CompetenceCode, EntityId, IsoWeek, LocalDate } from '../primitives/scalars.js';

/**
 * Gap list (lucklista, Karolinska's in seeds/001): per unit × date × slot × competence the requirement from the
 * staffing keys, who is scheduled, booked and absent, and plus/minus against the minimum and the target.
 */

/** The longest date range one gap-list query may cover. */
export const GAP_LIST_MAX_DAYS = 62;

/** Days since 1970-01-01 of a valid YYYY-MM-DD (validation only; bucketing lives in projections/). */
function dayNumber(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000;
}

/** The change key of one gap-list cell: `<date>|<slot>|<competence>`, e.g. `2026-11-23|dag|SSK`. */
export type GapListCellKey = `${string}|${string}|${string}`;

/** The change key meaning "every cell of the unit changed" (staffing keys, beds, slots): refetch the unit. */
export const GAP_LIST_ALL_CELLS = '*';

export const GapListParams = z
  .object({
    unitId: EntityId.optional().describe('one unit; give exactly one of unitId, departmentId or poolId'),
    departmentId: EntityId.optional().describe('every unit of a department (within your scope)'),
    poolId: EntityId.optional().describe('every unit of a staffing-centre pool (within your scope)'),
    week: IsoWeek.optional().describe('an ISO week, e.g. 2026-W48 (Monday to Sunday); the default is the current week'),
    from: LocalDate.optional().describe('first date of a date range (YYYY-MM-DD), instead of week; needs `to`'),
    to: LocalDate.optional().describe(`last date of a date range, included; at most ${GAP_LIST_MAX_DAYS} days after \`from\``),
    competence: CompetenceCode.optional().describe('one competence (e.g. SSK), as Karolinska shows one at a time; default every competence with a requirement or staff'),
  })
  .superRefine((v, ctx) => {
    const scopes = [v.unitId, v.departmentId, v.poolId].filter((s) => s !== undefined).length;
    if (scopes !== 1) ctx.addIssue({ code: 'custom', path: ['unitId'], message: 'give exactly one of unitId, departmentId or poolId' });
    if (v.week !== undefined && (v.from !== undefined || v.to !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['week'], message: 'give either week or from/to, not both' });
    }
    if ((v.from === undefined) !== (v.to === undefined)) {
      ctx.addIssue({ code: 'custom', path: [v.from === undefined ? 'from' : 'to'], message: 'give both from and to' });
    }
    if (v.from !== undefined && v.to !== undefined) {
      const days = dayNumber(v.to) - dayNumber(v.from);
      if (days < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must not be before from' });
      else if (days >= GAP_LIST_MAX_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `a gap list covers at most ${GAP_LIST_MAX_DAYS} days` });
    }
  })
  .meta({ description: 'Which units and dates the gap list covers.' });
export type GapListParams = z.infer<typeof GapListParams>;

const count = (description: string) => z.number().int().nonnegative().describe(description);
const nullableInt = (description: string) => z.number().int().nullable().describe(description);

export const GapListRow = z
  .object({
    key: z.string().describe('unique row key `<unitId>|<date>|<slot>|<competence>` (rows of several units share cell keys)'),
    cellKey: z.string().describe('the cell key `<date>|<slot>|<competence>` that live changes name'),
    unitId: z.string(),
    unitName: z.string(),
    departmentId: z.string(),
    date: z.string().describe('the date the slot starts on (a night slot belongs to the date it starts)'),
    weekday: z.number().int().min(1).max(7).describe('ISO weekday, 1 = Monday … 7 = Sunday'),
    week: z.string().describe('ISO week of the date'),
    slot: z.string().describe('slot code, e.g. dag, kvall, natt'),
    slotName: z.string().nullable(),
    slotStart: z.string().nullable().describe('the slot’s local start, HH:MM (null for a slot the unit does not define)'),
    slotEnd: z.string().nullable().describe('the slot’s local end, HH:MM; before the start = the next day'),
    competence: z.string(),
    beds: z.number().int().nonnegative().describe('beds to staff on the unit on that date'),
    minimum: nullableInt('required minimum head count (null: no staffing key or requirement)'),
    target: nullableInt('target head count (null: no staffing key or requirement)'),
    requirementSource: z.enum(['override', 'key', 'none']).describe('override = StaffingRequirementSet for the date; key = a staffing key'),
    scheduled: count('persons on scheduled shifts (absent ones included)'),
    booked: count('persons booked by the staffing centre who are not also scheduled in the cell'),
    absent: count('scheduled or booked persons absent for more than half of their shift'),
    staffed: count('scheduled + booked − absent; each person counted once'),
    openShifts: count('open shifts (nobody assigned); not staffed'),
    clockedIn: count('staffed persons who have clocked in for the shift or booking'),
    vsMinimum: nullableInt('staffed − minimum: positive = plus (over), negative = minus (under)'),
    vsTarget: nullableInt('staffed − target'),
    belowMinimum: z.boolean().describe('staffed < minimum: unsafe'),
    belowTarget: z.boolean().describe('staffed < target: a gap to fill'),
  })
  .meta({ description: 'One cell of the gap list: unit × date × slot × competence.' });
export type GapListRow = z.infer<typeof GapListRow>;

export const GapListPersonStatus = z
  .enum(['scheduled', 'booked', 'absent', 'clocked-in', 'moved'])
  .describe('absent wins over clocked-in; moved = reallocated to another unit (not counted here)');
export type GapListPersonStatus = z.infer<typeof GapListPersonStatus>;

export const GapListPerson = z
  .object({
    key: z.string().describe('the row key of the cell: `<unitId>|<date>|<slot>|<competence>`'),
    cellKey: z.string(),
    unitId: z.string(),
    date: z.string(),
    slot: z.string(),
    competence: z.string(),
    staffId: z.string(),
    name: z.string().nullable().describe('display name if the person is registered; personal data'),
    status: GapListPersonStatus,
    entry: z.enum(['shift', 'booking']).describe('what puts the person in the cell (a shift wins over a booking)'),
    entryId: z.string().describe('shiftId or bookingId'),
    entryCount: z.number().int().positive().describe('shifts and bookings of this person in this cell; more than 1 is a double booking (counted once)'),
    bookingSource: BookingSource.nullable(),
    start: z.string().describe('start instant (UTC)'),
    end: z.string().describe('end instant (UTC)'),
    absenceKind: AbsenceKind.nullable().describe('the reason when absent; health data, hidden from roles not entitled'),
    clockedInAt: z.string().nullable(),
    clockedOutAt: z.string().nullable(),
    movedToUnitId: z.string().nullable().describe('for status moved: the unit the person was reallocated to'),
  })
  .meta({ description: 'A person in a gap-list cell.' });
export type GapListPerson = z.infer<typeof GapListPerson>;

export const GapListWeeklySum = z
  .object({
    unitId: z.string(),
    slot: z.string(),
    competence: z.string(),
    week: z.string(),
    days: z.number().int().describe('dates of the week inside the queried range'),
    minimum: z.number().int(),
    target: z.number().int(),
    scheduled: z.number().int(),
    booked: z.number().int(),
    absent: z.number().int(),
    staffed: z.number().int(),
    openShifts: z.number().int(),
    plusVsMinimum: z.number().int().describe('sum of the positive daily vsMinimum (Karolinska’s plus/vecka)'),
    minusVsMinimum: z.number().int().describe('sum of the negative daily vsMinimum, ≤ 0 (minus/vecka)'),
    plusVsTarget: z.number().int(),
    minusVsTarget: z.number().int(),
  })
  .meta({ description: 'Weekly sums per unit × slot × competence.' });
export type GapListWeeklySum = z.infer<typeof GapListWeeklySum>;

export const GapListTotal = z
  .object({
    date: z.string().nullable().describe('null: the whole queried period'),
    competence: z.string(),
    units: z.number().int(),
    beds: z.number().int().describe('beds to staff summed over the units (on the date; for the period: on its first date)'),
    minimum: z.number().int(),
    target: z.number().int(),
    scheduled: z.number().int(),
    booked: z.number().int(),
    absent: z.number().int(),
    staffed: z.number().int(),
    openShifts: z.number().int(),
    plusVsMinimum: z.number().int(),
    minusVsMinimum: z.number().int(),
    plusVsTarget: z.number().int(),
    minusVsTarget: z.number().int(),
  })
  .meta({ description: 'Totals over every unit of the answer (the department total).' });
export type GapListTotal = z.infer<typeof GapListTotal>;

export const GapListUnit = z
  .object({
    unitId: z.string(),
    name: z.string(),
    departmentId: z.string(),
    departmentName: z.string().nullable(),
    timeZone: z.string(),
    beds: z.number().int().describe('beds to staff on the first date of the period (Karolinska’s margin)'),
    slots: z.array(z.object({ code: z.string(), name: z.string().nullable(), start: z.string(), end: z.string() })),
    findings: z.number().int().describe('data-quality findings for the unit in the period (see the findings route)'),
  });
export type GapListUnit = z.infer<typeof GapListUnit>;

export const GapListClockIn = z
  .object({
    unitId: z.string(),
    date: z.string().describe('local date of the clock-in'),
    staffId: z.string(),
    name: z.string().nullable(),
    clockedInAt: z.string().nullable().describe('null: a clock-out without a clock-in'),
    clockedOutAt: z.string().nullable(),
    shiftId: z.string().nullable(),
  })
  .meta({ description: 'Who clocked in (and out) on the unit on a date.' });
export type GapListClockIn = z.infer<typeof GapListClockIn>;

export const GapListResponse = z
  .object({
    position: z.number().int().describe('the log position this answer reflects'),
    asOf: z.string().describe('the instant the answer was computed'),
    unitId: z.string().optional(),
    departmentId: z.string().optional(),
    poolId: z.string().optional(),
    unitIds: z.array(z.string()),
    week: z.string().nullable().describe('the ISO week, when the period is one'),
    from: z.string(),
    to: z.string(),
    competence: z.string().nullable(),
    rows: z.array(GapListRow).describe('unit × slot × date × competence, ordered unit, competence, slot, date'),
    weeklySums: z.array(GapListWeeklySum),
    units: z.array(GapListUnit),
    totals: z.array(GapListTotal),
    people: z.array(GapListPerson),
    clockIns: z.array(GapListClockIn),
  })
  .meta({ description: 'Karolinska’s weekly gap list (lucklista), drawable directly.' });
export type GapListResponse = z.infer<typeof GapListResponse>;

/** Live message: the current content of gap-list cells that changed. */
export const GapListCellsChanged = z
  .object({
    position: z.number().int().describe('the log position the cells reflect'),
    cells: z.array(GapListRow),
    people: z.array(GapListPerson).describe('the people of exactly these cells'),
    refetchUnitIds: z.array(z.string()).default([]).describe('units whose every cell changed (staffing keys, beds, slots): refetch'),
  })
  .meta({ description: 'Changed gap-list cells, pushed live.' });
export type GapListCellsChanged = z.infer<typeof GapListCellsChanged>;

export const GapListFindingKind = z.enum([
  'double-booked',
  'overlapping-assignments',
  'unknown-slot',
  'unknown-unit',
  'reallocation-mismatch',
  'competence-not-held',
  'clock-out-without-clock-in',
]);
export type GapListFindingKind = z.infer<typeof GapListFindingKind>;

export const GapListFinding = z
  .object({
    kind: GapListFindingKind,
    unitId: z.string(),
    date: z.string(),
    slot: z.string().nullable(),
    competence: z.string().nullable(),
    staffId: z.string().nullable(),
    entryIds: z.string().describe('shift and booking ids involved, comma-separated'),
    message: z.string(),
  })
  .meta({ description: 'A data-quality finding: counted once, never silently.' });
export type GapListFinding = z.infer<typeof GapListFinding>;

export const GapListFindingsParams = z
  .object({
    unitId: EntityId.describe('the unit'),
    from: LocalDate.optional().describe('first date; default the current week'),
    to: LocalDate.optional().describe('last date, included'),
  })
  .superRefine((v, ctx) => {
    if ((v.from === undefined) !== (v.to === undefined)) {
      ctx.addIssue({ code: 'custom', path: [v.from === undefined ? 'from' : 'to'], message: 'give both from and to' });
    } else if (v.from !== undefined && v.to !== undefined) {
      const days = dayNumber(v.to) - dayNumber(v.from);
      if (days < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must not be before from' });
      else if (days > 366) ctx.addIssue({ code: 'custom', path: ['to'], message: 'findings cover at most 367 days' });
    }
  });
export type GapListFindingsParams = z.infer<typeof GapListFindingsParams>;

export const GapListFindingsResponse = z
  .object({
    position: z.number().int(),
    asOf: z.string(),
    unitId: z.string(),
    from: z.string(),
    to: z.string(),
    rows: z.array(GapListFinding),
  });
export type GapListFindingsResponse = z.infer<typeof GapListFindingsResponse>;
