import { GapListParams, ROLES_SEEING_ABSENCE_REASONS, StaffingOverviewParams, type GapListPerson, type LiveModel } from '@pks/contracts';
import {
  gapListCells,
  queryGapList,
  queryStaffingOverview,
  resolveGapListPeriod,
  resolveOverviewPeriod,
  type GapListState,
  type ReferenceCatalogState,
  type StaffRosterState,
} from '@pks/projections';
import type { AuditLog } from '../audit/audit-log.js';
import { AuthError } from '../auth/token-verifier.js';
import type { ProjectionRunner } from '../projection-runner/projection-runner.js';
import { presentPeople, readModelDefinitions } from '../queries/query-routes.js';
import { resolveScope } from '../queries/scope.js';
import type { LiveModelHandler } from './live-gateway.js';
import type { CellRows } from './live-publisher.js';
import { alertCellRows, alertLiveHandler } from '../alerts/alert-live.js';

/** Rows the publisher sends for changed cells, per model (null: receivers refetch). */
export function liveCellRows(runner: ProjectionRunner): Partial<Record<LiveModel, CellRows>> {
  return {
    'gap-list': (unitId, keys) => {
      const { cells, people, refetch } = gapListCells(runner.state<GapListState>('gap-list'), unitId, keys);
      if (refetch) return null;
      const byKey = new Map<string, GapListPerson[]>();
      for (const p of people) {
        let list = byKey.get(p.key);
        if (!list) byKey.set(p.key, (list = []));
        list.push(p);
      }
      return cells.map((cell) => ({ ...cell, people: byKey.get(cell.key) ?? [] }));
    },
    'staffing-overview': () => null,
    'performed-time': () => null,
    'staff-volume': () => null,
    chppd: () => null,
    'schedule-vs-plan': () => null,
    'outcome-vs-plan': () => null,
    alerts: alertCellRows(runner),
  };
}

/** Models whose live updates are refetch hints: the client reloads the view (throttled) when its units change. */
const REFETCH_MODELS: readonly LiveModel[] = ['performed-time', 'staff-volume', 'chppd', 'schedule-vs-plan', 'outcome-vs-plan'];

function refetchHandlers(runner: ProjectionRunner, audit: AuditLog): LiveModelHandler[] {
  return readModelDefinitions(runner, audit)
    .filter((def) => def.model !== undefined && REFETCH_MODELS.includes(def.model))
    .map((def) => ({
      model: def.model!,
      listensTo: def.model === 'schedule-vs-plan' ? ['schedule-vs-plan', 'gap-list'] : [def.model!],
      open(principal, raw) {
        if (def.roles && !def.roles.includes(principal.role)) throw new AuthError(`role '${principal.role}' may not read ${def.model}`, 403);
        const params = def.params.parse(raw);
        const unitIds = def.scope(principal, params);
        return {
          unitIds,
          accepts: () => true,
          snapshot: (at: string) => def.handle(principal, params, at),
          // updates are refetch hints naming positions, keys and units only: the same for every subscriber of these units
          shareKey: JSON.stringify(unitIds),
        };
      },
    }));
}

/** The live models a socket may subscribe to, with their scope checks and snapshots. */
export function liveModelHandlers(runner: ProjectionRunner, audit: AuditLog): LiveModelHandler[] {
  const catalog = () => runner.state<ReferenceCatalogState>('reference-catalog');
  return [
    ...refetchHandlers(runner, audit),
    alertLiveHandler(runner),
    {
      model: 'gap-list',
      open(principal, raw) {
        const params = GapListParams.parse(raw);
        const unitIds = resolveScope(principal, catalog(), params);
        const now = new Date().toISOString();
        const period = resolveGapListPeriod(params, now);
        return {
          unitIds,
          accepts: (row) => typeof row.date === 'string' && row.date >= period.from && row.date <= period.to && (params.competence === undefined || row.competence === params.competence),
          snapshot: (at) => {
            const result = queryGapList(runner.state<GapListState>('gap-list'), { unitIds, ...period, competence: params.competence ?? null }, at);
            if (result.people.length > 0) audit.record(principal, 'live:gap-list-people', { unitIds, from: period.from, to: period.to });
            return { ...result, people: presentPeople(principal, result.people) };
          },
          present: (rows) => rows.map((r) => (Array.isArray(r.people) ? { ...r, people: presentPeople(principal, r.people as GapListPerson[]) } : r)),
          // rows depend on the units, the period, the competence and (presentation) whether the role sees absence reasons
          shareKey: JSON.stringify([unitIds, period.from, period.to, params.competence ?? null, ROLES_SEEING_ABSENCE_REASONS.includes(principal.role)]),
        };
      },
    },
    {
      model: 'staffing-overview',
      listensTo: ['staffing-overview', 'gap-list'],
      open(principal, raw) {
        if (principal.role === 'manager') throw new AuthError('the staffing overview is for the staffing centre, the tactical level and admins', 403);
        const params = StaffingOverviewParams.parse(raw);
        const unitIds = resolveScope(principal, catalog(), params);
        return {
          unitIds,
          accepts: () => true,
          // updates are refetch hints (positions, keys, units of the scope): the same for every subscriber of these units
          shareKey: JSON.stringify(unitIds),
          snapshot: (at) => {
            const period = resolveOverviewPeriod(params, at);
            const gap = queryGapList(runner.state<GapListState>('gap-list'), { unitIds, ...period, competence: params.competence ?? null }, at);
            return queryStaffingOverview(gap.rows, runner.state<StaffRosterState>('staff-roster'), { unitIds, ...period, ...(params.poolId !== undefined && { poolId: params.poolId }), ...(params.departmentId !== undefined && { departmentId: params.departmentId }), competence: params.competence ?? null }, at);
          },
        };
      },
    },
  ];
}
