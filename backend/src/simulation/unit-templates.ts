import type { UnitKind } from '@pks/contracts';
import type { ProductionMeasure, RequirementModel, SlotModel, StaffingKeyModel, UnitTemplate } from './hospital-model.js';

export const DAG: SlotModel = { code: 'dag', name: 'Dag', start: '07:00', end: '15:30' };
export const KVALL: SlotModel = { code: 'kvall', name: 'Kväll', start: '15:00', end: '21:45' };
export const NATT: SlotModel = { code: 'natt', name: 'Natt', start: '21:15', end: '07:15' };
/** Karolinska's C4 IAKM has two more slots (seeds/001, the gap list): 10:30–19 and 15:30–00. */
export const MELLAN: SlotModel = { code: 'mellan', name: '10:30–19:00', start: '10:30', end: '19:00' };
export const SEN: SlotModel = { code: 'sen', name: '15:30–00:00', start: '15:30', end: '00:00' };

export const DEFAULT_SLOTS: readonly SlotModel[] = [DAG, KVALL, NATT];
export const EMERGENCY_SLOTS: readonly SlotModel[] = [DAG, MELLAN, KVALL, SEN, NATT];
export const DAY_SLOTS: readonly SlotModel[] = [DAG];

/** Length of a slot in hours on a day without a clock change. */
export function slotHours(slot: SlotModel): number {
  const m = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
  let d = m(slot.end) - m(slot.start);
  if (d <= 0) d += 24 * 60;
  return d / 60;
}

/** Head count a requirement asks for with a number of beds (per N beds rounds up). */
export function requirementCount(req: RequirementModel, beds: number): number {
  return 'fixed' in req ? req.fixed : Math.ceil(beds / req.perBeds);
}

export interface TemplateInfo {
  kind: UnitKind;
  slots: readonly SlotModel[];
  activity: string;
  measure: ProductionMeasure;
  /** whether the size is a bed count */
  hasBeds: boolean;
  baseSize: number;
  minSize: number;
  maxSize: number;
  /** volume per open day per size unit */
  volumePerSize: number;
  appointmentMinutes: number;
  /** served by the hospital's staffing-centre pool */
  pooled: boolean;
}

export const TEMPLATES: Record<UnitTemplate, TemplateInfo> = {
  ward: { kind: 'inpatient', slots: DEFAULT_SLOTS, activity: 'pat.sluten.odef', measure: 'bed-days', hasBeds: true, baseSize: 18, minSize: 8, maxSize: 28, volumePerSize: 0, appointmentMinutes: 0, pooled: true },
  ima: { kind: 'inpatient', slots: DEFAULT_SLOTS, activity: 'pat.sluten.extravak', measure: 'bed-days', hasBeds: true, baseSize: 6, minSize: 4, maxSize: 12, volumePerSize: 0, appointmentMinutes: 0, pooled: true },
  iva: { kind: 'inpatient', slots: DEFAULT_SLOTS, activity: 'pat.sluten.odef', measure: 'bed-days', hasBeds: true, baseSize: 8, minSize: 4, maxSize: 30, volumePerSize: 0, appointmentMinutes: 0, pooled: false },
  maternity: { kind: 'inpatient', slots: DEFAULT_SLOTS, activity: 'pat.sluten.odef', measure: 'bed-days', hasBeds: true, baseSize: 16, minSize: 8, maxSize: 26, volumePerSize: 0, appointmentMinutes: 0, pooled: true },
  emergency: { kind: 'emergency', slots: EMERGENCY_SLOTS, activity: 'pat.oppen.akutmottagning', measure: 'patients', hasBeds: false, baseSize: 4, minSize: 2, maxSize: 16, volumePerSize: 40, appointmentMinutes: 0, pooled: true },
  surgery: { kind: 'surgery', slots: DEFAULT_SLOTS, activity: 'pat.opint.operation', measure: 'operations', hasBeds: false, baseSize: 6, minSize: 2, maxSize: 28, volumePerSize: 2.4, appointmentMinutes: 150, pooled: false },
  outpatient: { kind: 'outpatient', slots: DAY_SLOTS, activity: 'pat.oppen.mottagning', measure: 'visits', hasBeds: false, baseSize: 6, minSize: 2, maxSize: 24, volumePerSize: 6, appointmentMinutes: 45, pooled: false },
  diagnostics: { kind: 'diagnostics', slots: DEFAULT_SLOTS, activity: 'pat.diagnostik.undersokning', measure: 'visits', hasBeds: false, baseSize: 4, minSize: 2, maxSize: 20, volumePerSize: 14, appointmentMinutes: 0, pooled: false },
  rehab: { kind: 'other', slots: DAY_SLOTS, activity: 'pat.oppen.dagvard', measure: 'visits', hasBeds: false, baseSize: 4, minSize: 2, maxSize: 10, volumePerSize: 5, appointmentMinutes: 60, pooled: false },
};

const fixed = (n: number): RequirementModel => ({ fixed: Math.max(0, Math.round(n)) });
const perBeds = (n: number): RequirementModel => ({ perBeds: n });
const WEEKDAYS = [1, 2, 3, 4, 5] as const;

function key(slot: string, competence: string, minimum: RequirementModel, target: RequirementModel, weekday?: number): StaffingKeyModel {
  return weekday === undefined ? { slot, competence, minimum, target } : { slot, competence, weekday, minimum, target };
}

/** The same key on Monday–Friday. */
function weekdays(slot: string, competence: string, minimum: RequirementModel, target: RequirementModel): StaffingKeyModel[] {
  return WEEKDAYS.map((w) => key(slot, competence, minimum, target, w));
}

/** Fixed minimum/target, target never below minimum. */
function fx(slot: string, competence: string, min: number, target: number, weekday?: number): StaffingKeyModel {
  const mn = Math.max(0, Math.round(min));
  return key(slot, competence, fixed(mn), fixed(Math.max(mn, Math.round(target))), weekday);
}

/**
 * Staffing keys (bemanningsnycklar) of a template at a size: per slot and competence, fixed or per N beds, some only
 * on weekdays (a weekday key replaces the every-day key on its day).
 */
export function templateKeys(template: UnitTemplate, size: number): StaffingKeyModel[] {
  const s = size;
  switch (template) {
    case 'ward':
      return [
        key('dag', 'SSK', perBeds(8), perBeds(6)),
        key('dag', 'SSK', perBeds(10), perBeds(7), 6),
        key('dag', 'SSK', perBeds(10), perBeds(7), 7),
        key('dag', 'USK', perBeds(8), perBeds(5)),
        key('dag', 'USK', perBeds(10), perBeds(6), 6),
        key('dag', 'USK', perBeds(10), perBeds(6), 7),
        key('kvall', 'SSK', perBeds(10), perBeds(8)),
        key('kvall', 'USK', perBeds(10), perBeds(7)),
        key('natt', 'SSK', fixed(1), perBeds(14)),
        key('natt', 'USK', fixed(1), perBeds(10)),
        ...weekdays('dag', 'LAK', fixed(1), perBeds(10)),
        ...(s >= 12 ? weekdays('dag', 'VA', fixed(0), fixed(1)) : []),
      ];
    case 'ima':
      return [
        key('dag', 'SSK', perBeds(4), perBeds(3)),
        key('kvall', 'SSK', perBeds(4), perBeds(3)),
        key('natt', 'SSK', perBeds(5), perBeds(4)),
        key('dag', 'USK', perBeds(6), perBeds(4)),
        key('kvall', 'USK', perBeds(6), perBeds(4)),
        key('natt', 'USK', perBeds(8), perBeds(6)),
        ...weekdays('dag', 'LAK', fixed(1), fixed(1)),
      ];
    case 'iva':
      return [
        key('dag', 'SPSK', perBeds(2), perBeds(1.5)),
        key('kvall', 'SPSK', perBeds(2), perBeds(1.5)),
        key('natt', 'SPSK', perBeds(2.5), perBeds(2)),
        key('dag', 'USK', perBeds(4), perBeds(3)),
        key('kvall', 'USK', perBeds(4), perBeds(3)),
        key('natt', 'USK', perBeds(5), perBeds(4)),
        fx('dag', 'LAK', 1, 1),
        ...weekdays('dag', 'LAK', fixed(1), perBeds(4)),
        fx('natt', 'LAK', 1, 1),
      ];
    case 'maternity':
      return [
        key('dag', 'BM', perBeds(8), perBeds(6)),
        key('kvall', 'BM', perBeds(8), perBeds(6)),
        key('natt', 'BM', perBeds(10), perBeds(8)),
        key('dag', 'USK', perBeds(8), perBeds(6)),
        key('kvall', 'USK', perBeds(10), perBeds(8)),
        key('natt', 'USK', perBeds(12), perBeds(10)),
        ...weekdays('dag', 'LAK', fixed(1), perBeds(12)),
      ];
    case 'emergency': {
      // C4 IAKM at size 4; other emergency units scale it
      const f = s / 4;
      const row = (slot: string, comp: string, min: number, target: number) => fx(slot, comp, Math.max(slot === 'sen' || slot === 'mellan' ? 0 : 1, min * f), Math.max(1, target * f));
      return [
        row('dag', 'SSK', 3, 4), row('mellan', 'SSK', 1, 2), row('kvall', 'SSK', 3, 3), row('sen', 'SSK', 1, 2), row('natt', 'SSK', 2, 3),
        row('dag', 'USK', 2, 3), row('mellan', 'USK', 1, 1), row('kvall', 'USK', 2, 3), row('sen', 'USK', 1, 1), row('natt', 'USK', 2, 2),
        row('dag', 'LAK', 2, 3), row('mellan', 'LAK', 1, 1), row('kvall', 'LAK', 1, 2), row('natt', 'LAK', 1, 1),
      ];
    }
    case 'surgery':
      return [
        fx('dag', 'SPSK', 2, 2),
        ...WEEKDAYS.map((w) => fx('dag', 'SPSK', 2 * s, 2 * s + 1, w)),
        fx('dag', 'USK', 1, 1),
        ...WEEKDAYS.map((w) => fx('dag', 'USK', s, s, w)),
        fx('dag', 'LAK', 1, 2),
        ...WEEKDAYS.map((w) => fx('dag', 'LAK', 2 * s, 2 * s + 1, w)),
        fx('kvall', 'SPSK', 2, Math.max(2, 2 * Math.ceil(s / 4))),
        fx('kvall', 'USK', 1, 1),
        fx('kvall', 'LAK', 1, Math.max(1, Math.ceil(s / 4))),
        fx('natt', 'SPSK', 2, 2),
        fx('natt', 'USK', 0, 1),
        fx('natt', 'LAK', 1, 1),
      ];
    case 'outpatient':
      return [
        ...WEEKDAYS.map((w) => fx('dag', 'SSK', 1, Math.ceil(s / 3), w)),
        ...WEEKDAYS.map((w) => fx('dag', 'USK', 1, Math.ceil(s / 4), w)),
        ...WEEKDAYS.map((w) => fx('dag', 'LAK', 1, Math.ceil(s / 2), w)),
        ...WEEKDAYS.map((w) => fx('dag', 'VA', 1, Math.ceil(s / 5), w)),
      ];
    case 'diagnostics':
      return [
        fx('dag', 'BMA', 1, Math.ceil(s / 3)),
        ...WEEKDAYS.map((w) => fx('dag', 'BMA', Math.ceil(s / 2), s, w)),
        ...WEEKDAYS.map((w) => fx('dag', 'LAK', 1, Math.ceil(s / 3), w)),
        ...WEEKDAYS.map((w) => fx('dag', 'USK', 1, Math.ceil(s / 3), w)),
        fx('kvall', 'BMA', 1, Math.ceil(s / 3)),
        fx('natt', 'BMA', 1, 1),
      ];
    case 'rehab':
      return [
        ...WEEKDAYS.map((w) => fx('dag', 'FT', 1, Math.ceil(s / 2), w)),
        ...WEEKDAYS.map((w) => fx('dag', 'AT', 1, Math.ceil(s / 3), w)),
        ...WEEKDAYS.map((w) => fx('dag', 'KUR', 0, 1, w)),
        ...WEEKDAYS.map((w) => fx('dag', 'USK', 0, Math.ceil(s / 4), w)),
      ];
  }
}

/**
 * The key that applies on a weekday for one slot and competence: the weekday-specific one, else the every-day one,
 * else none.
 */
export function keyFor(keys: readonly StaffingKeyModel[], slot: string, competence: string, weekday: number): StaffingKeyModel | null {
  let general: StaffingKeyModel | null = null;
  for (const k of keys) {
    if (k.slot !== slot || k.competence !== competence) continue;
    if (k.weekday === weekday) return k;
    if (k.weekday === undefined) general = k;
  }
  return general;
}

/** Scheduled hours per week the keys' targets ask for, per competence, with a number of beds. */
export function weeklyTargetHours(keys: readonly StaffingKeyModel[], slots: readonly SlotModel[], beds: number): Map<string, number> {
  const out = new Map<string, number>();
  const pairs = new Set(keys.map((k) => `${k.slot}|${k.competence}`));
  for (const pair of pairs) {
    const [slotCode, comp] = pair.split('|') as [string, string];
    const slot = slots.find((s) => s.code === slotCode);
    if (!slot) continue;
    let hours = 0;
    for (let w = 1; w <= 7; w += 1) {
      const k = keyFor(keys, slotCode, comp, w);
      if (k) hours += requirementCount(k.target, beds) * slotHours(slot);
    }
    out.set(comp, (out.get(comp) ?? 0) + hours);
  }
  return out;
}
