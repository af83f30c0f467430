import { useEffect, useState } from 'react';
import { useApp, useConnection } from '../app/app-context';

const clock = (ms: number, language: string) => new Date(ms).toLocaleTimeString(language === 'sv' ? 'sv-SE' : 'en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** live / reconnecting / stale since …, with a shape and a text, not colour alone. */
export function ConnectionIndicator() {
  const { live, t, language } = useApp();
  const status = useConnection(live);
  const [, tick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => tick((n) => n + 1), 5000);
    return () => clearInterval(timer);
  }, []);
  const { state, since, lastMessageAt, authFailed } = status;
  const icon = state === 'live' ? '●' : state === 'stale' ? '○' : '◐';
  const text = authFailed
    ? t('connAuthFailed')
    : state === 'live'
      ? t('connLive')
      : state === 'connecting'
        ? t('connConnecting')
        : state === 'reconnecting'
          ? t('connReconnecting')
          : t('connStale', { time: clock(since ?? Date.now(), language) });
  return (
    <div className={`connection connection-${state}`} role="status" aria-live="polite" title={t('connHelp')} data-state={state}>
      <span className="connection-icon" aria-hidden="true">
        {icon}
      </span>
      <span className="connection-text">{text}</span>
      {lastMessageAt !== null && state === 'live' && <span className="connection-last">{t('connLastChange', { time: clock(lastMessageAt, language) })}</span>}
    </div>
  );
}
