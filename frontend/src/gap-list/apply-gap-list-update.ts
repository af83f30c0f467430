import type { GapListPerson, GapListResponse, GapListRow } from '@pks/contracts';
import { applyRowsByKey, type LiveRow } from '../live/live-protocol';

function isGapListRow(row: LiveRow): row is GapListRow & LiveRow {
  return typeof row.key === 'string' && typeof row.cellKey === 'string' && typeof row.date === 'string' && typeof row.staffed === 'number' && !('staffId' in row);
}
function isPerson(row: LiveRow): row is GapListPerson & LiveRow {
  return typeof row.key === 'string' && typeof row.staffId === 'string';
}

export interface GapListApplied {
  data: GapListResponse;
  /** row keys of cells that changed (for the flash) */
  changedRowKeys: string[];
  /** people of changed cells came without their full list: fetch the people again over HTTP */
  peopleIncomplete: boolean;
}

const ORDER = (a: GapListRow, b: GapListRow) => (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0) || a.competence.localeCompare(b.competence) || a.slot.localeCompare(b.slot) || a.date.localeCompare(b.date);

/**
 * Applies changed gap-list rows to an answer: cell rows replace the row with the same key (rows outside the answer's
 * units or dates are ignored); a cell row that carries its `people` replaces that cell's people; bare person rows
 * (with a staffId) cannot say who left a cell, so they mark the people as incomplete (refetch).
 */
export function applyGapListRows(data: GapListResponse, changed: readonly LiveRow[], position: number): GapListApplied {
  const units = new Set(data.unitIds);
  const inScope = changed.filter((r) => typeof r.unitId === 'string' && units.has(r.unitId) && typeof r.date === 'string' && r.date >= data.from && r.date <= data.to && (data.competence === null || r.competence === data.competence));
  const cells = inScope.filter(isGapListRow);
  const known = new Set(data.rows.map((r) => r.key));
  let rows = applyRowsByKey(data.rows, cells.map(({ people: _people, ...rest }) => rest as LiveRow), isGapListRow);
  if (cells.some((c) => !known.has(c.key))) rows = [...rows].sort(ORDER);

  let people = data.people;
  const withPeople = cells.filter((c) => Array.isArray((c as LiveRow).people));
  if (withPeople.length > 0) {
    const replaced = new Set(withPeople.map((c) => c.key));
    people = [...people.filter((p) => !replaced.has(p.key)), ...withPeople.flatMap((c) => (c as LiveRow).people as GapListPerson[])];
  }
  const bare = inScope.filter(isPerson);
  const peopleIncomplete = bare.length > 0 || cells.some((c) => !Array.isArray((c as LiveRow).people));
  if (bare.length > 0) {
    // keep what we know until the refetch: replace the same person in the same cell
    const byId = new Map(bare.map((p) => [`${p.key}|${p.staffId}`, p]));
    people = people.map((p) => byId.get(`${p.key}|${p.staffId}`) ?? p);
  }
  return {
    data: rows === data.rows && people === data.people ? { ...data, position } : { ...data, rows, people, position },
    changedRowKeys: [...new Set(cells.map((c) => c.key))],
    peopleIncomplete,
  };
}
