import { useId, useState, type FormEvent } from 'react';
import type { AlertRow } from '@pks/contracts';
import { useApp } from '../app/app-context';
import { RejectionNotice } from '../components/RejectionNotice';
import type { MessageKey } from '../i18n/dictionary';
import { rejectionText } from '../staffing-actions/rejections';
import { acknowledgeAlert, resolveAlert } from './alert-commands';
import { alertCell, SEVERITY_ICON, STATUS_ICON } from './alert-feed';
import { formatInstant, observedText, windowText } from './alert-text';

export type GapCellRef = { unitId: string; date: string; slot: string; competence: string };

interface Props {
  rows: AlertRow[];
  flash: ReadonlySet<string>;
  /** may the person acknowledge and resolve (every reading role may, within its scope) */
  canAct: boolean;
  /** "fill" for slot alerts below target (staffing actions) */
  onFill?: (cell: GapCellRef, row: AlertRow) => void;
  /** the command's answer, shown at once (the live update follows) */
  onChanged?: (row: AlertRow) => void;
  /** rows shown before "show more" */
  initial?: number;
  /** rows shown even beyond "show more" (alerts that just arrived, rows that just changed) */
  pinned?: ReadonlySet<string>;
  testId: string;
  label: string;
}

/** Alerts as a list: severity (icon and text), rule, unit, window, observed vs expected, status, owner; actions. */
export function AlertList({ rows, flash, canAct, onFill, onChanged, initial = 25, pinned, testId, label }: Props) {
  const { t } = useApp();
  const [shown, setShown] = useState(initial);
  const visible = rows.filter((r, i) => i < shown || flash.has(r.key) || pinned?.has(r.key));
  return (
    <>
      <ul className="alert-list" data-testid={testId} aria-label={label}>
        {visible.map((row) => (
          <AlertItem key={row.key} row={row} flash={flash.has(row.key)} canAct={canAct} onFill={onFill} onChanged={onChanged} />
        ))}
      </ul>
      {rows.length > visible.length && (
        <button type="button" className="link-button" onClick={() => setShown((n) => n + 50)}>
          {t('showMore', { n: rows.length - visible.length })}
        </button>
      )}
    </>
  );
}

function AlertItem({ row, flash, canAct, onFill, onChanged }: { row: AlertRow; flash: boolean; canAct: boolean; onFill: Props['onFill']; onChanged: Props['onChanged'] }) {
  const { t, language, session } = useApp();
  const [mode, setMode] = useState<'acknowledge' | 'resolve' | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ text: string; detail: string | null } | null>(null);
  const noteId = useId();
  const cell = alertCell(row);
  const unit = row.unitName ?? row.unitId;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!mode) return;
    if (mode === 'resolve' && !note.trim()) {
      setError({ text: t('resolveNeedsNote'), detail: null });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const answer = mode === 'acknowledge' ? await acknowledgeAlert(session.token, row.alertId, note) : await resolveAlert(session.token, row.alertId, note);
      onChanged?.(answer.alert);
      setMode(null);
      setNote('');
    } catch (err) {
      setError(rejectionText(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <li
      id={`alert-${row.key}`}
      tabIndex={-1}
      className={`alert-item sev-${row.severity} status-${row.status}${flash ? ' flash' : ''}`}
      data-alert-id={row.alertId}
      data-rule={row.rule}
      data-status={row.status}
      data-unit={row.unitId}
    >
      <div className="alert-head">
        <span className={`sev-badge sev-${row.severity}`}>
          <span aria-hidden="true">{SEVERITY_ICON[row.severity]} </span>
          {t(`severity.${row.severity}` as MessageKey)}
        </span>{' '}
        <strong className="alert-rule">{t(`rule.${row.rule}` as MessageKey)}</strong>
        <span className="alert-where">
          {' · '}
          {unit} · {windowText(t, row)}
        </span>
      </div>
      <div className="alert-facts">
        <span className="alert-observed">{observedText(t, language, row)}</span>
        {' · '}
        <span className={`alert-status status-badge-${row.status}`} data-testid="alert-status">
          <span aria-hidden="true">{STATUS_ICON[row.status]} </span>
          {t(`alertStatus.${row.status}` as MessageKey)}
        </span>
        {row.owner && (
          <>
            {' · '}
            <span className="alert-owner">{t('ownerIs', { name: row.ownerName ?? row.owner })}</span>
          </>
        )}
        {' · '}
        <span className="muted">{t('raisedAt', { time: formatInstant(row.raisedAt, language) })}</span>
        {row.escalatedAt && (
          <>
            {' · '}
            <span className="alert-escalated">
              <span aria-hidden="true">⇧ </span>
              {t('escalatedTo', { level: t(`role.${row.level}` as MessageKey) })}
            </span>
          </>
        )}
        {row.occurrence > 1 && <span className="muted"> · {t('occurrence', { n: row.occurrence })}</span>}
      </div>
      {row.acknowledgeNote && <div className="alert-note small">“{row.acknowledgeNote}”</div>}
      {(canAct || (onFill && cell)) && row.status !== 'resolved' && mode === null && (
        <div className="alert-actions">
          {onFill && cell && (
            <button type="button" className="primary" onClick={() => onFill(cell, row)} data-testid="alert-fill" aria-label={t('fillFor', { what: `${unit} ${windowText(t, row)}` })}>
              {t('fill')}
            </button>
          )}
          {canAct && row.status === 'raised' && (
            <button type="button" onClick={() => setMode('acknowledge')} data-testid="alert-acknowledge" aria-label={t('acknowledgeFor', { what: `${t(`rule.${row.rule}` as MessageKey)}, ${unit} ${windowText(t, row)}` })}>
              <span aria-hidden="true">✓ </span>
              {t('acknowledge')}
            </button>
          )}
          {canAct && (
            <button type="button" onClick={() => setMode('resolve')} data-testid="alert-resolve">
              {t('resolveManually')}
            </button>
          )}
        </div>
      )}
      {mode && (
        <form className="alert-form" onSubmit={submit} data-testid="alert-form">
          <label htmlFor={noteId} className="field-label">
            {mode === 'acknowledge' ? t('noteOptional') : t('noteRequired')}
          </label>
          <textarea id={noteId} value={note} onChange={(e) => setNote(e.target.value)} rows={2} maxLength={1000} required={mode === 'resolve'} autoFocus />
          <div className="alert-actions">
            <button type="submit" className="primary" disabled={busy} data-testid="alert-submit">
              {mode === 'acknowledge' ? t('acknowledge') : t('resolveManually')}
            </button>
            <button type="button" onClick={() => (setMode(null), setError(null))} disabled={busy}>
              {t('cancel')}
            </button>
          </div>
        </form>
      )}
      {error && <RejectionNotice text={error.text} detail={error.detail} />}
    </li>
  );
}
