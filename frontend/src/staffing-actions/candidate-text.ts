import type { CandidateSource, GapCandidate } from '@pks/contracts';
import { formatNumber } from '../alerts/alert-text';
import type { Language, MessageKey } from '../i18n/dictionary';

type T = (key: MessageKey, values?: Record<string, string | number>) => string;

export const SOURCE_ICON: Record<CandidateSource, string> = { reallocation: '⇄', pool: '◎', overtime: '◷', agency: '⊕' };

/**
 * Why a candidate, in the language, from the candidate's figures (the server's `reasons` are English sentences; they
 * stay as the tooltip): where the person comes from, the week's hours with the cap, the rest before and after.
 */
export function candidateReasons(t: T, language: Language, c: GapCandidate, rules: { dailyRestHours: number; weeklyCapHours: number }): string[] {
  const n = (v: number) => formatNumber(v, language);
  const out: string[] = [];
  if (c.source === 'reallocation') out.push(t('cand.reallocation', { from: c.fromUnitName ?? c.fromUnitId ?? '?' }));
  else out.push(t(`cand.${c.source}` as MessageKey));
  out.push(t('cand.week', { before: n(c.weekHoursBefore), after: n(c.weekHoursAfter), cap: n(rules.weeklyCapHours) }));
  if (c.restBeforeHours === null && c.restAfterHours === null) out.push(t('cand.noNeighbours'));
  if (c.restBeforeHours !== null) out.push(t('cand.restBefore', { hours: n(c.restBeforeHours), rule: n(rules.dailyRestHours) }));
  if (c.restAfterHours !== null) out.push(t('cand.restAfter', { hours: n(c.restAfterHours), rule: n(rules.dailyRestHours) }));
  return out;
}

/** "Boka" for book-staff (pool, overtime, agency), "Flytta" for a reallocation. */
export function actionLabel(t: T, command: GapCandidate['command']): string {
  return command === 'reallocate' ? t('actionMove') : t('actionBook');
}
