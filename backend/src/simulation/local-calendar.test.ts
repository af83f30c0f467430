import { formatDate, parseDate, slotInterval } from '@pks/projections';
import { describe, expect, it } from 'vitest';
import { builtInProfile, findEdArrivalsFile, loadDemandProfile } from './demand-profile.js';
import { isoOf, LocalCalendar } from './local-calendar.js';
import { u01 } from './random.js';

describe('LocalCalendar', () => {
  it('gives the same slot instants as the projections (Temporal), over two years of clock changes', () => {
    const cal = new LocalCalendar('Europe/Stockholm');
    const times = ['07:00', '15:30', '15:00', '21:45', '21:15', '07:15', '10:30', '19:00', '00:00', '02:00', '02:30', '03:00', '01:59', '23:59'];
    for (let d = parseDate('2026-01-01'); d < parseDate('2028-01-01'); d += 1) {
      for (let i = 0; i < times.length; i += 1) {
        const a = times[i]!;
        const b = times[(i + 3) % times.length]!;
        expect(cal.slot(d, a, b), `${formatDate(d)} ${a}–${b}`).toEqual(slotInterval(formatDate(d), a, b, 'Europe/Stockholm'));
      }
    }
  });

  it('formats instants exactly like Date#toISOString', () => {
    for (let i = 0; i < 20_000; i += 1) {
      const ms = Math.floor(u01(1, 2, i) * 4_000_000_000_000);
      expect(isoOf(ms)).toBe(new Date(ms).toISOString());
    }
    expect(isoOf(1_700_000_000_123.7)).toBe('2023-11-14T22:13:20.123Z');
  });

  it('maps instants to local days around the clock changes', () => {
    const cal = new LocalCalendar('Europe/Stockholm');
    expect(cal.date(cal.dayOf(Date.parse('2026-03-28T23:30:00Z')))).toBe('2026-03-29');
    expect(cal.date(cal.dayOf(Date.parse('2026-10-24T21:59:00Z')))).toBe('2026-10-24');
    expect(cal.date(cal.dayOf(Date.parse('2026-10-24T22:00:00Z')))).toBe('2026-10-25');
    expect(cal.midnight(parseDate('2026-10-26')) - cal.midnight(parseDate('2026-10-25'))).toBe(25 * 3_600_000);
  });
});

const edFile = findEdArrivalsFile();
if (edFile === null) {
  console.warn('skipping the real ED-arrivals tests: shared/real-data/ed-arrivals is not next to this checkout (set PKS_REAL_DATA to the real-data folder)');
}

describe.runIf(edFile !== null)('demand profile from the real ED arrivals', () => {
  it('reads the real ED arrivals when the data folder is found', () => {
    const p = loadDemandProfile();
    expect(p.source.kind).toBe('file');
    if (p.source.kind === 'file') {
      expect(p.source.hours).toBe(41_640);
      expect(p.source.days).toBe(1735);
    }
    expect(p.hourOfWeek).toHaveLength(168);
    const mean = p.hourOfWeek.reduce((a, b) => a + b, 0) / 168;
    expect(mean).toBeCloseTo(1, 6);
    // arrivals peak in the afternoon and bottom out at night
    expect(p.hourOfWeek[17]!).toBeGreaterThan(2 * p.hourOfWeek[4]!);
    // Mondays are the busiest day of the week
    expect(p.weekday[0]!).toBe(Math.max(...p.weekday));
  });

  it('finds the data through PKS_REAL_DATA, given the folder or the file', () => {
    const dir = edFile!.slice(0, edFile!.indexOf('/ed-arrivals/'));
    expect(findEdArrivalsFile({ PKS_REAL_DATA: dir })).toBe(edFile);
    expect(findEdArrivalsFile({ PKS_REAL_DATA: edFile! })).toBe(edFile);
  });
});

describe('demand profile without the data', () => {
  it('falls back to a built-in profile that says so', () => {
    const fallback = loadDemandProfile({ path: null });
    expect(fallback.source.kind).toBe('built-in');
    expect(fallback.hourOfWeek).toHaveLength(168);
    expect(fallback.hourOfWeek.reduce((a, b) => a + b, 0) / 168).toBeCloseTo(1, 6);
    expect(builtInProfile('test').source).toEqual({ kind: 'built-in', reason: 'test' });
    const broken = loadDemandProfile({ path: '/nonexistent/arrivals.csv' });
    expect(broken.source.kind).toBe('built-in');
  });
});
