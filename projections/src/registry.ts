import type { Projection } from './projection/projection.js';
import { eventsPerUnit } from './events-per-unit/events-per-unit.js';
import { referenceCatalog } from './reference-catalog/reference-catalog.js';

/** Every projection the runner keeps live, in the order they are applied. */
export function allProjections(): Projection<any>[] {
  return [referenceCatalog, eventsPerUnit];
}
