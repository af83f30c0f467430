import type { FastifyInstance } from 'fastify';
import {
  ChppdParams,
  ChppdResponse,
  GapListFindingsParams,
  GapListFindingsResponse,
  GapListParams,
  GapListResponse,
  OutcomeVsPlanParams,
  OutcomeVsPlanResponse,
  PerformedTimeFindingsParams,
  PerformedTimeFindingsResponse,
  PerformedTimeParams,
  PerformedTimeResponse,
  ScheduleVsPlanParams,
  ScheduleVsPlanResponse,
  StaffVolumeParams,
  StaffVolumeResponse,
  ROLES_SEEING_ABSENCE_REASONS,
  StaffingOverviewParams,
  StaffingOverviewResponse,
  type GapListPerson,
  type LiveModel,
  type Principal,
} from '@pks/contracts';
import {
  gapListFindings,
  listPerformedTimeFindings,
  queryChppd,
  queryOutcomeVsPlan,
  queryPerformedTime,
  queryScheduleVsPlan,
  queryStaffVolume,
  resolveStaffTimePeriod,
  toChppdQuery,
  toPerformedTimeQuery,
  toStaffVolumeQuery,
  type OutcomeVsPlanState,
  type PerformedTimeState,
  type ScheduleVsPlanState,
  queryGapList,
  queryStaffingOverview,
  resolveGapListPeriod,
  resolveOverviewPeriod,
  type GapListState,
  type ReferenceCatalogState,
  type StaffRosterState,
} from '@pks/projections';
import { AuthError } from '../auth/token-verifier.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { RouteDocs } from '../openapi/route-docs.js';
import type { ProjectionRunner } from '../projection-runner/projection-runner.js';
import { AnswerCache, registerReadModelRoute, type CachedRead, type ReadModelRoute } from './read-model-route.js';
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

/** A read model answered over HTTP (and, with `model`, live over the socket). */
export interface ReadModelDefinition<P = any> extends ReadModelRoute<P> {
  /** the live model name, when sockets may subscribe to it */
  model?: LiveModel;
  /** the units a principal's query covers (scope-checked) */
  scope(principal: Principal, params: P): string[];
}

const QUARTER_HOUR_MS = 15 * 60_000;

/** Every read model: its HTTP route, scope and query. */
export function readModelDefinitions(runner: ProjectionRunner, audit: AuditLog): ReadModelDefinition[] {
  const defs: ReadModelDefinition[] = [];
  const catalog = () => runner.state<ReferenceCatalogState>('reference-catalog');
  const scoped = (principal: Principal, params: { unitId?: string | undefined; departmentId?: string | undefined; poolId?: string | undefined }) => resolveScope(principal, catalog(), params);

  /** the gap list for one caller: scope checked now; the answer depends on the units, the period, the competence and whether the role sees absence reasons */
  const gapListRead = (principal: Principal, params: GapListParams, now: string): CachedRead<{ people: number }> & { served(facts: { people: number }): void } => {
    const unitIds = scoped(principal, params);
    const period = resolveGapListPeriod(params, now);
    return {
      key: JSON.stringify([params, unitIds, period, ROLES_SEEING_ABSENCE_REASONS.includes(principal.role)]),
      compute() {
        const result = queryGapList(runner.state<GapListState>('gap-list'), {
          unitIds,
          ...period,
          competence: params.competence ?? null,
          ...(params.unitId !== undefined && { unitId: params.unitId }),
          ...(params.departmentId !== undefined && { departmentId: params.departmentId }),
          ...(params.poolId !== undefined && { poolId: params.poolId }),
        }, now);
        return { answer: { ...result, people: presentPeople(principal, result.people) }, facts: { people: result.people.length } };
      },
      // every read of person-level data is audited, from the cache or not
      served(facts) {
        if (facts.people > 0) audit.record(principal, 'read:gap-list-people', { unitIds, from: period.from, to: period.to, people: facts.people });
      },
    };
  };

  defs.push({
    model: 'gap-list',
    scope: scoped,
    path: '/api/v1/gap-list',
    summary: 'Gap list (lucklista): requirement vs staffed per unit × date × slot × competence',
    description:
      'For one unit, or all units of a department or pool within your scope, for an ISO week (default: the current week) or a date range: minimum and target from the staffing keys, scheduled, booked, absent, staffed, open shifts, plus/minus against minimum and target; weekly sums; beds; totals; the people of each cell and who clocked in. Absence reasons only for roles entitled to health data; reading people is audited.',
    params: GapListParams,
    response: GapListResponse,
    csvName: 'gap-list',
    handle(principal, params, now) {
      const read = gapListRead(principal, params, now);
      const { answer, facts } = read.compute();
      read.served(facts);
      return answer;
    },
    cached: (principal, params, now) => gapListRead(principal, params, now),
  });

  defs.push({
    scope: (principal, params) => scoped(principal, { unitId: params.unitId }),
    path: '/api/v1/gap-list/findings',
    summary: 'Data-quality findings of a unit (double bookings, unknown slots, …)',
    description: 'Findings are counted once in the gap list and listed here, never silently dropped.',
    params: GapListFindingsParams,
    response: GapListFindingsResponse,
    csvName: 'gap-list-findings',
    handle(principal, params, now) {
      const [unitId] = scoped(principal, { unitId: params.unitId });
      const period = resolveGapListPeriod(params, now);
      return { unitId: unitId!, from: period.from, to: period.to, rows: gapListFindings(runner.state<GapListState>('gap-list'), unitId!, period.from, period.to) };
    },
  });

  const echo = (params: { unitId?: string | undefined; departmentId?: string | undefined; poolId?: string | undefined }) => ({
    ...(params.unitId !== undefined && { unitId: params.unitId }),
    ...(params.departmentId !== undefined && { departmentId: params.departmentId }),
    ...(params.poolId !== undefined && { poolId: params.poolId }),
  });
  const staffTime = () => runner.state<PerformedTimeState>('performed-time');
  const healthDataAllowed = (principal: Principal, what: string) => {
    if (!ROLES_SEEING_ABSENCE_REASONS.includes(principal.role)) {
      throw new AuthError(`${what} by reason is health data; your role '${principal.role}' sees absence as one total`, 403);
    }
  };

  defs.push({
    model: 'performed-time',
    scope: scoped,
    path: '/api/v1/performed-time',
    summary: 'Performed time (utförd tid) by hour, day, week or month, grouped by any dimension',
    description:
      'Hours worked, periodised to the local day and hour in which they were worked: clock-in/out where present, otherwise scheduled minus absence, plus registered extra time and payroll-style hour reports. Group by unit, activity (levels 1–3), competence, employment form, kind. Absence by reason only for roles entitled to health data.',
    params: PerformedTimeParams,
    response: PerformedTimeResponse,
    csvName: 'performed-time',
    handle(principal, params, now) {
      const unitIds = scoped(principal, params);
      if (params.includeAbsence === 'by-reason') healthDataAllowed(principal, 'absence');
      return queryPerformedTime(staffTime(), toPerformedTimeQuery(staffTime(), params, unitIds, now), now);
    },
  });

  defs.push({
    scope: (principal, params) => scoped(principal, { unitId: params.unitId }),
    path: '/api/v1/performed-time/findings',
    summary: 'Data-quality findings of performed time (unmatched clock events, double bookings)',
    description: 'What the performed-time projection could not place, per unit and period.',
    params: PerformedTimeFindingsParams,
    response: PerformedTimeFindingsResponse,
    csvName: 'performed-time-findings',
    handle(principal, params, now) {
      const [unitId] = scoped(principal, { unitId: params.unitId });
      const { from, to } = resolveStaffTimePeriod(params, now);
      return { unitId: unitId!, from, to, rows: listPerformedTimeFindings(staffTime(), unitId!, from, to) };
    },
  });

  defs.push({
    model: 'staff-volume',
    scope: scoped,
    path: '/api/v1/staff-volume',
    summary: 'Staff volume: FTE (helårsarbete), production presence (ProdN) and dimensioned presence',
    description:
      'Per unit, month (week or period) and staff category: hours ÷ (calendar days × 5.45). FTE counts employees’ presence and absence, without agency staff and external residents; ProdN counts presence only, with them; compared with the dimensioned presence.',
    params: StaffVolumeParams,
    response: StaffVolumeResponse,
    csvName: 'staff-volume',
    handle(principal, params, now) {
      const unitIds = scoped(principal, params);
      if (params.absenceByReason) healthDataAllowed(principal, 'absence');
      return queryStaffVolume(staffTime(), toStaffVolumeQuery(staffTime(), params, unitIds, now), now);
    },
  });

  defs.push({
    model: 'chppd',
    scope: scoped,
    path: '/api/v1/chppd',
    summary: 'Care hours per patient day (CHPPD)',
    description: 'Care staff hours ÷ the sum of the daily midnight census over the same days, per competence and in total, per day, week, month, quarter or period; days without census are listed.',
    params: ChppdParams,
    response: ChppdResponse,
    csvName: 'chppd',
    handle(principal, params, now) {
      const unitIds = scoped(principal, params);
      return queryChppd(staffTime(), toChppdQuery(staffTime(), params, unitIds, now), now);
    },
  });

  /**
   * Schedule vs plan for one caller: scope checked now. The answer depends on the units and the parameters, and on
   * `now` only through the current week and today in each unit's time zone: the key has the quarter hour of `now`
   * (every time zone's date changes on a quarter hour of UTC). No person-level data.
   */
  const scheduleVsPlanRead = (principal: Principal, params: ScheduleVsPlanParams, now: string): CachedRead => {
    const unitIds = scoped(principal, params);
    return {
      key: JSON.stringify([params, unitIds, Math.floor(Date.parse(now) / QUARTER_HOUR_MS)]),
      compute: () => ({
        answer: queryScheduleVsPlan(
          runner.state<ScheduleVsPlanState>('schedule-vs-plan'),
          runner.state<GapListState>('gap-list'),
          { unitIds, from: params.from, to: params.to, weeksBack: params.weeksBack, weeksAhead: params.weeksAhead, targetRatio: params.targetRatio, weeksAheadGoal: params.weeksAheadGoal, ...echo(params) },
          now,
        ),
        facts: null,
      }),
    };
  };

  defs.push({
    model: 'schedule-vs-plan',
    scope: scoped,
    path: '/api/v1/schedule-vs-plan',
    summary: 'Schedule vs production plan per ISO week, 12 weeks back and ahead',
    description:
      'Per unit and week: plan hours, scheduled hours per activity, patient-booked hours, to plan (waiting, target date in the week), waited too long, the ratio schedule ÷ plan against the target (1.10), and how many weeks ahead the schedule reaches.',
    params: ScheduleVsPlanParams,
    response: ScheduleVsPlanResponse,
    csvName: 'schedule-vs-plan',
    handle(principal, params, now) {
      return scheduleVsPlanRead(principal, params, now).compute().answer;
    },
    cached: (principal, params, now) => scheduleVsPlanRead(principal, params, now),
  });

  defs.push({
    model: 'outcome-vs-plan',
    scope: scoped,
    path: '/api/v1/outcome-vs-plan',
    summary: 'Outcome vs plan and forecast error, rolling 12 months',
    description:
      'Per unit and month (or week): plan, outcome, deviation = outcome − plan; forecast, inflow, forecast error = inflow − forecast; running sums over a rolling 12 months; classified random or systematic by the tracking signal Σ error ÷ mean absolute error (|TS| > 4 = systematic).',
    params: OutcomeVsPlanParams,
    response: OutcomeVsPlanResponse,
    csvName: 'outcome-vs-plan',
    handle(principal, params, now) {
      const unitIds = scoped(principal, params);
      return queryOutcomeVsPlan(
        runner.state<OutcomeVsPlanState>('outcome-vs-plan'),
        { unitIds, granularity: params.granularity, from: params.from, to: params.to, measure: params.measure, activity: params.activity, trackingSignalLimit: params.trackingSignalLimit, minPeriods: params.minPeriods, ...echo(params) },
        now,
      );
    },
  });

  defs.push({
    model: 'staffing-overview',
    scope: scoped,
    path: '/api/v1/staffing-overview',
    summary: 'Staffing centre: shortages and surpluses across a pool, open shifts, pool staff',
    description:
      'For every unit of a staffing-centre pool (or a department) for the next days: the slots below minimum or target and those with a surplus, per competence, by urgency; open shifts; pool staff with their assignments and free slots (absence shown as dates only, never the reason).',
    params: StaffingOverviewParams,
    response: StaffingOverviewResponse,
    roles: ['staffing-centre', 'tactical', 'admin'],
    csvName: 'staffing-overview',
    handle(principal, params, now) {
      const unitIds = scoped(principal, params);
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
  return defs;
}

/** The read-model routes under /api/v1, each scoped by unit, department or pool. */
export async function queryRoutes(app: FastifyInstance, options: QueryRouteOptions): Promise<void> {
  // one cache of serialised answers for every route (entries keyed by route), emptied whenever the log position moves
  const cache = new AnswerCache();
  for (const def of readModelDefinitions(options.runner, options.audit)) registerReadModelRoute(app, options.docs, options.runner, def, cache);
}
