import { useMemo, useState } from 'react';
import type { StaffingOverviewResponse, StaffingOverviewRow } from '@pks/contracts';
import type { GapCellRef } from '../alerts/AlertList';
import { AlertsSection } from '../alerts/AlertsSection';
import { useApp } from '../app/app-context';
import { useRoute } from '../app/router';
import { formatScope, parseScope, resolveScope, scopeParams, type ScopeKind } from '../app/scope';
import { ScopePicker } from '../app/ScopePicker';
import { LoadState } from '../components/Status';
import type { MessageKey } from '../i18n/dictionary';
import { useLiveModel } from '../live/use-live-model';
import { signed } from '../gap-list/GapGridTable';
import { FillPanel } from '../staffing-actions/FillPanel';
import { SuggestionsPanel, type SlotRef } from '../staffing-actions/SuggestionsPanel';

const KINDS: readonly ScopeKind[] = ['pool', 'department'];
const STATUS_ICON: Record<StaffingOverviewRow['status'], string> = { 'below-minimum': '⚠', 'below-target': '▽', ok: '✓', surplus: '▲' };
const STATUS_LEVEL: Record<StaffingOverviewRow['status'], string> = { 'below-minimum': 'unsafe', 'below-target': 'gap', ok: 'ok', surplus: 'surplus' };

type Action = { kind: 'fill'; cell: GapCellRef } | { kind: 'suggest'; slot: SlotRef } | null;

/**
 * The staffing centre: the alerts addressed to it (acknowledge, fill), shortages and surpluses per competence across
 * the pool by urgency — each shortage with "fill" (ranked candidates, one-click book or move) and "suggest for the
 * whole slot" —, open shifts, pool staff.
 */
export function StaffingCentreView() {
  const { me, t, language } = useApp();
  const route = useRoute();
  const scope = resolveScope(me, KINDS, parseScope(route.query.get('scope')));
  const daysParam = Number(route.query.get('days') ?? '3');
  const days = Number.isInteger(daysParam) && daysParam >= 1 && daysParam <= 14 ? daysParam : 3;
  const competence = route.query.get('competence');
  const params = useMemo(
    () => (scope ? { ...scopeParams(scope), days: String(days), ...(competence && { competence }) } : null),
    [scope?.kind, scope?.id, days, competence], // eslint-disable-line react-hooks/exhaustive-deps
  );
  const model = useLiveModel<StaffingOverviewResponse>({ model: 'staffing-overview', path: 'staffing-overview', params });
  const data = model.data;
  const shortages = data?.rows.filter((r) => r.status === 'below-minimum' || r.status === 'below-target') ?? [];
  const surpluses = data?.rows.filter((r) => r.status === 'surplus') ?? [];
  const competences = useMemo(() => [...new Set([...(data?.rows.map((r) => r.competence) ?? []), ...(data?.openShifts.map((s) => s.competence) ?? []), ...(competence ? [competence] : [])])].sort(), [data, competence]);
  const [action, setAction] = useState<Action>(null);
  const scopeKey = scope ? formatScope(scope) : '';
  const alertScope = useMemo(() => (scope ? scopeParams(scope) : null), [scopeKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const poolOf = (unitId: string) => (scope?.kind === 'pool' ? scope.id : (me.units.find((u) => u.unitId === unitId)?.poolId ?? null));
  const onFill = (cell: GapCellRef) => setAction({ kind: 'fill', cell });
  const onSuggest = (row: Pick<StaffingOverviewRow, 'unitId' | 'date' | 'slot'>) => {
    const poolId = poolOf(row.unitId);
    if (poolId) setAction({ kind: 'suggest', slot: { poolId, date: row.date, slot: row.slot } });
  };
  const time = (iso: string) => new Date(iso).toLocaleString(language === 'sv' ? 'sv-SE' : 'en-GB', { weekday: 'short', day: 'numeric', month: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Stockholm' });

  if (!scope) return <p>{t('noUnits')}</p>;
  return (
    <div className="view staffing-view" data-testid="staffing-view">
      <div className="toolbar">
        <h1 className="view-title">{t('navStaffing')}</h1>
        <ScopePicker kinds={KINDS} value={scope} onChange={(s) => route.setQuery({ scope: formatScope(s) })} />
        <label className="field">
          <span className="field-label">{t('daysAhead')}</span>
          <select value={days} onChange={(e) => route.setQuery({ days: e.target.value })}>
            {[1, 2, 3, 5, 7, 14].map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">{t('competence')}</span>
          <select value={competence ?? ''} onChange={(e) => route.setQuery({ competence: e.target.value || null })}>
            <option value="">{t('allCompetences')}</option>
            {competences.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
      </div>
      {alertScope && <AlertsSection scope={alertScope} title="alertsStaffingTitle" onFill={onFill} initial={10} />}
      {action?.kind === 'fill' && <FillPanel cell={action.cell} onClose={() => setAction(null)} />}
      {action?.kind === 'suggest' && <SuggestionsPanel slot={action.slot} onClose={() => setAction(null)} />}
      <h2 className="subtitle">
        {t('staffingTitle')} {data && <span className="muted">· {data.from} – {data.to}</span>}
      </h2>
      <LoadState loading={model.loading} error={model.error} path="staffing-overview" onRetry={model.reload} />
      {data && (
        <>
          <section className="panel" aria-labelledby="shortages-title">
            <h2 id="shortages-title">
              <span aria-hidden="true">⚠ </span>
              {t('shortages', { n: shortages.length })}
            </h2>
            <OverviewTable rows={shortages} empty={t('noShortages')} testId="shortages" actions={{ onFill, onSuggest: (r) => (poolOf(r.unitId) ? onSuggest(r) : null) }} />
          </section>
          <section className="panel" aria-labelledby="surpluses-title">
            <h2 id="surpluses-title">
              <span aria-hidden="true">▲ </span>
              {t('surpluses', { n: surpluses.length })}
            </h2>
            <OverviewTable rows={surpluses} empty={t('noSurpluses')} testId="surpluses" />
          </section>
          <div className="two-col">
            <section className="panel" aria-labelledby="open-title">
              <h2 id="open-title">
                <span aria-hidden="true">◌ </span>
                {t('openShiftsList', { n: data.openShifts.length })}
              </h2>
              {data.openShifts.length === 0 ? (
                <p className="muted">{t('noOpenShifts')}</p>
              ) : (
                <div className="table-scroll">
                  <table className="data-table" data-testid="open-shifts">
                    <thead>
                      <tr>
                        <th scope="col">{t('colUnit')}</th>
                        <th scope="col">{t('colSlot')}</th>
                        <th scope="col">{t('competence')}</th>
                        <th scope="col">{t('colTime')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {data.openShifts.map((s) => (
                        <tr key={s.shiftId}>
                          <td>{s.unitName}</td>
                          <td>
                            {s.slot} {s.date}
                          </td>
                          <td>{s.competence}</td>
                          <td>
                            {time(s.start)} – {time(s.end).split(' ').pop()}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </section>
            <section className="panel" aria-labelledby="pool-title">
              <h2 id="pool-title">{t('poolStaff', { n: data.poolStaff.length })}</h2>
              {data.poolStaff.length === 0 ? (
                <p className="muted">{t('noPoolStaff')}</p>
              ) : (
                <div className="table-scroll">
                  <table className="data-table" data-testid="pool-staff">
                    <thead>
                      <tr>
                        <th scope="col">{t('colName')}</th>
                        <th scope="col">{t('colCompetences')}</th>
                        <th scope="col">{t('colEmployment')}</th>
                        <th scope="col">{t('colFreeSlots')}</th>
                        <th scope="col">{t('colAssignments')}</th>
                        <th scope="col">{t('colAbsentDates')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {[...data.poolStaff]
                        .sort((a, b) => b.freeSlots - a.freeSlots)
                        .map((s) => (
                          <tr key={s.staffId}>
                            <td>{s.name ?? t('unnamed', { id: s.staffId })}</td>
                            <td>{s.competences}</td>
                            <td>{t(`employment.${s.employmentForm}` as MessageKey)}</td>
                            <td className="num">{s.freeSlots}</td>
                            <td className="small">{s.assignments.split(';').filter(Boolean).join(' · ') || '–'}</td>
                            <td className="small">{s.absentDates ? `${t('absent')}: ${s.absentDates.split(';').join(', ')}` : '–'}</td>
                          </tr>
                        ))}
                    </tbody>
                  </table>
                </div>
              )}
            </section>
          </div>
        </>
      )}
    </div>
  );
}

interface RowActions {
  onFill(cell: GapCellRef): void;
  onSuggest(row: StaffingOverviewRow): void;
}

function OverviewTable({ rows, empty, testId, actions }: { rows: StaffingOverviewRow[]; empty: string; testId: string; actions?: RowActions }) {
  const { t } = useApp();
  if (rows.length === 0) return <p className="muted">{empty}</p>;
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid={testId}>
        <thead>
          <tr>
            {actions && <th scope="col">{t('colActions')}</th>}
            <th scope="col">{t('colStatus')}</th>
            <th scope="col">{t('colUnit')}</th>
            <th scope="col">{t('colDate')}</th>
            <th scope="col">{t('colSlot')}</th>
            <th scope="col">{t('competence')}</th>
            <th scope="col" className="num">
              {t('colStaffed')}
            </th>
            <th scope="col" className="num">
              {t('colMinimum')}
            </th>
            <th scope="col" className="num">
              {t('colTarget')}
            </th>
            <th scope="col" className="num">
              {t('colVsMin')}
            </th>
            <th scope="col" className="num">
              {t('colVsTarget')}
            </th>
            <th scope="col" className="num">
              {t('colOpen')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} data-key={r.key}>
              {actions && (
                <td className="row-actions">
                  <button
                    type="button"
                    className="primary"
                    onClick={() => actions.onFill({ unitId: r.unitId, date: r.date, slot: r.slot, competence: r.competence })}
                    data-testid="row-fill"
                    aria-label={t('fillFor', { what: `${r.unitName} ${r.date} ${r.slot} ${r.competence}` })}
                  >
                    {t('fill')}
                  </button>{' '}
                  <button type="button" onClick={() => actions.onSuggest(r)} data-testid="row-suggest" aria-label={t('suggestFor', { what: `${r.date} ${r.slot}` })}>
                    {t('suggestSlot')}
                  </button>
                </td>
              )}
              <td className={`pm lvl-${STATUS_LEVEL[r.status]} status-cell`}>
                <span aria-hidden="true">{STATUS_ICON[r.status]} </span>
                {t(`level.${STATUS_LEVEL[r.status]}` as MessageKey)}
              </td>
              <th scope="row">{r.unitName}</th>
              <td>{r.date}</td>
              <td>
                {r.slot}
                {r.slotStart && (
                  <span className="slot-time">
                    {' '}
                    {r.slotStart}–{r.slotEnd}
                  </span>
                )}
              </td>
              <td>{r.competence}</td>
              <td className="num">{r.staffed}</td>
              <td className="num">{r.minimum ?? '–'}</td>
              <td className="num">{r.target ?? '–'}</td>
              <td className="num">{r.vsMinimum === null ? '–' : signed(r.vsMinimum)}</td>
              <td className="num">{r.vsTarget === null ? '–' : signed(r.vsTarget)}</td>
              <td className="num">{r.openShifts}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
