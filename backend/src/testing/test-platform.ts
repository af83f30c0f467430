import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '@pks/contracts';
import { issueEmbeddedToken, loadOrCreateEmbeddedSecret } from '../auth/token-verifier.js';
import { configFromEnv, dataPaths, type PlatformConfig } from '../config/config.js';
import { startPlatform, type Platform } from '../platform/start-platform.js';

export interface TestPlatform extends Platform {
  dataDir: string;
  token(role?: Role, scope?: { sub?: string; units?: string[]; pools?: string[]; departments?: string[] }): Promise<string>;
  /** POST /api/v1/events with an integration token */
  post(body: unknown, options?: { contentType?: string; query?: string; token?: string | null }): Promise<{ status: number; body: any }>;
  get(path: string, options?: { token?: string | null; accept?: string }): Promise<{ status: number; body: any; text: string; headers: Headers }>;
}

/**
 * The real platform on a random port with a fresh data directory, for API tests. The alert engine is off unless
 * `alerting: { enabled: true }` is given: it appends alert events of its own, which would move the log positions
 * other tests count on.
 */
export async function startTestPlatform(overrides: Partial<PlatformConfig> = {}): Promise<TestPlatform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pks-test-'));
  const config = configFromEnv({}, { dataDir, port: 0, logLevel: 'silent', simulation: { enabled: false, scale: 'small', speed: 1, seed: 1, historyDays: 14 }, ...overrides, alerting: { enabled: false, ...overrides.alerting } });
  const platform = await startPlatform(config);
  const secret = loadOrCreateEmbeddedSecret(dataPaths(dataDir).secret);
  const token: TestPlatform['token'] = (role = 'integration', scope = {}) => issueEmbeddedToken(secret, { sub: scope.sub ?? `test-${role}`, role, ...scope });
  const integration = await token('integration');
  return {
    ...platform,
    dataDir,
    token,
    async post(body, options = {}) {
      const contentType = options.contentType ?? 'application/json';
      const auth = options.token === undefined ? integration : options.token;
      const response = await fetch(`${platform.url}/api/v1/events${options.query ?? ''}`, {
        method: 'POST',
        headers: { 'content-type': contentType, ...(auth !== null && { authorization: `Bearer ${auth}` }) },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    },
    async get(path, options = {}) {
      const auth = options.token === undefined ? integration : options.token;
      const response = await fetch(`${platform.url}${path}`, {
        headers: { ...(auth !== null && { authorization: `Bearer ${auth}` }), ...(options.accept && { accept: options.accept }) },
      });
      const text = await response.text();
      let body: unknown = null;
      try {
        body = JSON.parse(text);
      } catch {
        body = null;
      }
      return { status: response.status, body, text, headers: response.headers };
    },
    async close() {
      await platform.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A small organisation for tests: one unit with dag/kvall/natt slots. */
export function unitRegistered(unitId = 'B8-AVA', departmentId = 'akut', extra: Record<string, unknown> = {}) {
  return {
    id: `unit-${unitId}`,
    type: 'UnitRegistered',
    data: {
      unitId,
      name: unitId.replace('-', ', '),
      departmentId,
      slots: [
        { code: 'dag', start: '07:00', end: '15:30' },
        { code: 'kvall', start: '15:00', end: '21:45' },
        { code: 'natt', start: '21:15', end: '07:15' },
      ],
      ...extra,
    },
  };
}

export function shiftScheduled(n: number, extra: Record<string, unknown> = {}) {
  return {
    id: `shift-src-${n}`,
    type: 'ShiftScheduled',
    data: {
      shiftId: `S${n}`,
      unitId: 'B8-AVA',
      staffId: `P${n % 50}`,
      competence: n % 3 === 0 ? 'USK' : 'SSK',
      start: '2026-11-23T06:00:00Z',
      end: '2026-11-23T14:30:00Z',
      ...extra,
    },
  };
}
