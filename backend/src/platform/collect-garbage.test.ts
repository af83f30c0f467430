import { describe, expect, it } from 'vitest';
import { collectGarbage } from './collect-garbage.js';

describe('collectGarbage', () => {
  it('given 200,000 objects that just became garbage, when called, then the heap shrinks by most of them', () => {
    let garbage: { i: number; s: string }[] | null = [];
    for (let i = 0; i < 200_000; i += 1) garbage.push({ i, s: `row ${i}` });
    const withGarbage = process.memoryUsage().heapUsed;
    garbage = null;
    expect(collectGarbage()).toBe(true);
    const after = process.memoryUsage().heapUsed;
    // 200,000 objects and strings take well over 10 MB; a full collection frees them at once
    expect(withGarbage - after).toBeGreaterThan(10 * 1024 * 1024);
    expect(collectGarbage()).toBe(true);
  });
});
