import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AlertRow, AlertsResponse, AlertStatusFilter, LiveUpdateMessage } from '@pks/contracts';
import type { LiveRow } from '../live/live-protocol';
import { useLiveModel, type LiveModelState } from '../live/use-live-model';
import { compareAlerts, mergeAlertRows, newArrivals, seenId, statusMatches } from './alert-feed';

export interface AlertFeed extends LiveModelState<AlertsResponse> {
  /** the rows in the feed's order */
  rows: AlertRow[];
  /** alerts that arrived while the view was open, newest first (for the banner) */
  arrivals: AlertRow[];
  dismiss(key: string): void;
  dismissAll(): void;
  /** replaces one row at once (the answer of acknowledge/resolve; the live update follows) */
  patch(row: AlertRow): void;
}

/**
 * The live model `alerts` for a scope and filter: the snapshot, then changed rows merged by key (rows whose status
 * left the filter are dropped), and the alerts that are news since the view opened.
 */
export function useAlertFeed(params: Record<string, string> | null, options: { order?: (a: AlertRow, b: AlertRow) => number; notify?: boolean } = {}): AlertFeed {
  const status = (params?.status ?? 'active') as AlertStatusFilter;
  const order = options.order ?? compareAlerts;
  const notify = options.notify ?? true;
  const apply = useCallback(
    (data: AlertsResponse, rows: LiveRow[], update: LiveUpdateMessage) => {
      const merged = mergeAlertRows(data, rows, status, update.toPosition, order);
      return { data: merged.data, changedKeys: merged.changedKeys };
    },
    [status, order],
  );
  const model = useLiveModel<AlertsResponse>({ model: 'alerts', path: 'alerts', params, apply, pollMs: 30_000 });
  const [patches, setPatches] = useState<Map<string, AlertRow>>(new Map());
  const rows = useMemo(() => {
    const base = model.data?.rows ?? [];
    if (patches.size === 0) return [...base].sort(order);
    const out = new Map(base.map((r) => [r.key, r]));
    for (const [key, row] of patches) {
      const current = out.get(key);
      // a patch counts only until the live row is as new
      if (!current || current.position >= row.position) continue;
      if (statusMatches(row.status, status)) out.set(key, row);
      else out.delete(key);
    }
    return [...out.values()].sort(order);
  }, [model.data, patches, order, status]);

  const [arrivals, setArrivals] = useState<AlertRow[]>([]);
  const seen = useRef<Set<string> | null>(null);
  const paramsKey = params === null ? null : JSON.stringify(Object.entries(params).sort());
  useEffect(() => {
    seen.current = null;
    setArrivals([]);
    setPatches(new Map());
  }, [paramsKey]);
  useEffect(() => {
    const data = model.data;
    if (data === null) return;
    const fresh = notify ? newArrivals(seen.current, data.rows) : [];
    const next = seen.current ?? new Set<string>();
    for (const r of data.rows) next.add(seenId(r));
    seen.current = next;
    const open = new Map(data.rows.map((r) => [r.key, r]));
    setArrivals((list) => {
      // a toast goes when its alert is resolved or acknowledged (someone owns it)
      const kept = list.filter((a) => open.get(a.key)?.status === 'raised');
      return fresh.length === 0 && kept.length === list.length ? list : [...[...fresh].sort((a, b) => b.raisedAt.localeCompare(a.raisedAt)), ...kept];
    });
  }, [model.data, notify]);

  const dismiss = useCallback((key: string) => setArrivals((list) => list.filter((a) => a.key !== key)), []);
  const dismissAll = useCallback(() => setArrivals([]), []);
  const patch = useCallback((row: AlertRow) => setPatches((m) => new Map(m).set(row.key, row)), []);
  return { ...model, rows, arrivals, dismiss, dismissAll, patch };
}
