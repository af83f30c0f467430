import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { daysFromCivil } from '@pks/projections';
import { Rng } from './random.js';

/**
 * Demand shape from real hourly emergency-department arrivals (shared/real-data/ed-arrivals: a university hospital
 * ED, 2013-07 … 2018-03, 41,640 hours). It gives the simulation an hour-of-week profile, a month profile and a
 * series of real day-to-day deviations; when the file cannot be found a built-in profile (the same factors, rounded,
 * with synthetic day-to-day noise) is used and the profile says so.
 */
export interface DemandProfile {
  source:
    | { kind: 'file'; path: string; hours: number; days: number; meanPerHour: number }
    | { kind: 'built-in'; reason: string };
  /** 168 factors, mean 1, index (isoWeekday − 1) × 24 + hour */
  hourOfWeek: Float64Array;
  /** 7 factors (ISO weekday − 1), mean 1: the day totals of hourOfWeek */
  weekday: Float64Array;
  /** 12 factors (month − 1), mean 1 */
  month: Float64Array;
  /** real day totals divided by their weekday × month expectation; mean 1 */
  dailyRatio: Float64Array;
}

export const ED_ARRIVALS_FILE = 'ed-arrivals/uihc_ed_arrivals_hourly_2013-07_2018-03.csv';

/**
 * The real-data folder: env PKS_REAL_DATA (the folder, or the CSV itself), else the first `shared/real-data` found
 * walking up from this module and from the working directory. Null when there is none.
 */
export function findEdArrivalsFile(env: NodeJS.ProcessEnv = process.env): string | null {
  const fromEnv = env.PKS_REAL_DATA;
  if (fromEnv) {
    const p = resolve(fromEnv);
    if (existsSync(p) && statSync(p).isFile()) return p;
    const inDir = edFileIn(p);
    if (inDir) return inDir;
  }
  const starts = [dirname(fileURLToPath(import.meta.url)), process.cwd()];
  for (const start of starts) {
    let dir = start;
    for (let i = 0; i < 12; i += 1) {
      const found = edFileIn(join(dir, 'shared', 'real-data'));
      if (found) return found;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return null;
}

function edFileIn(realDataDir: string): string | null {
  const exact = join(realDataDir, ED_ARRIVALS_FILE);
  if (existsSync(exact)) return exact;
  const folder = join(realDataDir, 'ed-arrivals');
  if (existsSync(folder) && statSync(folder).isDirectory()) {
    const csv = readdirSync(folder).filter((f) => f.endsWith('.csv')).sort()[0];
    if (csv) return join(folder, csv);
  }
  return null;
}

const cache = new Map<string, DemandProfile>();

/**
 * Loads the profile once per process. `path`: a CSV to read instead of searching; `null` forces the built-in
 * profile.
 */
export function loadDemandProfile(options: { path?: string | null } = {}): DemandProfile {
  const path = options.path === undefined ? findEdArrivalsFile() : options.path;
  const key = path ?? '(built-in)';
  let profile = cache.get(key);
  if (!profile) {
    if (path === null) {
      profile = builtInProfile(options.path === null ? 'asked for the built-in profile' : 'shared/real-data/ed-arrivals not found (set PKS_REAL_DATA)');
    } else {
      try {
        profile = parseEdArrivals(readFileSync(path, 'utf8'), path);
      } catch (error) {
        profile = builtInProfile(`could not read ${path}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    cache.set(key, profile);
  }
  return profile;
}

/** Parses the CSV (Date,Hour,Weekday,Arrivals). */
export function parseEdArrivals(text: string, path: string): DemandProfile {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').replace(/^\uFEFF/, '').split(',').map((s) => s.trim().toLowerCase());
  const iDate = header.indexOf('date');
  const iHour = header.indexOf('hour');
  const iArr = header.indexOf('arrivals');
  if (iDate < 0 || iHour < 0 || iArr < 0) throw new Error('expected columns Date, Hour, Arrivals');
  const how = new Float64Array(168);
  const howN = new Float64Array(168);
  const mon = new Float64Array(12);
  const monN = new Float64Array(12);
  const dayTotals: { weekday: number; month: number; total: number }[] = [];
  let lastDate = '';
  let total = 0;
  let hours = 0;
  for (let i = 1; i < lines.length; i += 1) {
    const line = lines[i]!;
    if (line === '') continue;
    const cols = line.split(',');
    const date = cols[iDate]!;
    const hour = Number(cols[iHour]);
    const arrivals = Number(cols[iArr]);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !(hour >= 0 && hour < 24) || !Number.isFinite(arrivals)) continue;
    const y = Number(date.slice(0, 4));
    const m = Number(date.slice(5, 7));
    const day = daysFromCivil(y, m, Number(date.slice(8, 10)));
    const weekday = ((((day + 3) % 7) + 7) % 7) + 1;
    const k = (weekday - 1) * 24 + hour;
    how[k] = how[k]! + arrivals;
    howN[k] = howN[k]! + 1;
    mon[m - 1] = mon[m - 1]! + arrivals;
    monN[m - 1] = monN[m - 1]! + 1;
    if (date !== lastDate) {
      dayTotals.push({ weekday, month: m, total: 0 });
      lastDate = date;
    }
    dayTotals[dayTotals.length - 1]!.total += arrivals;
    total += arrivals;
    hours += 1;
  }
  if (hours < 24 * 28) throw new Error(`only ${hours} hours of data`);
  const mean = total / hours;
  const hourOfWeek = new Float64Array(168);
  for (let k = 0; k < 168; k += 1) hourOfWeek[k] = howN[k]! > 0 ? how[k]! / howN[k]! / mean : 1;
  normalise(hourOfWeek);
  const month = new Float64Array(12);
  for (let m = 0; m < 12; m += 1) month[m] = monN[m]! > 0 ? mon[m]! / monN[m]! / mean : 1;
  normalise(month);
  const weekday = weekdayFactors(hourOfWeek);
  const dailyRatio = new Float64Array(dayTotals.length);
  dayTotals.forEach((d, i) => {
    dailyRatio[i] = d.total / (mean * 24 * weekday[d.weekday - 1]! * month[d.month - 1]!);
  });
  normalise(dailyRatio);
  return { source: { kind: 'file', path, hours, days: dayTotals.length, meanPerHour: mean }, hourOfWeek, weekday, month, dailyRatio };
}

/** Rounded factors of the same file: hour of day (all weekdays), weekday, month. */
const BUILT_IN_HOURS = [0.679, 0.576, 0.484, 0.395, 0.336, 0.329, 0.373, 0.528, 0.838, 1.109, 1.291, 1.385, 1.408, 1.403, 1.412, 1.441, 1.487, 1.499, 1.437, 1.389, 1.284, 1.145, 0.973, 0.8];
const BUILT_IN_WEEKDAYS = [1.078, 1.001, 0.995, 0.971, 1.009, 0.968, 0.979];
const BUILT_IN_MONTHS = [0.962, 0.973, 0.991, 1.022, 1.003, 0.976, 1.014, 1.033, 1.078, 1.021, 0.974, 0.952];

export function builtInProfile(reason: string): DemandProfile {
  const hourOfWeek = new Float64Array(168);
  for (let w = 0; w < 7; w += 1) for (let h = 0; h < 24; h += 1) hourOfWeek[w * 24 + h] = BUILT_IN_HOURS[h]! * BUILT_IN_WEEKDAYS[w]!;
  normalise(hourOfWeek);
  const month = Float64Array.from(BUILT_IN_MONTHS);
  normalise(month);
  // day-to-day deviations: an AR(1) series with the spread of the real one (sd ≈ 0.08)
  const rng = new Rng(0x5eed);
  const dailyRatio = new Float64Array(1461);
  let x = 0;
  for (let i = 0; i < dailyRatio.length; i += 1) {
    x = 0.45 * x + 0.07 * rng.normal();
    dailyRatio[i] = Math.max(0.6, 1 + x);
  }
  normalise(dailyRatio);
  return { source: { kind: 'built-in', reason }, hourOfWeek, weekday: weekdayFactors(hourOfWeek), month, dailyRatio };
}

function weekdayFactors(hourOfWeek: Float64Array): Float64Array {
  const out = new Float64Array(7);
  for (let w = 0; w < 7; w += 1) {
    let s = 0;
    for (let h = 0; h < 24; h += 1) s += hourOfWeek[w * 24 + h]!;
    out[w] = s / 24;
  }
  return out;
}

function normalise(values: Float64Array): void {
  let s = 0;
  for (const v of values) s += v;
  const mean = s / values.length;
  if (mean > 0) for (let i = 0; i < values.length; i += 1) values[i] = values[i]! / mean;
}
