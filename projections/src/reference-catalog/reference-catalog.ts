import {
  DEFAULT_ACTIVITY_LABELS,
  DEFAULT_COMPETENCES,
  type EventType,
  type NewEvent,
  type StaffCategory,
  type StoredEvent,
  type ValidationIssue,
} from '@pks/contracts';
import { asDomainEvent, NO_CHANGES, type Change, type Projection } from '../projection/projection.js';

export interface CompetenceInfo {
  code: string;
  name: string;
  nameEn: string | null;
  category: StaffCategory;
  careStaff: boolean;
}

export interface ActivityLabelInfo {
  code: string;
  level: 1 | 2 | 3;
  name: string;
  nameEn: string | null;
  parent: string | null;
}

export interface CatalogUnit {
  unitId: string;
  name: string;
  departmentId: string;
  departmentName: string | null;
  kind: string;
  poolId: string | null;
  slots: string[];
}

/** What ingest checks references against: competences, activity labels, units and their slots. */
export interface ReferenceCatalogState {
  competences: Map<string, CompetenceInfo>;
  labels: Map<string, ActivityLabelInfo>;
  units: Map<string, CatalogUnit>;
}

export function initialCatalog(): ReferenceCatalogState {
  return {
    competences: new Map(DEFAULT_COMPETENCES.map((c) => [c.code, { ...c, nameEn: c.nameEn }])),
    labels: new Map(DEFAULT_ACTIVITY_LABELS.map((l) => [l.code, { ...l, nameEn: l.nameEn }])),
    units: new Map(),
  };
}

export const REFERENCE_EVENT_TYPES: ReadonlySet<string> = new Set(['CompetenceDefined', 'ActivityLabelDefined', 'UnitRegistered']);

export function evolveCatalog(state: ReferenceCatalogState, event: Pick<StoredEvent, 'type' | 'data'>): boolean {
  const e = asDomainEvent(event as StoredEvent);
  if (!e) return false;
  switch (e.type) {
    case 'CompetenceDefined':
      state.competences.set(e.data.code, {
        code: e.data.code,
        name: e.data.name,
        nameEn: e.data.nameEn ?? null,
        category: e.data.category,
        careStaff: e.data.careStaff,
      });
      return true;
    case 'ActivityLabelDefined':
      state.labels.set(e.data.code, { code: e.data.code, level: e.data.level, name: e.data.name, nameEn: e.data.nameEn ?? null, parent: e.data.parent });
      return true;
    case 'UnitRegistered':
      state.units.set(e.data.unitId, {
        unitId: e.data.unitId,
        name: e.data.name,
        departmentId: e.data.departmentId,
        departmentName: e.data.departmentName ?? null,
        kind: e.data.kind,
        poolId: e.data.poolId ?? null,
        slots: e.data.slots.map((s) => s.code),
      });
      return true;
    default:
      return false;
  }
}

/** A copy that can take a batch's own reference events without touching the shared state. */
export function cloneCatalog(state: ReferenceCatalogState): ReferenceCatalogState {
  return { competences: new Map(state.competences), labels: new Map(state.labels), units: new Map(state.units) };
}

export const referenceCatalog: Projection<ReferenceCatalogState> = {
  name: 'reference-catalog',
  version: 2,
  initialState: initialCatalog,
  evolve(state, event): readonly Change[] {
    if (!REFERENCE_EVENT_TYPES.has(event.type)) return NO_CHANGES;
    evolveCatalog(state, event);
    const unitId = typeof event.data.unitId === 'string' ? event.data.unitId : null;
    return [{ model: 'reference-catalog', unitId, key: event.type }];
  },
};

/**
 * The checks a stateless schema cannot make: that competences, activity labels, units and slots an event names
 * exist. Returns no issues when everything it references is known.
 */
export function checkReferences(state: ReferenceCatalogState, event: NewEvent<EventType>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const d = event.data as Record<string, unknown>;
  const competence = (value: unknown, path: string) => {
    if (typeof value === 'string' && !state.competences.has(value)) {
      issues.push({ path, message: `unknown competence '${value}'; known: ${[...state.competences.keys()].join(', ')}` });
    }
  };
  const unit = (value: unknown, path: string): CatalogUnit | null => {
    if (typeof value !== 'string') return null;
    const found = state.units.get(value);
    if (!found) issues.push({ path, message: `unknown unit '${value}'; register it with UnitRegistered first` });
    return found ?? null;
  };
  const slot = (u: CatalogUnit | null, value: unknown, path: string) => {
    if (u && typeof value === 'string' && !u.slots.includes(value)) {
      issues.push({ path, message: `unknown slot '${value}' on unit ${u.unitId}; its slots are ${u.slots.join(', ')}` });
    }
  };
  const activity = (value: unknown, path: string, level3: boolean) => {
    if (typeof value !== 'string') return;
    const label = state.labels.get(value);
    if (!label) issues.push({ path, message: `unknown activity label '${value}'` });
    else if (level3 && label.level !== 3) issues.push({ path, message: `activity '${value}' is a level-${label.level} label; use a level-3 label` });
  };

  switch (event.type) {
    case 'CompetenceDefined':
    case 'UnitRegistered':
      break;
    case 'ActivityLabelDefined': {
      const parent = d.parent;
      if (typeof parent === 'string') {
        const p = state.labels.get(parent);
        if (!p) issues.push({ path: 'data.parent', message: `unknown parent label '${parent}'` });
        else if (p.level !== (d.level as number) - 1) issues.push({ path: 'data.parent', message: `the parent of a level-${String(d.level)} label must be a level-${(d.level as number) - 1} label` });
      }
      break;
    }
    case 'StaffRegistered':
      (d.competences as string[]).forEach((c, i) => competence(c, `data.competences[${i}]`));
      if (d.homeUnitId !== null) unit(d.homeUnitId, 'data.homeUnitId');
      break;
    case 'ShiftScheduled':
    case 'ShiftChanged': {
      const u = unit(d.unitId, 'data.unitId');
      competence(d.competence, 'data.competence');
      slot(u, d.slot, 'data.slot');
      activity(d.activity, 'data.activity', true);
      break;
    }
    case 'StaffingKeySet':
    case 'StaffingRequirementSet': {
      const u = unit(d.unitId, 'data.unitId');
      competence(d.competence, 'data.competence');
      slot(u, d.slot, 'data.slot');
      break;
    }
    case 'StaffBooked': {
      const u = unit(d.unitId, 'data.unitId');
      competence(d.competence, 'data.competence');
      slot(u, d.slot, 'data.slot');
      if (d.fromUnitId !== undefined) unit(d.fromUnitId, 'data.fromUnitId');
      break;
    }
    case 'WorkRegistered':
      unit(d.unitId, 'data.unitId');
      competence(d.competence, 'data.competence');
      activity(d.activity, 'data.activity', true);
      break;
    case 'HoursReported':
      unit(d.unitId, 'data.unitId');
      competence(d.competence, 'data.competence');
      activity(d.activity, 'data.activity', false);
      break;
    case 'ProductionPlanSet':
    case 'PatientBooked':
    case 'WaitlistEntryAdded':
    case 'ProductionRecorded':
    case 'InflowRecorded':
      unit(d.unitId, 'data.unitId');
      activity(d.activity, 'data.activity', false);
      break;
    default:
      if ('unitId' in d) unit(d.unitId, 'data.unitId');
  }
  return issues;
}
