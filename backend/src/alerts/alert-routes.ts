import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import {
  AcknowledgeAlertBody,
  AlertCommandResponse,
  AlertResponse,
  AlertRulesParams,
  AlertRulesPutBody,
  AlertRulesResponse,
  AlertsParams,
  AlertsResponse,
  CommandRejection,
  DEFAULT_ALERT_RULES,
  eventDataSchemas,
  resolveAlertRules,
  ResolveAlertBody,
  alertRulesStream,
  type NewEvent,
  type Principal,
} from '@pks/contracts';
import { alertRow, decideAlertCommand, mayAccessAlert, queryAlerts, type AlertCommand, type AlertsState, type ReferenceCatalogState } from '@pks/projections';
import type { AuditLog } from '../audit/audit-log.js';
import { AuthError } from '../auth/token-verifier.js';
import { WrongExpectedRevisionError, type EventStore } from '../event-store/event-store.js';
import { BodyError } from '../ingest/parse-ndjson.js';
import type { RouteDocs } from '../openapi/route-docs.js';
import type { ProjectionRunner } from '../projection-runner/projection-runner.js';
import { READ_ROLES } from '../queries/read-model-route.js';
import { resolveScope } from '../queries/scope.js';
import { alertQueryFor, unitScopeOf } from './alert-access.js';

export interface AlertRouteOptions {
  docs: RouteDocs;
  runner: ProjectionRunner;
  store: EventStore;
  audit: AuditLog;
}

const AlertIdParam = z.object({ alertId: z.string().min(1).max(200).describe('the alert id, e.g. bmin~B8-AVA~2026-11-24~dag~SSK') });

const REASONS: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict' };

/** Sends a command rejection: the error shape of every route plus the machine-readable code. */
export function sendRejection(reply: FastifyReply, statusCode: number, code: string, message: string, rule: string | null = null): FastifyReply {
  return reply.code(statusCode).send({ statusCode, error: REASONS[statusCode] ?? 'Error', message, code, rule } satisfies CommandRejection);
}

/** Metadata of an event a person's command appended. */
export function commandMetadata(principal: Principal, sourceSystem = 'pks-api'): NewEvent['metadata'] {
  const at = new Date().toISOString();
  return { sourceSystem, occurredAt: at, recordedAt: at, actor: principal.sub, correlationId: randomUUID() };
}

/**
 * Alerts over HTTP: the list with filters and history, one alert, acknowledge and resolve (decided by
 * `decideAlertCommand`), and the alert-rule configuration (read for scoped roles, written by admins as
 * `AlertRulesConfigured` events).
 */
export async function alertRoutes(app: FastifyInstance, options: AlertRouteOptions): Promise<void> {
  const { docs, runner, store, audit } = options;
  const catalog = () => runner.state<ReferenceCatalogState>('reference-catalog');
  const alertsState = () => runner.state<AlertsState>('alerts');
  const ROLES = READ_ROLES;

  docs.add({
    method: 'get',
    path: '/api/v1/alerts',
    summary: 'Deviation alerts with owners and history',
    description:
      'Alerts of the units in your scope (one unit, department or pool, or all), filtered by status (default active = raised or acknowledged; all = with history), rule, audience and when they were raised; newest first. Managers and the staffing centre see the alerts addressed to their level; tactical its department (audience=all for every level); admins all. Live: subscribe to model `alerts` with the same parameters. Texts never carry names or absence reasons.',
    tags: ['alerts'],
    roles: ROLES,
    query: AlertsParams,
    responses: { 200: { description: 'alerts', content: { 'application/json': AlertsResponse } }, 400: { description: 'invalid parameters' }, 404: { description: 'unknown unit, department or pool' } },
  });
  app.get('/api/v1/alerts', { config: { roles: ROLES } }, async (request) => {
    const params = AlertsParams.parse(request.query);
    const q = alertQueryFor(request.principal!, catalog(), params);
    const position = runner.position;
    return { position, ...queryAlerts(alertsState(), q, new Date().toISOString()) };
  });

  docs.add({
    method: 'get',
    path: '/api/v1/alerts/{alertId}',
    summary: 'One alert with its lifecycle history',
    tags: ['alerts'],
    roles: ROLES,
    pathParams: AlertIdParam,
    responses: { 200: { description: 'the alert', content: { 'application/json': AlertResponse } }, 404: { description: 'no such alert' } },
  });
  app.get('/api/v1/alerts/:alertId', { config: { roles: ROLES } }, async (request) => {
    const { alertId } = AlertIdParam.parse(request.params);
    const record = alertsState().alerts.get(alertId);
    if (!record) throw new BodyError(`no alert '${alertId}'`, 404);
    if (!mayAccessAlert(request.principal!, record, unitScopeOf(catalog(), record.unitId))) throw new AuthError(`alert ${alertId} is outside your scope`, 403);
    return { position: runner.position, alert: alertRow(record, catalog().units.get(record.unitId)?.name ?? null) };
  });

  const command = (kind: 'acknowledge' | 'resolve') => async (request: { params: unknown; body: unknown; principal: Principal | null }, reply: FastifyReply) => {
    const { alertId } = AlertIdParam.parse(request.params);
    const principal = request.principal!;
    const body = kind === 'acknowledge' ? AcknowledgeAlertBody.parse(request.body ?? {}) : ResolveAlertBody.parse(request.body ?? {});
    const cmd: AlertCommand = kind === 'acknowledge' ? { type: 'acknowledge', alertId, note: body.note } : { type: 'resolve', alertId, note: (body as ResolveAlertBody).note };
    const record = alertsState().alerts.get(alertId);
    const decision = decideAlertCommand({ alert: record, unit: record ? unitScopeOf(catalog(), record.unitId) : undefined }, cmd, principal);
    if (!decision.ok) return sendRejection(reply, decision.statusCode, decision.code, decision.message);
    const row = () => {
      const r = alertsState().alerts.get(alertId)!;
      return alertRow(r, catalog().units.get(r.unitId)?.name ?? null);
    };
    if (decision.append === null) return { status: 'duplicate', eventId: `${alertId}/acknowledged/${record!.occurrence}`, position: runner.position, alert: row() };
    const a = decision.append;
    const event: NewEvent = { id: a.event.id, type: a.event.type, stream: a.stream, data: eventDataSchemas[a.event.type].parse(a.event.data) as Record<string, unknown>, metadata: commandMetadata(principal) };
    try {
      const result = await store.appendToStream(a.stream, [event], a.expectedRevision);
      const outcome = result.outcomes[0]!;
      if (outcome.status === 'conflict') return sendRejection(reply, 409, 'concurrent-change', `alert ${alertId} changed meanwhile (${kind === 'resolve' ? 'it was resolved' : 'it was acknowledged'}); reload it`);
      if (outcome.status === 'not-stored') return sendRejection(reply, 409, 'concurrent-change', `alert ${alertId}: not stored; retry`);
      await runner.waitForPosition(outcome.position, 5000);
      audit.record(principal, `alert:${kind}`, { alertId });
      return { status: outcome.status === 'appended' ? 'appended' : 'duplicate', eventId: a.event.id, position: outcome.position, alert: row() };
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) return sendRejection(reply, 409, 'concurrent-change', `alert ${alertId} changed meanwhile; reload it and try again`);
      throw error;
    }
  };

  for (const kind of ['acknowledge', 'resolve'] as const) {
    docs.add({
      method: 'post',
      path: `/api/v1/alerts/{alertId}/${kind}`,
      summary: kind === 'acknowledge' ? 'Acknowledge an alert: become its owner (it stops escalating)' : 'Resolve an alert by hand, with a note',
      description:
        kind === 'acknowledge'
          ? 'Appends AlertAcknowledged (owner = you, with an optional note). The same owner again is answered as a duplicate; someone else’s acknowledged alert is a 409.'
          : 'Appends AlertResolved (manual, with your note). While the deviation persists the engine does not raise it again; once the data has shown it gone, it may.',
      tags: ['alerts'],
      roles: ROLES,
      pathParams: AlertIdParam,
      body: { content: { 'application/json': kind === 'acknowledge' ? AcknowledgeAlertBody : ResolveAlertBody } },
      responses: {
        200: { description: 'appended (or a duplicate of the same command)', content: { 'application/json': AlertCommandResponse } },
        400: { description: 'invalid body' },
        404: { description: 'no such alert', content: { 'application/json': CommandRejection } },
        409: { description: 'already resolved, acknowledged by someone else, or changed meanwhile', content: { 'application/json': CommandRejection } },
      },
    });
    app.post(`/api/v1/alerts/:alertId/${kind}`, { config: { roles: ROLES } }, command(kind));
  }

  // --- rule configuration ---

  const rulesAnswer = (unitId: string | undefined) => {
    const state = alertsState();
    const unit = unitId === undefined ? null : (state.config.units.get(unitId) ?? null);
    return {
      position: runner.position,
      unitId: unitId ?? null,
      effective: resolveAlertRules(state.config.organisation, unit),
      defaults: DEFAULT_ALERT_RULES,
      organisation: state.config.organisation,
      unit,
    };
  };

  docs.add({
    method: 'get',
    path: '/api/v1/alert-rules',
    summary: 'Alert rules: thresholds, enabled flags, audiences and escalation (defaults ← organisation ← unit)',
    tags: ['alerts'],
    roles: ROLES,
    query: AlertRulesParams,
    responses: { 200: { description: 'the effective rules and their layers', content: { 'application/json': AlertRulesResponse } }, 404: { description: 'unknown unit' } },
  });
  app.get('/api/v1/alert-rules', { config: { roles: ROLES } }, async (request) => {
    const params = AlertRulesParams.parse(request.query);
    if (params.unitId !== undefined) resolveScope(request.principal!, catalog(), { unitId: params.unitId });
    return rulesAnswer(params.unitId);
  });

  docs.add({
    method: 'put',
    path: '/api/v1/alert-rules',
    summary: 'Set the alert rules of the organisation (no unitId) or one unit (admin)',
    description: 'Appends AlertRulesConfigured: the scope’s overrides are replaced as a whole ({} removes a unit’s). The engine re-evaluates every alert at once with the new rules (a disabled rule resolves its alerts).',
    tags: ['alerts'],
    roles: ['admin'],
    body: { content: { 'application/json': AlertRulesPutBody } },
    responses: { 200: { description: 'the rules now', content: { 'application/json': AlertRulesResponse } }, 400: { description: 'invalid settings' }, 404: { description: 'unknown unit' } },
  });
  app.put('/api/v1/alert-rules', { config: { roles: ['admin'] } }, async (request) => {
    const body = AlertRulesPutBody.parse(request.body ?? {});
    if (body.unitId !== undefined && !catalog().units.has(body.unitId)) throw new BodyError(`unknown unit '${body.unitId}'`, 404);
    const principal = request.principal!;
    const data = eventDataSchemas.AlertRulesConfigured.parse({ ...(body.unitId !== undefined && { unitId: body.unitId }), rules: body.rules, configuredBy: principal.sub });
    const stream = alertRulesStream(body.unitId);
    const result = await store.appendToStream(stream, [{ id: `alertrules-${randomUUID()}`, type: 'AlertRulesConfigured', stream, data: data as Record<string, unknown>, metadata: commandMetadata(principal) }], 'any');
    await runner.waitForPosition(result.position, 5000);
    audit.record(principal, 'alert-rules:configure', { unitId: body.unitId ?? null });
    return rulesAnswer(body.unitId);
  });
}
