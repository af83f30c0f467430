import { describe, expect, it } from 'vitest';
import { createHospital } from './create-hospital.js';
import { generateEvents } from './generate-events.js';
import type { Scale } from './hospital-model.js';

/**
 * A throughput smoke figure, printed, not asserted (timings depend on the machine). Small by default; set
 * PKS_SIM_BENCH=medium (or large) for the bigger scales, PKS_SIM_BENCH_DAYS for the period (default 14).
 */
describe('generation throughput (printed)', () => {
  it('reports events per second after the look-back, and events per day', () => {
    const scale = (process.env.PKS_SIM_BENCH ?? 'small') as Scale;
    const days = Number(process.env.PKS_SIM_BENCH_DAYS ?? 14);
    const hospital = createHospital({ scale, seed: 42 });
    const from = Date.parse('2026-01-12T00:00:00+01:00');
    const t0 = performance.now();
    let first = 0;
    let n = 0;
    const byType = new Map<string, number>();
    for (const e of generateEvents({ hospital, seed: 42, from, to: from + days * 86_400_000 })) {
      if (n === 0) first = performance.now();
      n += 1;
      byType.set(e.type, (byType.get(e.type) ?? 0) + 1);
    }
    const end = performance.now();
    const rate = Math.round(n / ((end - first) / 1000));
    console.log(
      `throughput ${scale}: ${n} events over ${days} days (${Math.round(n / days)}/day, ~${((n / days) * 365 / 1e6).toFixed(1)} M/year); ` +
        `look-back ${((first - t0) / 1000).toFixed(2)} s, then ${rate} events/s\n` +
        [...byType.entries()].sort((a, b) => b[1] - a[1]).map(([t, c]) => `  ${t} ${c}`).join('\n'),
    );
    expect(n).toBeGreaterThan(0);
  });
});
