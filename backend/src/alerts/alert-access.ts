import type { AlertAudienceFilter, AlertsParams, Principal } from '@pks/contracts';
import { mayAccessAlert, type AlertLike, type AlertQuery, type AlertUnitScope, type ReferenceCatalogState } from '@pks/projections';
import { AuthError } from '../auth/token-verifier.js';
import { readableUnits, resolveScope } from '../queries/scope.js';

/** Where a unit belongs (department, pool), for alert scope checks. */
export function unitScopeOf(catalog: ReferenceCatalogState, unitId: string): AlertUnitScope | undefined {
  const unit = catalog.units.get(unitId);
  return unit ? { unitId, departmentId: unit.departmentId, poolId: unit.poolId } : undefined;
}

/**
 * The audience a principal's alert list shows. Managers and the staffing centre: their own level only (alerts are
 * pushed to the roles concerned). Tactical: its own level by default, any level (or all) on request: the history of
 * its department. Admin: all by default.
 */
export function audienceFor(principal: Principal, requested: AlertAudienceFilter | undefined): AlertAudienceFilter {
  switch (principal.role) {
    case 'manager':
    case 'staffing-centre':
      if (requested !== undefined && requested !== principal.role) throw new AuthError(`your role '${principal.role}' sees the alerts addressed to it (audience=${principal.role})`, 403);
      return principal.role;
    case 'tactical':
      return requested ?? 'tactical';
    case 'admin':
      return requested ?? 'all';
    case 'integration':
      throw new AuthError('integration clients have no access to alerts', 403);
  }
}

/** The units an alert query covers (a unit, department or pool within scope; none given = every readable unit). */
export function alertUnits(principal: Principal, catalog: ReferenceCatalogState, params: Pick<AlertsParams, 'unitId' | 'departmentId' | 'poolId'>): string[] {
  if (params.unitId === undefined && params.departmentId === undefined && params.poolId === undefined) return readableUnits(principal, catalog).map((u) => u.unitId);
  return resolveScope(principal, catalog, params);
}

/** The query of a principal's alert list (HTTP and live), with its visibility check. */
export function alertQueryFor(principal: Principal, catalog: ReferenceCatalogState, params: AlertsParams): AlertQuery {
  const audience = audienceFor(principal, params.audience);
  return {
    unitIds: alertUnits(principal, catalog, params),
    status: params.status,
    audience,
    rule: params.rule,
    from: params.from,
    to: params.to,
    limit: params.limit,
    visible: (record: AlertLike) => mayAccessAlert(principal, record, unitScopeOf(catalog, record.unitId)),
    unitName: (unitId) => catalog.units.get(unitId)?.name ?? null,
  };
}
