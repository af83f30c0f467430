import type { EventInput } from '@pks/contracts';
import { loadDemandProfile } from './demand-profile.js';
import { event, SOURCE } from './event-builders.js';
import type { Hospital } from './hospital-model.js';
import { dayOfYmd, type InstantLike, toEpochMs, yearOfDay } from './local-calendar.js';
import { dimensioningEvent, dimensioningFor } from './plan-events.js';
import { SimContext } from './sim-context.js';

export interface SetupOptions {
  /**
   * When the master data is sent (metadata.occurredAt of every setup event) and which dimensioning it includes: the
   * budget for the year of `at`, and for the next year too when `at` is on or after 20 November (when budgets are
   * set). Default 2026-01-01T00:00:00Z. Use the `from` of the generated period.
   */
  at?: InstantLike;
}

const DEFAULT_SETUP_AT = '2026-01-01T00:00:00.000Z';

/**
 * The reference and master-data events of a hospital, as a platform needs them before anything else: units with
 * their slots and pools, beds to staff, staffing keys, staff, and dimensioned presence per unit, staff category and
 * month. The built-in competences and activity labels are not repeated.
 */
export function setupEvents(hospital: Hospital, options: SetupOptions = {}): EventInput[] {
  const atMs = toEpochMs(options.at ?? DEFAULT_SETUP_AT);
  const ctx = new SimContext(hospital, hospital.seed, loadDemandProfile());
  const cal = ctx.calendar;
  const day = cal.dayOf(atMs);
  const year = yearOfDay(day);
  const out: EventInput[] = [];

  for (const unit of hospital.units) {
    const data: Record<string, unknown> = {
      unitId: unit.unitId,
      name: unit.name,
      departmentId: unit.departmentId,
      departmentName: unit.departmentName,
      kind: unit.kind,
      timeZone: hospital.timeZone,
      slots: unit.slots.map((s) => ({ code: s.code, name: s.name, start: s.start, end: s.end })),
    };
    if (unit.poolId !== null) data.poolId = unit.poolId;
    out.push(event(`unit.${unit.unitId}`, 'UnitRegistered', data, atMs, SOURCE.organisation));
  }
  const bedsFrom = `${year}-01-01`;
  for (const unit of hospital.units) {
    if (unit.beds <= 0) continue;
    out.push(event(`beds.${unit.unitId}.${bedsFrom}`, 'BedsPlanned', { unitId: unit.unitId, from: bedsFrom, beds: unit.beds }, atMs, SOURCE.planning));
  }
  for (const unit of hospital.units) {
    for (const k of unit.keys) {
      const data: Record<string, unknown> = { unitId: unit.unitId, slot: k.slot, competence: k.competence };
      if (k.weekday !== undefined) data.weekday = k.weekday;
      data.minimum = { ...k.minimum };
      data.target = { ...k.target };
      out.push(event(`key.${unit.unitId}.${k.slot}.${k.competence}.${k.weekday ?? 'alla'}`, 'StaffingKeySet', data, atMs, SOURCE.planning));
    }
  }
  for (const s of hospital.staff) {
    const data: Record<string, unknown> = {
      staffId: s.staffId,
      name: s.name,
      competences: [...s.competences],
      employmentForm: s.employmentForm,
      rate: s.rate,
      homeUnitId: s.homeUnitId,
    };
    if (s.poolId !== null) data.poolId = s.poolId;
    out.push(event(`staff.${s.staffId}`, 'StaffRegistered', data, atMs, SOURCE.hr));
  }
  const budgetDay = dayOfYmd(year, 11, 20);
  const years = day >= budgetDay ? [year, year + 1] : [year];
  for (const unit of ctx.units) {
    for (const y of years) {
      for (let m = 1; m <= 12; m += 1) {
        for (const [cat, fte] of dimensioningFor(ctx, unit, y, m)) out.push(dimensioningEvent(unit, y, m, cat, fte, atMs));
      }
    }
  }
  return out;
}
