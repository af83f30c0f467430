import { ALERT_RULES } from '@pks/contracts';
import { describe, expect, it } from 'vitest';
import { ALERT_RULE_LIST, alertCell, alertParams, compareAlerts, compareNewest, mergeAlertRows, newArrivals, seenId, statusMatches } from './alert-feed';
import { alert, alertsAnswer } from './test-alerts';

describe('alert feed: merge by key and status', () => {
  it('knows every rule of the contracts', () => {
    expect([...ALERT_RULE_LIST].sort()).toEqual([...ALERT_RULES].sort());
  });

  it('status filters: active = raised or acknowledged', () => {
    expect(statusMatches('raised', 'active')).toBe(true);
    expect(statusMatches('acknowledged', 'active')).toBe(true);
    expect(statusMatches('resolved', 'active')).toBe(false);
    expect(statusMatches('resolved', 'all')).toBe(true);
    expect(statusMatches('raised', 'resolved')).toBe(false);
    expect(statusMatches('acknowledged', 'acknowledged')).toBe(true);
  });

  it('replaces a row by key, keeps the others and moves the position', () => {
    const data = alertsAnswer([alert({ key: 'a' }), alert({ key: 'b', severity: 'medium' })]);
    const acked = alert({ key: 'a', status: 'acknowledged', owner: 'staffing-1', ownerName: 'Bemanningscentrum', position: 12 });
    const out = mergeAlertRows(data, [acked], 'active', 12);
    expect(out.data.rows.map((r) => [r.key, r.status])).toEqual([
      ['a', 'acknowledged'],
      ['b', 'raised'],
    ]);
    expect(out.data.position).toBe(12);
    expect(out.changedKeys).toEqual(['a']);
    expect(out.data.counts).toEqual({ raised: 1, acknowledged: 1, resolved: 0 });
    expect(data.rows[0]!.status).toBe('raised'); // not mutated
  });

  it('drops a row that resolved under status=active (the server still sends it)', () => {
    const data = alertsAnswer([alert({ key: 'a' }), alert({ key: 'b' })]);
    const out = mergeAlertRows(data, [alert({ key: 'a', status: 'resolved', resolution: 'auto', resolutionReason: 'deviation-gone', position: 13 })], 'active', 13);
    expect(out.data.rows.map((r) => r.key)).toEqual(['b']);
    expect(out.removedKeys).toEqual(['a']);
    expect(out.changedKeys).toEqual([]);
  });

  it('keeps a resolved row in the history (status=all) and ignores a resolved row it never had under active', () => {
    const history = alertsAnswer([alert({ key: 'a' })], 10, 'all');
    const resolved = alert({ key: 'a', status: 'resolved', position: 13 });
    expect(mergeAlertRows(history, [resolved], 'all', 13).data.rows[0]!.status).toBe('resolved');
    const active = alertsAnswer([]);
    expect(mergeAlertRows(active, [alert({ key: 'x', status: 'resolved' })], 'active', 14).data.rows).toEqual([]);
  });

  it('adds new keys in urgency order (severity, then newest), ignores rows that are not alerts; the last change of a key wins', () => {
    const data = alertsAnswer([alert({ key: 'm', severity: 'medium' })]);
    const out = mergeAlertRows(
      data,
      [{ key: 'junk', v: 1 }, alert({ key: 'c', severity: 'critical', raisedAt: '2026-11-23T22:05:00.000Z', observed: 1 }), alert({ key: 'c', severity: 'critical', raisedAt: '2026-11-23T22:05:00.000Z', observed: 0 })],
      'active',
      15,
    );
    expect(out.data.rows.map((r) => r.key)).toEqual(['c', 'm']);
    expect(out.data.rows[0]!.observed).toBe(0);
  });

  it('an update without alert rows changes nothing but the position', () => {
    const data = alertsAnswer([alert({ key: 'a' })]);
    const out = mergeAlertRows(data, [{ key: 'x' }], 'active', 20);
    expect(out.data.rows).toBe(data.rows);
    expect(out.data.position).toBe(20);
  });

  it('feed order: severity, then the slot that starts soonest, week alerts after slots, then the newest raise', () => {
    const slot = (key: string, date: string, severity: 'high' | 'medium' = 'high') => alert({ key, severity, window: { kind: 'slot', date, slot: 'dag', competence: 'SSK', start: `${date}T06:00:00Z`, end: `${date}T14:30:00Z` } });
    const rows = [slot('later', '2026-11-26'), alert({ key: 'week', window: { kind: 'week', week: '2026-W49' } }), slot('soon', '2026-11-24'), slot('medium', '2026-11-23', 'medium')];
    expect([...rows].sort(compareAlerts).map((r) => r.key)).toEqual(['soon', 'later', 'week', 'medium']);
  });

  it('history order: newest raise first', () => {
    const rows = [alert({ key: 'old', raisedAt: '2026-11-01T00:00:00Z' }), alert({ key: 'new', raisedAt: '2026-11-20T00:00:00Z' })];
    expect([...rows].sort(compareNewest).map((r) => r.key)).toEqual(['new', 'old']);
  });
});

describe('alert feed: what is news', () => {
  it('nothing is news on the first answer; a new key later is', () => {
    const first = [alert({ key: 'a' })];
    expect(newArrivals(null, first)).toEqual([]);
    const seen = new Set(first.map(seenId));
    expect(newArrivals(seen, [...first, alert({ key: 'b' })]).map((r) => r.key)).toEqual(['b']);
  });

  it('a raise again (next occurrence) is news; a resolved or already seen row is not', () => {
    const seen = new Set([seenId(alert({ key: 'a' })), seenId(alert({ key: 'b' }))]);
    const rows = [alert({ key: 'a', occurrence: 2 }), alert({ key: 'b', status: 'acknowledged' }), alert({ key: 'c', status: 'resolved' })];
    expect(newArrivals(seen, rows).map((r) => [r.key, r.occurrence])).toEqual([['a', 2]]);
  });
});

describe('alert helpers', () => {
  it('the cell of a slot alert, none for a week alert', () => {
    expect(alertCell(alert({ key: 'a' }))).toEqual({ unitId: 'B8-AVA', date: '2026-11-24', slot: 'dag', competence: 'SSK' });
    expect(alertCell(alert({ key: 'w', window: { kind: 'week', week: '2026-W49' } }))).toBeNull();
  });

  it('query parameters: the scope, or one unit; only what is set', () => {
    expect(alertParams({ departmentId: 'akut' }, { status: 'active', audience: 'tactical' })).toEqual({ departmentId: 'akut', status: 'active', audience: 'tactical' });
    expect(alertParams({ departmentId: 'akut' }, { status: 'all', unitId: 'B8-AVA', rule: 'absence-gap', from: '2026-11-01', to: null, audience: null })).toEqual({
      unitId: 'B8-AVA',
      status: 'all',
      rule: 'absence-gap',
      from: '2026-11-01',
    });
  });
});
