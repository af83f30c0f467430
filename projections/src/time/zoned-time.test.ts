import { describe, expect, it } from 'vitest';
import { hoursInLocalDay, localDateOf, slotInterval, splitIntoLocalHours, splitIntoLocalDays, toEpochMs } from './zoned-time.js';
import { addMonths, datesInRange, daysInMonthOf, isoWeekDates, isoWeekOf, weekdayOf } from './calendar.js';

const TZ = 'Europe/Stockholm';

describe('local hours in Europe/Stockholm', () => {
  it('a 21:00–07:00 night shift into the last Sunday of October lasts 11 h and fills both 02:00 hours', () => {
    const { startMs, endMs } = slotInterval('2026-10-24', '21:00', '07:00', TZ);
    expect((endMs - startMs) / 3_600_000).toBe(11);
    const buckets = splitIntoLocalHours(startMs, endMs, TZ);
    expect(buckets).toHaveLength(11);
    const twos = buckets.filter((b) => b.date === '2026-10-25' && b.hour === 2);
    expect(twos.map((b) => b.offsetMinutes)).toEqual([120, 60]);
    expect(twos.map((b) => b.hours)).toEqual([1, 1]);
    expect(buckets.reduce((s, b) => s + b.hours, 0)).toBe(11);
  });

  it('into the last Sunday of March it lasts 9 h and that day has no 02:00 bucket', () => {
    const { startMs, endMs } = slotInterval('2026-03-28', '21:00', '07:00', TZ);
    expect((endMs - startMs) / 3_600_000).toBe(9);
    const buckets = splitIntoLocalHours(startMs, endMs, TZ);
    expect(buckets.map((b) => `${b.date.slice(8)} ${b.hour}`)).toEqual(['28 21', '28 22', '28 23', '29 0', '29 1', '29 3', '29 4', '29 5', '29 6']);
  });

  it('splits partial hours and spans midnight into both dates', () => {
    const buckets = splitIntoLocalHours(toEpochMs('2026-01-15T20:15:00Z'), toEpochMs('2026-01-15T23:45:00Z'), TZ);
    expect(buckets.map((b) => [b.date, b.hour, b.hours])).toEqual([
      ['2026-01-15', 21, 0.75],
      ['2026-01-15', 22, 1],
      ['2026-01-15', 23, 1],
      ['2026-01-16', 0, 0.75],
    ]);
    expect(splitIntoLocalDays(toEpochMs('2026-01-15T20:15:00Z'), toEpochMs('2026-01-15T23:45:00Z'), TZ)).toEqual([
      { date: '2026-01-15', hours: 2.75 },
      { date: '2026-01-16', hours: 0.75 },
    ]);
  });

  it('knows local dates and day lengths', () => {
    expect(localDateOf(toEpochMs('2026-06-30T22:30:00Z'), TZ)).toBe('2026-07-01');
    expect(localDateOf(toEpochMs('2026-12-31T22:30:00Z'), TZ)).toBe('2026-12-31');
    expect(hoursInLocalDay('2026-10-25', TZ)).toBe(25);
    expect(hoursInLocalDay('2026-03-29', TZ)).toBe(23);
    expect(hoursInLocalDay('2026-06-01', TZ)).toBe(24);
  });

  it('handles a zone with a half-hour offset', () => {
    const buckets = splitIntoLocalHours(toEpochMs('2026-01-15T00:00:00Z'), toEpochMs('2026-01-15T02:00:00Z'), 'Asia/Kolkata');
    expect(buckets.map((b) => [b.hour, b.hours])).toEqual([
      [5, 0.5],
      [6, 1],
      [7, 0.5],
    ]);
  });
});

describe('calendar', () => {
  it('ISO weeks', () => {
    expect(isoWeekOf('2022-04-04')).toBe('2022-W14');
    expect(isoWeekOf('2021-01-03')).toBe('2020-W53');
    expect(isoWeekOf('2026-12-31')).toBe('2026-W53');
    expect(isoWeekDates('2022-W14')).toEqual(datesInRange('2022-04-04', '2022-04-10'));
    expect(isoWeekDates('2020-W53')[6]).toBe('2021-01-03');
    expect(weekdayOf('2026-11-23')).toBe(1);
    expect(weekdayOf('2026-11-29')).toBe(7);
  });
  it('months', () => {
    expect(daysInMonthOf('2024-02')).toBe(29);
    expect(daysInMonthOf('2023-02')).toBe(28);
    expect(addMonths('2026-11', 3)).toBe('2027-02');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
  });
});
