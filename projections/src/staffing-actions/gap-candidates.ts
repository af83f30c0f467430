import type { CandidateSource, ExcludedCandidate, GapCandidate, GapCandidatesResponse } from '@pks/contracts';
import type { RosterStaff } from '../staff-roster/staff-roster.js';
import type { UnitInfo } from '../unit-directory/unit-directory.js';
import {
  cellView,
  checkWorkingTime,
  countedPeople,
  mayBookInto,
  mayReallocate,
  type CellView,
  type StaffingActor,
  type StaffingInputs,
  type WorkingTimeCheck,
  type WorkingTimeSettings,
} from './staffing-context.js';

/** A person who could take a slot: where they come from and what taking it would mean. */
export interface Supply {
  staffId: string;
  name: string | null;
  source: CandidateSource;
  fromUnit: UnitInfo | null;
  fromShiftId: string | null;
  /** reallocation: staffed − target of the source cell */
  surplus: number;
}

/** Units a reallocation into `unit` may take people from: the same pool (or, without a pool, the same department), within the actor's scope. */
export function donorUnits(inputs: StaffingInputs, unit: UnitInfo, actor: StaffingActor): UnitInfo[] {
  return [...inputs.gapList.units.values()]
    .filter((u) => u.unitId !== unit.unitId && (unit.poolId !== null ? u.poolId === unit.poolId : u.departmentId === unit.departmentId) && mayReallocate(actor, u, unit))
    .sort((a, b) => a.unitId.localeCompare(b.unitId));
}

/** People on shifts in surplus cells (staffed above target) of the same date, slot and competence on other units. */
export function reallocationSupply(inputs: StaffingInputs, donors: readonly UnitInfo[], date: string, slot: string, competence: string, nowMs: number): { supply: Supply[]; views: Map<string, CellView> } {
  const supply: Supply[] = [];
  const views = new Map<string, CellView>();
  for (const u of donors) {
    const view = cellView(inputs.gapList, u.unitId, date, slot, competence, nowMs);
    if (!view || view.row.target === null || view.row.staffed <= view.row.target) continue;
    views.set(u.unitId, view);
    for (const p of countedPeople(view)) {
      if (p.entry !== 'shift') continue;
      supply.push({ staffId: p.staffId, name: p.name, source: 'reallocation', fromUnit: u, fromShiftId: p.entryId, surplus: view.row.staffed - view.row.target });
    }
  }
  return { supply, views };
}

/** Staff who could be booked (not moved): pool members of the unit's pool, the unit's own staff (overtime), agency staff. */
export function bookingSupply(inputs: StaffingInputs, unit: UnitInfo, competence: string, poolIds: readonly string[] = []): Supply[] {
  const out: Supply[] = [];
  const pools = new Set([...(unit.poolId !== null ? [unit.poolId] : []), ...poolIds]);
  const sourceOf = (s: RosterStaff): CandidateSource | null => {
    if (s.employmentForm === 'agency' && (s.poolId === null || pools.has(s.poolId)) && (s.homeUnitId === null || s.homeUnitId === unit.unitId || (s.poolId !== null && pools.has(s.poolId)))) return 'agency';
    if (s.poolId !== null && pools.has(s.poolId)) return 'pool';
    if (s.homeUnitId === unit.unitId) return 'overtime';
    return null;
  };
  for (const s of inputs.roster.staff.values()) {
    if (!s.competences.includes(competence)) continue;
    const source = sourceOf(s);
    if (source !== null) out.push({ staffId: s.staffId, name: s.name, source, fromUnit: null, fromShiftId: null, surplus: 0 });
  }
  return out.sort((a, b) => a.staffId.localeCompare(b.staffId));
}

const BASE: Record<CandidateSource, number> = { reallocation: 3000, pool: 2000, overtime: 1000, agency: 500 };

/** Higher = better: reallocation (moves capacity) before pool before overtime before agency (adds capacity); then the least loaded. */
export function supplyScore(s: Supply, check: WorkingTimeCheck): number {
  return BASE[s.source] + Math.min(9, s.surplus) * 10 - check.weekHoursAfter;
}

function reasonsFor(s: Supply, check: WorkingTimeCheck, settings: WorkingTimeSettings, view: CellView): string[] {
  const reasons: string[] = [];
  if (s.source === 'reallocation' && s.fromUnit) reasons.push(`surplus of ${s.surplus} in ${s.fromUnit.name} (moves capacity, no new hours)`);
  if (s.source === 'pool') reasons.push(`pool member, free in the slot`);
  if (s.source === 'overtime') reasons.push(`own staff of ${view.unit.name}, free in the slot (overtime)`);
  if (s.source === 'agency') reasons.push('agency staff, free in the slot');
  reasons.push(`${check.weekHoursBefore} h this week → ${check.weekHoursAfter} h (cap ${settings.weeklyCapHours} h)`);
  const rest = [
    check.restBeforeHours === null ? null : `${check.restBeforeHours} h rest before`,
    check.restAfterHours === null ? null : `${check.restAfterHours} h rest after`,
  ].filter((x): x is string => x !== null);
  reasons.push(rest.length === 0 ? 'no other assignment within 48 h' : `${rest.join(', ')} (rule ${settings.dailyRestHours} h)`);
  return reasons;
}

export function commandFor(s: Supply, view: CellView): Pick<GapCandidate, 'command' | 'commandBody'> {
  const base = { unitId: view.unit.unitId, date: view.row.date, slot: view.row.slot, competence: view.row.competence, staffId: s.staffId };
  if (s.source === 'reallocation') {
    return { command: 'reallocate', commandBody: { ...base, fromUnitId: s.fromUnit!.unitId, ...(s.fromShiftId !== null && { fromShiftId: s.fromShiftId }) } };
  }
  return { command: 'book-staff', commandBody: { ...base, source: s.source } };
}

export type CandidatesResult =
  | { ok: true; answer: Omit<GapCandidatesResponse, 'position'> }
  | { ok: false; statusCode: number; code: string; message: string };

/**
 * Who could fill a gap, ranked with reasons: people in surplus cells of the same slot and competence on other units
 * of the pool (reallocation: moves capacity first, DOMAIN.md §4), then free pool members, the unit's own staff as
 * overtime, agency staff. Each must hold the competence, be free (no overlapping assignment), not absent, keep the
 * daily rest and the weekly cap. People who fail a rule are listed as excluded with the rule.
 */
export function gapCandidates(
  inputs: StaffingInputs,
  params: { unitId: string; date: string; slot: string; competence: string },
  actor: StaffingActor,
  settings: WorkingTimeSettings,
  nowMs: number,
): CandidatesResult {
  const view = cellView(inputs.gapList, params.unitId, params.date, params.slot, params.competence, nowMs);
  if (!view) return { ok: false, statusCode: 404, code: 'unknown-gap', message: `no cell ${params.unitId} ${params.date} ${params.slot} ${params.competence}: the unit or its slot is unknown` };
  const inCell = new Set(view.people.filter((p) => p.status !== 'moved').map((p) => p.staffId));
  const realloc = reallocationSupply(inputs, donorUnits(inputs, view.unit, actor), params.date, params.slot, params.competence, nowMs).supply;
  const booking = mayBookInto(actor, view.unit) ? bookingSupply(inputs, view.unit, params.competence, actor.role === 'staffing-centre' ? actor.pools : []) : [];
  const seen = new Set<string>();
  const candidates: GapCandidate[] = [];
  const excluded: ExcludedCandidate[] = [];
  for (const s of [...realloc, ...booking]) {
    if (inCell.has(s.staffId) || seen.has(s.staffId)) continue;
    seen.add(s.staffId);
    const check = checkWorkingTime(inputs.roster, s.staffId, view.startMs, view.endMs, view.unit.timeZone, settings, new Set(s.fromShiftId !== null ? [s.fromShiftId] : []));
    if (check.violation) {
      excluded.push({ staffId: s.staffId, name: s.name, source: s.source, fromUnitId: s.fromUnit?.unitId ?? null, code: check.violation.code, reason: check.violation.reason });
      continue;
    }
    candidates.push({
      rank: 0,
      staffId: s.staffId,
      name: s.name,
      source: s.source,
      fromUnitId: s.fromUnit?.unitId ?? null,
      fromUnitName: s.fromUnit?.name ?? null,
      fromShiftId: s.fromShiftId,
      score: supplyScore(s, check),
      reasons: reasonsFor(s, check, settings, view),
      weekHoursBefore: check.weekHoursBefore,
      weekHoursAfter: check.weekHoursAfter,
      restBeforeHours: check.restBeforeHours,
      restAfterHours: check.restAfterHours,
      ...commandFor(s, view),
    });
  }
  candidates.sort((a, b) => b.score - a.score || a.staffId.localeCompare(b.staffId));
  candidates.forEach((c, i) => (c.rank = i + 1));
  return {
    ok: true,
    answer: {
      asOf: new Date(nowMs).toISOString(),
      gap: view.cell,
      candidates,
      excluded,
      rules: { dailyRestHours: settings.dailyRestHours, weeklyCapHours: settings.weeklyCapHours },
    },
  };
}
