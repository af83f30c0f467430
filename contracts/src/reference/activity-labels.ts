export interface ActivityLabelDefault {
  code: string;
  level: 1 | 2 | 3;
  name: string;
  nameEn: string;
  parent: string | null;
}

type Node = [code: string, name: string, nameEn: string, children?: Node[]];

/**
 * Karolinska's three-level label tree (seeds/000, "Etikettering av aktiviteter"). The seed shows level 2 and 3 for
 * patient-related time only; the branches for non-patient time and absence are our own defaults (absence follows the
 * absence kinds of DOMAIN.md). Level-2 labels without level-3 children in the seed get one level-3 label of the same
 * name, because every schedule component carries a level-3 label.
 */
const TREE: Node[] = [
  ['pat', 'Patientrelaterad tid', 'Patient-related time', [
    ['pat.sluten', 'Slutenvård', 'Inpatient care', [
      ['pat.sluten.odef', 'Slutenvård, odefinierad', 'Inpatient care, undefined'],
      ['pat.sluten.extravak', 'Extravak', 'Special watch'],
      ['pat.sluten.kohort', 'Kohortvård', 'Cohort care'],
      ['pat.sluten.hemsjukvard', 'Hemsjukvård', 'Home care'],
    ]],
    ['pat.oppen', 'Öppenvård', 'Outpatient care', [
      ['pat.oppen.dagvard', 'Dagvård', 'Day care'],
      ['pat.oppen.mottagning', 'Mottagning', 'Clinic'],
      ['pat.oppen.akutmottagning', 'Akutvårdsmottagning', 'Emergency clinic'],
    ]],
    ['pat.opint', 'Operation/intervention', 'Surgery/intervention', [
      ['pat.opint.operation', 'Operation', 'Surgery'],
      ['pat.opint.intervention', 'Intervention', 'Intervention'],
      ['pat.opint.stralbehandling', 'Strålbehandling', 'Radiotherapy'],
    ]],
    ['pat.diagnostik', 'Diagnostik', 'Diagnostics', [
      ['pat.diagnostik.undersokning', 'Undersökning', 'Examination'],
      ['pat.diagnostik.lab', 'Lab-arbete', 'Laboratory work'],
      ['pat.diagnostik.granskning', 'Granskning/diagnostik', 'Review/diagnostics'],
    ]],
    ['pat.konsult', 'Konsultation', 'Consultation', [
      ['pat.konsult.telefon', 'Konsulttelefon', 'Consultation phone'],
      ['pat.konsult.patientmote', 'Patientmöte', 'Patient meeting'],
      ['pat.konsult.remiss', 'Remisshantering', 'Referral handling'],
      ['pat.konsult.operation', 'Konsultoperation', 'Consultation surgery'],
    ]],
    ['pat.jourber', 'Jour & beredskap', 'On-call & standby', [
      ['pat.jourber.jour', 'Jour', 'On-call'],
      ['pat.jourber.beredskap', 'Beredskap', 'Standby'],
    ]],
    ['pat.introduktion', 'Inskolning/introduktion', 'Introduction', [
      ['pat.introduktion.inskolning', 'Inskolning/introduktion', 'Introduction'],
    ]],
    ['pat.ovrig', 'Övrig tid', 'Other time', [
      ['pat.ovrig.admin', 'Administration (patientnära)', 'Administration (patient-related)'],
      ['pat.ovrig.ledning', 'Koordinator/Samordnare/Ledning', 'Coordination/lead'],
      ['pat.ovrig.avdstod', 'Avd.stöd Farmaceut/Köksassistent/Avdelningsassistent/Ingenjör', 'Ward support'],
    ]],
    ['pat.mdk', 'Patientkonferens/MDK', 'Patient conference/MDT', [
      ['pat.mdk.konferens', 'Patientkonferens/MDK', 'Patient conference/MDT'],
    ]],
  ]],
  ['ejpat', 'Icke patientrelaterad tid', 'Non-patient time', [
    ['ejpat.utbildning', 'Utbildning', 'Education', [['ejpat.utbildning.intern', 'Intern utbildning', 'Internal training']]],
    ['ejpat.fou', 'Forskning och utveckling', 'Research and development', [['ejpat.fou.forskning', 'Forskning/FoUU', 'Research']]],
    ['ejpat.admin', 'Administration', 'Administration', [
      ['ejpat.admin.mote', 'Möten', 'Meetings'],
      ['ejpat.admin.ledning', 'Ledningsuppdrag', 'Management'],
    ]],
  ]],
  ['franvaro', 'Frånvaro', 'Absence', [
    ['franvaro.sjuk', 'Sjukfrånvaro', 'Sick leave', [['franvaro.sjuk.sjuk', 'Sjuk', 'Sick']]],
    ['franvaro.vab', 'Vård av barn', 'Care of child', [['franvaro.vab.vab', 'VAB', 'Care of child']]],
    ['franvaro.semester', 'Semester', 'Vacation', [['franvaro.semester.semester', 'Semester', 'Vacation']]],
    ['franvaro.foraldraledig', 'Föräldraledighet', 'Parental leave', [['franvaro.foraldraledig.ledig', 'Föräldraledig', 'Parental leave']]],
    ['franvaro.utbildning', 'Utbildning/tjänstledighet', 'Education leave', [['franvaro.utbildning.ledig', 'Utbildning', 'Education leave']]],
    ['franvaro.ovrig', 'Övrig frånvaro', 'Other absence', [['franvaro.ovrig.ovrig', 'Övrig', 'Other']]],
  ]],
];

function flatten(nodes: Node[], level: 1 | 2 | 3, parent: string | null, out: ActivityLabelDefault[]): void {
  for (const [code, name, nameEn, children] of nodes) {
    out.push({ code, level, name, nameEn, parent });
    if (children && level < 3) flatten(children, (level + 1) as 2 | 3, code, out);
  }
}

export const DEFAULT_ACTIVITY_LABELS: readonly ActivityLabelDefault[] = (() => {
  const out: ActivityLabelDefault[] = [];
  flatten(TREE, 1, null, out);
  return out;
})();

/** The level-3 label a shift gets when its source does not say. */
export const DEFAULT_SHIFT_ACTIVITY = 'pat.sluten.odef';
