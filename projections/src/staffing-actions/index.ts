export {
  cellView,
  checkWorkingTime,
  countedPeople,
  mayBookInto,
  mayReallocate,
  DEFAULT_WORKING_TIME,
  type CellView,
  type StaffingActor,
  type StaffingInputs,
  type WorkingTimeCheck,
  type WorkingTimeRule,
  type WorkingTimeSettings,
} from './staffing-context.js';
export { decideBookStaff, decideReallocate, type StaffingDecision, type StaffingDecisionState } from './decide-booking.js';
export { gapCandidates, bookingSupply, reallocationSupply, donorUnits, type CandidatesResult, type Supply } from './gap-candidates.js';
export { suggestMoves, SUGGESTION_METHOD } from './gap-suggestions.js';
