import type { StaffingCommandResponse } from '@pks/contracts';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/http';
import { applyMovesInOrder, commandIdentity, IdempotencyKeys, isRetryable, newIdempotencyKey, sendCommand, type PostCommand } from './commands';

const body = { unitId: 'B8-AVA', date: '2026-11-24', slot: 'dag', competence: 'SSK', staffId: 'POOL-A3', source: 'pool' };
const accepted = (key: string): StaffingCommandResponse => ({ status: 'accepted', bookingId: `bk-${key}`, eventId: `cmd-${key}`, position: 1, event: { type: 'StaffBooked', data: {} } });
const counter = () => {
  let n = 0;
  return () => `key-${(n += 1)}`;
};
const noSleep = { sleep: async () => {} };

/** A fake POST: answers from a script; records the keys it was sent. */
function fakePost(script: ((key: string) => StaffingCommandResponse | Error)[]): PostCommand & { keys: string[] } {
  const keys: string[] = [];
  const post = (async (_command, _body, key) => {
    keys.push(key);
    const step = script.shift();
    if (!step) throw new Error('no more answers');
    const answer = step(key);
    if (answer instanceof Error) throw answer;
    return answer;
  }) as PostCommand & { keys: string[] };
  post.keys = keys;
  return post;
}

describe('idempotency keys', () => {
  it('a UUID v4 per action', () => {
    expect(newIdempotencyKey()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newIdempotencyKey()).not.toBe(newIdempotencyKey());
  });

  it('the same action keeps its key until it is settled; the identity does not depend on key order', () => {
    const keys = new IdempotencyKeys(counter());
    const id = commandIdentity('book-staff', body);
    expect(commandIdentity('book-staff', { ...body })).toBe(commandIdentity('book-staff', Object.fromEntries(Object.entries(body).reverse())));
    expect(keys.keyFor(id)).toBe('key-1');
    expect(keys.keyFor(id)).toBe('key-1');
    expect(keys.keyFor(commandIdentity('book-staff', { ...body, staffId: 'POOL-A5' }))).toBe('key-2');
    expect(keys.keyFor(commandIdentity('reallocate', body))).toBe('key-3');
    keys.settle(id);
    expect(keys.keyFor(id)).toBe('key-4');
  });

  it('a lost answer is retried with the same key; once answered, the next click gets a new key', async () => {
    const keys = new IdempotencyKeys(counter());
    const post = fakePost([() => new TypeError('Failed to fetch'), () => new ApiError(503, 'unavailable', 'commands/book-staff'), (k) => accepted(k), (k) => accepted(k)]);
    const first = await sendCommand(keys, 'book-staff', body, post, noSleep);
    expect(first).toMatchObject({ kind: 'done', key: 'key-1', attempts: 3 });
    expect(post.keys).toEqual(['key-1', 'key-1', 'key-1']);
    const second = await sendCommand(keys, 'book-staff', body, post, noSleep);
    expect(second).toMatchObject({ kind: 'done', key: 'key-2' });
  });

  it('no answer after the retries: still pending, and "try again" sends the same key', async () => {
    const keys = new IdempotencyKeys(counter());
    const post = fakePost([() => new TypeError('x'), () => new TypeError('x'), () => new TypeError('x'), (k) => accepted(k)]);
    const failed = await sendCommand(keys, 'book-staff', body, post, { ...noSleep, retries: 2 });
    expect(failed).toMatchObject({ kind: 'failed', key: 'key-1', attempts: 3 });
    expect(keys.isPending(commandIdentity('book-staff', body))).toBe(true);
    const retried = await sendCommand(keys, 'book-staff', body, post, noSleep);
    expect(retried).toMatchObject({ kind: 'done', key: 'key-1' });
    expect(post.keys).toEqual(['key-1', 'key-1', 'key-1', 'key-1']);
  });

  it('a rejection by a rule settles the action (nothing was booked): no retry, a new key next time', async () => {
    const keys = new IdempotencyKeys(counter());
    const rejection = new ApiError(409, 'only 5.8 h rest', 'commands/book-staff', 'daily-rest', 'daily rest');
    const post = fakePost([() => rejection, (k) => accepted(k)]);
    const out = await sendCommand(keys, 'book-staff', body, post, noSleep);
    expect(out).toMatchObject({ kind: 'rejected', key: 'key-1', attempts: 1, error: rejection });
    expect((await sendCommand(keys, 'book-staff', body, post, noSleep)).key).toBe('key-2');
  });

  it('what is worth retrying: no response, 5xx, 408, 429 — not a 4xx rejection', () => {
    expect(isRetryable(new TypeError('Failed to fetch'))).toBe(true);
    expect(isRetryable(new ApiError(502, 'bad gateway', 'x'))).toBe(true);
    expect(isRetryable(new ApiError(429, 'slow down', 'x'))).toBe(true);
    expect(isRetryable(new ApiError(409, 'no', 'x', 'double-booking'))).toBe(false);
    expect(isRetryable(new ApiError(403, 'no', 'x', 'outside-scope'))).toBe(false);
  });
});

describe('applying suggested moves in order', () => {
  const move = (order: number) => ({ order, command: 'book-staff' as const, commandBody: { ...body, staffId: `P${order}` } });

  it('applies every move in its order', async () => {
    const keys = new IdempotencyKeys(counter());
    const post = fakePost([(k) => accepted(k), (k) => accepted(k), (k) => accepted(k)]);
    const seen: number[] = [];
    const out = await applyMovesInOrder([move(1), move(2), move(3)], (m) => sendCommand(keys, m.command, m.commandBody, post, noSleep), (r) => seen.push(r.move.order));
    expect(out.stoppedAt).toBeNull();
    expect(seen).toEqual([1, 2, 3]);
  });

  it('stops at the first rejection and does not send the later moves', async () => {
    const keys = new IdempotencyKeys(counter());
    const post = fakePost([(k) => accepted(k), () => new ApiError(409, 'already assigned', 'x', 'double-booking'), (k) => accepted(k)]);
    const out = await applyMovesInOrder([move(1), move(2), move(3)], (m) => sendCommand(keys, m.command, m.commandBody, post, noSleep));
    expect(out.stoppedAt).toBe(1);
    expect(out.results.map((r) => r.outcome.kind)).toEqual(['done', 'rejected']);
    expect(post.keys).toHaveLength(2);
  });
});
