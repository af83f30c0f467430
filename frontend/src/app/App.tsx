import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import type { MeResponse, Role } from '@pks/contracts';
import { ApiError, fetchMe, setUnauthorizedHandler } from '../api/http';
import { clearSession, loadSession, saveSession, type Session } from '../api/session';
import { ConnectionIndicator } from '../components/ConnectionIndicator';
import { translate, type Language, type MessageKey } from '../i18n/dictionary';
import { LiveClient } from '../live/live-client';
import { LoginPage } from '../login/LoginPage';
import { AppContext, LanguageContext, type AppContextValue } from './app-context';
import { navigate, useRoute } from './router';

const GapListView = lazy(() => import('../gap-list/GapListView').then((m) => ({ default: m.GapListView })));
const StaffingCentreView = lazy(() => import('../staffing-centre/StaffingCentreView').then((m) => ({ default: m.StaffingCentreView })));
const TacticalView = lazy(() => import('../tactical/TacticalView').then((m) => ({ default: m.TacticalView })));

export type ViewId = 'gap-list' | 'staffing' | 'tactical';
const VIEWS: Record<ViewId, { path: string; label: MessageKey }> = {
  'gap-list': { path: '/gap-list', label: 'navGapList' },
  staffing: { path: '/staffing', label: 'navStaffing' },
  tactical: { path: '/tactical', label: 'navTactical' },
};

/** Which views a role gets, the first being its home. */
export function viewsFor(role: Role): ViewId[] {
  switch (role) {
    case 'manager':
      return ['gap-list'];
    case 'staffing-centre':
      return ['staffing', 'gap-list'];
    case 'tactical':
      return ['tactical', 'gap-list'];
    case 'admin':
      return ['gap-list', 'staffing', 'tactical'];
    default:
      return [];
  }
}

function initialLanguage(): Language {
  const saved = localStorage.getItem('pks.language');
  return saved === 'en' ? 'en' : 'sv';
}

export function App() {
  const [language, setLanguageState] = useState<Language>(initialLanguage);
  const setLanguage = useCallback((l: Language) => {
    localStorage.setItem('pks.language', l);
    setLanguageState(l);
  }, []);
  useEffect(() => {
    document.documentElement.lang = language;
    document.title = translate(language, 'appTitle');
  }, [language]);
  const [session, setSession] = useState<Session | null>(loadSession);
  const [notice, setNotice] = useState<string | null>(null);

  const logout = useCallback((reason: string | null = null) => {
    clearSession();
    setSession(null);
    setNotice(reason);
    navigate('/login', {}, true);
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => logout(translate(language, 'sessionExpired')));
    return () => setUnauthorizedHandler(null);
  }, [logout, language]);

  const languageValue = useMemo(() => ({ language, setLanguage }), [language, setLanguage]);

  return (
    <LanguageContext.Provider value={languageValue}>
      {session === null ? (
        <LoginPage
          notice={notice}
          onLogin={(s) => {
            saveSession(s);
            setNotice(null);
            setSession(s);
            const home = viewsFor(s.principal.role)[0];
            navigate(home ? VIEWS[home].path : '/', {}, true);
          }}
        />
      ) : (
        <LoggedIn key={session.token} session={session} language={language} setLanguage={setLanguage} logout={() => logout(null)} onExpired={() => logout(translate(language, 'sessionExpired'))} />
      )}
    </LanguageContext.Provider>
  );
}

function LoggedIn({ session, language, setLanguage, logout, onExpired }: { session: Session; language: Language; setLanguage(l: Language): void; logout(): void; onExpired(): void }) {
  const [me, setMe] = useState<MeResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState<LiveClient | null>(null);
  const route = useRoute();

  useEffect(() => {
    let active = true;
    fetchMe(session.token).then(
      (m) => active && setMe(m),
      (e: unknown) => active && !(e instanceof ApiError && e.status === 401) && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      active = false;
    };
  }, [session.token]);

  useEffect(() => {
    const client = new LiveClient(window.location.origin, session.token);
    setLive(client);
    const off = client.onStatus((s) => {
      if (s.authFailed) onExpired();
    });
    return () => {
      off();
      client.close();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [session.token]);

  const t = useCallback((key: MessageKey, values?: Record<string, string | number>) => translate(language, key, values), [language]);
  const value = useMemo<AppContextValue | null>(
    () => (me && live ? { session, me, live, language, setLanguage, t, logout } : null),
    [me, live, session, language, setLanguage, t, logout],
  );

  const views = viewsFor(session.principal.role);
  const current = (Object.keys(VIEWS) as ViewId[]).find((v) => route.path.startsWith(VIEWS[v].path)) ?? null;
  useEffect(() => {
    if (views.length > 0 && (current === null || !views.includes(current))) navigate(VIEWS[views[0]!].path, {}, true);
  }, [current, views]);

  if (error) {
    return (
      <main className="app-error" role="alert">
        <p>
          {t('errorPrefix')}: {error}
        </p>
        <button type="button" onClick={logout}>
          {t('logout')}
        </button>
      </main>
    );
  }
  if (!value) return <p className="muted page-loading">{t('loading')}</p>;

  return (
    <AppContext.Provider value={value}>
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header className="app-header">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            ▦
          </span>
          <span className="brand-name">{t('appTitle')}</span>
        </div>
        <nav className="app-nav" aria-label="views">
          {views.map((v) => (
            <a
              key={v}
              href={VIEWS[v].path}
              className={v === current ? 'active' : ''}
              aria-current={v === current ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                navigate(VIEWS[v].path);
              }}
            >
              {t(VIEWS[v].label)}
            </a>
          ))}
        </nav>
        <div className="header-tools">
          <ConnectionIndicator />
          <button type="button" className="lang-toggle" onClick={() => setLanguage(language === 'sv' ? 'en' : 'sv')} lang={language === 'sv' ? 'en' : 'sv'} data-testid="language-toggle">
            {t('switchLanguage')}
          </button>
          <span className="who" data-testid="who">
            {t('loggedInAs', { name: session.principal.name ?? session.principal.sub, role: t(`role.${session.principal.role}` as MessageKey) })}
          </span>
          <button type="button" onClick={logout} data-testid="logout">
            {t('logout')}
          </button>
        </div>
      </header>
      <main id="main" className="app-main">
        <Suspense fallback={<p className="muted">{t('loading')}</p>}>
          {current === 'gap-list' && views.includes('gap-list') && <GapListView />}
          {current === 'staffing' && views.includes('staffing') && <StaffingCentreView />}
          {current === 'tactical' && views.includes('tactical') && <TacticalView />}
        </Suspense>
      </main>
    </AppContext.Provider>
  );
}
