import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startTestPlatform, type TestPlatform } from '@pks/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realDataDir } from './real-data-path.js';

/**
 * Real data: the INRC-II instance n005w4 (5 nurses, 4 weeks) and its published solution. Requirements per shift
 * type × skill × weekday (minimum, optimal) become staffing keys; the solution's assignments become shifts with the
 * skill written on each line. The gap list must count exactly the solution's nurses per cell, and — because a
 * valid INRC-II solution meets every minimum (hard constraint H2) — show no cell below minimum.
 */
const dir = realDataDir();
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const SLOTS: Record<string, { code: string; start: string; end: string }> = {
  Early: { code: 'early', start: '06:00', end: '14:00' },
  Late: { code: 'late', start: '14:00', end: '22:00' },
  Night: { code: 'night', start: '22:00', end: '06:00' },
};
const SKILL: Record<string, string> = { HeadNurse: 'HEADNURSE', Nurse: 'NURSE' };
const FIRST_MONDAY = '2025-03-03'; // week 1 of the instance, an ordinary week without DST changes (2025-W10)

function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

describe.runIf(dir !== null)('INRC-II n005w4 solution through the ingest API', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(async () => p.close());

  it('counts the solution’s nurses per cell and meets every minimum', async () => {
    const base = join(dir!, 'inrc2', 'n005w4');
    const scenario = readFileSync(join(base, 'Sc-n005w4.txt'), 'utf8');
    const nurses = scenario.split('NURSES =')[1]!.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/)).filter((f) => f.length >= 3);
    const weekFiles = ['WD-n005w4-1.txt', 'WD-n005w4-2.txt', 'WD-n005w4-3.txt', 'WD-n005w4-3.txt'];
    const solutions = readdirSync(join(base, 'solution-H0-WD1-2-3-3')).sort((a, b) => Number(a.split('-').pop()!.split('.')[0]) - Number(b.split('-').pop()!.split('.')[0]));
    const ev = (id: string, type: string, data: Record<string, unknown>) => ({ id, type, data, metadata: { sourceSystem: 'inrc2' } });
    const events: Record<string, unknown>[] = [
      ev('c-hn', 'CompetenceDefined', { code: 'HEADNURSE', name: 'Head nurse', category: 'nursing' }),
      ev('c-n', 'CompetenceDefined', { code: 'NURSE', name: 'Nurse', category: 'nursing' }),
      ev('unit', 'UnitRegistered', { unitId: 'INRC-n005w4', name: 'n005w4', departmentId: 'inrc', timeZone: 'UTC', slots: Object.values(SLOTS) }),
    ];
    for (const [name, , , ...skills] of nurses) events.push(ev(`n-${name}`, 'StaffRegistered', { staffId: name!, name: name!, competences: skills.map((s) => SKILL[s]!), employmentForm: 'monthly', rate: 1, homeUnitId: 'INRC-n005w4' }));

    const expected = new Map<string, { staffed: number; minimum: number; target: number }>();
    weekFiles.forEach((file, w) => {
      const requirements = readFileSync(join(base, file), 'utf8').split('REQUIREMENTS')[1]!.split('SHIFT_OFF_REQUESTS')[0]!.trim().split('\n');
      for (const line of requirements) {
        const [shiftType, skill, ...pairs] = line.trim().split(/\s+/);
        pairs.forEach((pair, d) => {
          const [min, opt] = pair.slice(1, -1).split(',').map(Number) as [number, number];
          const date = addDays(FIRST_MONDAY, w * 7 + d);
          events.push(ev(`req-${date}-${shiftType}-${skill}`, 'StaffingRequirementSet', { unitId: 'INRC-n005w4', date, slot: SLOTS[shiftType!]!.code, competence: SKILL[skill!]!, minimum: min, target: opt }));
          expected.set(`${date}|${SLOTS[shiftType!]!.code}|${SKILL[skill!]!}`, { staffed: 0, minimum: min, target: opt });
        });
      }
    });
    solutions.forEach((file, w) => {
      const lines = readFileSync(join(base, 'solution-H0-WD1-2-3-3', file), 'utf8').split('ASSIGNMENTS')[1]!.split('\n').slice(1).map((l) => l.trim().split(/\s+/)).filter((f) => f.length === 4 && f[2]! in SLOTS); // other lines: "Viol: 0", "Cost: 575" 
      for (const fields of lines) {
        const [nurse, day, shiftType, skill] = fields as [string, string, string, string];
        const date = addDays(FIRST_MONDAY, w * 7 + DAYS.indexOf(day));
        const slot = SLOTS[shiftType]!;
        const end = slot.end < slot.start ? addDays(date, 1) : date;
        events.push(ev(`a-${w}-${nurse}-${day}`, 'ShiftScheduled', { shiftId: `${w}-${nurse}-${day}`, unitId: 'INRC-n005w4', staffId: nurse, competence: SKILL[skill]!, start: `${date}T${slot.start}:00Z`, end: `${end}T${slot.end}:00Z`, slot: slot.code }));
        expected.get(`${date}|${slot.code}|${SKILL[skill]!}`)!.staffed += 1;
      }
    });
    const posted = await p.post(events, { query: '?atomic=true' });
    expect(posted.status).toBe(200);

    const admin = await p.token('admin');
    const response = await p.get(`/api/v1/gap-list?unitId=INRC-n005w4&from=${FIRST_MONDAY}&to=${addDays(FIRST_MONDAY, 27)}&minPosition=${posted.body.position}`, { token: admin });
    expect(response.status).toBe(200);
    const rows = response.body.rows as any[];
    let checked = 0;
    for (const [key, want] of expected) {
      const row = rows.find((r) => r.cellKey === key);
      expect(row, key).toBeDefined();
      expect({ key, staffed: row.staffed, minimum: row.minimum, target: row.target }).toEqual({ key, ...want });
      expect(row.belowMinimum, key).toBe(false);
      checked += 1;
    }
    expect(checked).toBe(4 * 7 * 3 * 2);
    const assignments = [...expected.values()].reduce((s, c) => s + c.staffed, 0);
    expect(rows.reduce((s, r) => s + r.staffed, 0)).toBe(assignments);
  });
});
