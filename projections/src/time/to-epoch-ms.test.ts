import { describe, expect, it } from 'vitest';
import { Temporal } from 'temporal-polyfill';
import { canonicalInstantMs, toEpochMs, toInstant } from './zoned-time.js';

const viaTemporal = (s: string) => Temporal.Instant.from(s).epochMilliseconds;

describe('toEpochMs: the canonical UTC fast path agrees with Temporal', () => {
  it('given canonical Z instants (with and without milliseconds), when converted, then they equal Temporal and Date.parse', () => {
    const instants = [
      '2026-01-05T00:00:00.000Z',
      '2026-01-05T08:01:00.200Z',
      '2026-03-29T00:59:59.999Z',
      '2026-10-25T01:00:00Z',
      '1970-01-01T00:00:00Z',
      '1969-12-31T23:59:59.999Z',
      '2000-02-29T12:34:56.789Z',
      '2024-02-29T23:59:59Z',
      '1900-03-01T00:00:00.001Z',
      '0001-01-01T00:00:00Z',
      '9999-12-31T23:59:59.999Z',
    ];
    for (const s of instants) {
      expect(canonicalInstantMs(s), s).toBe(viaTemporal(s));
      expect(toEpochMs(s), s).toBe(viaTemporal(s));
      expect(toEpochMs(s), s).toBe(Date.parse(s));
    }
  });

  it('given one or two fraction digits, when converted, then they count as tenths and hundredths', () => {
    expect(canonicalInstantMs('2026-01-05T10:00:00.5Z')).toBe(viaTemporal('2026-01-05T10:00:00.5Z'));
    expect(canonicalInstantMs('2026-01-05T10:00:00.05Z')).toBe(viaTemporal('2026-01-05T10:00:00.05Z'));
    expect(toEpochMs('2026-01-05T10:00:00.5Z') - toEpochMs('2026-01-05T10:00:00Z')).toBe(500);
  });

  it('given every day of a leap and a common year at midday, when converted, then each matches Temporal', () => {
    for (const year of [2024, 2026, 2100, 2000]) {
      for (let ms = Date.UTC(year, 0, 1, 12); ms < Date.UTC(year + 1, 0, 1); ms += 86_400_000) {
        const s = new Date(ms).toISOString();
        expect(canonicalInstantMs(s)).toBe(viaTemporal(s));
      }
    }
  });

  it('given instants with offsets, more fraction digits or lower-case letters, when converted, then the fast path declines and Temporal decides', () => {
    for (const s of ['2026-03-29T03:30:00+02:00', '2026-10-25T02:30:00-01:30', '2026-01-05T10:00:00.123456Z', '2026-01-05T10:00:00.123456789Z', '2026-01-05t10:00:00z', '2026-01-05T10:00Z', '2026-01-05 10:00:00Z']) {
      expect(Number.isNaN(canonicalInstantMs(s)), s).toBe(true);
      expect(toEpochMs(s), s).toBe(viaTemporal(s));
    }
  });

  it('given fields out of range, when converted, then the fast path declines and Temporal rejects or clamps as before', () => {
    // a leap second: Temporal clamps it to :59
    expect(Number.isNaN(canonicalInstantMs('2016-12-31T23:59:60Z'))).toBe(true);
    expect(toEpochMs('2016-12-31T23:59:60Z')).toBe(viaTemporal('2016-12-31T23:59:60Z'));
    for (const s of ['2026-02-29T00:00:00Z', '2026-02-30T00:00:00.000Z', '2026-04-31T00:00:00Z', '2026-13-01T00:00:00Z', '2026-00-10T00:00:00Z', '2026-01-00T00:00:00Z', '2026-01-05T24:00:00Z', '2026-01-05T10:60:00Z', '2026-0a-05T10:00:00Z', 'not an instant']) {
      expect(Number.isNaN(canonicalInstantMs(s)), s).toBe(true);
      expect(() => toEpochMs(s), s).toThrow(RangeError);
    }
  });
});

describe('toInstant: Date-based formatting writes what Temporal writes', () => {
  it('given instants with and without milliseconds, near the ends of four-digit years and beyond, when formatted, then each equals Temporal.Instant#toString', () => {
    const viaTemporalString = (ms: number) => Temporal.Instant.fromEpochMilliseconds(ms).toString();
    const samples = [0, 1, 10, 100, 120, 123, 999, -1, -1000, -62_167_219_200_000, -62_167_219_200_001, 253_402_300_799_999, 253_402_300_800_000, Date.UTC(2026, 2, 29, 1, 0, 0, 500), Date.UTC(1969, 11, 31, 23, 59, 59, 990)];
    for (let ms = Date.UTC(2026, 0, 1); ms < Date.UTC(2027, 0, 1); ms += 3_600_000 * 7 + 123) samples.push(ms, ms - 123, ms - 23, ms - 3);
    for (const ms of samples) expect(toInstant(ms), String(ms)).toBe(viaTemporalString(ms));
  });
});
