import type { GapListResponse } from '@pks/contracts';
import { useApp } from '../app/app-context';
import type { MessageKey } from '../i18n/dictionary';

const timeOf = (iso: string, language: string, timeZone: string) => new Date(iso).toLocaleTimeString(language === 'sv' ? 'sv-SE' : 'en-GB', { hour: '2-digit', minute: '2-digit', timeZone });

/** Today's column in words: who is in (clocked in), who called in sick or is absent, open shifts; per unit and slot. */
export function TodayPanel({ data, today, competence }: { data: GapListResponse; today: string; competence: string | null }) {
  const { t, language } = useApp();
  const rows = data.rows.filter((r) => r.date === today && (competence === null || r.competence === competence));
  const people = data.people.filter((p) => p.date === today && (competence === null || p.competence === competence));
  return (
    <section className="panel today-panel" aria-labelledby="today-title" data-testid="today-panel">
      <h2 id="today-title">{t('todayTitle', { date: today })}</h2>
      <div className="today-units">
        {data.units.map((unit) => {
          const slots = unit.slots.map((s) => s.code);
          const unitRows = rows.filter((r) => r.unitId === unit.unitId);
          for (const r of unitRows) if (!slots.includes(r.slot)) slots.push(r.slot);
          const tz = unit.timeZone;
          return (
            <div key={unit.unitId} className="today-unit" data-unit={unit.unitId}>
              <h3>{unit.name}</h3>
              <table className="today-table">
                <thead>
                  <tr>
                    <th scope="col">{t('colSlot')}</th>
                    <th scope="col">
                      <span aria-hidden="true">● </span>
                      {t('clockedInTitle')}
                    </th>
                    <th scope="col">
                      <span aria-hidden="true">✚ </span>
                      {t('absentTitle')}
                    </th>
                    <th scope="col">
                      <span aria-hidden="true">◌ </span>
                      {t('openShiftsTitle')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {slots.map((slot) => {
                    const inSlot = people.filter((p) => p.unitId === unit.unitId && p.slot === slot);
                    const clockedIn = inSlot.filter((p) => p.status === 'clocked-in');
                    const absent = inSlot.filter((p) => p.status === 'absent');
                    const open = unitRows.filter((r) => r.slot === slot).reduce((n, r) => n + r.openShifts, 0);
                    const name = (p: (typeof inSlot)[number]) => p.name ?? t('unnamed', { id: p.staffId });
                    return (
                      <tr key={slot} data-slot={slot}>
                        <th scope="row">{unit.slots.find((s) => s.code === slot)?.name ?? slot}</th>
                        <td data-testid="clocked-in">
                          {clockedIn.length === 0 ? (
                            <span className="muted">{t('nobody')}</span>
                          ) : (
                            clockedIn.map((p) => (
                              <span key={p.staffId + p.entryId} className="chip chip-in">
                                {name(p)} {p.clockedInAt && <small>{t('clockedInAt', { time: timeOf(p.clockedInAt, language, tz) })}</small>}
                              </span>
                            ))
                          )}
                        </td>
                        <td data-testid="absent">
                          {absent.length === 0 ? (
                            <span className="muted">{t('nobody')}</span>
                          ) : (
                            absent.map((p) => (
                              <span key={p.staffId + p.entryId} className="chip chip-absent">
                                {name(p)} <small>({p.absenceKind ? t(`absence.${p.absenceKind}` as MessageKey) : t('absent')})</small>
                              </span>
                            ))
                          )}
                        </td>
                        <td data-testid="open-shifts">{open > 0 ? t('openShiftCount', { n: open }) : <span className="muted">0</span>}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          );
        })}
      </div>
    </section>
  );
}
