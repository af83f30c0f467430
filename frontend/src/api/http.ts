import type { DemoUser, LoginResponse, MeResponse } from '@pks/contracts';

/** An error answer of the API: { statusCode, error, message } and, for rejected commands, { code, rule }. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly path: string,
    /** machine-readable rejection of a command (e.g. daily-rest), when the answer had one */
    readonly code: string | null = null,
    /** the rule that rejected it, when one did */
    readonly rule: string | null = null,
  ) {
    super(message);
  }
}

/** Called when any call answers 401 (token expired or revoked). */
let onUnauthorized: (() => void) | null = null;
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

async function request<T>(method: 'GET' | 'POST', path: string, token: string | null, body?: unknown, signal?: AbortSignal, extraHeaders: Record<string, string> = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...extraHeaders };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, ...(body !== undefined && { body: JSON.stringify(body) }), ...(signal && { signal }) });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    if (response.status === 401 && token) onUnauthorized?.();
    const answer = json as { message?: unknown; code?: unknown; rule?: unknown } | null;
    const message = answer?.message;
    throw new ApiError(
      response.status,
      typeof message === 'string' ? message : `${response.status} ${response.statusText}`,
      path,
      typeof answer?.code === 'string' ? answer.code : null,
      typeof answer?.rule === 'string' ? answer.rule : null,
    );
  }
  return json as T;
}

/** GET /api/v1/<path>?query with the bearer token. */
export function apiGet<T>(path: string, token: string, query: Query = {}, signal?: AbortSignal): Promise<T> {
  return request<T>('GET', `/api/v1/${path}${queryString(query)}`, token, undefined, signal);
}

/** POST /api/v1/<path> with a JSON body and the bearer token (extra headers, e.g. Idempotency-Key). */
export function apiPost<T>(path: string, token: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<T> {
  return request<T>('POST', `/api/v1/${path}`, token, body, signal, headers);
}

export function fetchDemoUsers(): Promise<{ users: DemoUser[] }> {
  return request('GET', '/api/v1/auth/demo-users', null);
}

export function demoLogin(userId: string): Promise<LoginResponse> {
  return request('POST', '/api/v1/auth/demo-login', null, { userId });
}

export function fetchMe(token: string): Promise<MeResponse> {
  return apiGet<MeResponse>('me', token);
}
