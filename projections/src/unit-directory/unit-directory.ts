import type { DomainEvent, ShiftSlot } from '@pks/contracts';
import { parseDate } from '../time/civil-days.js';

export interface UnitInfo {
  unitId: string;
  name: string;
  departmentId: string;
  departmentName: string | null;
  kind: string;
  timeZone: string;
  slots: ShiftSlot[];
  poolId: string | null;
  /** beds to staff from a date, sorted by date */
  beds: { from: string; beds: number }[];
}

/** What most projections need to know about units: time zone, slots, department, beds over time. */
export type UnitDirectory = Map<string, UnitInfo>;

export function newUnitDirectory(): UnitDirectory {
  return new Map();
}

/** Folds unit events into the directory; returns the unit id it changed, or null. */
export function evolveUnitDirectory(units: UnitDirectory, event: DomainEvent): string | null {
  switch (event.type) {
    case 'UnitRegistered': {
      const d = event.data;
      const existing = units.get(d.unitId);
      units.set(d.unitId, {
        unitId: d.unitId,
        name: d.name,
        departmentId: d.departmentId,
        departmentName: d.departmentName ?? null,
        kind: d.kind,
        timeZone: d.timeZone,
        slots: d.slots,
        poolId: d.poolId ?? null,
        beds: existing?.beds ?? [],
      });
      return d.unitId;
    }
    case 'BedsPlanned': {
      const unit = units.get(event.data.unitId);
      if (!unit) return null;
      const beds = unit.beds.filter((b) => b.from !== event.data.from);
      beds.push({ from: event.data.from, beds: event.data.beds });
      beds.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
      unit.beds = beds;
      return unit.unitId;
    }
    default:
      return null;
  }
}

/** Beds to staff on a date (the latest plan from on or before it), 0 when none is known. */
export function bedsOn(unit: UnitInfo, date: string): number {
  let beds = 0;
  for (const b of unit.beds) {
    if (b.from <= date) beds = b.beds;
    else break;
  }
  return beds;
}

/** Units of a department, sorted by name. */
export function unitsOfDepartment(units: UnitDirectory, departmentId: string): UnitInfo[] {
  return [...units.values()].filter((u) => u.departmentId === departmentId).sort((a, b) => a.name.localeCompare(b.name, 'sv'));
}

/**
 * The slot a shift starting at a local time belongs to: the slot whose window contains the start, preferring the
 * one whose start is nearest before it. Returns null when the unit has no slots.
 */
export function slotForLocalTime(unit: UnitInfo, localTime: string): ShiftSlot | null {
  const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
  const at = minutes(localTime);
  let best: ShiftSlot | null = null;
  let bestDistance = Infinity;
  for (const slot of unit.slots) {
    const distance = (at - minutes(slot.start) + 1440) % 1440;
    if (distance < bestDistance) {
      best = slot;
      bestDistance = distance;
    }
  }
  return best;
}

export { parseDate };
