import { useEffect, useRef, useState } from 'react';
import type { GapSuggestionsResponse, SuggestedMove } from '@pks/contracts';
import { ApiError, apiGet } from '../api/http';
import { useApp } from '../app/app-context';
import { RejectionNotice } from '../components/RejectionNotice';
import { LoadState } from '../components/Status';
import type { MessageKey } from '../i18n/dictionary';
import { actionLabel, SOURCE_ICON } from './candidate-text';
import { applyMovesInOrder, type CommandOutcome } from './commands';
import { rejectionText } from './rejections';
import { useStaffingCommand } from './use-staffing-command';

export interface SlotRef {
  poolId: string;
  date: string;
  slot: string;
  competence?: string | null;
}

type MoveState = { kind: 'done'; duplicate: boolean } | { kind: 'rejected' | 'failed'; text: string; detail: string | null };

/**
 * "Föreslå för hela passet / Suggest for the whole slot": the moves GET /api/v1/gaps/suggestions proposes for every
 * cell of the pool below target in one slot, applied one by one in their order; the first rejection stops the run
 * and is shown (the later moves assumed the earlier ones).
 */
export function SuggestionsPanel({ slot, onClose }: { slot: SlotRef; onClose(): void }) {
  const { t, session } = useApp();
  const send = useStaffingCommand();
  const [data, setData] = useState<GapSuggestionsResponse | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [reloadSeq, setReloadSeq] = useState(0);
  const [states, setStates] = useState<Map<number, MoveState>>(new Map());
  const [running, setRunning] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const slotKey = `${slot.poolId}|${slot.date}|${slot.slot}|${slot.competence ?? ''}`;

  useEffect(() => {
    heading.current?.scrollIntoView({ block: 'nearest' });
    heading.current?.focus();
  }, [slotKey]);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    setStates(new Map());
    apiGet<GapSuggestionsResponse>('gaps/suggestions', session.token, { poolId: slot.poolId, date: slot.date, slot: slot.slot, competence: slot.competence ?? undefined }, controller.signal)
      .then((answer) => {
        setData(answer);
        setError(null);
      })
      .catch((e: unknown) => {
        if (controller.signal.aborted) return;
        setData(null);
        setError(e instanceof ApiError ? e : new ApiError(0, e instanceof Error ? e.message : String(e), 'gaps/suggestions'));
      })
      .finally(() => !controller.signal.aborted && setLoading(false));
    return () => controller.abort();
  }, [slotKey, reloadSeq, session.token]); // eslint-disable-line react-hooks/exhaustive-deps

  const moves = data ? [...data.moves].sort((a, b) => a.order - b.order) : [];
  const next = moves.findIndex((m) => states.get(m.order)?.kind !== 'done');
  const stopped = moves.find((m) => {
    const s = states.get(m.order);
    return s !== undefined && s.kind !== 'done';
  });
  // a rule said no: recompute first; no answer at all: the same move may be sent again (same idempotency key)
  const blocked = stopped !== undefined && states.get(stopped.order)?.kind === 'rejected';

  const stateOf = (outcome: CommandOutcome): MoveState =>
    outcome.kind === 'done' ? { kind: 'done', duplicate: outcome.response.status === 'duplicate' } : { kind: outcome.kind, ...rejectionText(t, outcome.error) };

  /** applies from the next move on: all of them (stopping at the first rejection), or just one */
  const apply = async (all: boolean) => {
    if (next < 0) return;
    setRunning(true);
    const todo = all ? moves.slice(next) : [moves[next]!];
    await applyMovesInOrder(
      todo,
      (m) => send(m.command, m.commandBody),
      ({ move, outcome }) => setStates((s) => new Map(s).set(move.order, stateOf(outcome))),
    );
    setRunning(false);
  };

  const what = `${slot.date} · ${slot.slot}${slot.competence ? ` · ${slot.competence}` : ''}`;
  return (
    <section className="panel action-panel" aria-labelledby="suggest-title" data-testid="suggestions-panel">
      <div className="panel-head">
        <h2 id="suggest-title" ref={heading} tabIndex={-1}>
          <span aria-hidden="true">⇄ </span>
          {t('suggestTitle', { what, pool: slot.poolId })}
        </h2>
        <button type="button" onClick={onClose}>
          {t('close')}
        </button>
      </div>
      <p className="muted small">{t('suggestMethod')}</p>
      <LoadState loading={loading && data === null} error={error} path="gaps/suggestions" onRetry={() => setReloadSeq((n) => n + 1)} />
      {data && moves.length === 0 && <p className="muted">{t('noSuggestions')}</p>}
      {moves.length > 0 && (
        <>
          <div className="alert-actions">
            <button type="button" className="primary" onClick={() => apply(true)} disabled={running || next < 0 || blocked} data-testid="apply-all">
              {t('applyAll', { n: next < 0 ? 0 : moves.length - next })}
            </button>
            <button type="button" onClick={() => apply(false)} disabled={running || next < 0 || blocked} data-testid="apply-next">
              {t('applyNext')}
            </button>
            <button type="button" onClick={() => setReloadSeq((n) => n + 1)} disabled={running}>
              {t('recompute')}
            </button>
          </div>
          {stopped && (
            <RejectionNotice text={t('applyStopped', { n: stopped.order, text: (states.get(stopped.order) as { text: string }).text })} detail={(states.get(stopped.order) as { detail: string | null }).detail} testId="apply-stopped" />
          )}
          <div className="table-scroll">
            <table className="data-table" data-testid="moves">
              <caption>{t('movesTitle', { n: moves.length })}</caption>
              <thead>
                <tr>
                  <th scope="col" className="num">
                    #
                  </th>
                  <th scope="col">{t('colUnit')}</th>
                  <th scope="col">{t('competence')}</th>
                  <th scope="col">{t('colName')}</th>
                  <th scope="col">{t('colSource')}</th>
                  <th scope="col">{t('colFills')}</th>
                  <th scope="col">{t('colResult')}</th>
                </tr>
              </thead>
              <tbody>
                {moves.map((m, i) => (
                  <MoveRow key={m.order} move={m} state={states.get(m.order)} isNext={i === next && !running && !blocked} />
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {data && data.shortages.length > 0 && (
        <div className="table-scroll">
          <table className="data-table" data-testid="suggestion-shortages">
            <caption>{t('shortagesAfter')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('colUnit')}</th>
                <th scope="col">{t('competence')}</th>
                <th scope="col" className="num">
                  {t('colStaffed')}
                </th>
                <th scope="col" className="num">
                  {t('colStaffedAfter')}
                </th>
                <th scope="col" className="num">
                  {t('colMissingMin')}
                </th>
                <th scope="col" className="num">
                  {t('colMissingTarget')}
                </th>
              </tr>
            </thead>
            <tbody>
              {data.shortages.map((s) => (
                <tr key={`${s.unitId}|${s.competence}`}>
                  <th scope="row">{s.unitName}</th>
                  <td>{s.competence}</td>
                  <td className="num">{s.staffed}</td>
                  <td className="num">{s.staffedAfter}</td>
                  <td className={`num ${s.missingToMinimum > 0 ? 'lvl-text-unsafe' : ''}`}>
                    {s.missingToMinimum > 0 && <span aria-hidden="true">⚠ </span>}
                    {s.missingToMinimum}
                  </td>
                  <td className={`num ${s.missingToTarget > 0 ? 'lvl-text-gap' : ''}`}>{s.missingToTarget}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function MoveRow({ move: m, state, isNext }: { move: SuggestedMove; state: MoveState | undefined; isNext: boolean }) {
  const { t } = useApp();
  return (
    <tr data-order={m.order} data-staff-id={m.staffId} data-state={state?.kind ?? (isNext ? 'next' : 'pending')} className={isNext ? 'current' : ''}>
      <td className="num">{m.order}</td>
      <th scope="row">{m.unitName}</th>
      <td>{m.competence}</td>
      <td>{m.name ?? t('unnamed', { id: m.staffId })}</td>
      <td>
        <span aria-hidden="true">{SOURCE_ICON[m.source]} </span>
        {actionLabel(t, m.command)} · {t(`source.${m.source}` as MessageKey)}
        {m.fromUnitId && <span className="muted"> ({t('fromUnit', { unit: m.fromUnitId })})</span>}
      </td>
      <td>{t(m.fills === 'minimum' ? 'fillsMinimum' : 'fillsTarget')}</td>
      <td>
        {state === undefined ? (
          <span className="muted">{isNext ? t('moveNext') : '–'}</span>
        ) : state.kind === 'done' ? (
          <span className="lvl-ok">
            <span aria-hidden="true">✓ </span>
            {state.duplicate ? t('alreadyDone') : t('moveDone')}
          </span>
        ) : (
          <span className="lvl-text-unsafe">
            <span aria-hidden="true">✕ </span>
            {state.text}
          </span>
        )}
      </td>
    </tr>
  );
}
