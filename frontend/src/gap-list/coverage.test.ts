import { describe, expect, it } from 'vitest';
import { coverageCurve } from './coverage';
import { person, row } from './test-rows';

const TZ = 'Europe/Stockholm';

describe('coverageCurve', () => {
  // Monday 2026-11-23, Stockholm winter time (UTC+1)
  const rows = [
    row({ unitId: 'B8', date: '2026-11-23', slot: 'dag', minimum: 2, target: 3 }),
    row({ unitId: 'B8', date: '2026-11-23', slot: 'kvall', minimum: 2, target: 2 }),
    row({ unitId: 'B8', date: '2026-11-23', slot: 'natt', minimum: 1, target: 1 }),
    row({ unitId: 'B8', date: '2026-11-22', slot: 'natt', minimum: 1, target: 2 }),
  ];
  const people = [
    // two on the day shift 07:00–15:30
    person({ unitId: 'B8', date: '2026-11-23', slot: 'dag', staffId: 'A', start: '2026-11-23T06:00:00Z', end: '2026-11-23T14:30:00Z' }),
    person({ unitId: 'B8', date: '2026-11-23', slot: 'dag', staffId: 'B', start: '2026-11-23T06:00:00Z', end: '2026-11-23T14:30:00Z', status: 'clocked-in' }),
    // one absent: not staffed
    person({ unitId: 'B8', date: '2026-11-23', slot: 'dag', staffId: 'C', start: '2026-11-23T06:00:00Z', end: '2026-11-23T14:30:00Z', status: 'absent' }),
    // the previous night 21:15–07:15
    person({ unitId: 'B8', date: '2026-11-22', slot: 'natt', staffId: 'N', start: '2026-11-22T20:15:00Z', end: '2026-11-23T06:15:00Z' }),
  ];
  const curve = coverageCurve({ date: '2026-11-23', timeZone: TZ, rows, people, competence: 'SSK' });

  it('24 local hours with x in seconds', () => {
    expect(curve.hours).toEqual(Array.from({ length: 24 }, (_, h) => h));
    expect(curve.x[0]).toBe(Date.parse('2026-11-22T23:00:00Z') / 1000);
  });

  it('each person’s start–end covers hours (time-weighted), absent people do not count', () => {
    expect(curve.staffed[3]).toBe(1); // the night nurse
    expect(curve.staffed[7]).toBe(2.25); // night until 07:15 (0.25) + two day nurses
    expect(curve.staffed[10]).toBe(2);
    expect(curve.staffed[15]).toBe(1); // day shift ends 15:30: 2 × 0.5
    expect(curve.staffed[18]).toBe(0);
  });

  it('the requirement follows the slots, the previous date’s night slot covering the early hours', () => {
    expect(curve.minimum[3]).toBe(1);
    expect(curve.target[3]).toBe(2); // the previous night's key
    expect(curve.minimum[10]).toBe(2);
    expect(curve.target[10]).toBe(3);
    expect(curve.minimum[15]).toBe(1 + 2); // dag half an hour (2 × 0.5) and kvall all hour
    expect(curve.minimum[21]).toBe(2 * 0.75 + 1 * 0.75); // kvall till 21:45, natt from 21:15
    expect(curve.belowMinimumHours).toBeGreaterThan(0);
  });

  it('without the previous date’s rows the same slot of the day stands in; a DST day has 25 hours', () => {
    const c = coverageCurve({ date: '2026-11-23', timeZone: TZ, rows: rows.filter((r) => r.date === '2026-11-23'), people: [], competence: 'SSK' });
    expect(c.minimum[3]).toBe(1);
    const october = coverageCurve({ date: '2026-10-25', timeZone: TZ, rows: [], people: [] });
    expect(october.x).toHaveLength(25);
  });
});
