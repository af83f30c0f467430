import type { LiveUpdateMessage } from '@pks/contracts';

/** A row of a live model: any object; rows with the same `key` replace each other. */
export type LiveRow = Record<string, unknown>;

/**
 * What to do with an `update` for a subscription whose last known position is `lastPosition` (null: a snapshot is
 * on its way, i.e. a subscribe is in flight).
 * - wait: a subscribe is in flight; its snapshot will contain this change (drop the message)
 * - stale: the update ends at or before what we have (a duplicate or a late message of an earlier subscription)
 * - resubscribe: fromPosition is not our position: something was missed; get a fresh snapshot
 * - apply: rows replace rows by key (refetch=false), or the model must be fetched again (refetch=true);
 *   either way our position becomes toPosition
 */
export type UpdateDecision =
  | { kind: 'wait' }
  | { kind: 'stale' }
  | { kind: 'resubscribe'; reason: string }
  | { kind: 'apply'; position: number; rows: LiveRow[]; refetch: boolean };

export function decideUpdate(lastPosition: number | null, update: Pick<LiveUpdateMessage, 'fromPosition' | 'toPosition' | 'rows' | 'refetch'>): UpdateDecision {
  if (lastPosition === null) return { kind: 'wait' };
  if (update.toPosition <= lastPosition) return { kind: 'stale' };
  if (update.fromPosition !== lastPosition) {
    return { kind: 'resubscribe', reason: `update from ${update.fromPosition} but we are at ${lastPosition}` };
  }
  const refetch = update.refetch || update.rows === undefined;
  return { kind: 'apply', position: update.toPosition, rows: refetch ? [] : update.rows!, refetch };
}

/** The key of a live row (rows without a string key cannot be merged). */
export function rowKey(row: LiveRow): string | null {
  return typeof row.key === 'string' ? row.key : null;
}

/**
 * Rows with the same `key` as a changed row are replaced by it (in place, so order is kept); changed rows with a key
 * not yet present are appended. Returns the same array when nothing matched and nothing was added.
 */
export function applyRowsByKey<R extends { key: string }>(rows: readonly R[], changed: readonly LiveRow[], accept: (row: LiveRow) => row is R & LiveRow): R[] {
  const incoming = new Map<string, R>();
  for (const row of changed) {
    const key = rowKey(row);
    if (key !== null && accept(row)) incoming.set(key, row);
  }
  if (incoming.size === 0) return rows as R[];
  const out = rows.map((row) => {
    const replacement = incoming.get(row.key);
    if (replacement === undefined) return row;
    incoming.delete(row.key);
    return replacement;
  });
  for (const row of incoming.values()) out.push(row);
  return out;
}
