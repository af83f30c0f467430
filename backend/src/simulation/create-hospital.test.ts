import { EntityId, validateEvent } from '@pks/contracts';
import { checkReferences, evolveCatalog, initialCatalog } from '@pks/projections';
import { describe, expect, it } from 'vitest';
import { createHospital, SCALE_TARGETS } from './create-hospital.js';
import { setupEvents } from './setup-events.js';

const AT = '2026-03-02T00:00:00.000Z';

describe('createHospital', () => {
  it('has the Karolinska-shaped units of the gap list with their slots and beds', () => {
    const h = createHospital({ scale: 'tiny', seed: 1 });
    const unit = (id: string) => {
      const u = h.units.find((x) => x.unitId === id);
      expect(u, id).toBeDefined();
      return u!;
    };
    const c4 = unit('C4-IAKM');
    expect(c4.slots.map((s) => `${s.code} ${s.start}-${s.end}`)).toEqual(['dag 07:00-15:30', 'mellan 10:30-19:00', 'kvall 15:00-21:45', 'sen 15:30-00:00', 'natt 21:15-07:15']);
    expect(unit('B8-AVA').beds).toBe(14);
    expect(unit('B8-IMA').beds).toBe(6);
    expect(unit('C10-Trauma').beds).toBe(20);
    expect(unit('C9-RO').beds).toBe(12);
    const a6 = unit('A6-Mottagning');
    expect(a6.kind).toBe('outpatient');
    expect(a6.slots.map((s) => s.code)).toEqual(['dag']);
    for (const id of ['B8-AVA', 'B8-IMA', 'C10-Trauma', 'C9-RO']) {
      expect(unit(id).slots).toEqual([
        { code: 'dag', name: 'Dag', start: '07:00', end: '15:30' },
        { code: 'kvall', name: 'Kväll', start: '15:00', end: '21:45' },
        { code: 'natt', name: 'Natt', start: '21:15', end: '07:15' },
      ]);
    }
    // beds of the gap list: 14 + 6 + 20 + 12 = 52
    expect(['B8-AVA', 'B8-IMA', 'C10-Trauma', 'C9-RO'].reduce((n, id) => n + unit(id).beds, 0)).toBe(52);
    expect(h.timeZone).toBe('Europe/Stockholm');
  });

  it('has staffing keys fixed and per beds, some by weekday, and a pool', () => {
    const h = createHospital({ scale: 'small', seed: 1 });
    const keys = h.units.flatMap((u) => u.keys);
    expect(keys.some((k) => 'fixed' in k.target)).toBe(true);
    expect(keys.some((k) => 'perBeds' in k.target)).toBe(true);
    expect(keys.some((k) => k.weekday !== undefined)).toBe(true);
    const ava = h.units.find((u) => u.unitId === 'B8-AVA')!;
    expect(ava.keys).toContainEqual({ slot: 'dag', competence: 'SSK', minimum: { perBeds: 8 }, target: { perBeds: 6 } });
    expect(ava.poolId).toBe('BC-H1');
    expect(h.staff.some((s) => s.poolId === 'BC-H1' && s.homeUnitId === null)).toBe(true);
  });

  it('has staff of every employment form, monthly rates 50–100 %, and competences', () => {
    const h = createHospital({ scale: 'small', seed: 3 });
    const forms = new Set(h.staff.map((s) => s.employmentForm));
    expect([...forms].sort()).toEqual(['agency', 'external-resident', 'hourly', 'monthly']);
    for (const s of h.staff) {
      if (s.employmentForm === 'monthly') expect(s.rate).toBeGreaterThanOrEqual(0.5);
      if (s.employmentForm === 'monthly') expect(s.rate).toBeLessThanOrEqual(1);
      else expect(s.rate).toBeNull();
    }
    const rates = new Set(h.staff.filter((s) => s.employmentForm === 'monthly').map((s) => s.rate));
    expect(rates.size).toBeGreaterThanOrEqual(4);
    const comps = new Set(h.staff.flatMap((s) => s.competences));
    for (const c of ['SSK', 'SPSK', 'USK', 'BM', 'LAK', 'BMA', 'FT', 'AT', 'VA']) expect(comps.has(c), c).toBe(true);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = JSON.stringify(createHospital({ scale: 'small', seed: 42 }));
    const b = JSON.stringify(createHospital({ scale: 'small', seed: 42 }));
    const c = JSON.stringify(createHospital({ scale: 'small', seed: 43 }));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('uses stream-safe ids', () => {
    const h = createHospital({ scale: 'medium', seed: 5 });
    for (const id of [...h.units.map((u) => u.unitId), ...h.staff.map((s) => s.staffId), ...h.departments.map((d) => d.departmentId), ...h.pools.map((p) => p.poolId)]) {
      expect(EntityId.safeParse(id).success, id).toBe(true);
    }
    expect(new Set(h.units.map((u) => u.unitId)).size).toBe(h.units.length);
    expect(new Set(h.staff.map((s) => s.staffId)).size).toBe(h.staff.length);
  });

  it.each([
    ['small', 0.1],
    ['medium', 0.1],
    ['large', 0.1],
  ] as const)('sizes the %s scale roughly as stated', (scale, tolerance) => {
    const target = SCALE_TARGETS[scale];
    const h = createHospital({ scale, seed: 42 });
    expect(h.units.length).toBe(target.hospitals * target.unitsPerHospital);
    expect(Math.abs(h.staff.length - target.staff) / target.staff).toBeLessThan(tolerance);
    console.log(`${scale}: ${h.units.length} units, ${h.staff.length} staff, ${h.units.reduce((n, u) => n + u.beds, 0)} beds`);
  });
});

describe('setupEvents', () => {
  it('are valid, pass the reference checks in order, and register every unit, key, staff member and dimensioning', () => {
    const h = createHospital({ scale: 'small', seed: 9 });
    const events = setupEvents(h, { at: AT });
    const catalog = initialCatalog();
    for (const e of events) {
      const r = validateEvent(e, AT);
      if (!r.ok) throw new Error(`${e.id}: ${JSON.stringify(r.issues)}`);
      expect(checkReferences(catalog, r.event), e.id).toEqual([]);
      evolveCatalog(catalog, r.event);
      expect(e.metadata?.occurredAt).toBe(AT);
    }
    const count = (type: string) => events.filter((e) => e.type === type).length;
    expect(count('UnitRegistered')).toBe(h.units.length);
    expect(count('StaffRegistered')).toBe(h.staff.length);
    expect(count('StaffingKeySet')).toBe(h.units.reduce((n, u) => n + u.keys.length, 0));
    expect(count('BedsPlanned')).toBe(h.units.filter((u) => u.beds > 0).length);
    expect(count('DimensioningSet')).toBeGreaterThan(h.units.length * 12);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    const ava = events.find((e) => e.type === 'BedsPlanned' && e.data.unitId === 'B8-AVA');
    expect(ava?.data).toEqual({ unitId: 'B8-AVA', from: '2026-01-01', beds: 14 });
  });

  it('includes next year’s dimensioning once the budget is set (20 November)', () => {
    const h = createHospital({ scale: 'tiny', seed: 9 });
    const months = (at: string) => new Set(setupEvents(h, { at }).filter((e) => e.type === 'DimensioningSet').map((e) => e.data.month as string));
    expect([...months('2026-06-01T00:00:00Z')].sort()).toEqual(Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`));
    expect(months('2026-12-01T00:00:00Z').has('2027-06')).toBe(true);
  });
});
