import { useMemo, useRef, useState } from 'react';
import type uPlot from 'uplot';
import type { ScheduleVsPlanResponse } from '@pks/contracts';
import { useApp } from '../app/app-context';
import { barPaths, OKABE_ITO, UPlotChart, type ChartOptions } from '../charts/UPlotChart';
import { LoadState } from '../components/Status';
import type { LiveModelState } from '../live/use-live-model';
import { scheduleVsPlanSeries, type ScheduleVsPlanSeries } from './deviations';

const BROWN = '#8C510A'; // "waited too long" is brown in Region Jönköping's chart; dark enough to stay apart from the purple and green

/**
 * Schedule vs production plan per week (Region Jönköping, seeds/001): the plan line, the schedule line, a band from
 * the plan up to plan × 1.10, and bars of booked, to plan and waited too long, 12 weeks back and ahead.
 */
export function ScheduleVsPlanPanel({ model }: { model: LiveModelState<ScheduleVsPlanResponse> }) {
  const { t } = useApp();
  const [table, setTable] = useState(false);
  const data = model.data;
  const series = useMemo(() => (data ? scheduleVsPlanSeries(data.totals, data.currentWeek, data.targetRatio) : null), [data]);
  const raw = useRef<ScheduleVsPlanSeries | null>(null);
  raw.current = series;
  const ratio = data?.targetRatio ?? 1.1;
  const chartData = useMemo<uPlot.AlignedData>(
    () => (series ? [series.x, series.stack3, series.stack2, series.stack1, series.band, series.plan, series.schedule] : [[], [], [], [], [], [], []]),
    [series],
  );
  const options = useMemo<ChartOptions>(() => {
    const rawValue = (pick: (s: ScheduleVsPlanSeries) => (number | null)[]) => (_u: uPlot, _v: number | null, _si: number, idx: number | null) => {
      const s = raw.current;
      if (!s || idx === null) return '–';
      const v = pick(s)[idx];
      return v === null || v === undefined ? '–' : `${v} ${t('hoursUnit')}`;
    };
    return {
      scales: { x: { time: false, range: (_u, min, max) => [min - 0.6, max + 0.6] } },
      legend: { live: true },
      axes: [
        {
          values: (_u, splits) => splits.map((i) => (Number.isInteger(i) ? (raw.current?.weeks[i]?.slice(6) ?? '') : '')),
          incrs: [1, 2, 4],
          grid: { show: false },
        },
        { label: t('hoursUnit'), grid: { stroke: '#e4e4e4' } },
      ],
      series: [
        { label: 'v', value: (_u, v) => (v === null ? '' : (raw.current?.weeks[v] ?? '')) },
        { label: t('svpWaitedTooLong'), fill: BROWN, stroke: BROWN, paths: barPaths(0.6), points: { show: false }, value: rawValue((s) => s.waitedTooLong) },
        { label: t('svpToPlan'), fill: OKABE_ITO.reddishPurple, stroke: OKABE_ITO.reddishPurple, paths: barPaths(0.6), points: { show: false }, value: rawValue((s) => s.toPlan) },
        { label: t('svpBooked'), fill: OKABE_ITO.bluishGreen, stroke: OKABE_ITO.bluishGreen, paths: barPaths(0.6), points: { show: false }, value: rawValue((s) => s.booked) },
        { label: t('svpBand', { ratio: String(ratio) }), stroke: OKABE_ITO.skyBlue, width: 1, dash: [3, 3], points: { show: false }, value: rawValue((s) => s.band) },
        { label: t('svpPlan'), stroke: OKABE_ITO.blue, width: 3, points: { show: true, size: 6, fill: OKABE_ITO.blue } },
        { label: t('svpSchedule'), stroke: OKABE_ITO.black, width: 2, dash: [10, 5], points: { show: true, size: 7, fill: '#fff', stroke: OKABE_ITO.black } },
      ],
      bands: [{ series: [4, 5], fill: 'rgba(86,180,233,0.18)' }],
      hooks: {
        draw: [
          (u: uPlot) => {
            const i = raw.current?.currentIndex ?? -1;
            if (i < 0) return;
            const x = Math.round(u.valToPos(i, 'x', true));
            const ctx = u.ctx;
            ctx.save();
            ctx.strokeStyle = '#333';
            ctx.setLineDash([4, 4]);
            ctx.lineWidth = 1;
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            ctx.fillStyle = '#333';
            ctx.font = `${12 * devicePixelRatio}px system-ui, sans-serif`;
            ctx.fillText(t('svpCurrentWeek'), x + 4, u.bbox.top + 14 * devicePixelRatio);
            ctx.restore();
          },
        ],
      },
    };
  }, [t, ratio]);

  const units = data?.units ?? [];
  return (
    <section className="panel svp" aria-labelledby="svp-title" data-testid="schedule-vs-plan">
      <h2 id="svp-title">{t('svpTitle')}</h2>
      <LoadState loading={model.loading} error={model.error} path="schedule-vs-plan" onRetry={model.reload} />
      {data && series && (
        <>
          <ul className="unit-facts">
            {units.map((u) => (
              <li key={u.unitId}>
                <strong>{u.name}</strong>: <span className={u.meetsWeeksAheadGoal ? '' : 'lvl-text-gap'}>{!u.meetsWeeksAheadGoal && <span aria-hidden="true">▽ </span>}{t('svpWeeksAhead', { n: u.weeksAhead, goal: u.weeksAheadGoal })}</span>
                {' · '}
                <span className={u.weeksBelowTargetAhead > 0 ? 'lvl-text-gap' : ''}>{t('svpWeeksBelow', { n: u.weeksBelowTargetAhead, goal: u.weeksAheadGoal, ratio: String(data.targetRatio) })}</span>
              </li>
            ))}
          </ul>
          <UPlotChart options={options} data={chartData} height={300} label={t('svpTitle')} />
          <button type="button" className="link-button" onClick={() => setTable((v) => !v)} aria-expanded={table}>
            {table ? t('hideTable') : t('showTable')}
          </button>
          {table && (
            <div className="table-scroll">
              <table className="data-table">
                <thead>
                  <tr>
                    <th scope="col">v</th>
                    <th scope="col" className="num">{t('svpPlan')}</th>
                    <th scope="col" className="num">{t('svpBand', { ratio: String(data.targetRatio) })}</th>
                    <th scope="col" className="num">{t('svpSchedule')}</th>
                    <th scope="col" className="num">{t('svpBooked')}</th>
                    <th scope="col" className="num">{t('svpToPlan')}</th>
                    <th scope="col" className="num">{t('svpWaitedTooLong')}</th>
                  </tr>
                </thead>
                <tbody>
                  {series.weeks.map((w, i) => (
                    <tr key={w} className={i === series.currentIndex ? 'current' : ''}>
                      <th scope="row">{w}</th>
                      <td className="num">{series.plan[i] ?? '–'}</td>
                      <td className="num">{series.band[i] ?? '–'}</td>
                      <td className={`num ${series.band[i] !== null && series.schedule[i]! < series.band[i]! ? 'lvl-text-gap' : ''}`}>{series.schedule[i]}</td>
                      <td className="num">{series.booked[i]}</td>
                      <td className="num">{series.toPlan[i]}</td>
                      <td className="num">{series.waitedTooLong[i]}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
