import type { Hospital, Scale, StaffModel, UnitModel, UnitTemplate, WorkPattern } from './hospital-model.js';
import { SCALES } from './hospital-model.js';
import { hash32, seed32, Tag, u01, weightedIndex } from './random.js';
import { TEMPLATES, templateKeys, weeklyTargetHours } from './unit-templates.js';

export interface CreateHospitalOptions {
  scale: Scale;
  seed: number | string;
  /** IANA zone of every unit; Europe/Stockholm unless told */
  timeZone?: string;
}

/** Hospitals × units per hospital and the head count the calibration aims at. */
export const SCALE_TARGETS: Record<Scale, { hospitals: number; unitsPerHospital: number; staff: number }> = {
  tiny: { hospitals: 1, unitsPerHospital: 8, staff: 400 },
  small: { hospitals: 1, unitsPerHospital: 40, staff: 1_500 },
  medium: { hospitals: 5, unitsPerHospital: 40, staff: 16_000 },
  large: { hospitals: 25, unitsPerHospital: 40, staff: 50_000 },
};

/** Weekly hours one employee head delivers on average: 40 h × 80 % availability × mean rate 0.855. */
const HOURS_PER_HEAD = 40 * 0.8 * 0.855;
const RATES = [1, 0.9, 0.8, 0.75, 0.6, 0.5];
const RATE_WEIGHTS = [0.45, 0.1, 0.15, 0.15, 0.08, 0.07];
const DAY_SLOT_CODES = new Set(['dag', 'mellan']);
/** Summer substitutes per nursing head of units open around the clock. */
const SEASONAL_SHARE = 0.3;
const NURSING = new Set(['SSK', 'USK', 'BM']);

interface Theme {
  code: string;
  name: string;
  letter: string;
}

const WARD_THEMES: Theme[] = [
  { code: 'MED', name: 'Medicin', letter: 'D' },
  { code: 'KIR', name: 'Kirurgi', letter: 'E' },
  { code: 'ORT', name: 'Ortopedi', letter: 'F' },
  { code: 'KARD', name: 'Kardiologi', letter: 'G' },
  { code: 'NEU', name: 'Neurologi', letter: 'H' },
  { code: 'GER', name: 'Geriatrik', letter: 'J' },
  { code: 'ONK', name: 'Onkologi', letter: 'K' },
  { code: 'INF', name: 'Infektion', letter: 'L' },
];
const AKUT: Theme = { code: 'AKUT', name: 'Akut och trauma', letter: 'A' };
const PERI: Theme = { code: 'PERI', name: 'Perioperativ medicin och intensivvård', letter: 'N' };
const KVI: Theme = { code: 'KVI', name: 'Kvinnosjukvård och förlossning', letter: 'P' };
const DIA: Theme = { code: 'DIA', name: 'Diagnostik', letter: 'Q' };
const REH: Theme = { code: 'REH', name: 'Rehabilitering', letter: 'R' };
/** Units of these departments report payroll-style hours instead of clock events (a low-maturity source). */
const PAYROLL_THEMES = new Set(['GER', 'REH']);

interface UnitSpec {
  template: UnitTemplate;
  theme: Theme;
  /** fixed id, name and size (the Karolinska-shaped units) */
  fixed?: { unitId: string; name: string; size: number };
  /** a short tag for generated ids and names */
  tag?: { id: string; name: string };
}

/** Karolinska's gap list (seeds/001): C4 IAKM, B8 AVA 14 beds, B8 IMA 6, C10 Trauma 20, C9 RO 12, A6 Mottagning. */
export const KAROLINSKA_UNITS: readonly { unitId: string; name: string; template: UnitTemplate; size: number; beds: number }[] = [
  { unitId: 'C4-IAKM', name: 'C4 IAKM', template: 'emergency', size: 4, beds: 0 },
  { unitId: 'B8-AVA', name: 'B8 AVA', template: 'ward', size: 14, beds: 14 },
  { unitId: 'B8-IMA', name: 'B8 IMA', template: 'ima', size: 6, beds: 6 },
  { unitId: 'C10-Trauma', name: 'C10 Trauma', template: 'ward', size: 20, beds: 20 },
  { unitId: 'C9-RO', name: 'C9 RO', template: 'ward', size: 12, beds: 12 },
  { unitId: 'A6-Mottagning', name: 'A6 Mottagning', template: 'outpatient', size: 6, beds: 0 },
];

/** Two of the gap-list units have vacancies, so their gaps show all year. */
const KAROLINSKA_STAFFING: Record<string, number> = { 'B8-AVA': 0.9, 'C10-Trauma': 0.88 };

const DIAGNOSTIC_TAGS = [
  { id: 'KEM', name: 'Klinisk kemi' },
  { id: 'RTG', name: 'Röntgen' },
  { id: 'FYS', name: 'Klinisk fysiologi' },
];

function hospitalSpecs(index: number, unitsPerHospital: number): UnitSpec[] {
  const specs: UnitSpec[] = [];
  const add = (template: UnitTemplate, theme: Theme, n: number, tag?: (i: number) => { id: string; name: string }) => {
    for (let i = 0; i < n; i += 1) specs.push({ template, theme, ...(tag && { tag: tag(i) }) });
  };
  const wardsOver = (n: number) => {
    for (let i = 0; i < n; i += 1) specs.push({ template: 'ward', theme: WARD_THEMES[i % WARD_THEMES.length]! });
  };
  const outpatientOver = (n: number) => {
    for (let i = 0; i < n; i += 1) specs.push({ template: 'outpatient', theme: WARD_THEMES[i % WARD_THEMES.length]! });
  };
  if (index === 0) {
    for (const k of KAROLINSKA_UNITS) specs.push({ template: k.template, theme: AKUT, fixed: { unitId: k.unitId, name: k.name, size: k.size } });
    add('emergency', AKUT, 1, () => ({ id: 'AKM', name: 'Akutmottagning' }));
    if (unitsPerHospital <= 8) {
      add('surgery', PERI, 1, () => ({ id: 'OP', name: 'Operation' }));
      return specs.slice(0, unitsPerHospital);
    }
    wardsOver(17);
    add('ima', WARD_THEMES[0]!, 1, () => ({ id: 'IMA', name: 'IMA' }));
    add('iva', PERI, 1, () => ({ id: 'IVA', name: 'Intensivvård' }));
    add('maternity', KVI, 1, () => ({ id: 'BB', name: 'BB' }));
    add('surgery', PERI, 2, () => ({ id: 'OP', name: 'Operation' }));
    outpatientOver(7);
    add('diagnostics', DIA, 3, (i) => DIAGNOSTIC_TAGS[i % 3]!);
    add('rehab', REH, 1, () => ({ id: 'REH', name: 'Rehab' }));
  } else {
    add('emergency', AKUT, 1, () => ({ id: 'AKM', name: 'Akutmottagning' }));
    wardsOver(20);
    add('ima', WARD_THEMES[0]!, 1, () => ({ id: 'IMA', name: 'IMA' }));
    add('ima', WARD_THEMES[3]!, 1, () => ({ id: 'IMA', name: 'IMA' }));
    add('iva', PERI, 1, () => ({ id: 'IVA', name: 'Intensivvård' }));
    add('maternity', KVI, 1, () => ({ id: 'BB', name: 'BB' }));
    add('surgery', PERI, 2, () => ({ id: 'OP', name: 'Operation' }));
    outpatientOver(8);
    add('diagnostics', DIA, 3, (i) => DIAGNOSTIC_TAGS[i % 3]!);
    add('rehab', REH, 2, () => ({ id: 'REH', name: 'Rehab' }));
  }
  return specs.slice(0, unitsPerHospital);
}

interface Draft {
  spec: UnitSpec;
  unit: UnitModel;
  jitter: number;
}

/**
 * The simulated hospital(s) for a scale: units with slots, beds and staffing keys (the Karolinska-shaped units of
 * the gap list in the first hospital), departments, a staffing-centre pool per hospital and the staff: monthly
 * (rates 50–100 %), hourly, agency and external residents. Unit sizes are calibrated so that the head count the
 * keys need comes close to the scale's target. Deterministic for a seed; plain, JSON-serialisable data.
 */
export function createHospital(options: CreateHospitalOptions): Hospital {
  if (!SCALES.includes(options.scale)) throw new Error(`scale must be one of ${SCALES.join(', ')}, not ${String(options.scale)}`);
  const seed = seed32(options.seed);
  const timeZone = options.timeZone ?? 'Europe/Stockholm';
  const target = SCALE_TARGETS[options.scale];

  const hospitals: Hospital['hospitals'] = [];
  const departments: Hospital['departments'] = [];
  const pools: Hospital['pools'] = [];
  const drafts: Draft[] = [];

  for (let h = 0; h < target.hospitals; h += 1) {
    const hospitalId = `H${h + 1}`;
    const prefix = h === 0 ? '' : `${hospitalId}-`;
    hospitals.push({ hospitalId, name: h === 0 ? 'Universitetssjukhuset (simulerat)' : `Länssjukhus ${h + 1} (simulerat)` });
    const poolId = `BC-${hospitalId}`;
    pools.push({ poolId, name: `Bemanningscentrum ${hospitalId}`, hospitalId });
    const floors = new Map<string, number>();
    const seenDepartments = new Set<string>();
    hospitalSpecs(h, target.unitsPerHospital).forEach((spec, i) => {
      const info = TEMPLATES[spec.template];
      const departmentId = `${hospitalId}-${spec.theme.code}`;
      if (!seenDepartments.has(departmentId)) {
        seenDepartments.add(departmentId);
        departments.push({ departmentId, name: spec.theme.name, hospitalId });
      }
      let unitId: string;
      let name: string;
      if (spec.fixed) {
        unitId = prefix + spec.fixed.unitId;
        name = spec.fixed.name;
      } else {
        const floor = (floors.get(spec.theme.letter) ?? (spec.template === 'outpatient' || spec.template === 'emergency' ? 0 : 1)) + 1;
        floors.set(spec.theme.letter, floor);
        const tag = spec.tag ?? (spec.template === 'outpatient' ? { id: `${spec.theme.code}MOTT`, name: `${spec.theme.name}mottagning` } : { id: spec.theme.code, name: spec.theme.name });
        unitId = `${prefix}${spec.theme.letter}${floor}-${tag.id}`;
        name = `${spec.theme.letter}${floor} ${tag.name}`;
      }
      const unitHash = hash32(seed, Tag.unitOffset, h, i);
      const systematic = u01(seed, Tag.forecast, h, i) < 0.3;
      const biasU = u01(seed, Tag.forecast, h, i, 1);
      const unit: UnitModel = {
        unitId,
        name: h === 0 ? name : `${hospitalId} ${name}`,
        hospitalId,
        departmentId,
        departmentName: spec.theme.name,
        kind: info.kind,
        template: spec.template,
        poolId: info.pooled || spec.fixed ? poolId : null,
        slots: info.slots.map((s) => ({ ...s })),
        beds: 0,
        summerBeds: null,
        size: spec.fixed?.size ?? info.baseSize,
        keys: [],
        activity: info.activity,
        measure: info.measure,
        timeSource: PAYROLL_THEMES.has(spec.theme.code) ? 'payroll' : 'clock',
        scheduleLeadWeeks: spec.fixed ? 8 : 6 + (unitHash % 5),
        dailyVolume: 0,
        appointmentMinutes: info.appointmentMinutes,
        forecastBias: systematic ? (biasU < 0.5 ? -1 : 1) * (0.06 + 0.06 * biasU) : (biasU - 0.5) * 0.04,
        staffingLevel: spec.fixed ? (KAROLINSKA_STAFFING[spec.fixed.unitId] ?? 1) : u01(seed, Tag.unitSize, h, i + 1000) < 0.3 ? Math.round((0.82 + 0.13 * u01(seed, Tag.unitSize, h, i + 2000)) * 100) / 100 : 1,
        demandOffset: hash32(seed, Tag.demandOffset, h, i) % 100_000,
        officeMinute: (unitHash >>> 8) % 300,
      };
      drafts.push({ spec, unit, jitter: 0.75 + 0.5 * u01(seed, Tag.unitSize, h, i) });
    });
  }

  // calibrate the size multiplier so that the staff the keys need comes close to the scale's head count
  const staffFor = (m: number) => {
    let total = 0;
    for (const d of drafts) {
      sizeUnit(d, m, seed);
      total += unitHeadCount(d.unit).total;
    }
    return Math.round(total * 1.07); // pool and agency staff on top, see below
  };
  let lo = 0.2;
  let hi = 6;
  for (let i = 0; i < 24; i += 1) {
    const mid = (lo + hi) / 2;
    if (staffFor(mid) < target.staff) lo = mid;
    else hi = mid;
  }
  const m = (lo + hi) / 2;
  for (const d of drafts) sizeUnit(d, m, seed);

  const staff: StaffModel[] = [];
  const next = () => `P${String(staff.length + 1).padStart(5, '0')}`;
  const push = (s: Omit<StaffModel, 'staffId' | 'name' | 'youngChildren' | 'sickProneness' | 'seasonal'> & { seasonal?: boolean }) => {
    const n = staff.length;
    const employee = s.employmentForm === 'monthly' || s.employmentForm === 'hourly';
    staff.push({
      staffId: next(),
      name: personName(seed, n),
      ...s,
      seasonal: s.seasonal === true,
      youngChildren: employee && u01(seed, Tag.staffKids, n) < 0.35,
      sickProneness: Math.round((0.5 + 1.5 * u01(seed, Tag.staffProneness, n) ** 2) * 100) / 100,
    });
  };
  const rate = (n: number) => RATES[weightedIndex(RATE_WEIGHTS, u01(seed, Tag.staffRate, n))]!;

  for (let h = 0; h < hospitals.length; h += 1) {
    const hospitalId = hospitals[h]!.hospitalId;
    const poolId = pools[h]!.poolId;
    const units = drafts.filter((d) => d.unit.hospitalId === hospitalId).map((d) => d.unit);
    let pooledNursing = 0;
    let ssk = 0;
    let lak = 0;
    for (const unit of units) {
      const { perCompetence } = unitHeadCount(unit);
      for (const [comp, c] of perCompetence) {
        const nightShare = c.hours > 0 ? c.nightHours / c.hours : 0;
        const dayOnly = c.dayHours >= c.hours - 1e-9;
        const nNight = dayOnly ? 0 : Math.round(c.heads * nightShare);
        const nDay = dayOnly ? c.heads : Math.floor((c.heads - nNight) * 0.15);
        for (let i = 0; i < c.heads; i += 1) {
          const pattern: WorkPattern = i < nNight ? 'night' : i < nNight + nDay || dayOnly ? 'day' : 'rotating';
          const external = comp === 'LAK' && u01(seed, Tag.staffPattern, staff.length) < 0.18;
          push({
            competences: competencesOf(comp),
            employmentForm: external ? 'external-resident' : 'monthly',
            rate: external ? null : rate(staff.length),
            homeUnitId: unit.unitId,
            poolId: null,
            hospitalId,
            pattern,
          });
        }
        if (NURSING.has(comp)) {
          const hourly = Math.round(c.heads * 0.08 + u01(seed, Tag.staffPattern, h, staff.length));
          for (let i = 0; i < hourly; i += 1) {
            push({ competences: competencesOf(comp), employmentForm: 'hourly', rate: null, homeUnitId: unit.unitId, poolId: null, hospitalId, pattern: dayOnly ? 'day' : i % 3 === 2 ? 'night' : 'rotating' });
          }
          // summer substitutes for the units open around the clock
          if (!dayOnly) {
            const seasonal = Math.round(c.heads * SEASONAL_SHARE);
            for (let i = 0; i < seasonal; i += 1) {
              push({ competences: competencesOf(comp), employmentForm: 'hourly', rate: null, homeUnitId: unit.unitId, poolId: null, hospitalId, pattern: i % 4 === 3 ? 'night' : 'rotating', seasonal: true });
            }
          }
          if (unit.poolId) pooledNursing += c.heads;
        }
        if (comp === 'SSK') ssk += c.heads;
        if (comp === 'LAK') lak += c.heads;
      }
    }
    const poolSize = Math.round(pooledNursing * 0.05);
    for (let i = 0; i < poolSize; i += 1) {
      push({ competences: competencesOf(i % 20 < 11 ? 'SSK' : 'USK'), employmentForm: 'monthly', rate: rate(staff.length), homeUnitId: null, poolId, hospitalId, pattern: i % 4 === 3 ? 'night' : 'rotating' });
    }
    const agencySsk = Math.round(ssk * 0.015);
    for (let i = 0; i < agencySsk; i += 1) {
      push({ competences: ['SSK'], employmentForm: 'agency', rate: null, homeUnitId: null, poolId: null, hospitalId, pattern: i % 4 === 3 ? 'night' : 'rotating' });
    }
    const agencyLak = Math.max(1, Math.round(lak * 0.03));
    for (let i = 0; i < agencyLak; i += 1) {
      push({ competences: ['LAK'], employmentForm: 'agency', rate: null, homeUnitId: null, poolId: null, hospitalId, pattern: 'day' });
    }
  }

  return {
    scale: options.scale,
    seed,
    name: `Simulerad region (${options.scale})`,
    timeZone,
    hospitals,
    departments,
    pools,
    units: drafts.map((d) => d.unit),
    staff,
  };
}

function sizeUnit(d: Draft, m: number, seed: number): void {
  const info = TEMPLATES[d.spec.template];
  const size = d.spec.fixed ? d.spec.fixed.size : Math.min(info.maxSize, Math.max(info.minSize, Math.round(info.baseSize * m * d.jitter)));
  const unit = d.unit;
  unit.size = size;
  unit.beds = info.hasBeds ? size : 0;
  unit.keys = templateKeys(d.spec.template, size);
  unit.dailyVolume = Math.round(size * info.volumePerSize * 10) / 10;
  // most wards close some beds over the summer (weeks 26–32); intensive care does not
  const closes = info.hasBeds && d.spec.template !== 'iva' && u01(seed, Tag.summerBeds, hashOf(unit.unitId)) < 0.75;
  unit.summerBeds = closes ? Math.max(2, Math.round(size * 0.7)) : null;
}

function hashOf(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i += 1) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

interface CompetenceNeed {
  hours: number;
  nightHours: number;
  dayHours: number;
  heads: number;
}

/** Heads the unit's keys need per competence (employees), and with hourly staff. */
export function unitHeadCount(unit: UnitModel): { perCompetence: Map<string, CompetenceNeed>; total: number } {
  const perCompetence = new Map<string, CompetenceNeed>();
  const byComp = weeklyTargetHours(unit.keys, unit.slots, unit.beds);
  for (const [comp, hours] of byComp) {
    let nightHours = 0;
    let dayHours = 0;
    for (const slot of unit.slots) {
      const slotOnly = weeklyTargetHours(unit.keys.filter((k) => k.slot === slot.code && k.competence === comp), unit.slots, unit.beds).get(comp) ?? 0;
      if (slot.code === 'natt') nightHours += slotOnly;
      if (DAY_SLOT_CODES.has(slot.code)) dayHours += slotOnly;
    }
    if (hours <= 0) continue;
    perCompetence.set(comp, { hours, nightHours, dayHours, heads: Math.max(1, Math.round((hours / HOURS_PER_HEAD) * unit.staffingLevel)) });
  }
  let total = 0;
  for (const [comp, c] of perCompetence) {
    total += c.heads;
    if (NURSING.has(comp)) total += Math.round(c.heads * 0.08) + (c.dayHours >= c.hours - 1e-9 ? 0 : Math.round(c.heads * SEASONAL_SHARE));
  }
  return { perCompetence, total };
}

function competencesOf(primary: string): string[] {
  if (primary === 'SPSK' || primary === 'BM') return [primary, 'SSK'];
  return [primary];
}

const FIRST = ['Anna', 'Eva', 'Maria', 'Karin', 'Sara', 'Emma', 'Elin', 'Johanna', 'Linda', 'Malin', 'Sofia', 'Ida', 'Hanna', 'Lina', 'Maja', 'Amira', 'Fatima', 'Ebba', 'Åsa', 'Leila', 'Erik', 'Lars', 'Johan', 'Anders', 'Karl', 'Per', 'Mikael', 'Ali', 'Mohammed', 'Oscar', 'Lucas', 'Viktor', 'Ahmed', 'Yusuf', 'Nils', 'Olof', 'Jonas', 'Daniel', 'Elias', 'Samir'];
const LAST = ['Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson', 'Svensson', 'Gustafsson', 'Pettersson', 'Jonsson', 'Jansson', 'Hansson', 'Bengtsson', 'Lindberg', 'Lindqvist', 'Berg', 'Lundgren', 'Holm', 'Ali', 'Hassan', 'Mohammed', 'Nguyen', 'Åberg', 'Söderström', 'Öberg', 'Ström', 'Sjöberg', 'Wikström', 'Ahmed', 'Yilmaz', 'Khalil', 'Björk', 'Engström', 'Forsberg'];

function personName(seed: number, n: number): string {
  const h = hash32(seed, Tag.staffName, n);
  return `${FIRST[h % FIRST.length]!} ${LAST[(h >>> 12) % LAST.length]!}`;
}
