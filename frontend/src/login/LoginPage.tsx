import { useEffect, useState } from 'react';
import type { DemoUser } from '@pks/contracts';
import { demoLogin, fetchDemoUsers } from '../api/http';
import type { Session } from '../api/session';
import { useLanguage, useT } from '../app/app-context';
import type { MessageKey } from '../i18n/dictionary';

/** Embedded mode: pick one of the demo users (GET /auth/demo-users), log in (POST /auth/demo-login). */
export function LoginPage({ onLogin, notice }: { onLogin(session: Session): void; notice: string | null }) {
  const t = useT();
  const { language, setLanguage } = useLanguage();
  const [users, setUsers] = useState<DemoUser[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    fetchDemoUsers().then(
      (r) => setUsers(r.users),
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, []);

  const login = async (user: DemoUser) => {
    setBusy(user.id);
    setError(null);
    try {
      onLogin(await demoLogin(user.id));
    } catch (e) {
      setError(t('loginFailed', { message: e instanceof Error ? e.message : String(e) }));
      setBusy(null);
    }
  };

  const scopeText = (u: DemoUser) => {
    const parts = [...u.units, ...u.pools, ...u.departments];
    return parts.length > 0 ? parts.join(', ') : t('allUnits');
  };

  return (
    <main className="login" id="main">
      <header className="login-header">
        <h1>{t('appTitle')}</h1>
        <button type="button" className="lang-toggle" onClick={() => setLanguage(language === 'sv' ? 'en' : 'sv')} lang={language === 'sv' ? 'en' : 'sv'}>
          {t('switchLanguage')}
        </button>
      </header>
      <section aria-labelledby="login-title" className="panel">
        <h2 id="login-title">{t('loginTitle')}</h2>
        <p>{t('loginIntro')}</p>
        {notice && (
          <p className="notice notice-error" role="alert">
            {notice}
          </p>
        )}
        {error && (
          <p className="notice notice-error" role="alert">
            {error}
          </p>
        )}
        {users === null && !error && <p className="muted">{t('loading')}</p>}
        {users !== null && users.length === 0 && <p>{t('loginNoUsers')}</p>}
        <ul className="user-list">
          {users?.map((u) => (
            <li key={u.id}>
              <button type="button" className="user-button" onClick={() => void login(u)} disabled={busy !== null} data-user-id={u.id} aria-label={t('loginAs', { name: `${u.name}, ${u.title}` })}>
                <span className="user-name">{u.name}</span>
                <span className="user-title">{u.title}</span>
                <span className="user-role">
                  {t(`role.${u.role}` as MessageKey)} · {t('scopeOf', { scope: scopeText(u) })}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
