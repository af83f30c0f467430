import type { DemoUser } from '@pks/contracts';
import type { ReferenceCatalogState } from '@pks/projections';

const MANAGER_NAMES = ['Anna Lindqvist', 'Erik Sandberg', 'Maria Holm', 'Johan Berglund', 'Sara Nyström', 'Karin Ek'];
const TACTICAL_NAMES = ['Lena Forsberg', 'Per Åkesson', 'Eva Strand'];

/**
 * The embedded mode's demo users, one per role and scope, derived from the units the log knows (so they always
 * match the data): managers of the first units (two units each), a staffing centre per pool, a department manager
 * per department, and an admin. Preferred first: units shaped like Karolinska's gap list.
 */
export function demoUsers(catalog: ReferenceCatalogState): DemoUser[] {
  const preferred = ['B8-AVA', 'B8-IMA', 'C10-Trauma', 'C9-RO', 'C4-IAKM', 'A6-Mottagning'];
  const units = [...catalog.units.values()].sort((a, b) => {
    const pa = preferred.indexOf(a.unitId);
    const pb = preferred.indexOf(b.unitId);
    return (pa === -1 ? 99 : pa) - (pb === -1 ? 99 : pb) || a.unitId.localeCompare(b.unitId);
  });
  const users: DemoUser[] = [];
  for (let i = 0; i < Math.min(3, Math.ceil(units.length / 2)); i += 1) {
    const mine = units.slice(i * 2, i * 2 + 2);
    users.push({
      id: `manager-${i + 1}`,
      name: MANAGER_NAMES[i % MANAGER_NAMES.length]!,
      title: `Vårdenhetschef ${mine.map((u) => u.name).join(' och ')}`,
      role: 'manager',
      units: mine.map((u) => u.unitId),
      pools: [],
      departments: [],
    });
  }
  const pools = [...new Set(units.map((u) => u.poolId).filter((p): p is string => p !== null))].sort();
  pools.slice(0, 2).forEach((poolId, i) =>
    users.push({ id: `staffing-${i + 1}`, name: i === 0 ? 'Bemanningscentrum' : `Bemanningscentrum ${poolId}`, title: `Bemanningscentrum, pool ${poolId}`, role: 'staffing-centre', units: [], pools: [poolId], departments: [] }),
  );
  const departments = [...new Set(units.map((u) => u.departmentId))];
  departments.slice(0, 3).forEach((departmentId, i) =>
    users.push({ id: `tactical-${i + 1}`, name: TACTICAL_NAMES[i % TACTICAL_NAMES.length]!, title: `Verksamhetschef, ${departmentId}`, role: 'tactical', units: [], pools: [], departments: [departmentId] }),
  );
  users.push({ id: 'admin', name: 'Administratör', title: 'Systemadministratör', role: 'admin', units: [], pools: [], departments: [] });
  return users;
}
