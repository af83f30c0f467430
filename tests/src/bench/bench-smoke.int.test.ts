import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBenchArgs } from './bench-options.js';
import { formatTable, runBench, type BenchResults } from './run-bench.js';

/**
 * The benchmark harness at tiny sizes, so that it cannot rot: every measurement runs against the real server
 * process (built backend) and every figure and baseline must come out as a positive finite number, with the JSON
 * written. Timing is never asserted (the machine is shared).
 */
describe('benchmark harness (smoke, tiny sizes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pks-bench-smoke-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs ingest, latency, rebuild, memory and query and writes the JSON', async () => {
    const { help: _help, ...options } = parseBenchArgs([
      '--quick',
      '--repeats', '1',
      '--ingest-events', '1500',
      '--batch', '500',
      '--clients', '8',
      '--processes', '2',
      '--rate', '100',
      '--warmup', '0.3',
      '--duration', '1',
      '--queries', '5',
      '--no-memory-half',
      '--json', join(dir, 'results.json'),
      '--cache', join(dir, 'cache'),
      '--work', dir,
    ]);
    const lines: string[] = [];
    const results = await runBench(options, (line) => lines.push(line));

    expect(existsSync(options.json)).toBe(true);
    const written = JSON.parse(readFileSync(options.json, 'utf8')) as BenchResults;
    expect(written.figures.length).toBe(results.figures.length);
    const measurements = new Set(results.figures.map((f) => f.measurement));
    expect([...measurements].sort()).toEqual(['event-to-screen latency', 'ingest', 'memory', 'query latency', 'rebuild']);
    for (const f of results.figures) {
      for (const value of [f.value.median, f.value.min, f.value.max, f.baseline.median, f.baseline.min, f.baseline.max, f.ratio.median]) {
        expect(Number.isFinite(value) && value > 0, `${f.measurement} / ${f.figure}: ${value}\n${lines.join('\n')}`).toBe(true);
      }
    }
    expect(results.latency!.repeats[0]!.matched).toBeGreaterThan(0);
    expect(formatTable(results)).toContain('| ingest |');
  }, 240_000);
});
