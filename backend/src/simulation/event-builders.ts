import type { EventInput } from '@pks/contracts';
import { isoOf } from './local-calendar.js';

/**
 * The source systems the simulated events come from (metadata.sourceSystem). Real regions feed the product from a
 * scheduling system, a time clock, HR and payroll, a staffing centre, patient administration and planning tools.
 */
export const SOURCE = {
  organisation: 'sim.organisation',
  hr: 'sim.hr',
  schedule: 'sim.schedule',
  clock: 'sim.time-clock',
  time: 'sim.time-reporting',
  staffing: 'sim.staffing-centre',
  payroll: 'sim.payroll',
  patients: 'sim.patient-admin',
  planning: 'sim.planning',
  outcome: 'sim.bi',
} as const;

/** Every simulated event id starts with this (event ids are the sources' idempotency keys). */
export const EVENT_ID_PREFIX = 'sim.';

/** Renders a deferred record into its event (shared functions, not one closure per record). */
export type Renderer = (r: Rec) => EventInput;

/**
 * A generated event with its instant and how long it stays relevant (for the prologue). Most events are kept as
 * small deferred records (a renderer and a few numbers) until they are yielded, so that the day's events do not all
 * live at once and die young for the garbage collector.
 */
export interface Rec {
  /** metadata.occurredAt as epoch ms */
  ms: number;
  /** the event still matters for state after this instant (e.g. a shift's end); used to pick the prologue */
  until: number;
  ev: EventInput | null;
  fn: Renderer | null;
  a: number;
  b: number;
  c: number;
  d: number;
  s: string | null;
}

export function rec(ms: number, until: number, ev: EventInput): Rec {
  return { ms, until, ev, fn: null, a: 0, b: 0, c: 0, d: 0, s: null };
}

export function deferred(ms: number, until: number, fn: Renderer, a = 0, b = 0, c = 0, d = 0, s: string | null = null): Rec {
  return { ms, until, ev: null, fn, a, b, c, d, s };
}

export function render(r: Rec): EventInput {
  return r.ev ?? r.fn!(r);
}

/** An EventInput with the simulation's id prefix and metadata (always in this key order, for byte-identical output). */
export function event(id: string, type: string, data: Record<string, unknown>, ms: number, source: string, causationId?: string): EventInput {
  return {
    id: EVENT_ID_PREFIX + id,
    type,
    data,
    metadata: causationId === undefined ? { sourceSystem: source, occurredAt: isoOf(ms) } : { sourceSystem: source, occurredAt: isoOf(ms), causationId },
  };
}

/** Rounds to 2 decimals (hours, FTE). */
export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Rounds an instant up to the next quarter hour. */
export function ceilQuarter(ms: number): number {
  const q = 15 * 60_000;
  return Math.ceil(ms / q) * q;
}
