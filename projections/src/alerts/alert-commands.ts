import { alertEventId, alertStream, type AlertCommandRejectionCode, type EventData, type Role } from '@pks/contracts';
import type { AlertRecord } from './alerts-state.js';

/** Who acts: the principal's role and scope. */
export interface AlertActor {
  sub: string;
  name?: string | undefined;
  role: Role;
  units: readonly string[];
  pools: readonly string[];
  departments: readonly string[];
}

/** Where an alert's unit belongs. */
export interface AlertUnitScope {
  unitId: string;
  departmentId: string;
  poolId: string | null;
}

/**
 * May this principal see (and act on) this alert? Admin: every alert. Tactical: every alert of its departments
 * (the `audience` filter narrows the list). Manager: alerts of its units addressed to managers. Staffing centre:
 * alerts of its pools' units addressed to the staffing centre. Integration clients: none.
 */
export function mayAccessAlert(actor: Pick<AlertActor, 'role' | 'units' | 'pools' | 'departments'>, record: Pick<AlertRecord, 'unitId' | 'departmentId' | 'audience'>, unit: AlertUnitScope | undefined): boolean {
  switch (actor.role) {
    case 'admin':
      return true;
    case 'tactical':
      return actor.departments.includes(unit?.departmentId ?? record.departmentId);
    case 'manager':
      return actor.units.includes(record.unitId) && record.audience.includes('manager');
    case 'staffing-centre':
      return unit !== undefined && unit.poolId !== null && actor.pools.includes(unit.poolId) && record.audience.includes('staffing-centre');
    case 'integration':
      return false;
  }
}

export type AlertCommand = { type: 'acknowledge'; alertId: string; note?: string | undefined } | { type: 'resolve'; alertId: string; note: string };

export type AlertDecision =
  | {
      ok: true;
      /** nothing to append: the same actor already did this (a retried click) */
      duplicate: boolean;
      append: {
        stream: string;
        expectedRevision: number;
        event: { id: string; type: 'AlertAcknowledged'; data: EventData<'AlertAcknowledged'> } | { id: string; type: 'AlertResolved'; data: EventData<'AlertResolved'> };
      } | null;
    }
  | { ok: false; code: AlertCommandRejectionCode; statusCode: number; message: string };

const reject = (code: AlertCommandRejectionCode, statusCode: number, message: string): AlertDecision => ({ ok: false, code, statusCode, message });

/**
 * The decider of the alert commands: acknowledge (take ownership; stops escalation) and resolve (manual, with a
 * note). Rejects unknown alerts, alerts outside the actor's scope, and commands a resolved (or, for acknowledge,
 * someone else's acknowledged) alert cannot take. Event ids are deterministic per alert and occurrence, so a
 * concurrent auto-resolve and manual resolve cannot both be stored.
 */
export function decideAlertCommand(state: { alert: AlertRecord | undefined; unit: AlertUnitScope | undefined }, command: AlertCommand, actor: AlertActor): AlertDecision {
  const record = state.alert;
  if (!record) return reject('unknown-alert', 404, `no alert '${command.alertId}'`);
  if (!mayAccessAlert(actor, record, state.unit)) return reject('outside-scope', 403, `alert ${record.alertId} is outside your scope`);
  if (record.status === 'resolved') return reject('already-resolved', 409, `alert ${record.alertId} was resolved at ${record.resolvedAt} (${record.resolutionReason})`);
  const stream = alertStream(record.alertId);
  if (command.type === 'acknowledge') {
    if (record.status === 'acknowledged') {
      if (record.owner === actor.sub) return { ok: true, duplicate: true, append: null };
      return reject('already-acknowledged', 409, `alert ${record.alertId} is already owned by ${record.ownerName ?? record.owner} since ${record.acknowledgedAt}`);
    }
    return {
      ok: true,
      duplicate: false,
      append: {
        stream,
        expectedRevision: record.revision,
        event: {
          id: alertEventId.acknowledged(record.alertId, record.occurrence),
          type: 'AlertAcknowledged',
          data: {
            alertId: record.alertId,
            occurrence: record.occurrence,
            owner: actor.sub,
            ...(actor.name !== undefined && { ownerName: actor.name }),
            ownerRole: actor.role,
            ...(command.note !== undefined && { note: command.note }),
          },
        },
      },
    };
  }
  return {
    ok: true,
    duplicate: false,
    append: {
      stream,
      expectedRevision: record.revision,
      event: {
        id: alertEventId.resolved(record.alertId, record.occurrence),
        type: 'AlertResolved',
        data: {
          alertId: record.alertId,
          occurrence: record.occurrence,
          resolution: 'manual',
          reason: 'manual',
          message: `Resolved by ${actor.name ?? actor.sub}: ${command.note}`.slice(0, 500),
          by: actor.sub,
          byRole: actor.role,
          note: command.note,
        },
      },
    },
  };
}
