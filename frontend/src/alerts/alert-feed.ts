import type { AlertRow, AlertsResponse, AlertStatusFilter } from '@pks/contracts';
import type { LiveRow } from '../live/live-protocol';

/**
 * Pure logic of the alert feed (live model `alerts`): rows are replaced by `key` (the alert id), rows whose status
 * left the subscription's filter are dropped (the server still sends resolved rows under status=active so the client
 * can drop them), and the alerts that arrived since the last look are picked out for a notification.
 */

/** The rules of the alert engine, in the order of the README (a test compares with ALERT_RULES of the contracts). */
export const ALERT_RULE_LIST = [
  'below-minimum-soon',
  'below-target-horizon',
  'absence-gap',
  'schedule-below-plan',
  'outcome-off-plan',
  'systematic-forecast-error',
  'overtime-above-limit',
  'agency-above-limit',
] as const satisfies readonly AlertRow['rule'][];

export const SEVERITY_RANK: Record<AlertRow['severity'], number> = { critical: 4, high: 3, medium: 2, low: 1 };
/** icon per severity: the level is never told by colour alone */
export const SEVERITY_ICON: Record<AlertRow['severity'], string> = { critical: '✖', high: '⚠', medium: '▲', low: '◎' };
export const STATUS_ICON: Record<AlertRow['status'], string> = { raised: '●', acknowledged: '✓', resolved: '○' };

/** Does a row belong under a status filter (active = raised or acknowledged)? */
export function statusMatches(status: AlertRow['status'], filter: AlertStatusFilter): boolean {
  if (filter === 'all') return true;
  if (filter === 'active') return status === 'raised' || status === 'acknowledged';
  return status === filter;
}

/** A live row that is an alert (the socket sends plain objects). */
export function isAlertRow(row: LiveRow): row is AlertRow & LiveRow {
  return typeof row.key === 'string' && typeof row.alertId === 'string' && typeof row.rule === 'string' && typeof row.status === 'string' && typeof row.unitId === 'string';
}

/** When a slot alert's slot starts (week and month alerts: none). */
const startOf = (r: AlertRow) => (r.window.kind === 'slot' ? (r.window.start ?? r.window.date ?? null) : null);

/**
 * Urgency order of a feed: unresolved before resolved, more severe first, then the slot that starts soonest (week
 * and month alerts after the slots), then the newest raise.
 */
export function compareAlerts(a: AlertRow, b: AlertRow): number {
  const open = (r: AlertRow) => (r.status === 'resolved' ? 0 : 1);
  const sa = startOf(a);
  const sb = startOf(b);
  const bySlot = sa === sb ? 0 : sa === null ? 1 : sb === null ? -1 : sa.localeCompare(sb);
  return open(b) - open(a) || SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || bySlot || b.raisedAt.localeCompare(a.raisedAt) || a.key.localeCompare(b.key);
}

/** History order: newest raise first (as the server answers). */
export function compareNewest(a: AlertRow, b: AlertRow): number {
  return b.raisedAt.localeCompare(a.raisedAt) || a.key.localeCompare(b.key);
}

export interface MergedAlerts {
  data: AlertsResponse;
  /** keys of rows that changed and are still shown (the view flashes them) */
  changedKeys: string[];
  /** keys that left the list (resolved under active, …) */
  removedKeys: string[];
}

/**
 * Applies changed rows of a live update to the feed: a row replaces the row with its key; a row whose status no longer
 * matches `filter` removes it; unknown keys that match are added. Rows are kept in the feed's order and counts are
 * recounted from the rows (the snapshot's counts were over the matching alerts before the limit).
 */
export function mergeAlertRows(data: AlertsResponse, changed: readonly LiveRow[], filter: AlertStatusFilter, position: number, order: (a: AlertRow, b: AlertRow) => number = compareAlerts): MergedAlerts {
  const incoming = new Map<string, AlertRow>();
  for (const row of changed) if (isAlertRow(row)) incoming.set(row.key, row); // the last change of a key wins
  if (incoming.size === 0) return { data: position > data.position ? { ...data, position } : data, changedKeys: [], removedKeys: [] };
  const changedKeys: string[] = [];
  const removedKeys: string[] = [];
  const byKey = new Map(data.rows.map((r) => [r.key, r]));
  for (const [key, row] of incoming) {
    const had = byKey.has(key);
    if (statusMatches(row.status, filter)) {
      byKey.set(key, row);
      changedKeys.push(key);
    } else if (had) {
      byKey.delete(key);
      removedKeys.push(key);
    }
  }
  const rows = [...byKey.values()].sort(order);
  return { data: { ...data, position: Math.max(position, data.position), rows, counts: countStatuses(rows, data.counts, data.truncated) }, changedKeys, removedKeys };
}

/** Counts of the rows by status; a truncated answer keeps the server's counts (they were over every match). */
export function countStatuses(rows: readonly AlertRow[], before: AlertsResponse['counts'], truncated = false): AlertsResponse['counts'] {
  if (truncated) return before;
  const counts = { raised: 0, acknowledged: 0, resolved: 0 };
  for (const r of rows) counts[r.status] += 1;
  return counts;
}

/** Sorts a fresh snapshot the same way as the merged rows. */
export function sortSnapshot(data: AlertsResponse, order: (a: AlertRow, b: AlertRow) => number = compareAlerts): AlertsResponse {
  return { ...data, rows: [...data.rows].sort(order) };
}

/** Identity of what a person has seen: an alert raised again (next occurrence) is news again. */
export const seenId = (row: Pick<AlertRow, 'key' | 'occurrence'>) => `${row.key}#${row.occurrence}`;

/**
 * The alerts that are news compared with what was already shown: unresolved rows whose key and occurrence were not
 * in `seen` (a new raise, a raise again, or an alert that escalated into this audience). With `seen` null (the first
 * answer after opening the view or changing the filter) nothing is news.
 */
export function newArrivals(seen: ReadonlySet<string> | null, rows: readonly AlertRow[]): AlertRow[] {
  if (seen === null) return [];
  return rows.filter((r) => r.status !== 'resolved' && !seen.has(seenId(r)));
}

/** The cell of a slot alert (for "fill"), or null for week/month alerts. */
export function alertCell(row: Pick<AlertRow, 'unitId' | 'window'>): { unitId: string; date: string; slot: string; competence: string } | null {
  const w = row.window;
  if (w.kind !== 'slot' || !w.date || !w.slot || !w.competence) return null;
  return { unitId: row.unitId, date: w.date, slot: w.slot, competence: w.competence };
}

/** Query parameters of GET /api/v1/alerts and the live model (strings only). */
export function alertParams(scope: Record<string, string>, filter: { status?: AlertStatusFilter; audience?: string | null; rule?: string | null; unitId?: string | null; from?: string | null; to?: string | null; limit?: number }): Record<string, string> {
  const out: Record<string, string> = filter.unitId ? { unitId: filter.unitId } : { ...scope };
  out.status = filter.status ?? 'active';
  if (filter.audience) out.audience = filter.audience;
  if (filter.rule) out.rule = filter.rule;
  if (filter.from) out.from = filter.from;
  if (filter.to) out.to = filter.to;
  if (filter.limit) out.limit = String(filter.limit);
  return out;
}
