import { useMemo } from 'react';
import type { GapListResponse, LiveUpdateMessage, ScheduleVsPlanResponse } from '@pks/contracts';
import { useApp } from '../app/app-context';
import { useRoute } from '../app/router';
import { formatScope, parseScope, resolveScope, scopeParams as toParams, type ScopeKind } from '../app/scope';
import { ScopePicker } from '../app/ScopePicker';
import { LoadState } from '../components/Status';
import { applyGapListRows } from '../gap-list/apply-gap-list-update';
import type { LiveRow } from '../live/live-protocol';
import { useLiveModel } from '../live/use-live-model';
import { addDays, DEFAULT_TIME_ZONE, localDate } from '../time/calendar';
import { ChppdPanel } from './ChppdPanel';
import { alertDeviations, deviationFeed, gapDeviations, planDeviations, type Deviation } from './deviations';
import { OutcomePanel } from './OutcomePanel';
import { PerformedTimePanel } from './PerformedTimePanel';
import { ScheduleVsPlanPanel } from './ScheduleVsPlanPanel';
import { StaffVolumePanel } from './StaffVolumePanel';

const KINDS: readonly ScopeKind[] = ['department', 'unit', 'pool'];
/** how far ahead the feed looks for cells below the minimum */
const FEED_DAYS = 14;

const applyRows = (data: GapListResponse, rows: LiveRow[], update: LiveUpdateMessage) => {
  const out = applyGapListRows(data, rows, update.toPosition);
  return { data: out.data, changedKeys: out.changedRowKeys };
};

/** Department management: the deviation feed, schedule vs plan, performed time, ProdN, outcome vs plan, CHPPD. */
export function TacticalView() {
  const { me, t } = useApp();
  const route = useRoute();
  const scope = resolveScope(me, KINDS, parseScope(route.query.get('scope')));
  const scopeKey = scope ? formatScope(scope) : '';
  const params = useMemo(() => (scope ? toParams(scope) : null), [scopeKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const today = localDate(Date.now(), DEFAULT_TIME_ZONE);

  const gapParams = useMemo(() => (params ? { ...params, from: today, to: addDays(today, FEED_DAYS - 1) } : null), [params, today]);
  const gap = useLiveModel<GapListResponse>({ model: 'gap-list', path: 'gap-list', params: gapParams, apply: applyRows });
  const svpParams = useMemo(() => (params ? { ...params, weeksBack: '12', weeksAhead: '12' } : null), [params]);
  const svp = useLiveModel<ScheduleVsPlanResponse>({ model: 'schedule-vs-plan', path: 'schedule-vs-plan', params: svpParams });
  const alerts = useLiveModel<{ position: number; rows?: unknown[] }>({ model: 'alerts', path: 'alerts', params, pollMs: 300_000 });

  const feed = useMemo(
    () => deviationFeed(alertDeviations(alerts.data), gapDeviations(gap.data?.rows ?? [], today), planDeviations(svp.data?.rows ?? [])),
    [alerts.data, gap.data, svp.data, today],
  );

  if (!scope || !params) return <p>{t('noUnits')}</p>;
  return (
    <div className="view tactical-view" data-testid="tactical-view">
      <div className="toolbar">
        <h1 className="view-title">{t('tacticalTitle')}</h1>
        <ScopePicker kinds={KINDS} value={scope} onChange={(s) => route.setQuery({ scope: formatScope(s) })} />
      </div>
      <div className="tactical-grid">
        <section className="panel feed" aria-labelledby="feed-title" data-testid="deviation-feed">
          <h2 id="feed-title">
            {t('deviationsTitle')} <span className="count">({feed.length})</span>
          </h2>
          <LoadState loading={gap.loading} error={gap.error} path="gap-list" onRetry={gap.reload} />
          {!gap.loading && feed.length === 0 && <p className="muted">{t('noDeviations')}</p>}
          <ol className="feed-list" aria-live="polite">
            {feed.slice(0, 60).map((d) => (
              <DeviationItem key={d.key} d={d} flash={d.kind === 'below-minimum' && gap.flash.keys.has(d.key.slice(4))} />
            ))}
          </ol>
        </section>
        <ScheduleVsPlanPanel model={svp} />
        <PerformedTimePanel scopeParams={params} today={today} />
        <StaffVolumePanel scopeParams={params} today={today} />
        <OutcomePanel scopeParams={params} />
        <ChppdPanel scopeParams={params} today={today} />
      </div>
    </div>
  );
}

function DeviationItem({ d, flash }: { d: Deviation; flash: boolean }) {
  const { t } = useApp();
  if (d.kind === 'below-minimum') {
    return (
      <li className={`feed-item lvl-unsafe${flash ? ' flash' : ''}`} data-kind={d.kind}>
        <span className="icon" aria-hidden="true">
          ⚠
        </span>
        {t('devBelowMinimum', { unit: d.unitName, slot: d.slot, date: d.date, competence: d.competence, staffed: d.staffed, minimum: d.minimum })}
      </li>
    );
  }
  if (d.kind === 'below-plan') {
    return (
      <li className="feed-item lvl-gap" data-kind={d.kind}>
        <span className="icon" aria-hidden="true">
          ▽
        </span>
        {t('devBelowPlan', { unit: d.unitName, week: d.week, scheduled: d.scheduled, ratio: d.ratio, target: d.target, gap: d.gap })}
      </li>
    );
  }
  return (
    <li className={`feed-item ${d.severity === 2 ? 'lvl-unsafe' : 'lvl-gap'}`} data-kind={d.kind}>
      <span className="icon" aria-hidden="true">
        🔔
      </span>
      {t('alertsLive')}: {t('devAlert', { text: d.text })}
    </li>
  );
}
