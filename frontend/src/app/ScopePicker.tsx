import { useApp } from './app-context';
import { formatScope, scopeOptions, type Scope, type ScopeKind } from './scope';

/** Unit / department / pool picker from /me (admins see all; others their scope). */
export function ScopePicker({ kinds, value, onChange }: { kinds: readonly ScopeKind[]; value: Scope | null; onChange(scope: Scope): void }) {
  const { me, t } = useApp();
  const options = scopeOptions(me, kinds);
  if (options.length <= 1 && value && options[0] && formatScope(options[0].scope) === formatScope(value)) {
    return <span className="scope-fixed">{labelOf(options[0].group, options[0].label, t)}</span>;
  }
  const groups: ScopeKind[] = ['department', 'pool', 'unit'];
  const current = value ? formatScope(value) : '';
  const known = options.some((o) => formatScope(o.scope) === current);
  return (
    <label className="field">
      <span className="field-label">{t('scope')}</span>
      <select
        value={current}
        onChange={(e) => {
          const picked = options.find((o) => formatScope(o.scope) === e.target.value);
          if (picked) onChange(picked.scope);
        }}
        data-testid="scope-picker"
      >
        {!known && value && <option value={current}>{current}</option>}
        {groups
          .filter((g) => options.some((o) => o.group === g))
          .map((g) => (
            <optgroup key={g} label={g === 'department' ? t('scopeDepartment', { name: '' }).trim() : g === 'pool' ? t('scopePool', { name: '' }).trim() : t('scopeUnit', { name: '' }).trim()}>
              {options
                .filter((o) => o.group === g)
                .map((o) => (
                  <option key={formatScope(o.scope)} value={formatScope(o.scope)}>
                    {labelOf(o.group, o.label, t)}
                  </option>
                ))}
            </optgroup>
          ))}
      </select>
    </label>
  );
}

function labelOf(group: ScopeKind, label: string, t: ReturnType<typeof useApp>['t']): string {
  return group === 'department' ? t('scopeDepartment', { name: label }) : group === 'pool' ? t('scopePool', { name: label }) : t('scopeUnit', { name: label });
}
