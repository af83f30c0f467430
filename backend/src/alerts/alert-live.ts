import { AlertsParams, type AlertRow } from '@pks/contracts';
import { alertMatches, alertRow, queryAlerts, type AlertsState, type ReferenceCatalogState } from '@pks/projections';
import type { LiveModelHandler } from '../live/live-gateway.js';
import type { CellRows } from '../live/live-publisher.js';
import type { ProjectionRunner } from '../projection-runner/projection-runner.js';
import { alertQueryFor } from './alert-access.js';

/** Rows the live publisher sends for changed alerts (keys are alert ids). */
export function alertCellRows(runner: ProjectionRunner): CellRows {
  return (_unitId, keys) => {
    const state = runner.state<AlertsState>('alerts');
    const catalog = runner.state<ReferenceCatalogState>('reference-catalog');
    const rows: Record<string, unknown>[] = [];
    for (const id of keys) {
      const record = state.alerts.get(id);
      if (record) rows.push(alertRow(record, catalog.units.get(record.unitId)?.name ?? null));
    }
    return rows;
  };
}

/**
 * Live model `alerts`: the same parameters and scope as GET /api/v1/alerts; the snapshot is that answer, updates
 * carry the changed alerts as rows (replace by `key` = alert id). Rows whose status left the filter (e.g. resolved
 * under `status=active`) are still sent, so a client can drop them; rows outside the principal's scope or audience
 * are not.
 */
export function alertLiveHandler(runner: ProjectionRunner): LiveModelHandler {
  return {
    model: 'alerts',
    open(principal, raw) {
      const params = AlertsParams.parse(raw);
      const q = alertQueryFor(principal, runner.state<ReferenceCatalogState>('reference-catalog'), params);
      const units = new Set(q.unitIds);
      return {
        unitIds: [...q.unitIds],
        accepts: (row) => {
          const r = row as unknown as AlertRow;
          return typeof r.alertId === 'string' && units.has(r.unitId) && alertMatches(r, q);
        },
        snapshot: (at) => queryAlerts(runner.state<AlertsState>('alerts'), q, at),
      };
    },
  };
}
