import type { EmploymentForm, UnitKind } from '@pks/contracts';

/** tiny: the Karolinska-shaped units and a little more (tests, demos); the others as in the brief. */
export type Scale = 'tiny' | 'small' | 'medium' | 'large';

export const SCALES: readonly Scale[] = ['tiny', 'small', 'medium', 'large'];

/** What the unit's size counts, by template. */
export type UnitTemplate = 'ward' | 'ima' | 'iva' | 'maternity' | 'emergency' | 'surgery' | 'outpatient' | 'diagnostics' | 'rehab';

export interface SlotModel {
  code: string;
  name: string;
  /** local HH:MM */
  start: string;
  /** local HH:MM; at or before start = the next day */
  end: string;
}

export type RequirementModel = { fixed: number } | { perBeds: number };

export interface StaffingKeyModel {
  slot: string;
  competence: string;
  /** ISO weekday; absent = every day that has no weekday-specific key for the same slot and competence */
  weekday?: number;
  minimum: RequirementModel;
  target: RequirementModel;
}

export type ProductionMeasure = 'bed-days' | 'visits' | 'operations' | 'patients';

export interface UnitModel {
  unitId: string;
  name: string;
  hospitalId: string;
  departmentId: string;
  departmentName: string;
  kind: UnitKind;
  template: UnitTemplate;
  /** the staffing-centre pool serving the unit */
  poolId: string | null;
  slots: SlotModel[];
  /** beds to staff; 0 for units without beds */
  beds: number;
  /** beds during the summer closure (ISO weeks 26–32), null = no closure */
  summerBeds: number | null;
  /** size in the template's measure: beds, stations, theatres or rooms */
  size: number;
  keys: StaffingKeyModel[];
  /** level-3 activity label of the unit's shifts */
  activity: string;
  /** what the unit's production plan and outcome count */
  measure: ProductionMeasure;
  /** 'payroll': a low-maturity unit that sends payroll-style hour reports instead of clock events */
  timeSource: 'clock' | 'payroll';
  /** how many weeks before a 4-week schedule period starts the unit publishes it */
  scheduleLeadWeeks: number;
  /** expected volume on an open day: appointments (outpatient, surgery), arrivals (emergency), examinations (diagnostics) */
  dailyVolume: number;
  /** minutes per patient appointment (outpatient, surgery) */
  appointmentMinutes: number;
  /** average relative error of the unit's forecasts; a large value makes a systematic forecast error */
  forecastBias: number;
  /** share of the heads the keys need that the unit has (below 1: vacancies, so open shifts all year) */
  staffingLevel: number;
  /** where in the real day-to-day demand series the unit starts */
  demandOffset: number;
  /** minutes after 08:00 when the unit's scheduler and planner usually publish */
  officeMinute: number;
}

export type WorkPattern = 'day' | 'rotating' | 'night';

export interface StaffModel {
  staffId: string;
  /** display name (personal data) */
  name: string;
  /** the first is the one the person is scheduled for */
  competences: string[];
  employmentForm: EmploymentForm;
  /** employment rate 0–1 for monthly staff, null otherwise */
  rate: number | null;
  homeUnitId: string | null;
  poolId: string | null;
  hospitalId: string;
  /** day = dag (and 10:30) shifts only; rotating = day and evening slots; night = night slots only */
  pattern: WorkPattern;
  /** a summer substitute (sommarvikarie): hourly paid, scheduled only in ISO weeks 24–34 */
  seasonal: boolean;
  /** has small children: care-of-child (VAB) absence possible */
  youngChildren: boolean;
  /** multiplies the base sick-call rate (0.5–2) */
  sickProneness: number;
}

export interface Hospital {
  scale: Scale;
  seed: number;
  name: string;
  timeZone: string;
  hospitals: { hospitalId: string; name: string }[];
  departments: { departmentId: string; name: string; hospitalId: string }[];
  pools: { poolId: string; name: string; hospitalId: string }[];
  units: UnitModel[];
  staff: StaffModel[];
}
