import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  BookStaffCommand,
  CommandRejection,
  eventDataSchemas,
  GapCandidatesParams,
  GapCandidatesResponse,
  GapSuggestionsParams,
  GapSuggestionsResponse,
  IdempotencyKey,
  ReallocateCommand,
  StaffingCommandResponse,
  type EventData,
  type Principal,
  type Role,
} from '@pks/contracts';
import {
  decideBookStaff,
  decideReallocate,
  gapCandidates,
  suggestMoves,
  type GapListState,
  type ReferenceCatalogState,
  type StaffingDecision,
  type StaffRosterState,
  type WorkingTimeSettings,
} from '@pks/projections';
import { commandMetadata, sendRejection } from '../alerts/alert-routes.js';
import type { AuditLog } from '../audit/audit-log.js';
import { WrongExpectedRevisionError, type EventStore } from '../event-store/event-store.js';
import { BodyError } from '../ingest/parse-ndjson.js';
import type { RouteDocs } from '../openapi/route-docs.js';
import type { ProjectionRunner } from '../projection-runner/projection-runner.js';
import { resolveScope } from '../queries/scope.js';
import { CommandLockTimeout, localCommandLock, type CommandLock } from './command-lock.js';

export interface StaffingRouteOptions {
  docs: RouteDocs;
  runner: ProjectionRunner;
  store: EventStore;
  audit: AuditLog;
  workingTime: WorkingTimeSettings;
  /** how commands are serialised: on this node (default), or across API nodes (PostgreSQL advisory lock) */
  commandLock?: CommandLock;
}

const ACTION_ROLES: readonly Role[] = ['manager', 'staffing-centre', 'tactical', 'admin'];

/** The booking id of a command: from the caller and its idempotency key, so a retry names the same booking. */
export function bookingIdFor(sub: string, key: string): string {
  return `bk-${createHash('sha256').update(`${sub}\n${key}`).digest('hex').slice(0, 24)}`;
}

const SAME_FIELDS = ['unitId', 'date', 'slot', 'competence', 'staffId', 'source', 'fromUnitId'] as const;

/**
 * The staffing centre's actions: candidates for a gap, several moves at once for a slot, and the commands that
 * book or move staff (decided by pure deciders, appended as StaffBooked). Commands are decided one at a time (on this
 * node, or across nodes with the command lock), and the answer waits until the projections hold the booking, so the
 * next decision sees it.
 */
export async function staffingRoutes(app: FastifyInstance, options: StaffingRouteOptions): Promise<void> {
  const { docs, runner, store, audit } = options;
  const catalog = () => runner.state<ReferenceCatalogState>('reference-catalog');
  const inputs = () => ({ gapList: runner.state<GapListState>('gap-list'), roster: runner.state<StaffRosterState>('staff-roster') });
  const lock = options.commandLock ?? localCommandLock();

  docs.add({
    method: 'get',
    path: '/api/v1/gaps/candidates',
    summary: 'Who could fill a gap: reallocation from surplus cells, free pool staff, overtime, agency — ranked with reasons',
    description:
      'For one cell (unit, date, slot, competence): people in surplus cells of the same slot and competence on other units you may move staff from (first: moves capacity), then free pool members, the unit’s own staff (overtime) and agency staff (if you may book). Each must hold the competence, be free, not absent, keep the daily rest (11 h) and the weekly cap (48 h). Excluded people are listed with the rule. Each candidate carries the command body to POST. Person names: reads are audited.',
    tags: ['staffing actions'],
    roles: ACTION_ROLES,
    query: GapCandidatesParams,
    responses: { 200: { description: 'the gap and its candidates', content: { 'application/json': GapCandidatesResponse } }, 404: { description: 'unknown unit or slot' } },
  });
  app.get('/api/v1/gaps/candidates', { config: { roles: ACTION_ROLES } }, async (request, reply) => {
    const params = GapCandidatesParams.parse(request.query);
    const principal = request.principal!;
    resolveScope(principal, catalog(), { unitId: params.unitId });
    const position = runner.position;
    const result = gapCandidates(inputs(), params, principal, options.workingTime, Date.now());
    if (!result.ok) return sendRejection(reply, result.statusCode, result.code, result.message);
    audit.record(principal, 'read:gap-candidates', { ...params, candidates: result.answer.candidates.length });
    return { position, ...result.answer };
  });

  docs.add({
    method: 'get',
    path: '/api/v1/gaps/suggestions',
    summary: 'Several moves at once for one slot across a pool (greedy: below-minimum first, reallocation before pool staff)',
    description:
      'Every cell of the pool’s units below target in the slot, filled from surplus cells (reallocation) and free pool members: first each cell up to its minimum (largest deficit first), then up to its target. Each move is a ready command body; apply them in order (each is decided again when posted).',
    tags: ['staffing actions'],
    roles: ['staffing-centre', 'tactical', 'admin'],
    query: GapSuggestionsParams,
    responses: { 200: { description: 'moves and what they leave', content: { 'application/json': GapSuggestionsResponse } }, 404: { description: 'unknown pool' } },
  });
  app.get('/api/v1/gaps/suggestions', { config: { roles: ['staffing-centre', 'tactical', 'admin'] } }, async (request) => {
    const params = GapSuggestionsParams.parse(request.query);
    const principal = request.principal!;
    const unitIds = resolveScope(principal, catalog(), { poolId: params.poolId });
    const position = runner.position;
    const answer = suggestMoves(inputs(), { ...params, unitIds }, principal, options.workingTime, Date.now());
    audit.record(principal, 'read:gap-suggestions', { poolId: params.poolId, date: params.date, slot: params.slot, moves: answer.moves.length });
    return { position, ...answer };
  });

  const idempotencyKey = (request: FastifyRequest, bodyKey: string | undefined): string => {
    const header = request.headers['idempotency-key'];
    const raw = typeof header === 'string' ? header : bodyKey;
    if (raw === undefined) throw new BodyError('a command needs an idempotency key: the Idempotency-Key header (or idempotencyKey in the body), e.g. a UUID made once per click', 400);
    const parsed = IdempotencyKey.safeParse(raw);
    if (!parsed.success) throw new BodyError(`Idempotency-Key: ${parsed.error.issues[0]!.message}`, 400);
    if (typeof header === 'string' && bodyKey !== undefined && bodyKey !== header) throw new BodyError('the Idempotency-Key header and idempotencyKey in the body differ', 400);
    return parsed.data;
  };

  /** Decides and appends one staffing command; a retry with the same key answers the first booking. */
  const run = async (
    request: FastifyRequest,
    reply: FastifyReply,
    command: { idempotencyKey?: string | undefined } & Record<string, unknown>,
    decide: (principal: Principal, bookingId: string, nowMs: number) => StaffingDecision,
  ) => {
    const principal = request.principal!;
    const key = idempotencyKey(request, command.idempotencyKey);
    const bookingId = bookingIdFor(principal.sub, key);
    const stream = `booking-${bookingId}`;
    const eventId = `cmd-${bookingId}`;
    const earlier = async () => {
      const existing = await store.readStream(stream, { limit: 1 });
      const first = existing[0];
      if (!first) return null;
      const data = first.data as Record<string, unknown>;
      const same = SAME_FIELDS.every((f) => command[f] === undefined || data[f] === command[f]);
      if (!same) return sendRejection(reply, 409, 'idempotency-key-reused', `the idempotency key was used for another booking (${String(data.staffId)} into ${String(data.unitId)} ${String(data.date)} ${String(data.slot)}); use a new key for a new command`);
      return { status: 'duplicate' as const, bookingId, eventId: first.id, position: first.position, event: { type: 'StaffBooked' as const, data } };
    };
    return lock.run(async () => {
      const before = await earlier();
      if (before) return before;
      const decision = decide(principal, bookingId, Date.now());
      if (!decision.ok) return sendRejection(reply, decision.statusCode, decision.code, decision.message, decision.rule);
      const data = eventDataSchemas.StaffBooked.parse(decision.event.data) as EventData<'StaffBooked'>;
      try {
        const result = await store.appendToStream(stream, [{ id: eventId, type: 'StaffBooked', stream, data: data as Record<string, unknown>, metadata: commandMetadata(principal) }], 'no-stream');
        const outcome = result.outcomes[0]!;
        if (outcome.status === 'conflict' || outcome.status === 'not-stored') return (await earlier()) ?? sendRejection(reply, 409, 'idempotency-key-reused', 'the idempotency key was used for another booking');
        await runner.waitForPosition(outcome.position, 5000);
        audit.record(principal, 'command:staff-booked', { bookingId, unitId: data.unitId, date: data.date, slot: data.slot, source: data.source });
        return { status: outcome.status === 'appended' ? ('accepted' as const) : ('duplicate' as const), bookingId, eventId, position: outcome.position, event: { type: 'StaffBooked' as const, data } };
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError) return (await earlier()) ?? sendRejection(reply, 409, 'idempotency-key-reused', 'the idempotency key was used for another booking');
        throw error;
      }
    }).catch((error: unknown) => {
      if (error instanceof CommandLockTimeout) return sendRejection(reply, 503, 'busy', `${error.message}; nothing was booked, try again`);
      throw error;
    });
  };

  const commandResponses = {
    200: { description: 'accepted (StaffBooked appended), or a duplicate of an earlier command with the same key', content: { 'application/json': StaffingCommandResponse } },
    400: { description: 'invalid body or missing idempotency key' },
    403: { description: 'outside your scope', content: { 'application/json': CommandRejection } },
    404: { description: 'unknown gap or staff member', content: { 'application/json': CommandRejection } },
    409: {
      description: 'rejected: no-gap, slot-ended (booking into the past), double-booking, staff-absent, daily-rest, weekly-cap, competence-not-held, not-in-source, source-below-minimum, same-unit, idempotency-key-reused',
      content: { 'application/json': CommandRejection },
    },
    503: { description: 'busy: the command lock (several API nodes) or the read models did not come in time; nothing was booked', content: { 'application/json': CommandRejection } },
  };

  docs.add({
    method: 'post',
    path: '/api/v1/commands/book-staff',
    summary: 'Book a pool, overtime or agency staff member into a gap (StaffBooked)',
    description:
      'Decided against the gap list and the roster: the gap must exist and not be filled, the slot not ended, the person free, present, holding the competence, keeping 11 h daily rest and the 48 h weekly cap. Staffing centre: its pools’ units; tactical: its departments; admin: all; managers reallocate instead. Send an Idempotency-Key header (or idempotencyKey): a retry books once.',
    tags: ['staffing actions'],
    roles: ACTION_ROLES,
    body: { content: { 'application/json': BookStaffCommand } },
    responses: commandResponses,
  });
  app.post('/api/v1/commands/book-staff', { config: { roles: ACTION_ROLES } }, async (request, reply) => {
    const command = BookStaffCommand.parse(request.body ?? {});
    return run(request, reply, command, (principal, bookingId, nowMs) =>
      decideBookStaff({ ...inputs(), settings: options.workingTime }, { ...command, bookingId }, principal, nowMs),
    );
  });

  docs.add({
    method: 'post',
    path: '/api/v1/commands/reallocate',
    summary: 'Move a person from a surplus cell of another unit into a gap (StaffBooked, source reallocation)',
    description:
      'The person must be on a shift in the same date, slot and competence on fromUnitId (fromShiftId defaults to it); the source must stay at or above its minimum; working-time rules are checked without the shift they leave. Staffing centre: both units in its pools; managers: both their own units; tactical: its departments; admin: all. Idempotency-Key as for book-staff.',
    tags: ['staffing actions'],
    roles: ACTION_ROLES,
    body: { content: { 'application/json': ReallocateCommand } },
    responses: commandResponses,
  });
  app.post('/api/v1/commands/reallocate', { config: { roles: ACTION_ROLES } }, async (request, reply) => {
    const command = ReallocateCommand.parse(request.body ?? {});
    return run(request, reply, command, (principal, bookingId, nowMs) =>
      decideReallocate({ ...inputs(), settings: options.workingTime }, { ...command, bookingId }, principal, nowMs),
    );
  });
}
