import type { StoredEvent } from '@pks/contracts';
import { describe, expect, it } from 'vitest';
import { catchUpSubscription, changeSignal } from './catch-up-subscription.js';

const event = (position: number): StoredEvent =>
  ({ position, id: `e${position}`, type: 'T', streamId: 's', revision: position - 1, data: {}, metadata: {} }) as unknown as StoredEvent;

/** a synchronous in-memory source with `head` events, resolving immediately like better-sqlite3 */
function source(head: number) {
  return {
    readAll: async (after: number, limit: number) => {
      const out: StoredEvent[] = [];
      for (let p = after + 1; p <= Math.min(head, after + limit); p += 1) out.push(event(p));
      return out;
    },
    waitForChange: (signal: AbortSignal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true })),
  };
}

describe('catch-up subscription', () => {
  it('delivers every event once, in order, from the given position', async () => {
    const seen: number[] = [];
    const sub = catchUpSubscription(source(2500), { from: 7, batchSize: 100, onEvents: (events) => void seen.push(...events.map((e) => e.position)) });
    while (seen.length < 2493) await new Promise((r) => setTimeout(r, 5));
    await sub.stop();
    expect(seen).toEqual(Array.from({ length: 2493 }, (_, i) => i + 8));
    expect(sub.catchingUp).toBe(false);
  });

  it('lets timers run during a long catch-up of a synchronous store (a server starting on a large log must not starve)', async () => {
    let delivered = 0;
    let deliveredWhenTimerFired = -1;
    const timer = new Promise<void>((resolve) =>
      setTimeout(() => {
        deliveredWhenTimerFired = delivered;
        resolve();
      }, 0),
    );
    const head = 200_000;
    const sub = catchUpSubscription(source(head), { from: 0, batchSize: 1000, onEvents: (events) => void (delivered += events.length) });
    await timer;
    // the timer fired while the catch-up was still going, not after the whole log
    expect(deliveredWhenTimerFired).toBeLessThan(head);
    while (delivered < head) await new Promise((r) => setTimeout(r, 5));
    await sub.stop();
    expect(delivered).toBe(head);
  });

  it('does not miss a change notified while it was reading: it reads again at once instead of waiting for the poll', async () => {
    // an asynchronous store (a network round trip): the append commits and notifies after the read took its snapshot
    const changes = changeSignal(60_000);
    let head = 0;
    const src = {
      readAll: async (after: number) => {
        const snapshot = head;
        await new Promise((r) => setTimeout(r, 5));
        if (after === 0 && head === 0) {
          head = 1;
          changes.notify();
        }
        const out: StoredEvent[] = [];
        for (let p = after + 1; p <= snapshot; p += 1) out.push(event(p));
        return out;
      },
      waitForChange: changes.waitForChange,
      version: changes.version,
    };
    const seen: number[] = [];
    const sub = catchUpSubscription(src, { from: 0, onEvents: (events) => void seen.push(...events.map((e) => e.position)) });
    const started = Date.now();
    while (seen.length < 1 && Date.now() - started < 2000) await new Promise((r) => setTimeout(r, 5));
    await sub.stop();
    expect(seen).toEqual([1]);
  });
});
