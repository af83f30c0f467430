import { useMemo } from 'react';
import type uPlot from 'uplot';
import type { GapListResponse, LiveUpdateMessage } from '@pks/contracts';
import { useApp } from '../app/app-context';
import { OKABE_ITO, steppedPaths, tzDate, UPlotChart, type ChartOptions } from '../charts/UPlotChart';
import { LoadState } from '../components/Status';
import type { LiveRow } from '../live/live-protocol';
import { useLiveModel } from '../live/use-live-model';
import { addDays } from '../time/calendar';
import { applyGapListRows } from './apply-gap-list-update';
import { coverageCurve } from './coverage';

const applyRows = (data: GapListResponse, rows: LiveRow[], update: LiveUpdateMessage) => {
  const out = applyGapListRows(data, rows, update.toPosition);
  return { data: out.data, changedKeys: out.changedRowKeys, refetchHttp: out.peopleIncomplete };
};

/**
 * Staffed people per hour of one day against the minimum and the target (uPlot). Its own live gap-list
 * subscription covers the day and the day before (the previous night covers the early hours).
 */
export function CoverageChart({ scopeParams, date, competence, timeZone }: { scopeParams: Record<string, string>; date: string; competence: string | null; timeZone: string }) {
  const { t } = useApp();
  const params = useMemo(() => ({ ...scopeParams, from: addDays(date, -1), to: date, ...(competence && { competence }) }), [scopeParams, date, competence]);
  const model = useLiveModel<GapListResponse>({ model: 'gap-list', path: 'gap-list', params, apply: applyRows });

  const curve = useMemo(() => (model.data ? coverageCurve({ date, timeZone, rows: model.data.rows, people: model.data.people, competence }) : null), [model.data, date, timeZone, competence]);
  // a new data array only when the curve changed
  const data = useMemo<uPlot.AlignedData>(() => (curve ? [curve.x, curve.staffed, curve.minimum, curve.target] : [[], [], [], []]), [curve]);
  const options = useMemo<ChartOptions>(
    () => ({
      tzDate: tzDate(timeZone),
      cursor: { points: { size: 6 } },
      legend: { live: true },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(2, Math.ceil(max + 1))] } },
      axes: [
        { values: (_u, splits) => splits.map((s) => tzDate(timeZone)(s).getHours().toString().padStart(2, '0')), grid: { stroke: '#e4e4e4' } },
        { label: t('colStaffed'), grid: { stroke: '#e4e4e4' } },
      ],
      series: [
        { label: t('coverageHour'), value: (_u, v) => (v == null ? '' : tzDate(timeZone)(v).toTimeString().slice(0, 5)) },
        { label: t('coverageStaffed'), stroke: OKABE_ITO.blue, width: 3, fill: 'rgba(0,114,178,0.10)', paths: steppedPaths(), points: { show: true, size: 5, fill: OKABE_ITO.blue } },
        { label: t('coverageMinimum'), stroke: OKABE_ITO.vermillion, width: 2, dash: [8, 4], paths: steppedPaths(), points: { show: false } },
        { label: t('coverageTarget'), stroke: OKABE_ITO.bluishGreen, width: 2, dash: [2, 3], paths: steppedPaths(), points: { show: false } },
      ],
    }),
    [t, timeZone],
  );

  return (
    <section className="panel coverage" aria-labelledby="coverage-title" data-testid="coverage">
      <h2 id="coverage-title">{t('coverageTitle', { date })}</h2>
      <LoadState loading={model.loading} error={model.error} path="gap-list" onRetry={model.reload} />
      {curve && (
        <>
          <p className={curve.belowMinimumHours > 0 ? 'summary lvl-text-unsafe' : 'summary'}>
            {curve.belowMinimumHours > 0 && <span aria-hidden="true">⚠ </span>}
            {t('coverageSummary', { below: curve.belowMinimumHours, gap: curve.belowTargetHours })}
          </p>
          <UPlotChart options={options} data={data} height={240} label={t('coverageTitle', { date })} />
        </>
      )}
    </section>
  );
}
