import { describe, expect, it } from 'vitest';
import { addWeeks, hoursOfLocalDay, isIsoWeek, isoWeekOf, localDate, mondayOfWeek, monthsBetween, weekDates, zonedInstant } from './calendar';

describe('calendar', () => {
  it('ISO weeks across year ends', () => {
    expect(isoWeekOf('2026-11-23')).toBe('2026-W48');
    expect(isoWeekOf('2021-01-03')).toBe('2020-W53');
    expect(isoWeekOf('2024-12-30')).toBe('2025-W01');
    expect(mondayOfWeek('2020-W53')).toBe('2020-12-28');
    expect(addWeeks('2020-W52', 1)).toBe('2020-W53');
    expect(addWeeks('2020-W53', 1)).toBe('2021-W01');
    expect(weekDates('2026-W48')).toEqual(['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29']);
    expect(isIsoWeek('2021-W53')).toBe(false);
    expect(isIsoWeek('2020-W53')).toBe(true);
  });

  it('local dates and hours in Stockholm, DST included', () => {
    expect(localDate(Date.parse('2026-11-22T23:30:00Z'), 'Europe/Stockholm')).toBe('2026-11-23');
    expect(new Date(zonedInstant('2026-11-23', '07:00', 'Europe/Stockholm')).toISOString()).toBe('2026-11-23T06:00:00.000Z');
    expect(new Date(zonedInstant('2026-07-01', '07:00', 'Europe/Stockholm')).toISOString()).toBe('2026-07-01T05:00:00.000Z');
    expect(hoursOfLocalDay('2026-11-23', 'Europe/Stockholm')).toHaveLength(24);
    const october = hoursOfLocalDay('2026-10-25', 'Europe/Stockholm');
    expect(october).toHaveLength(25);
    expect(october.map((h) => h.hour).slice(0, 5)).toEqual([0, 1, 2, 2, 3]);
    const march = hoursOfLocalDay('2026-03-29', 'Europe/Stockholm');
    expect(march).toHaveLength(23);
    expect(march.map((h) => h.hour).slice(0, 4)).toEqual([0, 1, 3, 4]);
  });

  it('months', () => {
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
  });
});
