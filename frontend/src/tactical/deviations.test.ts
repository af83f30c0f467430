import type { ScheduleVsPlanTotal } from '@pks/contracts';
import { describe, expect, it } from 'vitest';
import { scheduleVsPlanSeries } from './deviations';

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
