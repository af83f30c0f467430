import type { GapSuggestionsResponse, SuggestedMove, SuggestionShortage } from '@pks/contracts';
import { requirementCellKeys } from '../alerts/alert-rules-eval.js';
import type { UnitInfo } from '../unit-directory/unit-directory.js';
import { bookingSupply, commandFor, supplyScore, type Supply } from './gap-candidates.js';
import { cellView, checkWorkingTime, countedPeople, mayBookInto, mayReallocate, type CellView, type StaffingActor, type StaffingInputs, type WorkingTimeSettings } from './staffing-context.js';

interface Need {
  view: CellView;
  staffed: number;
}

interface Donor {
  view: CellView;
  /** persons that may still leave: staffed − target minus those already suggested */
  spare: number;
  people: Supply[];
}

export const SUGGESTION_METHOD =
  'greedy in two passes over the slot’s cells below target in the pool: first every cell up to its minimum (largest deficit first), then up to its target; ' +
  'each place taken by the best valid person: a person from a surplus cell of the same competence on another unit (reallocation, the donor keeps its target), ' +
  'else a free pool member (least hours this week first). Working-time rules are checked for every move; a person is used once.';

/**
 * Several moves at once for one slot across a pool: shortages (cells below target) are filled from surpluses
 * (reallocation) and free pool staff, below-minimum cells first. Returns the moves as ready command bodies and what
 * each shortage is left with. Greedy, not an optimal assignment (see SUGGESTION_METHOD).
 */
export function suggestMoves(
  inputs: StaffingInputs,
  params: { poolId: string; date: string; slot: string; competence?: string | undefined; unitIds: readonly string[] },
  actor: StaffingActor,
  settings: WorkingTimeSettings,
  nowMs: number,
): Omit<GapSuggestionsResponse, 'position'> {
  const units = params.unitIds.map((id) => inputs.gapList.units.get(id)).filter((u): u is UnitInfo => u !== undefined && u.poolId === params.poolId);
  const needs: Need[] = [];
  const donors = new Map<string, Donor[]>();
  for (const unit of units) {
    const keys = requirementCellKeys(inputs.gapList, unit, params.date, params.date).filter((k) => k.split('|')[1] === params.slot);
    for (const key of keys) {
      const competence = key.split('|')[2]!;
      if (params.competence !== undefined && competence !== params.competence) continue;
      const view = cellView(inputs.gapList, unit.unitId, params.date, params.slot, competence, nowMs);
      if (!view || view.row.target === null || view.endMs <= nowMs) continue;
      if (view.row.staffed < view.row.target) needs.push({ view, staffed: view.row.staffed });
      else if (view.row.staffed > view.row.target) {
        const people = countedPeople(view)
          .filter((p) => p.entry === 'shift')
          .map((p): Supply => ({ staffId: p.staffId, name: p.name, source: 'reallocation', fromUnit: unit, fromShiftId: p.entryId, surplus: view.row.staffed - view.row.target! }));
        let list = donors.get(competence);
        if (!list) donors.set(competence, (list = []));
        list.push({ view, spare: view.row.staffed - view.row.target, people });
      }
    }
  }

  const used = new Set<string>();
  const poolCache = new Map<string, Supply[]>();
  const moves: SuggestedMove[] = [];

  const best = (need: Need): { supply: Supply; donor: Donor | null } | null => {
    const unit = need.view.unit;
    const competence = need.view.row.competence;
    const inCell = new Set(need.view.people.filter((p) => p.status !== 'moved').map((p) => p.staffId));
    const found: { choice: { supply: Supply; donor: Donor | null; score: number } | null } = { choice: null };
    const consider = (s: Supply, donor: Donor | null) => {
      if (used.has(s.staffId) || inCell.has(s.staffId)) return;
      const check = checkWorkingTime(inputs.roster, s.staffId, need.view.startMs, need.view.endMs, unit.timeZone, settings, new Set(s.fromShiftId !== null ? [s.fromShiftId] : []));
      if (check.violation) return;
      const score = supplyScore({ ...s, surplus: donor ? donor.spare : 0 }, check);
      const c = found.choice;
      if (c === null || score > c.score || (score === c.score && s.staffId < c.supply.staffId)) found.choice = { supply: s, donor, score };
    };
    for (const donor of donors.get(competence) ?? []) {
      if (donor.spare <= 0 || !mayReallocate(actor, donor.view.unit, unit)) continue;
      for (const s of donor.people) consider(s, donor);
    }
    if (found.choice === null && mayBookInto(actor, unit)) {
      let pool = poolCache.get(`${unit.unitId}|${competence}`);
      if (!pool) poolCache.set(`${unit.unitId}|${competence}`, (pool = bookingSupply(inputs, unit, competence).filter((s) => s.source === 'pool')));
      for (const s of pool) consider(s, null);
    }
    return found.choice;
  };

  for (const pass of ['minimum', 'target'] as const) {
    const goal = (n: Need) => (pass === 'minimum' ? (n.view.row.minimum ?? 0) : n.view.row.target!);
    const blocked = new Set<Need>();
    for (;;) {
      const open = needs.filter((n) => !blocked.has(n) && n.staffed < goal(n));
      if (open.length === 0) break;
      open.sort((a, b) => goal(b) - b.staffed - (goal(a) - a.staffed) || a.view.startMs - b.view.startMs || a.view.unit.unitId.localeCompare(b.view.unit.unitId) || a.view.row.competence.localeCompare(b.view.row.competence));
      const need = open[0]!;
      const pick = best(need);
      if (!pick) {
        blocked.add(need);
        continue;
      }
      used.add(pick.supply.staffId);
      if (pick.donor) pick.donor.spare -= 1;
      need.staffed += 1;
      const s = pick.supply;
      moves.push({
        order: moves.length + 1,
        unitId: need.view.unit.unitId,
        unitName: need.view.unit.name,
        competence: need.view.row.competence,
        staffId: s.staffId,
        name: s.name,
        source: s.source,
        fromUnitId: s.fromUnit?.unitId ?? null,
        fromShiftId: s.fromShiftId,
        fills: pass,
        reason:
          s.source === 'reallocation'
            ? `${need.view.unit.name} ${pass === 'minimum' ? 'below its minimum' : 'below target'}; ${s.fromUnit!.name} has a surplus`
            : `${need.view.unit.name} ${pass === 'minimum' ? 'below its minimum' : 'below target'}; ${s.staffId} is a free pool member`,
        ...commandFor(s, need.view),
      });
    }
  }

  const shortages: SuggestionShortage[] = needs
    .map((n) => ({
      unitId: n.view.unit.unitId,
      unitName: n.view.unit.name,
      competence: n.view.row.competence,
      minimum: n.view.row.minimum,
      target: n.view.row.target,
      staffed: n.view.row.staffed,
      staffedAfter: n.staffed,
      missingToMinimum: Math.max(0, (n.view.row.minimum ?? 0) - n.staffed),
      missingToTarget: Math.max(0, n.view.row.target! - n.staffed),
    }))
    .sort((a, b) => a.unitId.localeCompare(b.unitId) || a.competence.localeCompare(b.competence));

  return { asOf: new Date(nowMs).toISOString(), poolId: params.poolId, date: params.date, slot: params.slot, method: SUGGESTION_METHOD, moves, shortages };
}
