import { useMemo, useState } from 'react';
import type { GapListResponse, LiveUpdateMessage } from '@pks/contracts';
import type { GapCellRef } from '../alerts/AlertList';
import { AlertsSection } from '../alerts/AlertsSection';
import { useApp } from '../app/app-context';
import { useRoute } from '../app/router';
import { formatScope, parseScope, resolveScope, scopeParams, type ScopeKind } from '../app/scope';
import { ScopePicker } from '../app/ScopePicker';
import { LoadState } from '../components/Status';
import type { MessageKey } from '../i18n/dictionary';
import type { LiveRow } from '../live/live-protocol';
import { useLiveModel } from '../live/use-live-model';
import { addWeeks, DEFAULT_TIME_ZONE, isIsoWeek, isLocalDate, isoWeekOf, isoWeekday, localDate, weekDates } from '../time/calendar';
import { applyGapListRows } from './apply-gap-list-update';
import { CoverageChart } from './CoverageChart';
import { buildGapGrid, peopleByCell } from './gap-grid';
import { CellPeople, GapGridTable, shortDate } from './GapGridTable';
import { TodayPanel } from './TodayPanel';
import { FillPanel } from '../staffing-actions/FillPanel';

const KINDS: readonly ScopeKind[] = ['unit', 'department', 'pool'];

const applyRows = (data: GapListResponse, rows: LiveRow[], update: LiveUpdateMessage) => {
  const out = applyGapListRows(data, rows, update.toPosition);
  return { data: out.data, changedKeys: out.changedRowKeys, refetchHttp: out.peopleIncomplete };
};

/** The manager's gap list (lucklista) for an ISO week, live. */
export function GapListView() {
  const { me, t, language } = useApp();
  const route = useRoute();
  const scope = resolveScope(me, KINDS, parseScope(route.query.get('scope')));
  const timeZone = DEFAULT_TIME_ZONE;
  const today = localDate(Date.now(), timeZone);
  const currentWeek = isoWeekOf(today);
  const requestedWeek = route.query.get('week');
  const week = isIsoWeek(requestedWeek) ? requestedWeek : currentWeek;
  const competence = route.query.get('competence');
  const [selected, setSelected] = useState<string | null>(null);
  const [fill, setFill] = useState<{ cell: GapCellRef; from: 'alert' | 'cell' } | null>(null);
  const role = me.principal.role;

  const params = useMemo(() => (scope ? { ...scopeParams(scope), week } : null), [scope?.kind, scope?.id, week]); // eslint-disable-line react-hooks/exhaustive-deps
  const model = useLiveModel<GapListResponse>({ model: 'gap-list', path: 'gap-list', params, apply: applyRows });
  const data = model.data && model.data.week === week ? model.data : model.data;
  const grid = useMemo(() => (data ? buildGapGrid(data, competence) : null), [data, competence]);
  const people = useMemo(() => (data ? peopleByCell(data.people) : new Map()), [data]);

  const dates = weekDates(week);
  const requestedDay = route.query.get('day');
  const day = isLocalDate(requestedDay) && dates.includes(requestedDay) ? requestedDay : dates.includes(today) ? today : dates[0]!;
  const unitTimeZone = data?.units[0]?.timeZone ?? timeZone;
  const scopeKey = scope ? formatScope(scope) : '';
  const coverageScope = useMemo(() => (scope ? scopeParams(scope) : {}), [scopeKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const alertScope = coverageScope;

  if (!scope) return <p>{t('noUnits')}</p>;
  const selectedRow = selected && data ? data.rows.find((r) => r.key === selected) : undefined;
  const competenceLabel = competence ?? t('allCompetences');

  return (
    <div className="view gap-list-view" data-testid="gap-list-view">
      <div className="toolbar">
        <h1 className="view-title">{t('navGapList')}</h1>
        <ScopePicker kinds={KINDS} value={scope} onChange={(s) => route.setQuery({ scope: formatScope(s), day: null })} />
        <div className="week-nav" role="group" aria-label={t('week', { week })}>
          <button type="button" onClick={() => route.setQuery({ week: addWeeks(week, -1), day: null })} aria-label={t('prevWeekLabel')}>
            {t('prevWeek')}
          </button>
          <span className="week-label" data-testid="week-label">
            {t('week', { week: String(Number(week.slice(6))) })} <small>{week.slice(0, 4)} · {shortDate(dates[0]!)}–{shortDate(dates[6]!)}</small>
          </span>
          <button type="button" onClick={() => route.setQuery({ week: addWeeks(week, 1), day: null })} aria-label={t('nextWeekLabel')}>
            {t('nextWeek')}
          </button>
          <button type="button" onClick={() => route.setQuery({ week: null, day: null })} disabled={week === currentWeek}>
            {t('currentWeek')}
          </button>
        </div>
        <label className="field">
          <span className="field-label">{t('competence')}</span>
          <select value={competence ?? ''} onChange={(e) => route.setQuery({ competence: e.target.value || null })} data-testid="competence-picker">
            <option value="">{t('allCompetences')}</option>
            {(grid?.competences ?? (competence ? [competence] : [])).map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
      </div>

      {role === 'manager' && <AlertsSection scope={alertScope} title="alertsManagerTitle" onFill={(cell) => setFill({ cell, from: 'alert' })} initial={5} testId="manager-alerts" />}
      {fill?.from === 'alert' && <FillPanel cell={fill.cell} onClose={() => setFill(null)} />}
      <Legend />
      <LoadState loading={model.loading} error={model.error} path="gap-list" onRetry={model.reload} />
      {grid && data && (
        <>
          <GapGridTable grid={grid} week={data.week} today={today} competenceLabel={competenceLabel} flash={model.flash} selected={selected} onSelect={setSelected} />
          <p className="as-of muted">
            {t('asOf', { time: new Date(data.asOf).toLocaleString(language === 'sv' ? 'sv-SE' : 'en-GB'), position: data.position })}
          </p>
          {selectedRow && (
            <CellPeople
              people={people.get(selectedRow.key) ?? []}
              title={`${selectedRow.unitName} · ${selectedRow.slotName ?? selectedRow.slot} · ${selectedRow.date} · ${selectedRow.competence}`}
              onClose={() => setSelected(null)}
              action={
                selectedRow.belowTarget && selectedRow.date >= today ? (
                  <button
                    type="button"
                    className="primary"
                    data-testid="cell-fill"
                    onClick={() => setFill({ cell: { unitId: selectedRow.unitId, date: selectedRow.date, slot: selectedRow.slot, competence: selectedRow.competence }, from: 'cell' })}
                  >
                    {t(role === 'manager' ? 'fillManager' : 'fill')}
                  </button>
                ) : null
              }
            />
          )}
          {fill?.from === 'cell' && <FillPanel cell={fill.cell} onClose={() => setFill(null)} />}
          <div className="two-col">
            {dates.includes(today) && <TodayPanel data={data} today={today} competence={competence} />}
            <div className="coverage-wrap">
              <div className="day-picker" role="group" aria-label={t('dayPicker')}>
                {dates.map((d) => (
                  <button key={d} type="button" className={d === day ? 'active' : ''} aria-pressed={d === day} onClick={() => route.setQuery({ day: d }, true)}>
                    {t(`weekday.${isoWeekday(d)}` as MessageKey).slice(0, 3)} {shortDate(d)}
                  </button>
                ))}
              </div>
              <CoverageChart scopeParams={coverageScope} date={day} competence={competence} timeZone={unitTimeZone} />
            </div>
          </div>
        </>
      )}
    </div>
  );
}

function Legend() {
  const { t } = useApp();
  const items: { level: string; icon: string; sample: string }[] = [
    { level: 'unsafe', icon: '⚠', sample: '−2' },
    { level: 'gap', icon: '▽', sample: '−1' },
    { level: 'ok', icon: '✓', sample: '0' },
    { level: 'surplus', icon: '▲', sample: '+1' },
    { level: 'none', icon: '–', sample: '' },
  ];
  return (
    <details className="legend" open>
      <summary>{t('legend')}</summary>
      <ul>
        {items.map((i) => (
          <li key={i.level}>
            <span className={`legend-swatch pm lvl-${i.level}`} aria-hidden="true">
              {i.icon}
              {i.sample}
            </span>
            {t(`level.${i.level}` as MessageKey)}
          </li>
        ))}
        <li>
          <span className="legend-swatch" aria-hidden="true">
            ✚ ◌
          </span>
          {t('absentTitle')} · {t('openShiftsTitle')}
        </li>
      </ul>
      <p className="muted">{t('legendText')}</p>
    </details>
  );
}
