import { createContext, useContext, useEffect, useState } from 'react';
import type { MeResponse } from '@pks/contracts';
import type { Session } from '../api/session';
import type { LiveClient, ConnectionStatus } from '../live/live-client';
import { translate, type Language, type MessageKey } from '../i18n/dictionary';

export interface AppContextValue {
  session: Session;
  me: MeResponse;
  live: LiveClient;
  language: Language;
  setLanguage(language: Language): void;
  t(key: MessageKey, values?: Record<string, string | number>): string;
  logout(): void;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp outside the logged-in app');
  return value;
}

/** The language without a login (login page) */
export const LanguageContext = createContext<{ language: Language; setLanguage(l: Language): void }>({ language: 'sv', setLanguage: () => {} });

export function useT(): (key: MessageKey, values?: Record<string, string | number>) => string {
  const { language } = useContext(LanguageContext);
  return (key, values) => translate(language, key, values);
}

export function useLanguage() {
  return useContext(LanguageContext);
}

export function useConnection(live: LiveClient): ConnectionStatus {
  const [status, setStatus] = useState(live.connection);
  useEffect(() => {
    setStatus(live.connection);
    return live.onStatus(setStatus);
  }, [live]);
  return status;
}
