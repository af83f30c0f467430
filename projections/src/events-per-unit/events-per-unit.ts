import type { StoredEvent } from '@pks/contracts';
import type { Change, Projection } from '../projection/projection.js';

/** Counts per unit (or '-' for events without a unit) and event type, with the last position seen. */
export interface EventsPerUnitState {
  counts: Map<string, Map<string, number>>;
  total: number;
  lastPosition: number;
}

export interface EventsPerUnitRow {
  unitId: string;
  type: string;
  count: number;
}

const NO_UNIT = '-';

/** The (frozen) change list of a unit and event type, made once: folding an event allocates nothing for it. */
const changeLists = new Map<string, Map<string, readonly Change[]>>();
function changeOf(unitId: string, type: string): readonly Change[] {
  let byType = changeLists.get(unitId);
  if (!byType) {
    if (changeLists.size > 100_000) changeLists.clear();
    changeLists.set(unitId, (byType = new Map()));
  }
  let list = byType.get(type);
  if (!list) byType.set(type, (list = Object.freeze([Object.freeze({ model: 'events-per-unit', unitId: unitId === NO_UNIT ? null : unitId, key: type })])));
  return list;
}

/** The projection that proves the spine end to end: events per unit and type. */
export const eventsPerUnit: Projection<EventsPerUnitState> = {
  name: 'events-per-unit',
  version: 1,
  initialState: () => ({ counts: new Map(), total: 0, lastPosition: 0 }),
  evolve(state, event: StoredEvent): readonly Change[] {
    const unitId = typeof event.data.unitId === 'string' ? event.data.unitId : NO_UNIT;
    let byType = state.counts.get(unitId);
    if (!byType) {
      byType = new Map();
      state.counts.set(unitId, byType);
    }
    byType.set(event.type, (byType.get(event.type) ?? 0) + 1);
    state.total += 1;
    state.lastPosition = event.position;
    return changeOf(unitId, event.type);
  },
};

export function eventsPerUnitRows(state: EventsPerUnitState, unitId?: string): EventsPerUnitRow[] {
  const rows: EventsPerUnitRow[] = [];
  for (const [unit, byType] of state.counts) {
    if (unitId !== undefined && unit !== unitId) continue;
    for (const [type, count] of byType) rows.push({ unitId: unit, type, count });
  }
  return rows.sort((a, b) => a.unitId.localeCompare(b.unitId) || a.type.localeCompare(b.type));
}
