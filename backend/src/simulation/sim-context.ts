import { isoWeekStart, parseDate } from '@pks/projections';
import type { DemandProfile } from './demand-profile.js';
import type { Hospital, RequirementModel, SlotModel, StaffModel, UnitModel } from './hospital-model.js';
import { EPOCH_MONDAY, LocalCalendar, monthOfDay, weekdayOfDay } from './local-calendar.js';
import { seed32, Tag, u01 } from './random.js';
import { requirementCount, slotHours } from './unit-templates.js';

/** Competence codes in a fixed order, so they can be indexed. */
export const COMPETENCE_CODES = ['SSK', 'SPSK', 'USK', 'BM', 'LAK', 'BMA', 'FT', 'AT', 'KUR', 'VA'] as const;
const COMPETENCE_INDEX = new Map<string, number>(COMPETENCE_CODES.map((c, i) => [c, i]));
export const LAK = COMPETENCE_INDEX.get('LAK')!;
export const SPSK = COMPETENCE_INDEX.get('SPSK')!;

export function competenceIndex(code: string): number {
  const i = COMPETENCE_INDEX.get(code);
  if (i === undefined) throw new Error(`the simulation does not know competence ${code}`);
  return i;
}

export const FORM_MONTHLY = 0;
export const FORM_HOURLY = 1;
export const FORM_AGENCY = 2;
export const FORM_EXTERNAL = 3;
const FORMS = { monthly: FORM_MONTHLY, hourly: FORM_HOURLY, agency: FORM_AGENCY, 'external-resident': FORM_EXTERNAL } as const;

export const PATTERN_DAY = 0;
export const PATTERN_ROTATING = 1;
export const PATTERN_NIGHT = 2;
const PATTERNS = { day: PATTERN_DAY, rotating: PATTERN_ROTATING, night: PATTERN_NIGHT } as const;

/** Slot kinds: 0 day (dag, 10:30), 1 late (kväll, 15:30–00), 2 night. */
export const SLOT_DAY = 0;
export const SLOT_LATE = 1;
export const SLOT_NIGHT = 2;

export interface KeyGroup {
  slot: number;
  comp: number;
  /** per ISO weekday − 1 */
  minimum: (RequirementModel | null)[];
  target: (RequirementModel | null)[];
}

export interface UnitRT {
  idx: number;
  model: UnitModel;
  id: string;
  slots: SlotModel[];
  slotKind: number[];
  slotHours: number[];
  groups: KeyGroup[];
  /** groups in the order the roster fills them: night first */
  rosterOrder: number[];
  /** staff scheduled in the unit's roster (monthly and external residents), in a fixed order */
  rosterPeople: number[];
  /** rosterPeople per competence */
  peopleByComp: Map<number, number[]>;
  hourlyByComp: Map<number, number[]>;
  pool: number;
  hospital: number;
  department: number;
  payroll: boolean;
  inpatient: boolean;
  /** has patient appointments and a waiting list */
  appointments: boolean;
}

export interface StaffRT {
  idx: number;
  model: StaffModel;
  id: string;
  unit: number;
  pool: number;
  hospital: number;
  comp: number;
  form: number;
  rate: number;
  pattern: number;
  kids: boolean;
  prone: number;
  /** index in the home unit's rosterPeople, or −1 */
  rosterLocal: number;
  /** an employee who reports absence (monthly, including the pool) */
  reportsAbsence: boolean;
  /** a summer substitute: scheduled only in ISO weeks 24–34 */
  seasonal: boolean;
}

export interface PoolRT {
  idx: number;
  id: string;
  units: number[];
  members: number[];
}

/** Everything the generators share: the indexed hospital, the calendar, the demand profile and the seed. */
export class SimContext {
  readonly seed: number;
  readonly calendar: LocalCalendar;
  readonly units: UnitRT[];
  readonly staff: StaffRT[];
  readonly pools: PoolRT[];
  readonly agencyByHospital: number[][];
  readonly unitsByDepartment: number[][];
  private readonly closures = new Map<number, [number, number]>();

  constructor(
    readonly hospital: Hospital,
    seed: number | string,
    readonly demand: DemandProfile,
  ) {
    this.seed = seed32(seed);
    this.calendar = new LocalCalendar(hospital.timeZone);
    const hospitalIndex = new Map(hospital.hospitals.map((h, i) => [h.hospitalId, i]));
    const departmentIndex = new Map(hospital.departments.map((d, i) => [d.departmentId, i]));
    const poolIndex = new Map(hospital.pools.map((p, i) => [p.poolId, i]));
    const unitIndex = new Map(hospital.units.map((u, i) => [u.unitId, i]));
    this.pools = hospital.pools.map((p, i) => ({ idx: i, id: p.poolId, units: [], members: [] }));
    this.agencyByHospital = hospital.hospitals.map(() => []);
    this.unitsByDepartment = hospital.departments.map(() => []);

    this.units = hospital.units.map((u, idx) => {
      const slotKind = u.slots.map((s) => (s.code === 'natt' ? SLOT_NIGHT : s.code === 'dag' || s.code === 'mellan' ? SLOT_DAY : SLOT_LATE));
      const groupKey = new Map<string, KeyGroup>();
      const groups: KeyGroup[] = [];
      // every-day keys first, then weekday keys, which replace them on their day
      const ordered = [...u.keys.filter((k) => k.weekday === undefined), ...u.keys.filter((k) => k.weekday !== undefined)];
      for (const k of ordered) {
        const slot = u.slots.findIndex((s) => s.code === k.slot);
        if (slot < 0) throw new Error(`unit ${u.unitId}: key for unknown slot ${k.slot}`);
        const key = `${slot}|${k.competence}`;
        let g = groupKey.get(key);
        if (!g) {
          g = { slot, comp: competenceIndex(k.competence), minimum: new Array<RequirementModel | null>(7).fill(null), target: new Array<RequirementModel | null>(7).fill(null) };
          groupKey.set(key, g);
          groups.push(g);
        }
        for (let w = 1; w <= 7; w += 1) {
          if (k.weekday !== undefined && k.weekday !== w) continue;
          g.minimum[w - 1] = k.minimum;
          g.target[w - 1] = k.target;
        }
      }
      groups.sort((a, b) => a.slot - b.slot || a.comp - b.comp);
      const rosterOrder = groups.map((_, i) => i).sort((a, b) => (slotKind[groups[b]!.slot] === SLOT_NIGHT ? 1 : 0) - (slotKind[groups[a]!.slot] === SLOT_NIGHT ? 1 : 0) || a - b);
      const pool = u.poolId === null ? -1 : poolIndex.get(u.poolId) ?? -1;
      if (pool >= 0) this.pools[pool]!.units.push(idx);
      const department = departmentIndex.get(u.departmentId) ?? 0;
      this.unitsByDepartment[department]!.push(idx);
      return {
        idx,
        model: u,
        id: u.unitId,
        slots: u.slots,
        slotKind,
        slotHours: u.slots.map(slotHours),
        groups,
        rosterOrder,
        rosterPeople: [],
        peopleByComp: new Map(),
        hourlyByComp: new Map(),
        pool,
        hospital: hospitalIndex.get(u.hospitalId) ?? 0,
        department,
        payroll: u.timeSource === 'payroll',
        inpatient: u.kind === 'inpatient' && u.beds > 0,
        appointments: u.template === 'outpatient' || u.template === 'surgery' || u.template === 'rehab',
      };
    });

    this.staff = hospital.staff.map((s, idx) => {
      const unit = s.homeUnitId === null ? -1 : unitIndex.get(s.homeUnitId) ?? -1;
      const pool = s.poolId === null ? -1 : poolIndex.get(s.poolId) ?? -1;
      const form = FORMS[s.employmentForm];
      const rt: StaffRT = {
        idx,
        model: s,
        id: s.staffId,
        unit,
        pool,
        hospital: hospitalIndex.get(s.hospitalId) ?? 0,
        comp: competenceIndex(s.competences[0]!),
        form,
        rate: s.rate ?? 1,
        pattern: PATTERNS[s.pattern],
        kids: s.youngChildren,
        prone: s.sickProneness,
        rosterLocal: -1,
        reportsAbsence: form === FORM_MONTHLY,
        seasonal: s.seasonal === true,
      };
      if (unit >= 0 && (form === FORM_MONTHLY || form === FORM_EXTERNAL || rt.seasonal)) {
        const u = this.units[unit]!;
        rt.rosterLocal = u.rosterPeople.length;
        u.rosterPeople.push(idx);
        push(u.peopleByComp, rt.comp, idx);
      } else if (unit >= 0 && form === FORM_HOURLY) {
        push(this.units[unit]!.hourlyByComp, rt.comp, idx);
      }
      if (pool >= 0) this.pools[pool]!.members.push(idx);
      if (form === FORM_AGENCY) this.agencyByHospital[rt.hospital]!.push(idx);
      return rt;
    });
  }

  /** Beds to staff on a day: the summer closure (ISO weeks 26–32) where the unit has one. */
  bedsOn(unit: UnitRT, day: number): number {
    const m = unit.model;
    if (m.summerBeds === null) return m.beds;
    const [from, to] = this.summerClosure(day);
    return day >= from && day < to ? m.summerBeds : m.beds;
  }

  /** [first day, day after) of the summer closure in the year of a day: ISO weeks 26–32. */
  summerClosure(day: number): [number, number] {
    return this.weeksOfYear(day, 26, 33);
  }

  /** [first day, day after) of the summer substitutes' season in the year of a day: ISO weeks 24–34. */
  summerSeason(day: number): [number, number] {
    return this.weeksOfYear(day, 24, 35);
  }

  private weeksOfYear(day: number, fromWeek: number, toWeek: number): [number, number] {
    const year = yearOf(this.calendar.date(day));
    const key = year * 10_000 + fromWeek * 100 + toWeek;
    let c = this.closures.get(key);
    if (!c) {
      c = [parseDate(isoWeekStart(`${year}-W${fromWeek}`)), parseDate(isoWeekStart(`${year}-W${toWeek}`))];
      this.closures.set(key, c);
    }
    return c;
  }

  /** Demand factor of a unit on a day: weekday × month × the real day-to-day deviation (mean ≈ 1). */
  demandFactor(unit: UnitRT, day: number): number {
    const d = this.demand;
    const n = d.dailyRatio.length;
    const i = (((day + unit.model.demandOffset) % n) + n) % n;
    return d.weekday[weekdayOfDay(day) - 1]! * d.month[monthOfDay(day) - 1]! * d.dailyRatio[i]!;
  }

  /**
   * Staffing-requirement override (the StaffingRequirementSet events): one more nurse on an emergency unit's slot
   * when the arrivals expected in that slot's hours (hour-of-week profile × month × the real day-to-day deviation)
   * are more than 15 % above the slot's usual load.
   */
  overrideOn(unit: UnitRT, day: number, group: KeyGroup): number {
    if (unit.model.kind !== 'emergency' || group.comp !== 0) return 0;
    return this.slotLoad(unit, day, group.slot) > 1.15 ? 1 : 0;
  }

  /** Expected arrivals in a slot's hours on a day relative to the slot's average over the week (1 = usual). */
  slotLoad(unit: UnitRT, day: number, slot: number): number {
    const d = this.demand;
    const profile = this.slotProfile(unit, slot);
    const n = d.dailyRatio.length;
    const ratio = d.dailyRatio[(((day + unit.model.demandOffset) % n) + n) % n]!;
    return (profile.byWeekday[weekdayOfDay(day) - 1]! / profile.mean) * d.month[monthOfDay(day) - 1]! * ratio;
  }

  private readonly slotProfiles = new Map<string, { byWeekday: Float64Array; mean: number }>();

  /** Mean hour-of-week factor over a slot's local hours, per weekday the slot starts on. */
  private slotProfile(unit: UnitRT, slot: number): { byWeekday: Float64Array; mean: number } {
    const s = unit.slots[slot]!;
    const key = `${s.start}-${s.end}`;
    let p = this.slotProfiles.get(key);
    if (!p) {
      const startH = Number(s.start.slice(0, 2));
      let endH = Number(s.end.slice(0, 2)) + (Number(s.end.slice(3, 5)) > 0 ? 1 : 0);
      if (endH <= startH) endH += 24;
      const byWeekday = new Float64Array(7);
      for (let w = 0; w < 7; w += 1) {
        let sum = 0;
        for (let h = startH; h < endH; h += 1) sum += this.demand.hourOfWeek[((w + Math.floor(h / 24)) % 7) * 24 + (h % 24)]!;
        byWeekday[w] = sum / (endH - startH);
      }
      p = { byWeekday, mean: byWeekday.reduce((a, b) => a + b, 0) / 7 };
      this.slotProfiles.set(key, p);
    }
    return p;
  }

  /** The target head count of a key group on a day (keys, beds, overrides). */
  target(unit: UnitRT, groupIndex: number, day: number): number {
    const g = unit.groups[groupIndex]!;
    const req = g.target[weekdayOfDay(day) - 1];
    if (!req) return 0;
    return requirementCount(req, this.bedsOn(unit, day)) + this.overrideOn(unit, day, g);
  }

  minimum(unit: UnitRT, groupIndex: number, day: number): number {
    const g = unit.groups[groupIndex]!;
    const req = g.minimum[weekdayOfDay(day) - 1];
    return req ? requirementCount(req, this.bedsOn(unit, day)) : 0;
  }

  /** Minutes after 08:00 when the unit's office usually acts (spreads events over the morning). */
  officeMs(unit: UnitRT): number {
    return unit.model.officeMinute * 60_000;
  }

  u(tag: number, a: number, b = 0, c = 0): number {
    return u01(this.seed, tag, a, b, c);
  }
}

function push(map: Map<number, number[]>, key: number, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

/** The 4-week schedule period a day belongs to (periods start on Mondays). */
export function periodOf(day: number): number {
  return Math.floor((day - EPOCH_MONDAY) / 28);
}

export function periodStart(period: number): number {
  return EPOCH_MONDAY + period * 28;
}

export const PERIOD_DAYS = 28;

/** Re-exported so generators do not import the tag table separately. */
export { Tag };
