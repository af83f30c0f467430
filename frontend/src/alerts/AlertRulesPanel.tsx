import { useMemo, useState } from 'react';
import type { AlertRulesResponse } from '@pks/contracts';
import { useApp } from '../app/app-context';
import { LoadState } from '../components/Status';
import type { MessageKey } from '../i18n/dictionary';
import { useReadModel } from '../live/use-live-model';
import { ALERT_RULE_LIST, SEVERITY_ICON } from './alert-feed';
import { formatNumber } from './alert-text';

const COMMON = new Set(['enabled', 'severity', 'audience', 'escalateAfterMinutes', 'escalation']);
const THRESHOLDS = ['withinHours', 'horizonDays', 'kinds', 'targetRatio', 'weeksAhead', 'tolerancePercent', 'months', 'trackingSignalLimit', 'minPeriods', 'hoursPerMonth'] as const;

/**
 * The effective alert thresholds (GET /api/v1/alert-rules): built-in defaults ← organisation ← unit. Read-only here;
 * admins change them with PUT /api/v1/alert-rules.
 */
export function AlertRulesPanel({ units }: { units: { unitId: string; name: string }[] }) {
  const { t, language } = useApp();
  const [unitId, setUnitId] = useState('');
  const [open, setOpen] = useState(false);
  const params = useMemo<Record<string, string> | null>(() => (open ? (unitId ? { unitId } : ({} as Record<string, string>)) : null), [open, unitId]);
  const model = useReadModel<AlertRulesResponse>('alert-rules', params, 300_000);
  const effective = model.data?.effective as Record<string, Record<string, unknown>> | undefined;
  const overridden = (rule: string, field: string) => {
    const u = model.data?.unit as Record<string, Record<string, unknown> | undefined> | null | undefined;
    const o = model.data?.organisation as Record<string, Record<string, unknown> | undefined> | null | undefined;
    return u?.[rule]?.[field] !== undefined || o?.[rule]?.[field] !== undefined;
  };
  const minutes = (m: unknown) => (m === null || m === undefined ? t('never') : Number(m) >= 60 ? `${formatNumber(Number(m) / 60, language)} h` : `${formatNumber(Number(m), language)} min`);
  const value = (field: string, v: unknown) => {
    if (Array.isArray(v)) return v.map((k) => (field === 'kinds' ? t(`absence.${String(k)}` as MessageKey) : String(k))).join(', ');
    return typeof v === 'number' ? formatNumber(v, language) : String(v);
  };

  return (
    <details className="panel rules-panel" data-testid="alert-rules" onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>
        <h2 className="inline-heading">{t('rulesTitle')}</h2>
      </summary>
      <label className="field">
        <span className="field-label">{t('colUnit')}</span>
        <select value={unitId} onChange={(e) => setUnitId(e.target.value)}>
          <option value="">{t('rulesOrganisation')}</option>
          {units.map((u) => (
            <option key={u.unitId} value={u.unitId}>
              {u.name}
            </option>
          ))}
        </select>
      </label>
      <LoadState loading={model.loading} error={model.error} path="alert-rules" onRetry={model.reload} />
      {effective && (
        <div className="table-scroll">
          <table className="data-table">
            <caption>{t('rulesCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('colRule')}</th>
                <th scope="col">{t('colOn')}</th>
                <th scope="col">{t('colSeverity')}</th>
                <th scope="col">{t('colAudience')}</th>
                <th scope="col">{t('colEscalates')}</th>
                <th scope="col">{t('colThresholds')}</th>
              </tr>
            </thead>
            <tbody>
              {ALERT_RULE_LIST.filter((r) => effective[r]).map((r) => {
                const s = effective[r]!;
                const mark = (field: string) => (overridden(r, field) ? <abbr title={t('rulesOverridden')}>*</abbr> : null);
                return (
                  <tr key={r}>
                    <th scope="row">{t(`rule.${r}` as MessageKey)}</th>
                    <td>
                      {s.enabled ? '✓ ' : '✕ '}
                      {s.enabled ? t('yes') : t('no')}
                      {mark('enabled')}
                    </td>
                    <td>
                      <span aria-hidden="true">{SEVERITY_ICON[s.severity as keyof typeof SEVERITY_ICON] ?? ''} </span>
                      {t(`severity.${String(s.severity)}` as MessageKey)}
                      {mark('severity')}
                    </td>
                    <td>
                      {(s.audience as string[]).map((a) => t(`role.${a}` as MessageKey)).join(', ')}
                      {mark('audience')}
                    </td>
                    <td>
                      {minutes(s.escalateAfterMinutes)}
                      {mark('escalateAfterMinutes')}
                    </td>
                    <td className="small">
                      {Object.keys(s)
                        .filter((k) => !COMMON.has(k))
                        .map((k, i) => (
                          <span key={k} className="threshold">
                            {i > 0 && ' · '}
                            {(THRESHOLDS as readonly string[]).includes(k) ? t(`threshold.${k}` as MessageKey, { v: value(k, s[k]) }) : `${k}: ${value(k, s[k])}`}
                            {mark(k)}
                          </span>
                        ))}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </details>
  );
}
