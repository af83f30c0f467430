import type { ScheduleVsPlanRow, ScheduleVsPlanTotal } from '@pks/contracts';
import { describe, expect, it } from 'vitest';
import { row } from '../gap-list/test-rows';
import { alertDeviations, deviationFeed, gapDeviations, planDeviations, scheduleVsPlanSeries } from './deviations';

const svp = (p: Partial<ScheduleVsPlanRow> & Pick<ScheduleVsPlanRow, 'week'>): ScheduleVsPlanRow => ({
  key: `U|${p.week}`,
  unitId: 'U',
  unitName: 'Unit U',
  departmentId: 'akut',
  weekStart: '',
  weekEnd: '',
  relation: 'future',
  planHours: 100,
  scheduledHours: 100,
  scheduledPlannedHours: 100,
  openShiftHours: 0,
  bookedHours: 0,
  toPlanHours: 0,
  toPlanCount: 0,
  waitedTooLongHours: 0,
  waitedTooLongCount: 0,
  ratio: 1,
  targetRatio: 1.1,
  targetHours: 110,
  gapToTargetHours: -10,
  meetsTarget: false,
  ...p,
});

describe('deviation feed', () => {
  it('cells below minimum from today on, soonest first', () => {
    const rows = [
      row({ unitId: 'B8', date: '2026-11-25', slot: 'dag', staffed: 1 }),
      row({ unitId: 'B8', date: '2026-11-22', slot: 'dag', staffed: 0 }), // yesterday: not a deviation to act on
      row({ unitId: 'B8', date: '2026-11-24', slot: 'natt', staffed: 0, minimum: 1, target: 1 }),
      row({ unitId: 'B8', date: '2026-11-24', slot: 'dag', staffed: 3 }),
    ];
    expect(gapDeviations(rows, '2026-11-23').map((d) => d.key)).toEqual(['gap|B8|2026-11-24|natt|SSK', 'gap|B8|2026-11-25|dag|SSK']);
  });

  it('weeks below plan × 1.10, current and future only', () => {
    const rows = [
      svp({ week: '2026-W47', relation: 'past' }),
      svp({ week: '2026-W49', scheduledPlannedHours: 95, gapToTargetHours: -15 }),
      svp({ week: '2026-W48', relation: 'current', meetsTarget: true }),
      svp({ week: '2026-W50', planHours: null, targetHours: null, meetsTarget: null }),
    ];
    expect(planDeviations(rows)).toEqual([expect.objectContaining({ week: '2026-W49', scheduled: 95, plan: 100, target: 110, gap: -15 })]);
  });

  it('alerts (generic rows) first among equals; unsafe before plan deviations', () => {
    const alerts = alertDeviations({ rows: [{ key: 'a1', message: 'B8 dag under minimum', severity: 'high' }, { key: 'a2', message: 'resolved', state: 'resolved' }] });
    expect(alerts).toHaveLength(1);
    const feed = deviationFeed(planDeviations([svp({ week: '2026-W49' })]), gapDeviations([row({ unitId: 'B8', date: '2026-11-25', slot: 'dag', staffed: 1 })], '2026-11-23'), alerts);
    expect(feed.map((d) => d.kind)).toEqual(['alert', 'below-minimum', 'below-plan']);
    expect(alertDeviations(null)).toEqual([]);
  });
});

describe('scheduleVsPlanSeries', () => {
  it('plan line, the band at plan × ratio, stacked bars and the current week', () => {
    const total = (week: string, planHours: number | null, extra: Partial<ScheduleVsPlanTotal> = {}): ScheduleVsPlanTotal => ({
      week,
      units: 1,
      planHours,
      scheduledHours: 120,
      scheduledPlannedHours: 100,
      openShiftHours: 0,
      bookedHours: 50,
      toPlanHours: 20,
      waitedTooLongHours: 5,
      ratio: null,
      ...extra,
    });
    const s = scheduleVsPlanSeries([total('2026-W49', null), total('2026-W48', 100)], '2026-W48', 1.1);
    expect(s.weeks).toEqual(['2026-W48', '2026-W49']);
    expect(s.plan).toEqual([100, null]);
    expect(s.band).toEqual([110, null]);
    expect(s.schedule).toEqual([100, 120]); // no plan: every scheduled hour
    expect([s.stack1[0], s.stack2[0], s.stack3[0]]).toEqual([50, 70, 75]);
    expect(s.currentIndex).toBe(0);
  });
});
