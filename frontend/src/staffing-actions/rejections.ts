import { ApiError } from '../api/http';
import type { MessageKey } from '../i18n/dictionary';

type T = (key: MessageKey, values?: Record<string, string | number>) => string;

/** Rejection codes of the staffing commands and the alert commands (contracts: StaffingRejectionCode, AlertCommandRejectionCode). */
export const REJECTION_CODES = [
  'outside-scope',
  'unknown-gap',
  'no-gap',
  'slot-ended',
  'unknown-staff',
  'competence-not-held',
  'staff-absent',
  'double-booking',
  'daily-rest',
  'weekly-cap',
  'not-in-source',
  'source-below-minimum',
  'same-unit',
  'idempotency-key-reused',
  'unknown-alert',
  'already-resolved',
  'already-acknowledged',
  'concurrent-change',
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

const known = new Set<string>(REJECTION_CODES);

/**
 * A rejected or failed command in plain words of the language: the rule by its code; a refused scope; a bad request
 * with the server's words; no answer at all. The server's own message (English, with figures) goes in `detail`.
 */
export function rejectionText(t: T, error: unknown): { text: string; detail: string | null } {
  if (error instanceof ApiError) {
    if (error.code && known.has(error.code)) return { text: t(`rejection.${error.code}` as MessageKey), detail: error.message };
    if (error.status === 403) return { text: t('rejection.outside-scope'), detail: error.message };
    if (error.status === 404) return { text: t('rejection.not-found'), detail: error.message };
    if (error.status === 400) return { text: t('rejection.invalid'), detail: error.message };
    if (error.status === 401) return { text: t('sessionExpired'), detail: null };
    if (error.status >= 500 || error.status === 0) return { text: t('rejection.server', { status: error.status }), detail: error.message };
    return { text: t('rejection.other'), detail: error.message };
  }
  return { text: t('rejection.network'), detail: error instanceof Error ? error.message : null };
}

/** Rules an excluded candidate fails (ExcludedCandidate.code), with a short name each. */
export const EXCLUDED_CODES = ['double-booking', 'daily-rest', 'weekly-cap', 'staff-absent', 'source-below-minimum', 'competence-not-held', 'not-in-source', 'outside-scope'] as const;
const excludedKnown = new Set<string>(EXCLUDED_CODES);

/** The excluded candidate's rule in words (the code itself when it is one this version does not know). */
export function excludedRuleText(t: T, code: string): string {
  return excludedKnown.has(code) ? t(`excluded.${code}` as MessageKey) : code;
}
