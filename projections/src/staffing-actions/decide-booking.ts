import type { BookStaffCommand, EventData, ReallocateCommand, StaffingRejectionCode } from '@pks/contracts';
import {
  cellView,
  checkWorkingTime,
  countedPeople,
  mayBookInto,
  mayReallocate,
  type CellView,
  type StaffingActor,
  type StaffingInputs,
  type WorkingTimeSettings,
} from './staffing-context.js';

export type StaffingDecision =
  | { ok: true; event: { type: 'StaffBooked'; data: EventData<'StaffBooked'> } }
  | { ok: false; code: StaffingRejectionCode; statusCode: number; message: string; rule: string | null };

const STATUS: Record<StaffingRejectionCode, number> = {
  'outside-scope': 403,
  'unknown-gap': 404,
  'unknown-staff': 404,
  'no-gap': 409,
  'slot-ended': 409,
  'competence-not-held': 409,
  'staff-absent': 409,
  'double-booking': 409,
  'daily-rest': 409,
  'weekly-cap': 409,
  'not-in-source': 409,
  'source-below-minimum': 409,
  'same-unit': 409,
  'idempotency-key-reused': 409,
};

const RULES: Partial<Record<StaffingRejectionCode, string>> = {
  'daily-rest': 'daily rest (11 h between assignments by default)',
  'weekly-cap': 'weekly hour cap (48 h in the ISO week by default)',
  'double-booking': 'one assignment at a time',
  'staff-absent': 'absent staff cannot be booked',
  'outside-scope': 'scope',
};

function reject(code: StaffingRejectionCode, message: string, rule?: string): StaffingDecision {
  return { ok: false, code, statusCode: STATUS[code], message, rule: rule ?? RULES[code] ?? null };
}

export interface StaffingDecisionState extends StaffingInputs {
  settings: WorkingTimeSettings;
}

/** The gap a command names: the cell must exist, have a requirement, not have ended, and be below target. */
function targetGap(state: StaffingDecisionState, c: { unitId: string; date: string; slot: string; competence: string }, nowMs: number): CellView | StaffingDecision {
  const view = cellView(state.gapList, c.unitId, c.date, c.slot, c.competence, nowMs);
  if (!view) return reject('unknown-gap', `no gap ${c.unitId} ${c.date} ${c.slot} ${c.competence}: the unit or its slot is unknown`);
  if (view.row.target === null) return reject('unknown-gap', `no gap ${c.unitId} ${c.date} ${c.slot} ${c.competence}: no staffing key or requirement for ${c.competence} in that slot`);
  if (view.endMs <= nowMs) return reject('slot-ended', `the slot ${c.date} ${c.slot} on ${c.unitId} ended at ${view.cell.end}: it cannot be booked any more`, 'no booking into the past');
  if (view.row.staffed >= view.row.target) return reject('no-gap', `${c.unitId} ${c.date} ${c.slot} ${c.competence} is staffed ${view.row.staffed} of target ${view.row.target}: there is no gap to fill`);
  return view;
}

function staffChecks(state: StaffingDecisionState, view: CellView, staffId: string, competence: string, ignore: ReadonlySet<string>): StaffingDecision | null {
  const staff = state.roster.staff.get(staffId);
  if (!staff) return reject('unknown-staff', `no staff member '${staffId}' is registered`);
  if (!staff.competences.includes(competence)) return reject('competence-not-held', `${staffId} holds ${staff.competences.join(', ')}, not ${competence}`, 'competence');
  if (view.people.some((p) => p.staffId === staffId && p.status !== 'moved' && p.status !== 'absent')) {
    return reject('double-booking', `${staffId} is already in ${view.unit.unitId} ${view.row.date} ${view.row.slot} ${competence}`);
  }
  const check = checkWorkingTime(state.roster, staffId, view.startMs, view.endMs, view.unit.timeZone, state.settings, ignore);
  if (check.violation) return reject(check.violation.code, check.violation.reason);
  return null;
}

/**
 * Decides `book-staff`: a pool, overtime or agency booking of a person into a gap. Rejections: outside the actor's
 * scope (managers only reallocate between their own units), unknown gap, no gap (staffed to target), slot ended,
 * unknown staff, competence not held, pool booking of someone outside the unit's (or actor's) pool, absent, double
 * booking, daily rest, weekly cap. `bookingId` comes from the command's idempotency key.
 */
export function decideBookStaff(state: StaffingDecisionState, command: BookStaffCommand & { bookingId: string }, actor: StaffingActor, nowMs: number): StaffingDecision {
  const unit = state.gapList.units.get(command.unitId);
  if (!unit) return reject('unknown-gap', `unknown unit '${command.unitId}'`);
  if (!mayBookInto(actor, unit)) {
    return reject(
      'outside-scope',
      actor.role === 'manager'
        ? 'managers may only reallocate staff between their own units (POST /api/v1/commands/reallocate); booking pool, overtime or agency staff is for the staffing centre'
        : `unit ${command.unitId} is outside your scope`,
    );
  }
  const view = targetGap(state, command, nowMs);
  if ('ok' in view) return view;
  if (command.source === 'pool') {
    const staff = state.roster.staff.get(command.staffId);
    const inPool = staff !== undefined && staff.poolId !== null && (staff.poolId === unit.poolId || actor.pools.includes(staff.poolId) || actor.role === 'admin');
    if (staff && !inPool) {
      return reject('outside-scope', `${command.staffId} is not a member of pool ${unit.poolId ?? '(none)'}; book them as overtime or agency instead`, 'pool membership');
    }
  }
  const problem = staffChecks(state, view, command.staffId, command.competence, new Set());
  if (problem) return problem;
  return {
    ok: true,
    event: {
      type: 'StaffBooked',
      data: {
        bookingId: command.bookingId,
        staffId: command.staffId,
        unitId: command.unitId,
        date: command.date,
        slot: command.slot,
        competence: command.competence,
        source: command.source,
        ...(command.note !== undefined && { note: command.note }),
      },
    },
  };
}

/**
 * Decides `reallocate`: moves a person from their shift in the same slot and competence on another unit into a gap.
 * Rejections: same unit, outside scope (both units must be within it), unknown gap, no gap, slot ended, unknown staff,
 * the person not counted in the source cell on a shift (not-in-source), the source falling below its minimum, and
 * the working-time rules with the from-shift left out.
 */
export function decideReallocate(state: StaffingDecisionState, command: ReallocateCommand & { bookingId: string }, actor: StaffingActor, nowMs: number): StaffingDecision {
  const to = state.gapList.units.get(command.unitId);
  if (!to) return reject('unknown-gap', `unknown unit '${command.unitId}'`);
  const from = state.gapList.units.get(command.fromUnitId);
  if (!from) return reject('not-in-source', `unknown unit '${command.fromUnitId}'`);
  if (from.unitId === to.unitId) return reject('same-unit', 'a reallocation moves a person between two different units');
  if (!mayReallocate(actor, from, to)) return reject('outside-scope', `moving staff from ${from.unitId} to ${to.unitId} is outside your scope`);
  const view = targetGap(state, command, nowMs);
  if ('ok' in view) return view;
  if (!state.roster.staff.has(command.staffId)) return reject('unknown-staff', `no staff member '${command.staffId}' is registered`);
  const source = cellView(state.gapList, from.unitId, command.date, command.slot, command.competence, nowMs);
  const person = source ? countedPeople(source).find((p) => p.staffId === command.staffId && p.entry === 'shift' && (command.fromShiftId === undefined || p.entryId === command.fromShiftId)) : undefined;
  if (!source || !person) {
    return reject(
      'not-in-source',
      `${command.staffId} is not on a shift${command.fromShiftId !== undefined ? ` ${command.fromShiftId}` : ''} in ${from.unitId} ${command.date} ${command.slot} ${command.competence} (or is absent there)`,
    );
  }
  if (source.row.minimum !== null && source.row.staffed - 1 < source.row.minimum) {
    return reject('source-below-minimum', `moving ${command.staffId} would leave ${from.unitId} with ${source.row.staffed - 1} staffed, below its minimum of ${source.row.minimum}`, 'source stays at or above its minimum');
  }
  const fromShiftId = command.fromShiftId ?? person.entryId;
  const problem = staffChecks(state, view, command.staffId, command.competence, new Set([fromShiftId]));
  if (problem) return problem;
  return {
    ok: true,
    event: {
      type: 'StaffBooked',
      data: {
        bookingId: command.bookingId,
        staffId: command.staffId,
        unitId: command.unitId,
        date: command.date,
        slot: command.slot,
        competence: command.competence,
        source: 'reallocation',
        fromUnitId: from.unitId,
        fromShiftId,
        ...(command.note !== undefined && { note: command.note }),
      },
    },
  };
}
