import { useMemo, useState } from 'react';
import type { ScheduleVsPlanResponse } from '@pks/contracts';
import { AlertHistory } from '../alerts/AlertHistory';
import type { GapCellRef } from '../alerts/AlertList';
import { AlertRulesPanel } from '../alerts/AlertRulesPanel';
import { AlertsSection } from '../alerts/AlertsSection';
import { useApp } from '../app/app-context';
import { useRoute } from '../app/router';
import { formatScope, parseScope, resolveScope, scopeParams as toParams, type ScopeKind } from '../app/scope';
import { ScopePicker } from '../app/ScopePicker';
import { TACTICAL_LIVE, useLiveModel } from '../live/use-live-model';
import { FillPanel } from '../staffing-actions/FillPanel';
import { DEFAULT_TIME_ZONE, localDate } from '../time/calendar';
import { ChppdPanel } from './ChppdPanel';
import { OutcomePanel } from './OutcomePanel';
import { PerformedTimePanel } from './PerformedTimePanel';
import { ScheduleVsPlanPanel } from './ScheduleVsPlanPanel';
import { StaffVolumePanel } from './StaffVolumePanel';

const KINDS: readonly ScopeKind[] = ['department', 'unit', 'pool'];

/**
 * Department management: the alert feed (live model `alerts`, audience tactical by default, all levels on request)
 * with its history, then schedule vs plan, performed time, ProdN, outcome vs plan and CHPPD (live refetch hints).
 * The earlier read-model deviation hints (cells below minimum, weeks below plan) are gone: the alert engine's
 * below-minimum-soon and schedule-below-plan rules say the same with an owner and a lifecycle.
 */
export function TacticalView() {
  const { me, t } = useApp();
  const route = useRoute();
  const scope = resolveScope(me, KINDS, parseScope(route.query.get('scope')));
  const scopeKey = scope ? formatScope(scope) : '';
  const params = useMemo(() => (scope ? toParams(scope) : null), [scopeKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const today = localDate(Date.now(), DEFAULT_TIME_ZONE);
  const tab = route.query.get('alerts') === 'history' ? 'history' : 'feed';
  const [fill, setFill] = useState<GapCellRef | null>(null);

  const svpParams = useMemo(() => (params ? { ...params, weeksBack: '12', weeksAhead: '12' } : null), [params]);
  const svp = useLiveModel<ScheduleVsPlanResponse>({ model: 'schedule-vs-plan', path: 'schedule-vs-plan', params: svpParams, ...TACTICAL_LIVE });
  const units = useMemo(
    () => me.units.filter((u) => !params || (params.unitId ? u.unitId === params.unitId : params.departmentId ? u.departmentId === params.departmentId : params.poolId ? u.poolId === params.poolId : true)),
    [me.units, params],
  );

  if (!scope || !params) return <p>{t('noUnits')}</p>;
  return (
    <div className="view tactical-view" data-testid="tactical-view">
      <div className="toolbar">
        <h1 className="view-title">{t('tacticalTitle')}</h1>
        <ScopePicker kinds={KINDS} value={scope} onChange={(s) => route.setQuery({ scope: formatScope(s) })} />
        <div className="segmented" role="group" aria-label={t('alertsView')}>
          <button type="button" aria-pressed={tab === 'feed'} className={tab === 'feed' ? 'active' : ''} onClick={() => route.setQuery({ alerts: null })} data-testid="tab-feed">
            {t('alertsCurrent')}
          </button>
          <button type="button" aria-pressed={tab === 'history'} className={tab === 'history' ? 'active' : ''} onClick={() => route.setQuery({ alerts: 'history' })} data-testid="tab-history">
            {t('alertsHistory')}
          </button>
        </div>
      </div>
      {tab === 'history' ? (
        <section className="panel" aria-labelledby="history-title" data-testid="history-panel">
          <h2 id="history-title">{t('alertsHistoryTitle')}</h2>
          <AlertHistory scope={params} />
        </section>
      ) : (
        <>
          {fill && <FillPanel cell={fill} onClose={() => setFill(null)} />}
          <div className="tactical-grid">
            <AlertsSection scope={params} title="deviationsTitle" audience="tactical" audienceToggle onFill={(cell) => setFill(cell)} testId="deviation-feed" headingId="feed-title" initial={20} />
            <ScheduleVsPlanPanel model={svp} />
            <PerformedTimePanel scopeParams={params} today={today} />
            <StaffVolumePanel scopeParams={params} today={today} />
            <OutcomePanel scopeParams={params} />
            <ChppdPanel scopeParams={params} today={today} />
          </div>
        </>
      )}
      <AlertRulesPanel units={units} />
    </div>
  );
}
