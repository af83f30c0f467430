import type { MeResponse, Role } from '@pks/contracts';

export type ScopeKind = 'unit' | 'department' | 'pool';
export interface Scope {
  kind: ScopeKind;
  id: string;
}

export function parseScope(value: string | null): Scope | null {
  if (!value) return null;
  const i = value.indexOf(':');
  if (i < 0) return null;
  const kind = value.slice(0, i);
  const id = value.slice(i + 1);
  if ((kind === 'unit' || kind === 'department' || kind === 'pool') && id) return { kind, id };
  return null;
}

export const formatScope = (scope: Scope) => `${scope.kind}:${scope.id}`;

/** The query parameter a read model takes for a scope. */
export function scopeParams(scope: Scope): Record<string, string> {
  return scope.kind === 'unit' ? { unitId: scope.id } : scope.kind === 'department' ? { departmentId: scope.id } : { poolId: scope.id };
}

export interface ScopeOption {
  scope: Scope;
  label: string;
  group: ScopeKind;
}

/** What a principal can pick (from /me, never hard-coded), restricted to the kinds a view takes. */
export function scopeOptions(me: MeResponse, kinds: readonly ScopeKind[]): ScopeOption[] {
  const out: ScopeOption[] = [];
  if (kinds.includes('department')) {
    for (const d of me.departments) out.push({ scope: { kind: 'department', id: d.departmentId }, label: d.name ?? d.departmentId, group: 'department' });
  }
  if (kinds.includes('pool')) {
    const pools = me.pools.length > 0 ? me.pools : me.principal.pools;
    for (const p of pools) out.push({ scope: { kind: 'pool', id: p }, label: p, group: 'pool' });
  }
  if (kinds.includes('unit')) {
    for (const u of me.units) out.push({ scope: { kind: 'unit', id: u.unitId }, label: u.name, group: 'unit' });
  }
  return out;
}

/** The default scope of a view for a role: the manager's units (their department), the pool, the department. */
export function defaultScope(me: MeResponse, kinds: readonly ScopeKind[]): Scope | null {
  const role: Role = me.principal.role;
  const options = scopeOptions(me, kinds);
  const first = (kind: ScopeKind) => options.find((o) => o.group === kind)?.scope ?? null;
  if (role === 'manager') {
    const departments = new Set(me.units.map((u) => u.departmentId));
    if (departments.size === 1 && kinds.includes('department') && me.units.length > 1) return first('department');
    return first('unit') ?? first('department');
  }
  if (role === 'staffing-centre') return first('pool') ?? first('department') ?? first('unit');
  return first('department') ?? first('pool') ?? first('unit');
}

export function resolveScope(me: MeResponse, kinds: readonly ScopeKind[], requested: Scope | null): Scope | null {
  if (requested && kinds.includes(requested.kind)) return requested; // the server checks the scope (403 if outside)
  return defaultScope(me, kinds);
}
