import type { Projection } from './projection/projection.js';
import { eventsPerUnit } from './events-per-unit/events-per-unit.js';
import { referenceCatalog } from './reference-catalog/reference-catalog.js';
import { staffRoster } from './staff-roster/staff-roster.js';
import { gapList } from './gap-list/gap-list.js';
import { scheduleVsPlan } from './schedule-vs-plan/schedule-vs-plan.js';
import { outcomeVsPlan } from './outcome-vs-plan/outcome-vs-plan.js';
import { performedTime } from './performed-time/performed-time-projection.js';
import { alerts } from './alerts/alerts-projection.js';

/** Every projection the runner keeps live, in the order they are applied. */
export function allProjections(): Projection<any>[] {
  return [referenceCatalog, eventsPerUnit, staffRoster, gapList, scheduleVsPlan, outcomeVsPlan, performedTime, alerts];
}
