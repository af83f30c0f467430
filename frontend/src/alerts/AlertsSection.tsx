import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { AlertRow } from '@pks/contracts';
import { useApp } from '../app/app-context';
import { LoadState } from '../components/Status';
import type { MessageKey } from '../i18n/dictionary';
import { alertParams, SEVERITY_ICON } from './alert-feed';
import { alertLine } from './alert-text';
import { AlertList, type GapCellRef } from './AlertList';
import { beep, loadSoundPreference, saveSoundPreference, soundSupported, unlockSound } from './beep';
import { useAlertFeed } from './use-alert-feed';

interface Props {
  /** scope parameters (unitId | departmentId | poolId) */
  scope: Record<string, string>;
  title: MessageKey;
  /** the audience asked for by default (null: the server's default for the role) */
  audience?: string | null;
  /** offer "all levels" next to the default audience (tactical, admin) */
  audienceToggle?: boolean;
  onFill?: (cell: GapCellRef, row: AlertRow) => void;
  /** rows shown before "show more" */
  initial?: number;
  testId?: string;
  /** heading level of the section title */
  headingId?: string;
}

/**
 * The alerts addressed to the person's level in a scope, live (model `alerts`, status active): the list with
 * acknowledge/resolve (and fill for slot alerts), a banner for every alert that arrives while the page is open and an
 * optional beep (off by default).
 */
export function AlertsSection({ scope, title, audience = null, audienceToggle = false, onFill, initial, testId = 'alerts-panel', headingId }: Props) {
  const { t } = useApp();
  const [allLevels, setAllLevels] = useState(false);
  const scopeKey = JSON.stringify(scope);
  const params = useMemo(
    () => alertParams(scope, { status: 'active', audience: audienceToggle && allLevels ? 'all' : audience }),
    [scopeKey, audience, audienceToggle, allLevels], // eslint-disable-line react-hooks/exhaustive-deps
  );
  const feed = useAlertFeed(params);
  const generatedId = useId();
  const titleId = headingId ?? `${generatedId}-title`;
  // alerts that arrived, or that the person acted on, while the view is open stay in sight (even past "show more")
  const [pinned, setPinned] = useState<ReadonlySet<string>>(new Set());
  const paramsKey = JSON.stringify(params);
  useEffect(() => setPinned(new Set()), [paramsKey]);
  useEffect(() => {
    if (feed.arrivals.some((a) => !pinned.has(a.key))) setPinned((p) => new Set([...p, ...feed.arrivals.map((a) => a.key)]));
  }, [feed.arrivals, pinned]);
  const onChanged = (row: AlertRow) => {
    feed.patch(row);
    setPinned((p) => new Set(p).add(row.key));
  };
  const counts = { raised: feed.rows.filter((r) => r.status === 'raised').length, acknowledged: feed.rows.filter((r) => r.status === 'acknowledged').length };

  return (
    <section className="panel alerts-panel" aria-labelledby={titleId} data-testid={testId}>
      <div className="panel-head">
        <h2 id={titleId}>
          <span aria-hidden="true">⚑ </span>
          {t(title)} <span className="count">({feed.rows.length})</span>
        </h2>
        <SoundToggle />
      </div>
      <p className="alert-counts small" data-testid="alert-counts">
        {t('alertCounts', { raised: counts.raised, acknowledged: counts.acknowledged })}
        {feed.data?.truncated && <span className="muted"> · {t('alertsTruncated')}</span>}
      </p>
      {audienceToggle && (
        <label className="check">
          <input type="checkbox" checked={allLevels} onChange={(e) => setAllLevels(e.target.checked)} data-testid="audience-all" />
          {t('alertsAllLevels')}
        </label>
      )}
      <LoadState loading={feed.loading} error={feed.error} path="alerts" onRetry={feed.reload} />
      {feed.data && feed.rows.length === 0 && <p className="muted">{t('noAlerts')}</p>}
      <AlertList rows={feed.rows} flash={feed.flash.keys} canAct onFill={onFill} onChanged={onChanged} initial={initial} pinned={pinned} testId={`${testId}-list`} label={t(title)} />
      <AlertToasts arrivals={feed.arrivals} onDismiss={feed.dismiss} onDismissAll={feed.dismissAll} />
    </section>
  );
}

/** "Sound on new alerts": off unless switched on here; the switch's click unlocks audio in the browser. */
export function SoundToggle() {
  const { t } = useApp();
  const [on, setOn] = useState(loadSoundPreference);
  if (!soundSupported()) return null;
  return (
    <label className="check sound-toggle">
      <input
        type="checkbox"
        checked={on}
        onChange={(e) => {
          const next = e.target.checked;
          setOn(next);
          saveSoundPreference(next);
          if (next) {
            unlockSound();
            beep();
          }
        }}
        data-testid="sound-toggle"
      />
      <span aria-hidden="true">♪ </span>
      {t('alertSound')}
    </label>
  );
}

const TOAST_MS = 20_000;
const MAX_TOASTS = 3;

/** Banners for alerts that arrived while the page was open (fixed at the bottom of the window, newest on top). */
export function AlertToasts({ arrivals, onDismiss, onDismissAll }: { arrivals: AlertRow[]; onDismiss(key: string): void; onDismissAll(): void }) {
  const { t, language } = useApp();
  const newest = arrivals[0] ? `${arrivals[0].key}#${arrivals[0].occurrence}` : null;
  const beeped = useRef<string | null>(null);
  useEffect(() => {
    if (newest === null || beeped.current === newest) return;
    beeped.current = newest;
    if (loadSoundPreference()) {
      unlockSound();
      beep(arrivals[0]?.severity === 'critical' ? 2 : 1);
    }
  }, [newest]); // eslint-disable-line react-hooks/exhaustive-deps

  const shown = arrivals.slice(0, MAX_TOASTS);
  const latest = arrivals[0];
  return (
    <div className="toasts" data-testid="alert-toasts">
      {/* always in the page, so screen readers announce what is put in them */}
      <p className="visually-hidden" aria-live="polite">
        {latest && latest.severity !== 'critical' ? `${t('newAlert')}: ${alertLine(t, language, latest)}` : ''}
      </p>
      <p className="visually-hidden" aria-live="assertive">
        {latest && latest.severity === 'critical' ? `${t('newAlert')}: ${alertLine(t, language, latest)}` : ''}
      </p>
      {shown.map((a) => (
        <Toast key={`${a.key}#${a.occurrence}`} alert={a} onDismiss={onDismiss} />
      ))}
      {arrivals.length > MAX_TOASTS && (
        <div className="toast toast-more">
          {t('moreAlerts', { n: arrivals.length - MAX_TOASTS })}{' '}
          <button type="button" onClick={onDismissAll}>
            {t('closeAll')}
          </button>
        </div>
      )}
    </div>
  );
}

/** One banner; non-critical ones go by themselves after a while, critical ones stay until closed. */
function Toast({ alert: a, onDismiss }: { alert: AlertRow; onDismiss(key: string): void }) {
  const { t, language } = useApp();
  useEffect(() => {
    if (a.severity === 'critical') return;
    const timer = setTimeout(() => onDismiss(a.key), TOAST_MS);
    return () => clearTimeout(timer);
  }, [a.key, a.severity, onDismiss]);
  return (
    <div className={`toast sev-${a.severity}`} data-testid="alert-toast" data-alert-id={a.alertId}>
      <span className="toast-icon" aria-hidden="true">
        {SEVERITY_ICON[a.severity]}
      </span>
      <div className="toast-body">
        <strong>{t('newAlert')}:</strong> {alertLine(t, language, a)}
      </div>
      <div className="toast-actions">
        <button
          type="button"
          onClick={() => {
            const el = document.getElementById(`alert-${a.key}`);
            el?.scrollIntoView({ block: 'center' });
            el?.focus();
            onDismiss(a.key);
          }}
        >
          {t('showAlert')}
        </button>
        <button type="button" onClick={() => onDismiss(a.key)} aria-label={t('closeNamed', { what: t('newAlert') })}>
          ✕
        </button>
      </div>
    </div>
  );
}
