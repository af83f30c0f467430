import { useMemo, useRef, useState } from 'react';
import type uPlot from 'uplot';
import type { PerformedTimeResponse } from '@pks/contracts';
// the label tree from its own file: it imports nothing, whereas a value import of '@pks/contracts' pulls zod into the bundle
import { DEFAULT_ACTIVITY_LABELS } from '../../../contracts/src/reference/activity-labels';
import { useApp } from '../app/app-context';
import { barPaths, OKABE_ITO, UPlotChart, type ChartOptions } from '../charts/UPlotChart';
import { LoadState } from '../components/Status';
import type { MessageKey } from '../i18n/dictionary';
import { TACTICAL_LIVE, useLiveModel } from '../live/use-live-model';
import { addMonths, monthsBetween } from '../time/calendar';

const COLOURS = [OKABE_ITO.blue, OKABE_ITO.orange, OKABE_ITO.bluishGreen, OKABE_ITO.reddishPurple, OKABE_ITO.skyBlue, OKABE_ITO.vermillion, OKABE_ITO.yellow, OKABE_ITO.grey];
const MAX_ACTIVITIES = 7;

export interface StackedActivities {
  months: string[];
  activities: string[];
  /** hours per activity per month */
  hours: number[][];
  /** cumulative tops, in the order of `activities` (the last is the month's total) */
  tops: number[][];
}

/** Months × level-2 activities, the biggest first; the rest summed as "other". */
export function stackActivities(rows: PerformedTimeResponse['rows'], months: string[]): StackedActivities {
  const totals = new Map<string, number>();
  for (const r of rows) {
    const a = r.activity2 ?? r.activity1 ?? '';
    totals.set(a, (totals.get(a) ?? 0) + r.hours);
  }
  const ranked = [...totals].sort((a, b) => b[1] - a[1]).map(([a]) => a);
  const kept = ranked.slice(0, MAX_ACTIVITIES);
  const other = ranked.length > MAX_ACTIVITIES;
  const activities = other ? [...kept, '*other'] : kept;
  const index = new Map(months.map((m, i) => [m, i]));
  const hours = activities.map(() => months.map(() => 0));
  for (const r of rows) {
    const i = index.get(r.period.slice(0, 7));
    if (i === undefined) continue;
    const a = r.activity2 ?? r.activity1 ?? '';
    const k = kept.includes(a) ? kept.indexOf(a) : activities.length - 1;
    hours[k]![i]! += r.hours;
  }
  const round = (n: number) => Math.round(n * 10) / 10;
  const tops: number[][] = [];
  let running = months.map(() => 0);
  for (const h of hours) {
    running = running.map((v, i) => v + h[i]!);
    tops.push(running.map(round));
  }
  return { months, activities, hours: hours.map((h) => h.map(round)), tops };
}

/** Performed time per activity and month, stacked (utförd tid, seeds/000). */
export function PerformedTimePanel({ scopeParams, today }: { scopeParams: Record<string, string>; today: string }) {
  const { t, language } = useApp();
  const [table, setTable] = useState(false);
  const month = today.slice(0, 7);
  const from = `${addMonths(month, -11)}-01`;
  const params = useMemo(() => ({ ...scopeParams, from, to: today, bucket: 'month', groupBy: 'activity2' }), [scopeParams, from, today]);
  const model = useLiveModel<PerformedTimeResponse>({ model: 'performed-time', path: 'performed-time', params, ...TACTICAL_LIVE });
  const months = useMemo(() => monthsBetween(from.slice(0, 7), month), [from, month]);
  const stacked = useMemo(() => (model.data ? stackActivities(model.data.rows, months) : null), [model.data, months]);
  const raw = useRef(stacked);
  raw.current = stacked;
  const names = useMemo(() => new Map(DEFAULT_ACTIVITY_LABELS.map((l) => [l.code, language === 'sv' ? l.name : l.nameEn])), [language]);
  const nameOf = (code: string) => (code === '*other' ? t('activityOther') : code === '' ? t('unlabelled') : (names.get(code) ?? code));
  const key = stacked?.activities.join('|') ?? '';
  const chartData = useMemo<uPlot.AlignedData>(() => (stacked ? [months.map((_, i) => i), ...[...stacked.tops].reverse()] : [[]]), [stacked, months]);
  const options = useMemo<ChartOptions>(() => {
    const acts = raw.current?.activities ?? [];
    const reversed = [...acts].reverse();
    return {
      scales: { x: { time: false, range: (_u, min, max) => [min - 0.6, max + 0.6] } },
      axes: [
        { values: (_u, splits) => splits.map((i) => (Number.isInteger(i) ? (months[i] ?? '') : '')), incrs: [1, 2, 3], grid: { show: false } },
        { label: t('hoursUnit'), grid: { stroke: '#e4e4e4' } },
      ],
      series: [
        { label: t('colMonth'), value: (_u, v) => (v === null ? '' : (months[v] ?? '')) },
        ...reversed.map((a) => {
          const k = acts.indexOf(a);
          const colour = COLOURS[k % COLOURS.length]!;
          return {
            label: nameOf(a),
            fill: colour,
            stroke: '#fff',
            width: 1,
            paths: barPaths(0.7),
            points: { show: false },
            value: (_u: uPlot, _v: number | null, _s: number, idx: number | null) => (idx === null ? '–' : `${raw.current?.hours[k]?.[idx] ?? 0} ${t('hoursUnit')}`),
          };
        }),
      ],
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [t, key, months, names]);

  return (
    <section className="panel" aria-labelledby="performed-title" data-testid="performed-time">
      <h2 id="performed-title">{t('performedTitle')}</h2>
      <LoadState loading={model.loading} error={model.error} path="performed-time" onRetry={model.reload} />
      {stacked && stacked.activities.length === 0 && <p className="muted">{t('noData')}</p>}
      {stacked && stacked.activities.length > 0 && (
        <>
          <UPlotChart key={key} options={options} data={chartData} height={280} label={t('performedTitle')} />
          <button type="button" className="link-button" onClick={() => setTable((v) => !v)} aria-expanded={table}>
            {table ? t('hideTable') : t('showTable')}
          </button>
          {table && (
            <div className="table-scroll">
              <table className="data-table">
                <thead>
                  <tr>
                    <th scope="col">{t('colMonth')}</th>
                    {stacked.activities.map((a) => (
                      <th key={a} scope="col" className="num">
                        {nameOf(a)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {months.map((m, i) => (
                    <tr key={m}>
                      <th scope="row">{m}</th>
                      {stacked.hours.map((h, k) => (
                        <td key={k} className="num">
                          {h[i]}
                        </td>
                      ))}
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

export const categoryKey = (c: string | null) => `category.${c ?? 'all'}` as MessageKey;
