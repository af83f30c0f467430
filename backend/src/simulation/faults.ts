import type { EventInput } from '@pks/contracts';
import { hashString, mix32 } from './random.js';

export interface FaultOptions {
  /** share of events followed by an invalid sibling (default 0.0005); 0 = none */
  invalidRate?: number;
  /** share of events re-sent at once, same id and content (default 0.001); 0 = none */
  duplicateRate?: number;
}

export const DEFAULT_FAULTS: Required<FaultOptions> = { invalidRate: 0.0005, duplicateRate: 0.001 };

/** Invalid events carry this id suffix and metadata.correlationId `sim.invalid.<kind>`. */
export const INVALID_ID_SUFFIX = '~invalid';
export const INVALID_CORRELATION_PREFIX = 'sim.invalid.';

export type InvalidKind =
  | 'end-before-start'
  | 'unknown-competence'
  | 'unknown-unit'
  | 'unknown-slot'
  | 'impossible-instant'
  | 'negative-count'
  | 'date-and-month'
  | 'missing-field';

const marks = new WeakMap<object, 'invalid' | 'duplicate'>();

/**
 * What a generated event is when it is an intentional fault: 'invalid' (an event a real feed gets wrong: end before
 * start, unknown competence, unit or slot, an instant that does not exist, …) or 'duplicate' (the previous event
 * re-sent unchanged). Works on the objects the generator yields; after serialisation tell them apart by the id
 * suffix `~invalid` (or correlationId `sim.invalid.*`) and by an id seen before.
 */
export function simulatedFault(event: EventInput): 'invalid' | 'duplicate' | null {
  return marks.get(event) ?? (isSimulatedInvalid(event) ? 'invalid' : null);
}

export function isSimulatedInvalid(event: { id?: unknown }): boolean {
  return typeof event.id === 'string' && event.id.endsWith(INVALID_ID_SUFFIX);
}

/** Decides, from the event id and the seed only, which events get a duplicate or an invalid sibling. */
export class FaultInjector {
  private readonly invalidRate: number;
  private readonly duplicateRate: number;

  constructor(
    private readonly seed: number,
    options: FaultOptions | false | undefined,
  ) {
    const o = options === false ? { invalidRate: 0, duplicateRate: 0 } : { ...DEFAULT_FAULTS, ...options };
    this.invalidRate = o.invalidRate;
    this.duplicateRate = o.duplicateRate;
  }

  get enabled(): boolean {
    return this.invalidRate > 0 || this.duplicateRate > 0;
  }

  /** Events to send right after `event` (none, usually). */
  after(event: EventInput): EventInput[] | null {
    const h = mix32(hashString(event.id) ^ this.seed);
    const uDup = h / 4_294_967_296;
    const h2 = mix32(h ^ 0x2545f491);
    const uInvalid = h2 / 4_294_967_296;
    const uKind = mix32(h2 ^ 0x9e3779b9) / 4_294_967_296;
    let out: EventInput[] | null = null;
    if (uDup < this.duplicateRate) {
      const copy = JSON.parse(JSON.stringify(event)) as EventInput;
      marks.set(copy, 'duplicate');
      out = [copy];
    }
    if (uInvalid < this.invalidRate) {
      const bad = corrupt(event, uKind);
      marks.set(bad, 'invalid');
      (out ??= []).push(bad);
    }
    return out;
  }
}

function corrupt(event: EventInput, u: number): EventInput {
  const data: Record<string, unknown> = { ...event.data };
  const options: InvalidKind[] = [];
  if (typeof data.start === 'string' && typeof data.end === 'string') options.push('end-before-start');
  if (typeof data.competence === 'string') options.push('unknown-competence');
  if (typeof data.unitId === 'string') options.push('unknown-unit');
  if (typeof data.slot === 'string' && event.type !== 'ShiftScheduled' && event.type !== 'ShiftChanged') options.push('unknown-slot');
  if (typeof data.at === 'string') options.push('impossible-instant');
  if (typeof data.patients === 'number') options.push('negative-count');
  if (event.type === 'HoursReported') options.push('date-and-month');
  options.push('missing-field');
  const kind = options[Math.floor(u * options.length)]!;
  switch (kind) {
    case 'end-before-start': {
      const start = data.start;
      data.start = data.end;
      data.end = start;
      break;
    }
    case 'unknown-competence':
      data.competence = 'XYZ';
      break;
    case 'unknown-unit':
      data.unitId = 'X99-OKAND';
      break;
    case 'unknown-slot':
      data.slot = 'helg';
      break;
    case 'impossible-instant':
      data.at = `${String(data.at).slice(0, 4)}-02-30T07:00:00Z`;
      break;
    case 'negative-count':
      data.patients = -3;
      break;
    case 'date-and-month':
      data.month = String(data.date ?? '2026-01-01').slice(0, 7);
      break;
    case 'missing-field': {
      const first = Object.keys(data)[0];
      if (first !== undefined) delete data[first];
      break;
    }
  }
  return {
    id: event.id + INVALID_ID_SUFFIX,
    type: event.type,
    data,
    metadata: { ...(event.metadata ?? { sourceSystem: 'sim' }), correlationId: INVALID_CORRELATION_PREFIX + kind },
  };
}
