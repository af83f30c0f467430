import { useMemo } from 'react';
import type { ChppdResponse } from '@pks/contracts';
import { useApp } from '../app/app-context';
import { LoadState } from '../components/Status';
import { TACTICAL_LIVE, useLiveModel } from '../live/use-live-model';

const two = (n: number | null) => (n === null ? '–' : n.toFixed(2));

/** Care hours per patient day this month, per care competence and in total. */
export function ChppdPanel({ scopeParams, today }: { scopeParams: Record<string, string>; today: string }) {
  const { t } = useApp();
  const params = useMemo(() => ({ ...scopeParams, month: today.slice(0, 7), bucket: 'period', groupBy: 'competence' }), [scopeParams, today]);
  const model = useLiveModel<ChppdResponse>({ model: 'chppd', path: 'chppd', params, ...TACTICAL_LIVE });
  const rows = model.data?.rows ?? [];
  const missing = (model.data?.missingCensus ?? []).reduce((n, m) => n + m.dates.length, 0);
  return (
    <section className="panel" aria-labelledby="chppd-title" data-testid="chppd">
      <h2 id="chppd-title">
        {t('chppdTitle')} <span className="muted">{today.slice(0, 7)}</span>
      </h2>
      <LoadState loading={model.loading} error={model.error} path="chppd" onRetry={model.reload} />
      {model.data && rows.length === 0 && <p className="muted">{t('noData')}</p>}
      {rows.length > 0 && (
        <div className="table-scroll">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t('competence')}</th>
                <th scope="col" className="num">{t('chppdValue')}</th>
                <th scope="col" className="num">{t('careHours')}</th>
                <th scope="col" className="num">{t('patientDays')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.key} className={r.competence === null ? 'total-row' : ''}>
                  <th scope="row">{r.competence ?? t('allCareStaff')}</th>
                  <td className="num">{two(r.chppd)}</td>
                  <td className="num">{Math.round(r.careHours)}</td>
                  <td className="num">{r.patientDays}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {missing > 0 && (
        <p className="notice notice-missing">
          <span aria-hidden="true">ⓘ </span>
          {t('censusMissing', { n: missing })}
        </p>
      )}
    </section>
  );
}
