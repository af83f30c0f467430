import { z } from 'zod';
import { CompetenceCode, EntityId, LocalDate, SlotCode } from '../primitives/scalars.js';
import { StaffingStatus } from './staffing-overview.js';

/**
 * The staffing centre's actions: who could fill a gap (GET /api/v1/gaps/candidates), and several moves at once for a
 * whole slot across a pool (GET /api/v1/gaps/suggestions). Working-time rules: 11 h daily rest between assignments,
 * a weekly hour cap in the ISO week, not absent, not already assigned.
 */

export const DEFAULT_DAILY_REST_HOURS = 11;
export const DEFAULT_WEEKLY_CAP_HOURS = 48;

export const CandidateSource = z.enum(['reallocation', 'pool', 'overtime', 'agency']);
export type CandidateSource = z.infer<typeof CandidateSource>;

export const GapCandidatesParams = z
  .object({
    unitId: EntityId,
    date: LocalDate.describe('the date the slot starts on'),
    slot: SlotCode,
    competence: CompetenceCode,
  })
  .meta({ id: 'GapCandidatesParams' });
export type GapCandidatesParams = z.infer<typeof GapCandidatesParams>;

export const GapCell = z
  .object({
    unitId: z.string(),
    unitName: z.string(),
    departmentId: z.string(),
    poolId: z.string().nullable(),
    date: z.string(),
    slot: z.string(),
    competence: z.string(),
    start: z.string().describe('slot start, UTC instant'),
    end: z.string(),
    minimum: z.number().int().nullable(),
    target: z.number().int().nullable(),
    staffed: z.number().int(),
    vsMinimum: z.number().int().nullable(),
    vsTarget: z.number().int().nullable(),
    status: StaffingStatus,
    ended: z.boolean().describe('the slot has ended: nothing can be booked into it'),
  })
  .meta({ id: 'GapCell' });
export type GapCell = z.infer<typeof GapCell>;

export const GapCandidate = z
  .object({
    rank: z.number().int().describe('1 = best'),
    staffId: z.string(),
    name: z.string().nullable().describe('personal data (reads are audited)'),
    source: CandidateSource.describe('reallocation first (move capacity), then pool, overtime, agency (add capacity)'),
    fromUnitId: z.string().nullable().describe('reallocation: the unit with the surplus'),
    fromUnitName: z.string().nullable(),
    fromShiftId: z.string().nullable(),
    score: z.number().describe('higher is better; the rank follows it'),
    reasons: z.array(z.string()).describe('why this person, in words'),
    weekHoursBefore: z.number().describe('assigned hours in the ISO week of the slot, without this one'),
    weekHoursAfter: z.number(),
    restBeforeHours: z.number().nullable().describe('hours since the end of the previous assignment (null: none within 48 h)'),
    restAfterHours: z.number().nullable().describe('hours until the next assignment (null: none within 48 h)'),
    command: z.enum(['book-staff', 'reallocate']),
    commandBody: z.record(z.string(), z.unknown()).describe('the body to POST to /api/v1/commands/<command> (add an idempotency key)'),
  })
  .meta({ id: 'GapCandidate' });
export type GapCandidate = z.infer<typeof GapCandidate>;

export const ExcludedCandidate = z
  .object({
    staffId: z.string(),
    name: z.string().nullable(),
    source: CandidateSource,
    fromUnitId: z.string().nullable(),
    code: z.string().describe('the rule: double-booking, daily-rest, weekly-cap, staff-absent, source-below-minimum, competence-not-held'),
    reason: z.string().describe('in words; an absence is shown as "absent", never the reason'),
  })
  .meta({ id: 'ExcludedCandidate' });
export type ExcludedCandidate = z.infer<typeof ExcludedCandidate>;

export const GapCandidatesResponse = z
  .object({
    position: z.number().int(),
    asOf: z.string(),
    gap: GapCell,
    candidates: z.array(GapCandidate),
    excluded: z.array(ExcludedCandidate).describe('people considered and why they cannot take it'),
    rules: z.object({ dailyRestHours: z.number(), weeklyCapHours: z.number() }),
  })
  .meta({ id: 'GapCandidatesResponse' });
export type GapCandidatesResponse = z.infer<typeof GapCandidatesResponse>;

export const GapSuggestionsParams = z
  .object({
    poolId: EntityId.describe('the staffing-centre pool (its units)'),
    date: LocalDate,
    slot: SlotCode,
    competence: CompetenceCode.optional().describe('one competence; default every competence with a shortage'),
  })
  .meta({ id: 'GapSuggestionsParams' });
export type GapSuggestionsParams = z.infer<typeof GapSuggestionsParams>;

export const SuggestedMove = z
  .object({
    order: z.number().int().describe('apply in this order'),
    unitId: z.string(),
    unitName: z.string(),
    competence: z.string(),
    staffId: z.string(),
    name: z.string().nullable(),
    source: CandidateSource,
    fromUnitId: z.string().nullable(),
    fromShiftId: z.string().nullable(),
    fills: z.enum(['minimum', 'target']).describe('minimum: makes the cell safe; target: closes the gap to target'),
    reason: z.string(),
    command: z.enum(['book-staff', 'reallocate']),
    commandBody: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'SuggestedMove' });
export type SuggestedMove = z.infer<typeof SuggestedMove>;

export const SuggestionShortage = z
  .object({
    unitId: z.string(),
    unitName: z.string(),
    competence: z.string(),
    minimum: z.number().int().nullable(),
    target: z.number().int().nullable(),
    staffed: z.number().int(),
    staffedAfter: z.number().int().describe('staffed after the suggested moves'),
    missingToMinimum: z.number().int().describe('still missing to the minimum after the moves'),
    missingToTarget: z.number().int(),
  })
  .meta({ id: 'SuggestionShortage' });
export type SuggestionShortage = z.infer<typeof SuggestionShortage>;

export const GapSuggestionsResponse = z
  .object({
    position: z.number().int(),
    asOf: z.string(),
    poolId: z.string(),
    date: z.string(),
    slot: z.string(),
    method: z.string().describe('how the moves were chosen'),
    moves: z.array(SuggestedMove),
    shortages: z.array(SuggestionShortage).describe('every cell of the pool below target in the slot, with what the moves leave'),
  })
  .meta({ id: 'GapSuggestionsResponse' });
export type GapSuggestionsResponse = z.infer<typeof GapSuggestionsResponse>;
