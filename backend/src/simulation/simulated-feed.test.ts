import type { EventInput } from '@pks/contracts';
import { describe, expect, it } from 'vitest';
import { createHospital } from './create-hospital.js';
import { SimulatedFeed } from './simulated-feed.js';

const START = Date.parse('2026-03-16T08:00:00+01:00');

describe('SimulatedFeed', () => {
  it('backfills setup, prologue and history at once, then follows simulated time in small awaited batches', async () => {
    const hospital = createHospital({ scale: 'tiny', seed: 3 });
    let now = START;
    const batches: EventInput[][] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const feed = new SimulatedFeed({
      hospital,
      seed: 3,
      speed: 60, // a simulated minute per real second
      clock: () => now,
      historyDays: 3,
      batchSize: 500,
      tickMs: 5,
      faults: false,
      emit: async (events) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 0));
        batches.push(events);
        inFlight -= 1;
      },
    });
    await feed.start();
    const backfill = batches.flat();
    expect(feed.stats.caughtUp).toBe(true);
    expect(backfill[0]!.type).toBe('UnitRegistered');
    expect(backfill.some((e) => e.type === 'StaffRegistered')).toBe(true);
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(500);
    const generated = backfill.filter((e) => !e.id.startsWith('sim.unit.') && !e.id.startsWith('sim.staff.') && !e.id.startsWith('sim.key.') && !e.id.startsWith('sim.beds.') && !e.id.startsWith('sim.dim.'));
    const times = generated.map((e) => Date.parse(e.metadata!.occurredAt!));
    expect(Math.max(...times)).toBeLessThanOrEqual(START);
    // history of three days, and the schedules published before it that reach weeks past now
    expect(times.filter((t) => t >= START - 3 * 86_400_000).length).toBeGreaterThan(500);
    const shiftStarts = generated.filter((e) => e.type === 'ShiftScheduled').map((e) => Date.parse(e.data.start as string));
    expect(Math.max(...shiftStarts) - START).toBeGreaterThan(6 * 7 * 86_400_000);
    for (let i = 1; i < times.length; i += 1) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!);

    // two real minutes = two simulated hours (a shift change at 15:00 is not yet due)
    const before = batches.flat().length;
    now += 2 * 60_000;
    await new Promise((r) => setTimeout(r, 100));
    const live = batches.flat().slice(before);
    expect(live.length).toBeGreaterThan(0);
    for (const e of live) {
      const t = Date.parse(e.metadata!.occurredAt!);
      expect(t).toBeGreaterThan(START);
      expect(t).toBeLessThanOrEqual(START + 2 * 3_600_000);
    }
    await feed.stop();
    const stopped = batches.flat().length;
    now += 60 * 60_000;
    await new Promise((r) => setTimeout(r, 50));
    expect(batches.flat().length).toBe(stopped);
    expect(maxInFlight).toBe(1);
    expect(feed.stats.running).toBe(false);
  });

  it('resends the same events after a restart (ids are stable, so the store sees duplicates)', async () => {
    const hospital = createHospital({ scale: 'tiny', seed: 4 });
    const collect = async () => {
      const out: EventInput[] = [];
      const feed = new SimulatedFeed({ hospital, seed: 4, clock: () => START, historyDays: 1, faults: false, emit: async (e) => void out.push(...e) });
      await feed.start();
      await feed.stop();
      return out.map((e) => JSON.stringify(e));
    };
    const first = await collect();
    const second = await collect();
    expect(second).toEqual(first);
  });
});
