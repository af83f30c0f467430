import { describe, expect, it } from 'vitest';
import { factsOf } from './history.js';

const line = (type: string, data: Record<string, unknown>) => JSON.stringify({ id: `${type}-${JSON.stringify(data)}`, type, data, metadata: {} });

describe('history facts for the latency test', () => {
  it('marks the days a person is scheduled, booked or absent, including the local date of a night shift', () => {
    const facts = factsOf([
      line('UnitRegistered', { unitId: 'U1', departmentId: 'D', slots: [{ code: 'dag' }] }),
      line('StaffRegistered', { staffId: 'P1', homeUnitId: 'U1', competences: ['SSK'] }),
      line('ShiftScheduled', { staffId: 'P1', unitId: 'U1', start: '2026-01-05T20:15:00.000Z', end: '2026-01-06T06:15:00.000Z' }),
      line('StaffBooked', { staffId: 'P2', unitId: 'U1', date: '2026-01-08', slot: 'dag' }),
      line('AbsenceReported', { staffId: 'P3', start: '2026-01-04T23:00:00.000Z', end: '2026-01-06T23:00:00.000Z' }),
    ]);
    expect(facts.units.map((u) => u.unitId)).toEqual(['U1']);
    expect(facts.staff.map((s) => s.staffId)).toEqual(['P1']);
    expect([...facts.busy].filter((k) => k.startsWith('P1|')).sort()).toEqual(['P1|2026-01-05', 'P1|2026-01-06', 'P1|2026-01-07']);
    expect(facts.busy.has('P2|2026-01-08')).toBe(true);
    expect(facts.busy.has('P2|2026-01-09')).toBe(true);
    expect(facts.busy.has('P3|2026-01-04')).toBe(true);
    expect(facts.busy.has('P3|2026-01-07')).toBe(true);
    expect(facts.busy.has('P3|2026-01-08')).toBe(false);
    expect(facts.busy.has('P1|2026-01-08')).toBe(false);
  });
});
