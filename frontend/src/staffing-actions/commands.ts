import type { StaffingCommandResponse } from '@pks/contracts';
import { ApiError } from '../api/http';

/**
 * Staffing commands (book-staff, reallocate) with an idempotency key per user action: the key is made when a person
 * clicks, and every retry of that action (automatic after a lost answer, or the person's "try again") sends the same
 * key, so the server books at most once. The key is forgotten when the action is settled: answered (accepted or
 * duplicate) or rejected by a rule; a later click is a new action with a new key.
 */

export type StaffingCommand = 'book-staff' | 'reallocate';

/** A UUID v4: crypto.randomUUID where the page is a secure context, else from crypto.getRandomValues. */
export function newIdempotencyKey(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') {
    try {
      return c.randomUUID();
    } catch {
      // not a secure context: fall through
    }
  }
  const bytes = new Uint8Array(16);
  if (c && typeof c.getRandomValues === 'function') c.getRandomValues(bytes);
  else for (let i = 0; i < 16; i += 1) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** What an action is: the command and its body (keys sorted), so the same click retried is the same action. */
export function commandIdentity(command: StaffingCommand, body: Record<string, unknown>): string {
  const sorted = Object.keys(body)
    .sort()
    .map((k) => [k, body[k]]);
  return `${command} ${JSON.stringify(sorted)}`;
}

/** The keys of actions not settled yet. */
export class IdempotencyKeys {
  private readonly pending = new Map<string, string>();
  constructor(private readonly generate: () => string = newIdempotencyKey) {}

  /** The key of an unsettled action, or a new one. */
  keyFor(identity: string): string {
    let key = this.pending.get(identity);
    if (key === undefined) {
      key = this.generate();
      this.pending.set(identity, key);
    }
    return key;
  }

  /** The action got its answer: the next click is a new action. */
  settle(identity: string): void {
    this.pending.delete(identity);
  }

  isPending(identity: string): boolean {
    return this.pending.has(identity);
  }
}

/** A lost answer (no response, a gateway or server error): the command may or may not have been applied. */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true; // fetch failed: network down, connection reset
  return error.status === 0 || error.status === 408 || error.status === 429 || error.status >= 500;
}

export type CommandOutcome =
  | { kind: 'done'; response: StaffingCommandResponse; key: string; attempts: number }
  /** a rule or the scope said no (4xx): settled, nothing was booked */
  | { kind: 'rejected'; error: unknown; key: string; attempts: number }
  /** no answer after the retries: still pending; "try again" sends the same key */
  | { kind: 'failed'; error: unknown; key: string; attempts: number };

export type PostCommand = (command: StaffingCommand, body: Record<string, unknown>, idempotencyKey: string) => Promise<StaffingCommandResponse>;

export interface SendOptions {
  /** automatic retries after a lost answer (default 2) */
  retries?: number;
  /** wait before each retry, ms (default 800, doubling) */
  delayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Sends one action; retries a lost answer with the same key; settles the key on an answer or a rejection. */
export async function sendCommand(keys: IdempotencyKeys, command: StaffingCommand, body: Record<string, unknown>, post: PostCommand, options: SendOptions = {}): Promise<CommandOutcome> {
  const { retries = 2, delayMs = 800, sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) } = options;
  const identity = commandIdentity(command, body);
  const key = keys.keyFor(identity);
  let attempts = 0;
  for (;;) {
    attempts += 1;
    try {
      const response = await post(command, body, key);
      keys.settle(identity);
      return { kind: 'done', response, key, attempts };
    } catch (error) {
      if (!isRetryable(error)) {
        keys.settle(identity);
        return { kind: 'rejected', error, key, attempts };
      }
      if (attempts > retries) return { kind: 'failed', error, key, attempts };
      await sleep(delayMs * 2 ** (attempts - 1));
    }
  }
}

export interface MoveResult<M> {
  move: M;
  outcome: CommandOutcome;
}

/**
 * Applies suggested moves in their order, one at a time, and stops at the first that is not done (a rejection or a
 * lost answer): the later moves were planned assuming the earlier ones.
 */
export async function applyMovesInOrder<M extends { command: StaffingCommand; commandBody: Record<string, unknown> }>(
  moves: readonly M[],
  send: (move: M) => Promise<CommandOutcome>,
  onResult?: (result: MoveResult<M>, index: number) => void,
): Promise<{ results: MoveResult<M>[]; stoppedAt: number | null }> {
  const results: MoveResult<M>[] = [];
  for (let i = 0; i < moves.length; i += 1) {
    const move = moves[i]!;
    const outcome = await send(move);
    const result = { move, outcome };
    results.push(result);
    onResult?.(result, i);
    if (outcome.kind !== 'done') return { results, stoppedAt: i };
  }
  return { results, stoppedAt: null };
}
