import type { AlertRow, AlertsResponse } from '@pks/contracts';

/** An alert row for tests: a slot alert of B8-AVA, raised, with sensible defaults. */
export function alert(p: Partial<AlertRow> & { key: string }): AlertRow {
  return {
    alertId: p.key,
    rule: 'absence-gap',
    unitId: 'B8-AVA',
    unitName: 'B8, AVA',
    departmentId: 'akut',
    window: { kind: 'slot', date: '2026-11-24', slot: 'dag', competence: 'SSK', start: '2026-11-24T06:00:00Z', end: '2026-11-24T14:30:00Z' },
    windowKey: '2026-11-24|dag|SSK',
    windowLabel: '2026-11-24 dag SSK',
    observed: 2,
    expected: 3,
    quantity: 'persons',
    severity: 'high',
    audience: ['manager', 'staffing-centre'],
    level: 'staffing-centre',
    escalation: ['manager', 'staffing-centre', 'tactical'],
    escalateAfterMinutes: 60,
    status: 'raised',
    message: 'B8, AVA 2026-11-24 dag SSK: 1 absent at short notice leaves 2 staffed, below the target of 3',
    detail: {},
    occurrence: 1,
    raisedAt: '2026-11-23T22:00:00.000Z',
    updatedAt: '2026-11-23T22:00:00.000Z',
    acknowledgedAt: null,
    owner: null,
    ownerName: null,
    ownerRole: null,
    acknowledgeNote: null,
    escalatedAt: null,
    resolvedAt: null,
    resolution: null,
    resolutionReason: null,
    resolvedBy: null,
    resolveNote: null,
    resolvedObserved: null,
    resolveMessage: null,
    history: [{ occurrence: 1, type: 'raised', at: '2026-11-23T22:00:00.000Z', position: 10, by: null, role: null, note: null, level: 'staffing-centre', observed: 2, expected: 3, message: null }],
    position: 10,
    revision: 0,
    ...p,
  };
}

export function alertsAnswer(rows: AlertRow[], position = 10, status: AlertsResponse['status'] = 'active'): AlertsResponse {
  return {
    position,
    asOf: '2026-11-23T22:00:00.000Z',
    unitIds: ['B8-AVA', 'B8-IMA'],
    status,
    audience: 'staffing-centre',
    rows,
    counts: { raised: rows.filter((r) => r.status === 'raised').length, acknowledged: rows.filter((r) => r.status === 'acknowledged').length, resolved: rows.filter((r) => r.status === 'resolved').length },
    truncated: false,
  };
}
