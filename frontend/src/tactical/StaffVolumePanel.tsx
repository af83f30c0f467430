import { useMemo } from 'react';
import type uPlot from 'uplot';
import type { StaffVolumeResponse } from '@pks/contracts';
import { useApp } from '../app/app-context';
import { OKABE_ITO, UPlotChart, type ChartOptions } from '../charts/UPlotChart';
import { LoadState } from '../components/Status';
import { TACTICAL_LIVE, useLiveModel } from '../live/use-live-model';
import { addMonths } from '../time/calendar';
import { categoryKey } from './PerformedTimePanel';

const one = (n: number | null) => (n === null ? '–' : (Math.round(n * 10) / 10).toFixed(1));

/** ProdN vs dimensioned presence per month (and HÅA), all categories in the chart, per category in the table. */
export function StaffVolumePanel({ scopeParams, today }: { scopeParams: Record<string, string>; today: string }) {
  const { t } = useApp();
  const month = today.slice(0, 7);
  const from = `${addMonths(month, -11)}-01`;
  const params = useMemo(() => ({ ...scopeParams, from, to: today, bucket: 'month', groupBy: 'category' }), [scopeParams, from, today]);
  const model = useLiveModel<StaffVolumeResponse>({ model: 'staff-volume', path: 'staff-volume', params, ...TACTICAL_LIVE });
  const all = useMemo(() => (model.data?.rows ?? []).filter((r) => r.staffCategory === null).sort((a, b) => a.period.localeCompare(b.period)), [model.data]);
  const periods = all.map((r) => r.period);
  const chartData = useMemo<uPlot.AlignedData>(
    () => [all.map((_, i) => i), all.map((r) => r.prodN), all.map((r) => r.dimensionedFte), all.map((r) => r.fte)],
    [all],
  );
  const periodsKey = periods.join('|');
  const options = useMemo<ChartOptions>(
    () => ({
      scales: { x: { time: false } },
      axes: [{ values: (_u, splits) => splits.map((i) => (Number.isInteger(i) ? (periods[i] ?? '') : '')), incrs: [1, 2, 3], grid: { show: false } }, { grid: { stroke: '#e4e4e4' } }],
      series: [
        { label: t('colMonth'), value: (_u, v) => (v === null ? '' : (periods[v] ?? '')) },
        { label: t('prodN'), stroke: OKABE_ITO.blue, width: 3, points: { show: true, size: 6, fill: OKABE_ITO.blue }, value: (_u, v) => one(v) },
        { label: t('dimensioned'), stroke: OKABE_ITO.vermillion, width: 2, dash: [8, 4], points: { show: true, size: 6, fill: '#fff' }, value: (_u, v) => one(v) },
        { label: t('fte'), stroke: OKABE_ITO.grey, width: 1.5, dash: [2, 3], points: { show: false }, value: (_u, v) => one(v) },
      ],
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [t, periodsKey],
  );
  const latest = all.filter((r) => r.complete).pop() ?? all[all.length - 1];
  const latestRows = latest ? (model.data?.rows ?? []).filter((r) => r.period === latest.period) : [];

  return (
    <section className="panel" aria-labelledby="volume-title" data-testid="staff-volume">
      <h2 id="volume-title">{t('staffVolumeTitle')}</h2>
      <LoadState loading={model.loading} error={model.error} path="staff-volume" onRetry={model.reload} />
      {model.data && all.length === 0 && <p className="muted">{t('noData')}</p>}
      {all.length > 0 && (
        <>
          <UPlotChart options={options} data={chartData} height={220} label={t('staffVolumeTitle')} />
          {latest && (
            <div className="table-scroll">
              <table className="data-table">
                <caption>
                  {t('latestMonth', { month: latest.period })} {!latest.complete && t('incomplete')}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">{t('colCategory')}</th>
                    <th scope="col" className="num">{t('prodN')}</th>
                    <th scope="col" className="num">{t('dimensioned')}</th>
                    <th scope="col" className="num">{t('prodNMinusDimensioned')}</th>
                    <th scope="col" className="num">{t('fte')}</th>
                  </tr>
                </thead>
                <tbody>
                  {latestRows.map((r) => (
                    <tr key={r.key}>
                      <th scope="row">{t(categoryKey(r.staffCategory))}</th>
                      <td className="num">{one(r.prodN)}</td>
                      <td className="num">{one(r.dimensionedFte)}</td>
                      <td className={`num ${r.prodNMinusDimensioned !== null && r.prodNMinusDimensioned < 0 ? 'lvl-text-gap' : ''}`}>
                        {r.prodNMinusDimensioned !== null && r.prodNMinusDimensioned < 0 && <span aria-hidden="true">▽ </span>}
                        {one(r.prodNMinusDimensioned)}
                      </td>
                      <td className="num">{one(r.fte)}</td>
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
