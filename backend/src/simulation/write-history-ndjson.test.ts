import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateEvent } from '@pks/contracts';
import { afterAll, describe, expect, it } from 'vitest';
import { createHospital } from './create-hospital.js';
import { isSimulatedInvalid } from './faults.js';
import { writeHistoryNdjson, type HistoryProgress } from './write-history-ndjson.js';

const dir = mkdtempSync(join(tmpdir(), 'pks-sim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeHistoryNdjson', () => {
  it('writes setup and generated events, one EventInput a line, byte-identical for a seed', async () => {
    const hospital = createHospital({ scale: 'tiny', seed: 5 });
    const progress: HistoryProgress[] = [];
    const options = { hospital, seed: 5, from: '2026-05-04T00:00:00+02:00', to: '2026-05-06T00:00:00+02:00', progressEvery: 500 };
    const a = await writeHistoryNdjson({ ...options, path: join(dir, 'a.ndjson'), onProgress: (p) => progress.push(p) });
    const b = await writeHistoryNdjson({ ...options, path: join(dir, 'b.ndjson') });
    const text = readFileSync(a.path, 'utf8');
    expect(readFileSync(b.path, 'utf8')).toBe(text);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(a.events);
    expect(a.bytes).toBe(Buffer.byteLength(text));
    const events = lines.map((l) => JSON.parse(l) as { id: string; type: string; metadata: { occurredAt: string } });
    expect(events[0]!.type).toBe('UnitRegistered');
    expect(Object.values(a.byType).reduce((x, y) => x + y, 0)).toBe(a.events);
    for (const e of events) {
      const ok = validateEvent(e, e.metadata.occurredAt).ok;
      expect(ok || isSimulatedInvalid(e), e.id).toBe(true);
    }
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.at(-1)).toMatchObject({ done: true, fraction: 1, events: a.events });
  });
});
