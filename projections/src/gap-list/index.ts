export { gapList, GAP_LIST_MODEL, GAP_LIST_CLOCK_INS_MODEL } from './gap-list.js';
export { initialGapListState, type GapListState } from './gap-list-state.js';
export { queryGapList, gapListCells, gapListFindings, resolveGapListPeriod, type GapListQuery } from './gap-list-query.js';
export { cellRequirement, type CellRequirement } from './gap-list-status.js';
