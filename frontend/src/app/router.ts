import { useCallback, useSyncExternalStore } from 'react';

/** A tiny history router: the path and the query string are the state of a view (shareable links). */
const listeners = new Set<() => void>();
function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}
const snapshot = () => window.location.pathname + window.location.search;

export function navigate(path: string, query: Record<string, string | null | undefined> = {}, replace = false): void {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) params.set(k, v);
  const url = path + (params.size > 0 ? `?${params}` : '');
  if (url === snapshot()) return;
  if (replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  for (const l of listeners) l();
}

export interface Route {
  path: string;
  query: URLSearchParams;
  /** sets some query parameters of the current path (null removes) */
  setQuery(patch: Record<string, string | null>, replace?: boolean): void;
}

export function useRoute(): Route {
  const url = useSyncExternalStore(subscribe, snapshot, snapshot);
  const [path, search = ''] = url.split('?');
  const query = new URLSearchParams(search);
  const setQuery = useCallback(
    (patch: Record<string, string | null>, replace = false) => {
      const current = new URLSearchParams(window.location.search);
      for (const [k, v] of Object.entries(patch)) {
        if (v === null || v === '') current.delete(k);
        else current.set(k, v);
      }
      navigate(window.location.pathname, Object.fromEntries(current), replace);
    },
    [],
  );
  return { path: path || '/', query, setQuery };
}
