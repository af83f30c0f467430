import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseInstantMs } from './columns.js';

describe('parseInstantMs', () => {
  it('equals Date.parse for normalised instants and falls back for others', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('1900-01-01T00:00:00Z'), max: Date.parse('2200-12-31T23:59:59Z') }), (ms) => {
        expect(parseInstantMs(new Date(ms).toISOString())).toBe(ms);
      }),
      { numRuns: 5000 },
    );
    expect(parseInstantMs('2026-03-29T01:00:00+01:00')).toBe(Date.parse('2026-03-29T00:00:00Z'));
  });
});
