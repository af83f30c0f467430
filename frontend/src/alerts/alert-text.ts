import type { AlertHistoryEntry, AlertRow } from '@pks/contracts';
import type { Language, MessageKey } from '../i18n/dictionary';

type T = (key: MessageKey, values?: Record<string, string | number>) => string;

/** A number as people read it in the language (at most one decimal). */
export function formatNumber(n: number | null | undefined, language: Language): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  return new Intl.NumberFormat(language === 'sv' ? 'sv-SE' : 'en-GB', { maximumFractionDigits: 1 }).format(n);
}

/** A UTC instant as local date and time (Europe/Stockholm, as the rest of the app). */
export function formatInstant(iso: string | null | undefined, language: Language): string {
  if (!iso) return '–';
  return new Date(iso).toLocaleString(language === 'sv' ? 'sv-SE' : 'en-GB', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Stockholm' });
}

const measureKey = (m: string) => `measure.${m}` as MessageKey;

/** The alert's window in the language (the server's windowLabel is English). */
export function windowText(t: T, row: Pick<AlertRow, 'window' | 'windowLabel'>): string {
  const w = row.window;
  const measure = w.measure ? t(measureKey(w.measure)) : null;
  switch (w.kind) {
    case 'slot':
      return t('window.slot', { date: w.date ?? '', slot: w.slot ?? '', competence: w.competence ?? '' });
    case 'week':
      return t('window.week', { week: w.week ?? '' });
    case 'month':
      return measure ? t('window.monthMeasure', { month: w.month ?? '', measure }) : t('window.month', { month: w.month ?? '' });
    case 'rolling-months':
      return measure ? t('window.rollingMeasure', { month: w.month ?? '', measure }) : t('window.rolling', { month: w.month ?? '' });
    default:
      return row.windowLabel;
  }
}

/** Observed against expected, worded per rule ("bemannade 2, mål 3", "180 h, gräns 200 h"). */
export function observedText(t: T, language: Language, row: Pick<AlertRow, 'rule' | 'observed' | 'expected'>, observed: number | null = row.observed): string {
  return t(`obs.${row.rule}` as MessageKey, { observed: formatNumber(observed, language), expected: formatNumber(row.expected, language) });
}

/** One line for a notification or a screen reader: "Hög: Sjukanmälan ger lucka – B8, AVA, 2026-11-24 dag SSK (bemannade 2, mål 3)". */
export function alertLine(t: T, language: Language, row: AlertRow): string {
  return t('alertLine', {
    severity: t(`severity.${row.severity}` as MessageKey),
    rule: t(`rule.${row.rule}` as MessageKey),
    unit: row.unitName ?? row.unitId,
    window: windowText(t, row),
    observed: observedText(t, language, row),
  });
}

/** Who did it: the owner's name when the subject is the owner's, else the subject; with the role. */
export function actorText(t: T, row: Pick<AlertRow, 'owner' | 'ownerName'>, entry: Pick<AlertHistoryEntry, 'by' | 'role'>): string | null {
  if (!entry.by) return null;
  const name = entry.by === row.owner && row.ownerName ? row.ownerName : entry.by;
  return entry.role ? `${name} (${t(`role.${entry.role}` as MessageKey)})` : name;
}

/** One history step in words: "Kvitterat av Bemanningscentrum (bemanningscentrum)", "Eskalerat till verksamhetsledning", … */
export function historyText(t: T, language: Language, row: AlertRow, entry: AlertHistoryEntry): string {
  const who = actorText(t, row, entry);
  switch (entry.type) {
    case 'raised':
      return t('hist.raised', { observed: entry.observed === null ? observedText(t, language, row) : observedText(t, language, row, entry.observed), occurrence: entry.occurrence });
    case 'acknowledged':
      return who ? t('hist.acknowledgedBy', { who }) : t('hist.acknowledged');
    case 'escalated':
      return t('hist.escalated', { level: entry.level ? t(`role.${entry.level}` as MessageKey) : '–' });
    case 'resolved':
      if (who) return t('hist.resolvedBy', { who });
      // the reason is kept for the current occurrence only
      return entry.occurrence === row.occurrence && row.resolutionReason ? t('hist.resolvedAuto', { reason: t(`reason.${row.resolutionReason}` as MessageKey) }) : t('hist.resolved');
    default:
      return entry.type;
  }
}
