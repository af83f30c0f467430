import { z } from 'zod';

/** Staff categories used for FTE, ProdN and dimensioned presence. */
export const StaffCategory = z.enum(['physician', 'nursing', 'allied', 'admin', 'other']);
export type StaffCategory = z.infer<typeof StaffCategory>;

export interface CompetenceDefault {
  code: string;
  name: string;
  nameEn: string;
  category: StaffCategory;
  /** counts as care staff for care hours per patient day (CHPPD) */
  careStaff: boolean;
}

/** Swedish defaults shipped with the product; `CompetenceDefined` adds more or renames. */
export const DEFAULT_COMPETENCES: readonly CompetenceDefault[] = [
  { code: 'SSK', name: 'Sjuksköterska', nameEn: 'Registered nurse', category: 'nursing', careStaff: true },
  { code: 'SPSK', name: 'Specialistsjuksköterska', nameEn: 'Specialist nurse', category: 'nursing', careStaff: true },
  { code: 'USK', name: 'Undersköterska', nameEn: 'Assistant nurse', category: 'nursing', careStaff: true },
  { code: 'BM', name: 'Barnmorska', nameEn: 'Midwife', category: 'nursing', careStaff: true },
  { code: 'LAK', name: 'Läkare', nameEn: 'Physician', category: 'physician', careStaff: true },
  { code: 'BMA', name: 'Biomedicinsk analytiker', nameEn: 'Biomedical scientist', category: 'allied', careStaff: false },
  { code: 'FT', name: 'Fysioterapeut', nameEn: 'Physiotherapist', category: 'allied', careStaff: false },
  { code: 'AT', name: 'Arbetsterapeut', nameEn: 'Occupational therapist', category: 'allied', careStaff: false },
  { code: 'KUR', name: 'Kurator', nameEn: 'Social worker', category: 'allied', careStaff: false },
  { code: 'VA', name: 'Vårdadministratör', nameEn: 'Medical secretary', category: 'admin', careStaff: false },
];
