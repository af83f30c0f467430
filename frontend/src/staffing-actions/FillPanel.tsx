import { useEffect, useRef, useState } from 'react';
import type { GapCandidate, GapCandidatesResponse } from '@pks/contracts';
import { ApiError, apiGet } from '../api/http';
import type { GapCellRef } from '../alerts/AlertList';
import { useApp } from '../app/app-context';
import { RejectionNotice } from '../components/RejectionNotice';
import { LoadState } from '../components/Status';
import { signed } from '../gap-list/GapGridTable';
import type { MessageKey } from '../i18n/dictionary';
import { actionLabel, candidateReasons, SOURCE_ICON } from './candidate-text';
import type { CommandOutcome } from './commands';
import { excludedRuleText, rejectionText } from './rejections';
import { useStaffingCommand } from './use-staffing-command';

type Result =
  | { kind: 'done'; candidate: GapCandidate; duplicate: boolean }
  | { kind: 'rejected'; candidate: GapCandidate; text: string; detail: string | null }
  | { kind: 'failed'; candidate: GapCandidate; text: string; detail: string | null };

/**
 * "Fyll / Fill": who could fill one gap, ranked with reasons (GET /api/v1/gaps/candidates), the people who cannot
 * with the rule they fail (collapsed), and one click to book (pool, overtime, agency) or move (reallocation). The
 * gap cell updates live for everyone through the gap list and the staffing overview.
 */
export function FillPanel({ cell, onClose }: { cell: GapCellRef; onClose(): void }) {
  const { t, language, session, me } = useApp();
  const send = useStaffingCommand();
  const manager = me.principal.role === 'manager';
  const [data, setData] = useState<GapCandidatesResponse | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [reloadSeq, setReloadSeq] = useState(0);
  const [busy, setBusy] = useState<string | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const cellKey = `${cell.unitId}|${cell.date}|${cell.slot}|${cell.competence}`;

  useEffect(() => {
    heading.current?.scrollIntoView({ block: 'nearest' });
    heading.current?.focus();
    setResult(null);
  }, [cellKey]);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    apiGet<GapCandidatesResponse>('gaps/candidates', session.token, { ...cell }, controller.signal)
      .then((answer) => {
        setData(answer);
        setError(null);
      })
      .catch((e: unknown) => {
        if (controller.signal.aborted) return;
        setData(null);
        setError(e instanceof ApiError ? e : new ApiError(0, e instanceof Error ? e.message : String(e), 'gaps/candidates'));
      })
      .finally(() => !controller.signal.aborted && setLoading(false));
    return () => controller.abort();
  }, [cellKey, reloadSeq, session.token]); // eslint-disable-line react-hooks/exhaustive-deps

  const act = async (candidate: GapCandidate) => {
    setBusy(candidate.staffId);
    const outcome: CommandOutcome = await send(candidate.command, candidate.commandBody);
    setBusy(null);
    if (outcome.kind === 'done') {
      setResult({ kind: 'done', candidate, duplicate: outcome.response.status === 'duplicate' });
      setReloadSeq((n) => n + 1);
    } else {
      const { text, detail } = rejectionText(t, outcome.error);
      setResult({ kind: outcome.kind, candidate, text, detail });
      if (outcome.kind === 'rejected') setReloadSeq((n) => n + 1); // the situation changed: show who is left
    }
  };

  const gap = data?.gap;
  const title = gap ? `${gap.unitName} · ${gap.date} · ${gap.slot} · ${gap.competence}` : `${cell.unitId} · ${cell.date} · ${cell.slot} · ${cell.competence}`;
  const filled = gap !== undefined && gap.vsTarget !== null && gap.vsTarget >= 0;
  const candidates = data?.candidates ?? [];
  const excluded = data?.excluded ?? [];

  return (
    <section className="panel action-panel" aria-labelledby="fill-title" data-testid="fill-panel" data-cell={cellKey}>
      <div className="panel-head">
        <h2 id="fill-title" ref={heading} tabIndex={-1}>
          <span aria-hidden="true">✚ </span>
          {t('fillTitle', { what: title })}
        </h2>
        <button type="button" onClick={onClose} data-testid="fill-close">
          {t('close')}
        </button>
      </div>
      {gap && (
        <p className="gap-facts" data-testid="fill-gap" data-staffed={gap.staffed} data-status={gap.status}>
          <span className={`pm lvl-${gap.status === 'below-minimum' ? 'unsafe' : gap.status === 'below-target' ? 'gap' : gap.status === 'surplus' ? 'surplus' : 'ok'} gap-badge`}>
            <span aria-hidden="true">{gap.status === 'below-minimum' ? '⚠ ' : gap.status === 'below-target' ? '▽ ' : '✓ '}</span>
            {t(`staffingStatus.${gap.status}` as MessageKey)}
          </span>{' '}
          {t('gapFacts', { staffed: gap.staffed, minimum: gap.minimum ?? '–', target: gap.target ?? '–', vs: gap.vsTarget === null ? '–' : signed(gap.vsTarget) })}
          {gap.ended && <strong> · {t('slotEnded')}</strong>}
        </p>
      )}
      {result?.kind === 'done' && (
        <p className="notice notice-ok" role="status" data-testid="fill-result">
          <span aria-hidden="true">✓ </span>
          {t(result.candidate.command === 'reallocate' ? 'movedDone' : 'bookedDone', { name: result.candidate.name ?? result.candidate.staffId, what: title })}
          {result.duplicate && ` ${t('alreadyDone')}`}
        </p>
      )}
      {result && result.kind !== 'done' && (
        <RejectionNotice text={result.text} detail={result.detail}>
          {result.kind === 'failed' && (
            <>
              {' '}
              <button type="button" className="link-button" onClick={() => act(result.candidate)} disabled={busy !== null}>
                {t('retry')}
              </button>
            </>
          )}
        </RejectionNotice>
      )}
      <LoadState loading={loading && data === null} error={error} path="gaps/candidates" onRetry={() => setReloadSeq((n) => n + 1)} />
      {data && filled && <p className="notice notice-ok">{t('gapClosed')}</p>}
      {manager && data && !filled && <p className="small muted">{t('managerFillNote')}</p>}
      {data && !filled && !gap?.ended && candidates.length === 0 && <p className="muted" data-testid="no-candidates">{excluded.length > 0 ? t('noCandidates') : t('noCandidatesAtAll')}</p>}
      {data && !filled && !gap?.ended && candidates.length > 0 && (
        <ol className="candidate-list" data-testid="candidates" aria-label={t('candidatesTitle')}>
          {candidates.map((c) => (
            <li key={`${c.staffId}|${c.source}`} className={`candidate source-${c.source}`} data-staff-id={c.staffId} data-source={c.source} data-rank={c.rank}>
              <div className="candidate-head">
                <span className="rank" aria-label={t('rank', { n: c.rank })}>
                  {c.rank}
                </span>
                <strong className="candidate-name">{c.name ?? t('unnamed', { id: c.staffId })}</strong>
                <span className={`source-badge source-${c.source}`}>
                  <span aria-hidden="true">{SOURCE_ICON[c.source]} </span>
                  {t(`source.${c.source}` as MessageKey)}
                </span>
                <button
                  type="button"
                  className="primary candidate-action"
                  onClick={() => act(c)}
                  disabled={busy !== null}
                  aria-busy={busy === c.staffId}
                  data-testid="candidate-action"
                  aria-label={`${actionLabel(t, c.command)}: ${c.name ?? c.staffId}`}
                >
                  {busy === c.staffId ? t('working') : actionLabel(t, c.command)}
                </button>
              </div>
              <ul className="reasons" title={c.reasons.join('\n')}>
                {candidateReasons(t, language, c, data.rules).map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
      )}
      {data && excluded.length > 0 && (
        <details className="excluded" data-testid="excluded">
          <summary>{t('excludedTitle', { n: excluded.length })}</summary>
          <ul>
            {excluded.map((x) => (
              <li key={`${x.staffId}|${x.source}|${x.code}`} data-code={x.code} title={x.reason}>
                <strong>{x.name ?? t('unnamed', { id: x.staffId })}</strong> <span className="muted">({t(`source.${x.source}` as MessageKey)})</span>: {excludedRuleText(t, x.code)}
                {language === 'en' && <span className="small muted"> — {x.reason}</span>}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
