import { useMemo, useState } from 'react';
import type { OutcomeErrorClass, OutcomeVsPlanResponse } from '@pks/contracts';
import { useApp } from '../app/app-context';
import { LoadState } from '../components/Status';
import type { MessageKey } from '../i18n/dictionary';
import { TACTICAL_LIVE, useLiveModel } from '../live/use-live-model';

const CLASS_ICON: Record<OutcomeErrorClass, string> = { random: '≈', 'systematic-positive': '↑', 'systematic-negative': '↓', 'insufficient-data': '…' };
const fmt = (n: number | null) => (n === null ? '–' : Number.isInteger(n) ? String(n) : n.toFixed(1));
const signedFmt = (n: number | null) => (n === null ? '–' : n > 0 ? `+${fmt(n)}` : n < 0 ? `−${fmt(-n)}` : '0');

/** Outcome vs plan and forecast error per month, with the rolling 12-month sums and the random/systematic verdict (seeds/001). */
export function OutcomePanel({ scopeParams }: { scopeParams: Record<string, string> }) {
  const { t } = useApp();
  const params = useMemo(() => ({ ...scopeParams, granularity: 'month' }), [scopeParams]);
  const model = useLiveModel<OutcomeVsPlanResponse>({ model: 'outcome-vs-plan', path: 'outcome-vs-plan', params, ...TACTICAL_LIVE });
  const data = model.data;
  // measures with recorded outcomes first (a plan alone says little here)
  const measures = useMemo(() => {
    const all = [...new Set((data?.totals ?? []).map((r) => r.measure))];
    const withOutcome = new Set((data?.totals ?? []).filter((r) => r.outcome !== null).map((r) => r.measure));
    return [...all.filter((m) => withOutcome.has(m)), ...all.filter((m) => !withOutcome.has(m))];
  }, [data]);
  const [picked, setPicked] = useState<string | null>(null);
  const measure = picked && measures.includes(picked as never) ? picked : (measures[0] ?? null);
  const totals = (data?.totals ?? []).filter((r) => r.measure === measure).sort((a, b) => a.period.localeCompare(b.period));
  // running sums over the shown window (at most 12 months: the rolling window)
  let cumDev = 0;
  let cumErr = 0;
  const shown = totals.slice(-12).map((r) => {
    if (r.deviation !== null) cumDev += r.deviation;
    if (r.forecastError !== null) cumErr += r.forecastError;
    return { ...r, cumDev: r.deviation === null ? null : cumDev, cumErr: r.forecastError === null ? null : cumErr };
  });
  // the current verdict per unit: the last row of each unit for the measure
  const verdicts = new Map<string, { unitName: string; deviationClass: OutcomeErrorClass; forecastErrorClass: OutcomeErrorClass }>();
  for (const r of data?.rows ?? []) if (r.measure === measure) verdicts.set(r.unitId, r);

  const badge = (cls: OutcomeErrorClass) => (
    <span className={`badge badge-${cls}`}>
      <span aria-hidden="true">{CLASS_ICON[cls]} </span>
      {t(`class.${cls}` as MessageKey)}
    </span>
  );

  return (
    <section className="panel" aria-labelledby="outcome-title" data-testid="outcome-vs-plan">
      <h2 id="outcome-title">{t('outcomeTitle')}</h2>
      <LoadState loading={model.loading} error={model.error} path="outcome-vs-plan" onRetry={model.reload} />
      {data && measures.length === 0 && <p className="muted">{t('noData')}</p>}
      {measure && (
        <>
          {measures.length > 1 && (
            <label className="field">
              <span className="field-label">{t('measure')}</span>
              <select value={measure} onChange={(e) => setPicked(e.target.value)}>
                {measures.map((m) => (
                  <option key={m} value={m}>
                    {t(`measure.${m}` as MessageKey)}
                  </option>
                ))}
              </select>
            </label>
          )}
          <ul className="verdicts">
            {[...verdicts].map(([unitId, v]) => (
              <li key={unitId}>
                <strong>{v.unitName}</strong>: {t('deviationClass', { cls: '' })}
                {badge(v.deviationClass)} · {t('forecastClass', { cls: '' })}
                {badge(v.forecastErrorClass)}
              </li>
            ))}
          </ul>
          <div className="table-scroll">
            <table className="data-table">
              <caption>{t(`measure.${measure}` as MessageKey)}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('colPeriod')}</th>
                  <th scope="col" className="num">{t('colPlan')}</th>
                  <th scope="col" className="num">{t('colOutcome')}</th>
                  <th scope="col" className="num">{t('colDeviation')}</th>
                  <th scope="col" className="num">{t('colCumDeviation')}</th>
                  <th scope="col" className="num">{t('colForecast')}</th>
                  <th scope="col" className="num">{t('colInflow')}</th>
                  <th scope="col" className="num">{t('colForecastError')}</th>
                  <th scope="col" className="num">{t('colCumForecastError')}</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((r) => (
                  <tr key={r.period}>
                    <th scope="row">{r.period}</th>
                    <td className="num">{fmt(r.plan)}</td>
                    <td className="num">{fmt(r.outcome)}</td>
                    <td className="num">{signedFmt(r.deviation)}</td>
                    <td className="num">{signedFmt(r.cumDev)}</td>
                    <td className="num">{fmt(r.forecast)}</td>
                    <td className="num">{fmt(r.inflow)}</td>
                    <td className="num">{signedFmt(r.forecastError)}</td>
                    <td className="num">{signedFmt(r.cumErr)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
