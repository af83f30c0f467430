import { ALERT_RULES, AlertResolutionReason, AlertSeverity, AlertStatus } from '@pks/contracts';
import { describe, expect, it } from 'vitest';
import { en, sv, translate, type Language, type MessageKey } from '../i18n/dictionary';
import { alertLine, historyText, observedText, windowText } from './alert-text';
import { alert } from './test-alerts';

const tr = (language: Language) => (key: MessageKey, values?: Record<string, string | number>) => translate(language, key, values);

describe('alert texts', () => {
  it('every rule, severity, status, resolution reason and history step has a text in both languages', () => {
    const keys = [
      ...ALERT_RULES.flatMap((r) => [`rule.${r}`, `obs.${r}`]),
      ...AlertSeverity.options.map((s) => `severity.${s}`),
      ...AlertStatus.options.map((s) => `alertStatus.${s}`),
      ...AlertResolutionReason.options.map((r) => `reason.${r}`),
      ...['raised', 'acknowledged', 'acknowledgedBy', 'escalated', 'resolved', 'resolvedAuto', 'resolvedBy'].map((h) => `hist.${h}`),
      ...['all', 'active', 'raised', 'acknowledged', 'resolved'].map((s) => `statusFilter.${s}`),
    ];
    for (const key of keys) {
      expect(sv, key).toHaveProperty([key]);
      expect(en, key).toHaveProperty([key]);
    }
  });

  it('a slot alert in Swedish and English', () => {
    const row = alert({ key: 'a' });
    expect(alertLine(tr('sv'), 'sv', row)).toBe('Hög: Sjukanmälan ger lucka – B8, AVA, 2026-11-24 dag SSK (bemannade 2, mål 3)');
    expect(alertLine(tr('en'), 'en', row)).toBe('High: Sick call leaves a gap – B8, AVA, 2026-11-24 dag SSK (staffed 2, target 3)');
  });

  it('week and month windows, numbers with the language’s decimal sign', () => {
    const week = alert({ key: 'w', rule: 'schedule-below-plan', window: { kind: 'week', week: '2026-W49' }, observed: 1234.56, expected: 1300, quantity: 'hours' });
    expect(windowText(tr('sv'), week)).toBe('vecka 2026-W49');
    // (the thousands separator is a no-break space in Swedish; which one depends on the ICU version)
    expect(observedText(tr('sv'), 'sv', week).replace(/\s/g, ' ')).toBe('schemalagt 1 234,6 h, plan × kvot 1 300 h');
    expect(observedText(tr('en'), 'en', week)).toBe('scheduled 1,234.6 h, plan × ratio 1,300 h');
    const month = alert({ key: 'm', rule: 'outcome-off-plan', window: { kind: 'month', month: '2026-10', measure: 'bed-days' } });
    expect(windowText(tr('sv'), month)).toBe('2026-10, vårddygn');
  });

  it('history steps: who acknowledged (the owner’s name), escalation level, automatic resolve with its reason', () => {
    const row = alert({ key: 'a', status: 'resolved', owner: 'staffing-1', ownerName: 'Bemanningscentrum', resolution: 'auto', resolutionReason: 'deviation-gone' });
    const t = tr('sv');
    const step = (type: 'raised' | 'acknowledged' | 'escalated' | 'resolved', extra = {}) => ({ occurrence: 1, type, at: '2026-11-23T22:00:00Z', position: 1, by: null, role: null, note: null, level: null, observed: null, expected: null, message: null, ...extra });
    expect(historyText(t, 'sv', row, step('raised', { observed: 2 }))).toBe('Larmat (bemannade 2, mål 3)');
    expect(historyText(t, 'sv', row, step('acknowledged', { by: 'staffing-1', role: 'staffing-centre', note: 'ringer poolen' }))).toBe('Kvitterat av Bemanningscentrum (bemanningscentrum)');
    expect(historyText(t, 'sv', row, step('escalated', { level: 'tactical' }))).toBe('Eskalerat till verksamhetsledning');
    expect(historyText(t, 'sv', row, step('resolved'))).toBe('Löst automatiskt: avvikelsen finns inte längre');
    expect(historyText(tr('en'), 'en', row, step('resolved', { by: 'tactical-1', role: 'tactical' }))).toBe('Resolved by tactical-1 (department management)');
  });
});
