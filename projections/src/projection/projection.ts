import type { DomainEvent, StoredEvent } from '@pks/contracts';
import { isEventType } from '@pks/contracts';

/**
 * A change a projection made to its read model: which unit it concerns (for routing and scoping live pushes; null
 * for organisation-wide data) and which cell, so the live gateway can send just the rows that changed.
 */
export interface Change {
  /** the read model, e.g. 'gap-list' */
  readonly model: string;
  readonly unitId: string | null;
  /** identifies the cell within the model and unit, e.g. '2026-11-23|dag|SSK' */
  readonly key: string;
}

/**
 * A projection: `evolve(state, event)` folds one event into the state and returns the changes it made.
 * Deterministic and free of I/O and clock reads; time comes in with the event. For speed the state is mutated in
 * place rather than copied (the runner owns it and never shares it while evolving), and it must be structured-clone
 * serialisable (plain objects, arrays, Maps, Sets) so the runner can snapshot it.
 */
export interface Projection<S = unknown> {
  readonly name: string;
  /** bump when evolve changes meaning: snapshots of other versions are discarded and the projection is rebuilt */
  readonly version: number;
  initialState(): S;
  evolve(state: S, event: StoredEvent): readonly Change[];
}

export const NO_CHANGES: readonly Change[] = Object.freeze([]);

/** The event typed by its catalogue type, or null for types outside the catalogue. */
export function asDomainEvent(event: StoredEvent): DomainEvent | null {
  return isEventType(event.type) ? (event as DomainEvent) : null;
}

/** Folds events into a fresh state: for tests (given/when/then) and rebuilds. */
export function project<S>(projection: Projection<S>, events: Iterable<StoredEvent>, state: S = projection.initialState()): S {
  for (const event of events) projection.evolve(state, event);
  return state;
}
