import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestPlatform, type TestPlatform } from '@pks/backend';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realDataDir } from './real-data-path.js';

/**
 * Real data: a US nursing home's Payroll-Based Journal for 2024Q2 (91 days; UTF-8 BOM), sent as payroll-style
 * hour reports and midnight census through the ingest API. CHPPD (hours per resident day) from our API must equal
 * the figure computed straight from the file.
 */
const dir = realDataDir();
const JOBS = ['RNDON', 'RNadmin', 'RN', 'LPNadmin', 'LPN', 'CNA', 'NAtrn', 'MedAide'] as const;
const code = (job: string) => `PBJ-${job.toUpperCase()}`;

describe.runIf(dir !== null)('PBJ facility 015009, 2024Q2, through the ingest API', () => {
  let p: TestPlatform;
  let rows: Record<string, string>[];
  beforeAll(async () => {
    p = await startTestPlatform();
    rows = parse(readFileSync(join(dir!, 'pbj', 'pbj_daily_nurse_staffing_015009_2024Q2.csv'), 'utf8'), { columns: true, bom: true }) as Record<string, string>[];
  });
  afterAll(async () => p.close());

  it('gives the hours per resident day computed from the file, in total and for RNs', async () => {
    const ev = (id: string, type: string, data: Record<string, unknown>) => ({ id, type, data, metadata: { sourceSystem: 'cms-pbj' } });
    const events: Record<string, unknown>[] = JOBS.map((job) =>
      ev(`pbj-c-${job}`, 'CompetenceDefined', { code: code(job), name: `PBJ ${job}`, category: 'nursing', careStaff: true }),
    );
    events.push(ev('pbj-unit', 'UnitRegistered', { unitId: 'PBJ-015009', name: rows[0]!.PROVNAME!, departmentId: 'pbj', timeZone: 'America/Chicago', slots: [{ code: 'dag', start: '07:00', end: '15:00' }] }));
    for (const r of rows) {
      const date = `${r.WorkDate!.slice(0, 4)}-${r.WorkDate!.slice(4, 6)}-${r.WorkDate!.slice(6, 8)}`;
      events.push(ev(`pbj-census-${date}`, 'CensusRecorded', { unitId: 'PBJ-015009', date, patients: Number(r.MDScensus) }));
      for (const job of JOBS) {
        for (const [suffix, form] of [['emp', 'hourly'], ['ctr', 'agency']] as const) {
          const hours = Number(r[`Hrs_${job}_${suffix}`]);
          if (hours > 0) {
            events.push(ev(`pbj-${date}-${job}-${suffix}`, 'HoursReported', { reportId: `${date}-${job}-${suffix}`, unitId: 'PBJ-015009', date, competence: code(job), employmentForm: form, payComponent: form === 'hourly' ? 'hourly' : 'ordinary', hours }));
          }
        }
      }
    }
    const posted = await p.post(events.map((e) => JSON.stringify(e)).join('\n'), { contentType: 'application/x-ndjson', query: '?atomic=true' });
    expect(posted.status).toBe(200);
    expect(posted.body.appended).toBe(events.length);

    const totalHours = rows.reduce((s, r) => s + JOBS.reduce((t, job) => t + Number(r[`Hrs_${job}`]), 0), 0);
    const rnHours = rows.reduce((s, r) => s + Number(r.Hrs_RN), 0);
    const census = rows.reduce((s, r) => s + Number(r.MDScensus), 0);
    expect(rows).toHaveLength(91);

    const admin = await p.token('admin');
    const response = await p.get(`/api/v1/chppd?unitId=PBJ-015009&from=2024-04-01&to=2024-06-30&bucket=period&groupBy=competence&minPosition=${posted.body.position}`, { token: admin });
    expect(response.status).toBe(200);
    const result = response.body;
    const total = result.rows.find((r: any) => r.competence === null);
    const rn = result.rows.find((r: any) => r.competence === code('RN'));
    expect(total).toMatchObject({ censusDays: 91, missingCensusDays: 0, patientDays: census });
    expect(total.careHours).toBeCloseTo(totalHours, 6);
    expect(total.chppd).toBeCloseTo(totalHours / census, 9);
    expect(rn.chppd).toBeCloseTo(rnHours / census, 9);
    // a sanity figure a reader can check against CMS's published staffing: about 3–4 nurse hours per resident day
    expect(total.chppd).toBeGreaterThan(3);
    expect(total.chppd).toBeLessThan(6);
  });
});
