import type { FastifyInstance } from 'fastify';
import {
  GapListFindingsParams,
  GapListParams,
  GapListResponse,
  ROLES_SEEING_ABSENCE_REASONS,
  StaffingOverviewParams,
  StaffingOverviewResponse,
  type GapListPerson,
  type Principal,
} from '@pks/contracts';
import {
  gapListFindings,
  queryGapList,
  queryStaffingOverview,
  resolveGapListPeriod,
  resolveOverviewPeriod,
  type GapListState,
  type ReferenceCatalogState,
  type StaffRosterState,
} from '@pks/projections';
import { z } from 'zod';
import type { AuditLog } from '../audit/audit-log.js';
import type { RouteDocs } from '../openapi/route-docs.js';
import type { ProjectionRunner } from '../projection-runner/projection-runner.js';
import { registerReadModelRoute } from './read-model-route.js';
import { resolveScope } from './scope.js';

export interface QueryRouteOptions {
  docs: RouteDocs;
  runner: ProjectionRunner;
  audit: AuditLog;
}

/** Absence reasons are health data: only entitled roles see them (DOMAIN.md §6). */
export function presentPeople<T extends Pick<GapListPerson, 'absenceKind'>>(principal: Principal, people: T[]): T[] {
  if (ROLES_SEEING_ABSENCE_REASONS.includes(principal.role)) return people;
  return people.map((p) => (p.absenceKind === null ? p : { ...p, absenceKind: null }));
}

/** The read-model routes under /api/v1, each scoped by unit, department or pool. */
export async function queryRoutes(app: FastifyInstance, options: QueryRouteOptions): Promise<void> {
  const { runner, docs, audit } = options;
  const catalog = () => runner.state<ReferenceCatalogState>('reference-catalog');

  registerReadModelRoute(app, docs, runner, {
    path: '/api/v1/gap-list',
    summary: 'Gap list (lucklista): requirement vs staffed per unit × date × slot × competence',
    description:
      'For one unit, or all units of a department or pool within your scope, for an ISO week (default: the current week) or a date range: minimum and target from the staffing keys, scheduled, booked, absent, staffed, open shifts, plus/minus against minimum and target; weekly sums; beds; totals; the people of each cell and who clocked in. Absence reasons only for roles entitled to health data; reading people is audited.',
    params: GapListParams,
    response: GapListResponse,
    csvName: 'gap-list',
    handle(principal, params, now) {
      const unitIds = resolveScope(principal, catalog(), params);
      const period = resolveGapListPeriod(params, now);
      const result = queryGapList(runner.state<GapListState>('gap-list'), {
        unitIds,
        ...period,
        competence: params.competence ?? null,
        ...(params.unitId !== undefined && { unitId: params.unitId }),
        ...(params.departmentId !== undefined && { departmentId: params.departmentId }),
        ...(params.poolId !== undefined && { poolId: params.poolId }),
      }, now);
      if (result.people.length > 0) audit.record(principal, 'read:gap-list-people', { unitIds, from: period.from, to: period.to, people: result.people.length });
      return { ...result, people: presentPeople(principal, result.people) };
    },
  });

  registerReadModelRoute(app, docs, runner, {
    path: '/api/v1/gap-list/findings',
    summary: 'Data-quality findings of a unit (double bookings, unknown slots, …)',
    description: 'Findings are counted once in the gap list and listed here, never silently dropped.',
    params: GapListFindingsParams,
    response: z.object({ position: z.number().int(), unitId: z.string(), from: z.string(), to: z.string(), rows: z.array(z.record(z.string(), z.unknown())) }),
    csvName: 'gap-list-findings',
    handle(principal, params, now) {
      const [unitId] = resolveScope(principal, catalog(), { unitId: params.unitId });
      const period = resolveGapListPeriod(params, now);
      return { unitId: unitId!, from: period.from, to: period.to, rows: gapListFindings(runner.state<GapListState>('gap-list'), unitId!, period.from, period.to) };
    },
  });

  registerReadModelRoute(app, docs, runner, {
    path: '/api/v1/staffing-overview',
    summary: 'Staffing centre: shortages and surpluses across a pool, open shifts, pool staff',
    description:
      'For every unit of a staffing-centre pool (or a department) for the next days: the slots below minimum or target and those with a surplus, per competence, by urgency; open shifts; pool staff with their assignments and free slots (absence shown as dates only, never the reason).',
    params: StaffingOverviewParams,
    response: StaffingOverviewResponse,
    roles: ['staffing-centre', 'tactical', 'admin'],
    csvName: 'staffing-overview',
    handle(principal, params, now) {
      const unitIds = resolveScope(principal, catalog(), params);
      const period = resolveOverviewPeriod(params, now);
      const gap = queryGapList(runner.state<GapListState>('gap-list'), { unitIds, from: period.from, to: period.to, competence: params.competence ?? null }, now);
      const result = queryStaffingOverview(gap.rows, runner.state<StaffRosterState>('staff-roster'), {
        unitIds,
        ...period,
        ...(params.poolId !== undefined && { poolId: params.poolId }),
        ...(params.departmentId !== undefined && { departmentId: params.departmentId }),
        competence: params.competence ?? null,
      }, now);
      audit.record(principal, 'read:pool-staff', { unitIds, from: period.from, to: period.to, staff: result.poolStaff.length });
      return result;
    },
  });
}
