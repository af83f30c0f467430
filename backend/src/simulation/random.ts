/**
 * Counter-based randomness: every random decision of the simulation is a pure function of the seed, a tag naming
 * the decision and a few integers (unit, staff, day, …). Nothing is drawn from a shared stream, so any day can be
 * generated on its own, in any order, and gives the same answer (needed for streaming and for re-runs that must be
 * byte-identical).
 */

/** Avalanche mix of a 32-bit integer (lowbias32 by Chris Wellons). */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

const INV32 = 1 / 4_294_967_296;

/** 32-bit hash of the seed, a tag and up to three integers. */
export function hash32(seed: number, tag: number, a: number, b = 0, c = 0): number {
  let h = mix32(seed ^ Math.imul(tag + 0x632be5ab, 0x9e3779b1));
  h = mix32(h ^ a);
  h = mix32(h ^ Math.imul(b + 0x27d4eb2f, 0x165667b1));
  return mix32(h ^ Math.imul(c + 0x61c88647, 0x85ebca77));
}

/** A uniform number in [0, 1) fixed by the seed, a tag and up to three integers. */
export function u01(seed: number, tag: number, a: number, b = 0, c = 0): number {
  return hash32(seed, tag, a, b, c) * INV32;
}

/** FNV-1a over UTF-16 code units, then mixed: a stable 32-bit hash of a string. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i += 1) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** Any number or string seed as a 32-bit integer. */
export function seed32(seed: number | string): number {
  if (typeof seed === 'string') return hashString(seed);
  if (!Number.isFinite(seed)) throw new Error(`the seed must be a finite number, not ${seed}`);
  const int = Math.trunc(seed);
  const low = int % 4_294_967_296;
  const high = Math.floor(int / 4_294_967_296);
  return mix32((low >>> 0) ^ mix32(high >>> 0 ^ 0x5bd1e995));
}

/**
 * A small sequential generator (mulberry32) for loops inside one decision (a roster, a day's referrals). Seed it
 * from `hash32` so that the sequence too is a function of the decision's coordinates.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** uniform in [0, 1) */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) * INV32;
  }

  /** integer in [0, n) */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** integer in [lo, hi], both included */
  between(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Poisson-distributed count (Knuth for small means, a rounded normal approximation above 30). */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k += 1;
      p *= this.next();
    }
    return k;
  }

  /** standard normal (Box–Muller) */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

/** A sequential generator seeded by a decision's coordinates. */
export function rngFor(seed: number, tag: number, a: number, b = 0, c = 0): Rng {
  return new Rng(hash32(seed, tag, a, b, c));
}

/** Picks an index by weights with a uniform number u in [0, 1). */
export function weightedIndex(weights: readonly number[], u: number): number {
  let total = 0;
  for (const w of weights) total += w;
  let x = u * total;
  for (let i = 0; i < weights.length; i += 1) {
    x -= weights[i]!;
    if (x < 0) return i;
  }
  return weights.length - 1;
}

/**
 * Tags naming the independent random decisions. Each decision gets its own tag so that changing one part of the
 * model does not shift the randomness of another.
 */
export const Tag = {
  hospitalShape: 1,
  unitSize: 2,
  staffRate: 3,
  staffName: 4,
  staffPattern: 5,
  staffKids: 6,
  staffProneness: 7,
  unitOffset: 8,
  rosterJitter: 10,
  rosterOpen: 11,
  shiftChange: 12,
  shiftChangeLead: 13,
  shiftChangeDetail: 14,
  sickStart: 20,
  sickLength: 21,
  sickReport: 22,
  sickCorrection: 23,
  vabStart: 24,
  vabLength: 25,
  vabReport: 26,
  vacation: 27,
  christmas: 28,
  parental: 29,
  education: 30,
  poolAvailable: 40,
  hourlyAvailable: 41,
  agencyAvailable: 42,
  gapFill: 43,
  bookingLead: 44,
  bookingCancel: 45,
  bookingPick: 46,
  reserve: 47,
  clockIn: 50,
  clockOut: 51,
  clockMissing: 52,
  workCorrection: 53,
  onCall: 54,
  payrollCorrection: 55,
  census: 60,
  production: 61,
  forecast: 62,
  plan: 63,
  planRevision: 64,
  dimensioning: 65,
  override: 66,
  summerBeds: 67,
  referrals: 70,
  directBookings: 71,
  faultDuplicate: 80,
  faultInvalid: 81,
  faultKind: 82,
  demandOffset: 90,
} as const;
