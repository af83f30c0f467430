import type { Principal } from '@pks/contracts';
import type { CatalogUnit, ReferenceCatalogState } from '@pks/projections';
import { AuthError } from '../auth/token-verifier.js';
import { BodyError } from '../ingest/parse-ndjson.js';

/** May this principal read this unit? Managers: their units; staffing centre: units of their pools; tactical: their departments; admin: all. */
export function canReadUnit(principal: Principal, unit: CatalogUnit): boolean {
  switch (principal.role) {
    case 'admin':
      return true;
    case 'manager':
      return principal.units.includes(unit.unitId);
    case 'staffing-centre':
      return unit.poolId !== null && principal.pools.includes(unit.poolId);
    case 'tactical':
      return principal.departments.includes(unit.departmentId);
    case 'integration':
      return false;
  }
}

/** The units a principal may read, sorted by id. */
export function readableUnits(principal: Principal, catalog: ReferenceCatalogState): CatalogUnit[] {
  return [...catalog.units.values()].filter((u) => canReadUnit(principal, u)).sort((a, b) => a.unitId.localeCompare(b.unitId));
}

/**
 * Resolves `unitId` or `departmentId` (or `poolId`) of a query to unit ids the principal may read. A unit outside
 * the scope is a 403; a department or pool resolves to its units within scope (403 if none).
 */
export function resolveScope(
  principal: Principal,
  catalog: ReferenceCatalogState,
  params: { unitId?: string | undefined; departmentId?: string | undefined; poolId?: string | undefined },
): string[] {
  const given = [params.unitId, params.departmentId, params.poolId].filter((v) => v !== undefined).length;
  if (given !== 1) throw new BodyError('give exactly one of unitId, departmentId or poolId', 400);
  if (params.unitId !== undefined) {
    const unit = catalog.units.get(params.unitId);
    if (!unit) throw new BodyError(`unknown unit '${params.unitId}'`, 404);
    if (!canReadUnit(principal, unit)) throw new AuthError(`unit ${params.unitId} is outside your scope`, 403);
    return [unit.unitId];
  }
  const members = [...catalog.units.values()].filter((u) =>
    params.departmentId !== undefined ? u.departmentId === params.departmentId : u.poolId === params.poolId,
  );
  if (members.length === 0) throw new BodyError(params.departmentId !== undefined ? `unknown department '${params.departmentId}'` : `unknown pool '${String(params.poolId)}'`, 404);
  const allowed = members.filter((u) => canReadUnit(principal, u)).map((u) => u.unitId).sort();
  if (allowed.length === 0) throw new AuthError(`${params.departmentId !== undefined ? `department ${params.departmentId}` : `pool ${String(params.poolId)}`} is outside your scope`, 403);
  return allowed;
}
