import type { DemoUser, LoginResponse, MeResponse } from '@pks/contracts';

/** An error answer of the API: { statusCode, error, message }. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly path: string,
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

async function request<T>(method: 'GET' | 'POST', path: string, token: string | null, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
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
    const message = (json as { message?: unknown } | null)?.message;
    throw new ApiError(response.status, typeof message === 'string' ? message : `${response.status} ${response.statusText}`, path);
  }
  return json as T;
}

/** GET /api/v1/<path>?query with the bearer token. */
export function apiGet<T>(path: string, token: string, query: Query = {}, signal?: AbortSignal): Promise<T> {
  return request<T>('GET', `/api/v1/${path}${queryString(query)}`, token, undefined, signal);
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
