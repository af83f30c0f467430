import { useCallback, useEffect, useRef, useState } from 'react';
import type { LiveModel, LiveUpdateMessage } from '@pks/contracts';
import { ApiError, apiGet } from '../api/http';
import { useApp } from '../app/app-context';
import type { LiveRow } from './live-protocol';

export interface Applied<T> {
  data: T;
  /** keys of rows/cells that changed (the view flashes them) */
  changedKeys: string[];
  /** the rows were not enough (e.g. people of a cell): fetch the model again over HTTP */
  refetchHttp?: boolean;
}

export interface LiveModelOptions<T> {
  /** the live model; null: HTTP only */
  model: LiveModel | null;
  /** the HTTP read model under /api/v1 */
  path: string;
  /** query parameters; null: nothing to load yet */
  params: Record<string, string> | null;
  /** applies changed rows to the current data (models that send rows) */
  apply?: (data: T, rows: LiveRow[], update: LiveUpdateMessage) => Applied<T>;
  /** refresh over HTTP this often when there is no live subscription (ms; default 60 s) */
  pollMs?: number;
  /** a refetch hint resubscribes at most this often (ms; default 2 s): a busy unit does not reload the view per event */
  refetchThrottleMs?: number;
  /** also refresh over HTTP this often while the subscription is live (a safety net; ms; default none) */
  safetyPollMs?: number | null;
}

export interface LiveModelState<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  /** where the current data came from */
  source: 'live' | 'http' | null;
  /** the live subscription was refused or is not offered: data comes over HTTP (polled) */
  liveUnavailable: string | null;
  flash: { keys: ReadonlySet<string>; seq: number };
  reload(): void;
}

let nextId = 0;
const NO_FLASH = { keys: new Set<string>(), seq: 0 };

/**
 * One read model, live: a snapshot over the socket (or HTTP while the socket is not up), then changed rows applied
 * by key; refetch hints and gaps resubscribe (LiveSubscriptions). Rows of an update that ends at or before the data
 * we hold are skipped (the HTTP answer may be newer than the subscription).
 */
export function useLiveModel<T extends { position: number }>(options: LiveModelOptions<T>): LiveModelState<T> {
  const { live, session } = useApp();
  const { model, path, params, pollMs = 60_000, refetchThrottleMs = 2_000, safetyPollMs = null } = options;
  const paramsKey = params === null ? null : JSON.stringify(Object.entries(params).sort());
  const applyRef = useRef(options.apply);
  applyRef.current = options.apply;
  const [state, setState] = useState<{ data: T | null; error: ApiError | null; loading: boolean; source: 'live' | 'http' | null; liveUnavailable: string | null }>({
    data: null,
    error: null,
    loading: params !== null,
    source: null,
    liveUnavailable: null,
  });
  const [flash, setFlash] = useState<{ keys: ReadonlySet<string>; seq: number }>(NO_FLASH);
  const dataRef = useRef<T | null>(null);
  const [reloadSeq, setReloadSeq] = useState(0);
  const reload = useCallback(() => setReloadSeq((n) => n + 1), []);

  useEffect(() => {
    if (paramsKey === null || params === null) {
      dataRef.current = null;
      setState({ data: null, error: null, loading: false, source: null, liveUnavailable: null });
      return;
    }
    let active = true;
    dataRef.current = null;
    setState({ data: null, error: null, loading: true, source: null, liveUnavailable: null });
    setFlash(NO_FLASH);
    const controller = new AbortController();
    let liveOk = false;
    let httpInFlight = false;
    let httpQueued = false;

    const take = (data: T, source: 'live' | 'http') => {
      const current = dataRef.current;
      if (current !== null && current.position > data.position) return; // we already have newer
      dataRef.current = data;
      setState((s) => ({ ...s, data, error: null, loading: false, source }));
    };

    const fetchHttp = () => {
      if (httpInFlight) {
        httpQueued = true;
        return;
      }
      httpInFlight = true;
      apiGet<T>(path, session.token, params, controller.signal)
        .then((data) => active && take(data, 'http'))
        .catch((error: unknown) => {
          if (!active || controller.signal.aborted) return;
          const apiError = error instanceof ApiError ? error : new ApiError(0, error instanceof Error ? error.message : String(error), path);
          // keep the data we have when a refresh fails (offline): the indicator says it is stale
          setState((s) => ({ ...s, error: s.data === null || apiError.status >= 400 ? apiError : s.error, loading: false }));
        })
        .finally(() => {
          httpInFlight = false;
          if (httpQueued && active) {
            httpQueued = false;
            fetchHttp();
          }
        });
    };

    let peopleTimer: ReturnType<typeof setTimeout> | null = null;
    const fetchHttpSoon = () => {
      if (peopleTimer) return;
      peopleTimer = setTimeout(() => {
        peopleTimer = null;
        if (active) fetchHttp();
      }, 300);
    };

    if (model === null || live.connection.state !== 'live') fetchHttp();

    let unsubscribe: (() => void) | null = null;
    if (model !== null) {
      const id = `${model}-${(nextId += 1)}`;
      unsubscribe = live.subscribe(id, model, params, {
        snapshot: (snapshot, position) => {
          if (!active) return;
          liveOk = true;
          setState((s) => (s.liveUnavailable ? { ...s, liveUnavailable: null } : s));
          take({ ...(snapshot as T), position }, 'live');
        },
        rows: (rows, update) => {
          const current = dataRef.current;
          if (!active || current === null || update.toPosition <= current.position) return;
          const apply = applyRef.current;
          if (!apply) {
            fetchHttp();
            return;
          }
          const applied = apply(current, rows, update);
          dataRef.current = applied.data;
          setState((s) => ({ ...s, data: applied.data, source: 'live' }));
          if (applied.changedKeys.length > 0) setFlash((f) => ({ keys: new Set(applied.changedKeys), seq: f.seq + 1 }));
          if (applied.refetchHttp) fetchHttpSoon();
        },
        error: (status, message) => {
          if (!active) return;
          liveOk = false;
          setState((s) => ({ ...s, liveUnavailable: `${status} ${message}` }));
          if (status === 403) setState((s) => ({ ...s, data: null, error: new ApiError(403, message, path), loading: false }));
          else fetchHttp();
        },
      }, { refetchThrottleMs });
    }

    // without a live subscription: poll; and fetch again whenever the connection comes back
    const poll = setInterval(() => {
      if (!liveOk && active) fetchHttp();
    }, pollMs);
    const safety = safetyPollMs === null ? null : setInterval(() => {
      if (liveOk && active && live.connection.state === 'live') fetchHttp();
    }, safetyPollMs);
    const offStatus = live.onStatus((status) => {
      if (status.state === 'live' && !liveOk && active) fetchHttp();
    });

    return () => {
      active = false;
      controller.abort();
      clearInterval(poll);
      if (safety) clearInterval(safety);
      if (peopleTimer) clearTimeout(peopleTimer);
      offStatus();
      unsubscribe?.();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [paramsKey, model, path, live, session.token, pollMs, refetchThrottleMs, safetyPollMs, reloadSeq]);

  return { ...state, flash, reload };
}

/**
 * The tactical panels: live subscriptions whose updates are refetch hints (the server sends no rows for these
 * models), resubscribed at most every 2 s, plus a slow HTTP safety poll every 5 min while live.
 */
export const TACTICAL_LIVE = { refetchThrottleMs: 2_000, safetyPollMs: 300_000 } as const;

/** An HTTP-only read model (no live model of its own), refreshed when a live hint says so. */
export function useReadModel<T extends { position: number }>(path: string, params: Record<string, string> | null, pollMs = 60_000): LiveModelState<T> {
  return useLiveModel<T>({ model: null, path, params, pollMs });
}
