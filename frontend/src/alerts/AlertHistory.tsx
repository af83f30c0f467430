import { useId, useMemo, useState } from 'react';
import type { AlertRow, AlertStatusFilter, MeResponse } from '@pks/contracts';
import { useApp } from '../app/app-context';
import { LoadState } from '../components/Status';
import type { MessageKey } from '../i18n/dictionary';
import { addDays, DEFAULT_TIME_ZONE, isLocalDate, localDate } from '../time/calendar';
import { ALERT_RULE_LIST, alertParams, compareNewest, SEVERITY_ICON, STATUS_ICON } from './alert-feed';
import { formatInstant, historyText, observedText, windowText } from './alert-text';
import { useAlertFeed } from './use-alert-feed';

const STATUSES: AlertStatusFilter[] = ['all', 'active', 'raised', 'acknowledged', 'resolved'];

/** The units of a scope (from /me) for the unit filter. */
function unitsOf(me: MeResponse, scope: Record<string, string>): { unitId: string; name: string }[] {
  if (scope.unitId) return me.units.filter((u) => u.unitId === scope.unitId);
  if (scope.departmentId) return me.units.filter((u) => u.departmentId === scope.departmentId);
  if (scope.poolId) return me.units.filter((u) => u.poolId === scope.poolId);
  return me.units;
}

/**
 * Alert history (GET /api/v1/alerts?status=all, live): filters for status, rule, unit, period and level; each alert
 * opens to its steps — raised → acknowledged → escalated → resolved, with who, when and the note.
 */
export function AlertHistory({ scope }: { scope: Record<string, string> }) {
  const { t, me, language } = useApp();
  const today = localDate(Date.now(), DEFAULT_TIME_ZONE);
  const [status, setStatus] = useState<AlertStatusFilter>('all');
  const [rule, setRule] = useState('');
  const [unitId, setUnitId] = useState('');
  const [from, setFrom] = useState(addDays(today, -30));
  const [to, setTo] = useState('');
  const role = me.principal.role;
  const mayPickLevel = role === 'tactical' || role === 'admin';
  const [audience, setAudience] = useState(mayPickLevel ? 'all' : '');
  const units = unitsOf(me, scope);
  const scopeKey = JSON.stringify(scope);
  const params = useMemo(
    () =>
      alertParams(scope, {
        status,
        rule: rule || null,
        unitId: unitId || null,
        from: isLocalDate(from) ? from : null,
        to: isLocalDate(to) ? to : null,
        audience: audience || null,
      }),
    [scopeKey, status, rule, unitId, from, to, audience], // eslint-disable-line react-hooks/exhaustive-deps
  );
  const feed = useAlertFeed(params, { order: compareNewest, notify: false });
  const ids = useId();

  return (
    <div className="alert-history" data-testid="alert-history">
      <form className="toolbar history-filters" onSubmit={(e) => e.preventDefault()} aria-label={t('historyFilters')}>
        <label className="field" htmlFor={`${ids}-status`}>
          <span className="field-label">{t('colAlertStatus')}</span>
          <select id={`${ids}-status`} value={status} onChange={(e) => setStatus(e.target.value as AlertStatusFilter)} data-testid="history-status">
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`statusFilter.${s}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label className="field" htmlFor={`${ids}-rule`}>
          <span className="field-label">{t('colRule')}</span>
          <select id={`${ids}-rule`} value={rule} onChange={(e) => setRule(e.target.value)} data-testid="history-rule">
            <option value="">{t('allRules')}</option>
            {ALERT_RULE_LIST.map((r) => (
              <option key={r} value={r}>
                {t(`rule.${r}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label className="field" htmlFor={`${ids}-unit`}>
          <span className="field-label">{t('colUnit')}</span>
          <select id={`${ids}-unit`} value={unitId} onChange={(e) => setUnitId(e.target.value)} data-testid="history-unit">
            <option value="">{t('allUnitsInScope')}</option>
            {units.map((u) => (
              <option key={u.unitId} value={u.unitId}>
                {u.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field" htmlFor={`${ids}-from`}>
          <span className="field-label">{t('raisedFrom')}</span>
          <input id={`${ids}-from`} type="date" value={from} max={to || undefined} onChange={(e) => setFrom(e.target.value)} data-testid="history-from" />
        </label>
        <label className="field" htmlFor={`${ids}-to`}>
          <span className="field-label">{t('raisedTo')}</span>
          <input id={`${ids}-to`} type="date" value={to} min={from || undefined} onChange={(e) => setTo(e.target.value)} data-testid="history-to" />
        </label>
        {mayPickLevel && (
          <label className="field" htmlFor={`${ids}-aud`}>
            <span className="field-label">{t('colLevel')}</span>
            <select id={`${ids}-aud`} value={audience} onChange={(e) => setAudience(e.target.value)} data-testid="history-audience">
              <option value="all">{t('allLevels')}</option>
              <option value="tactical">{t('role.tactical')}</option>
              <option value="staffing-centre">{t('role.staffing-centre')}</option>
              <option value="manager">{t('role.manager')}</option>
            </select>
          </label>
        )}
      </form>
      <LoadState loading={feed.loading} error={feed.error} path="alerts" onRetry={feed.reload} />
      {feed.data && (
        <p className="small muted" data-testid="history-count">
          {t('historyCount', { n: feed.rows.length, raised: feed.data.counts.raised, acknowledged: feed.data.counts.acknowledged, resolved: feed.data.counts.resolved })}
          {feed.data.truncated && ` · ${t('alertsTruncated')}`}
        </p>
      )}
      {feed.data && feed.rows.length === 0 && <p className="muted">{t('noAlertsHistory')}</p>}
      <ul className="history-list" data-testid="history-list">
        {feed.rows.slice(0, 200).map((row) => (
          <HistoryItem key={row.key} row={row} flash={feed.flash.keys.has(row.key)} language={language} />
        ))}
      </ul>
    </div>
  );
}

function HistoryItem({ row, flash, language }: { row: AlertRow; flash: boolean; language: 'sv' | 'en' }) {
  const { t } = useApp();
  return (
    <li className={`history-item sev-${row.severity} status-${row.status}${flash ? ' flash' : ''}`} data-alert-id={row.alertId} data-status={row.status} data-rule={row.rule} data-unit={row.unitId}>
      <details>
        <summary>
          <span className={`sev-badge sev-${row.severity}`}>
            <span aria-hidden="true">{SEVERITY_ICON[row.severity]} </span>
            {t(`severity.${row.severity}` as MessageKey)}
          </span>{' '}
          <strong>{t(`rule.${row.rule}` as MessageKey)}</strong> · {row.unitName ?? row.unitId} · {windowText(t, row)} ·{' '}
          <span className={`alert-status status-badge-${row.status}`}>
            <span aria-hidden="true">{STATUS_ICON[row.status]} </span>
            {t(`alertStatus.${row.status}` as MessageKey)}
          </span>{' '}
          <span className="muted small">
            {formatInstant(row.raisedAt, language)}
            {row.resolvedAt && ` → ${formatInstant(row.resolvedAt, language)}`}
          </span>
        </summary>
        <p className="small">
          {observedText(t, language, row)}
          {row.owner && ` · ${t('ownerIs', { name: row.ownerName ?? row.owner })}`}
        </p>
        <ol className="history-steps" data-testid="history-steps">
          {row.history.map((h) => (
            <li key={`${h.position}|${h.type}`} data-type={h.type} className={`step step-${h.type}`}>
              <time dateTime={h.at}>{formatInstant(h.at, language)}</time> <span className="step-label">{historyText(t, language, row, h)}</span>
              {h.note && <span className="step-note"> — “{h.note}”</span>}
            </li>
          ))}
        </ol>
      </details>
    </li>
  );
}
