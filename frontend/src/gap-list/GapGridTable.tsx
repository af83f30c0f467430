import { Fragment, type ReactNode } from 'react';
import type { GapListPerson } from '@pks/contracts';
import { useApp } from '../app/app-context';
import type { MessageKey } from '../i18n/dictionary';
import { isoWeekday } from '../time/calendar';
import type { GapGrid, GridCell, GridRow } from './gap-grid';

const LEVEL_ICON: Record<GridCell['level'], string> = { unsafe: '⚠', gap: '▽', ok: '✓', surplus: '▲', none: '–' };
export const signed = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `−${Math.abs(n)}` : '0');
export const shortDate = (date: string) => `${Number(date.slice(8, 10))}/${Number(date.slice(5, 7))}`;

interface Props {
  grid: GapGrid;
  week: string | null;
  today: string;
  competenceLabel: string;
  flash: { keys: ReadonlySet<string>; seq: number };
  selected: string | null;
  onSelect(rowKey: string): void;
}

/** Karolinska's lucklista as a table: sticky first column, horizontal scroll on narrow screens. */
export function GapGridTable({ grid, week, today, competenceLabel, flash, selected, onSelect }: Props) {
  const { t } = useApp();
  const cols = 1 + grid.dates.length * 2 + 3;
  return (
    <div className="grid-scroll" tabIndex={0} aria-label={t('gapTitle')}>
      <table className="gap-grid" data-testid="gap-grid">
        <caption>
          {t('gapTitle')} · {week ? t('weekShort', { week: week.slice(6) }) : `${grid.dates[0]} – ${grid.dates[grid.dates.length - 1]}`} {week?.slice(0, 4)} · {competenceLabel}
        </caption>
        <thead>
          <tr>
            <th rowSpan={2} className="sticky-col corner" scope="col">
              {t('colUnit')} / {t('colSlot')}
            </th>
            {grid.dates.map((d) => (
              <th key={d} colSpan={2} scope="colgroup" className={d === today ? 'today' : undefined} aria-current={d === today ? 'date' : undefined}>
                <span className="day-name">{t(`weekday.${isoWeekday(d)}` as MessageKey)}</span> <span className="day-date">{shortDate(d)}</span>
                {d === today && <span className="today-tag"> ({t('today')})</span>}
              </th>
            ))}
            <th rowSpan={2} scope="col" className="sum-col">
              {t('plusWeek')}
            </th>
            <th rowSpan={2} scope="col" className="sum-col">
              {t('minusWeek')}
            </th>
            <th rowSpan={2} scope="col" className="beds-col" title={t('bedsLong')}>
              {t('beds')}
            </th>
          </tr>
          <tr>
            {grid.dates.map((d) => (
              <Fragment key={d}>
                <th scope="col" className={`pm-head ${d === today ? 'today' : ''}`}>
                  {t('plus')}
                </th>
                <th scope="col" className={`pm-head ${d === today ? 'today' : ''}`}>
                  {t('minus')}
                </th>
              </Fragment>
            ))}
          </tr>
        </thead>
        {grid.units.map((unit) => (
          <tbody key={unit.unitId} className="unit-block" data-unit={unit.unitId}>
            <tr className="unit-row">
              <th colSpan={cols} scope="rowgroup">
                <span className="sticky-label">
                  <span className="unit-name">{unit.name}</span>
                  <span className="unit-meta">
                    {' · '}
                    {unit.beds} {t('beds')}
                    {unit.findings > 0 && (
                      <>
                        {' · '}
                        <span className="findings">ⓘ {t('findings', { n: unit.findings })}</span>
                      </>
                    )}
                  </span>
                </span>
              </th>
            </tr>
            {unit.rows.length === 0 && (
              <tr>
                <td colSpan={cols} className="muted">
                  {t('noRows')}
                </td>
              </tr>
            )}
            {unit.rows.map((row, i) => (
              <GridRowView key={row.key} row={row} unitName={unit.name} dates={grid.dates} today={today} flash={flash} selected={selected} onSelect={onSelect} beds={i === 0 ? { beds: unit.beds, span: unit.rows.length } : null} />
            ))}
          </tbody>
        ))}
        <tfoot>
          <tr className="total-row">
            <th scope="row" className="sticky-col">
              {t('total')}
            </th>
            {grid.totals.map((tot) => (
              <Fragment key={tot.date}>
                <td className={`pm plus ${tot.date === today ? 'today' : ''}`}>{tot.plusVsTarget > 0 ? signed(tot.plusVsTarget) : ''}</td>
                <td className={`pm minus ${tot.date === today ? 'today' : ''} ${tot.unsafeCells > 0 ? 'lvl-unsafe' : tot.minusVsTarget < 0 ? 'lvl-gap' : ''}`}>
                  {tot.minusVsTarget < 0 ? signed(tot.minusVsTarget) : ''}
                  {tot.minusVsMinimum < 0 && (
                    <span className="min-line">
                      <span aria-hidden="true">⚠</span> {t('minShort')} {signed(tot.minusVsMinimum)}
                    </span>
                  )}
                </td>
              </Fragment>
            ))}
            <td className="sum-col">{signed(grid.total.plusVsTarget)}</td>
            <td className="sum-col">
              {signed(grid.total.minusVsTarget)}
              {grid.total.minusVsMinimum < 0 && <span className="min-line">{t('ofWhichUnsafe', { n: signed(grid.total.minusVsMinimum) })}</span>}
            </td>
            <td className="beds-col" title={t('bedsLong')}>
              {grid.beds}
            </td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

function GridRowView({
  row,
  unitName,
  dates,
  today,
  flash,
  selected,
  onSelect,
  beds,
}: {
  row: GridRow;
  unitName: string;
  dates: string[];
  today: string;
  flash: Props['flash'];
  selected: string | null;
  onSelect(key: string): void;
  beds: { beds: number; span: number } | null;
}) {
  const { t } = useApp();
  const slotLabel = row.slotName ?? row.slot;
  return (
    <tr data-row={row.key}>
      <th scope="row" className="sticky-col slot-cell">
        <span className="slot-name">{slotLabel}</span>
        {row.slotTime && <span className="slot-time">{row.slotTime}</span>}
        <span className="comp-tag">{row.competence}</span>
      </th>
      {row.cells.map((cell, i) => (
        <CellView key={dates[i]} cell={cell} date={dates[i]!} today={today} flash={flash} unitName={unitName} slotLabel={slotLabel} selected={selected} onSelect={onSelect} />
      ))}
      <td className="sum-col" data-sum="plus">
        {row.week.plusVsTarget > 0 ? signed(row.week.plusVsTarget) : '0'}
      </td>
      <td className={`sum-col ${row.week.unsafeDays > 0 ? 'lvl-unsafe' : row.week.minusVsTarget < 0 ? 'lvl-gap' : ''}`} data-sum="minus">
        {signed(row.week.minusVsTarget)}
        {row.week.minusVsMinimum < 0 && (
          <span className="min-line">
            <span aria-hidden="true">⚠</span> {t('minShort')} {signed(row.week.minusVsMinimum)}
          </span>
        )}
      </td>
      {beds && (
        <td rowSpan={beds.span} className="beds-col beds-margin" title={t('bedsLong')}>
          {beds.beds}
        </td>
      )}
    </tr>
  );
}

function CellView({
  cell,
  date,
  today,
  flash,
  unitName,
  slotLabel,
  selected,
  onSelect,
}: {
  cell: GridCell | null;
  date: string;
  today: string;
  flash: Props['flash'];
  unitName: string;
  slotLabel: string;
  selected: string | null;
  onSelect(key: string): void;
}) {
  const { t } = useApp();
  const todayClass = date === today ? ' today' : '';
  if (cell === null) {
    return (
      <>
        <td className={`pm plus empty${todayClass}`} />
        <td className={`pm minus empty${todayClass}`} />
      </>
    );
  }
  const r = cell.row;
  const flashing = flash.keys.has(r.key);
  const title = t('cellTitle', {
    unit: unitName,
    slot: slotLabel,
    date,
    competence: r.competence,
    level: t(`level.${cell.level}` as MessageKey),
    staffed: r.staffed,
    minimum: r.minimum ?? '–',
    target: r.target ?? '–',
    scheduled: r.scheduled,
    booked: r.booked,
    absent: r.absent,
    open: r.openShifts,
    clockedIn: r.clockedIn,
  });
  const cls = `pm lvl-${cell.level}${todayClass}${flashing ? ' flash' : ''}${selected === r.key ? ' selected' : ''}`;
  const extra = date === today ? (
    <span className="today-line">
      in {r.clockedIn}/{r.staffed}
      {r.absent > 0 && <> · ✚{r.absent}</>}
      {r.openShifts > 0 && <> · ◌{r.openShifts}</>}
    </span>
  ) : r.openShifts > 0 ? (
    <span className="today-line">◌{r.openShifts}</span>
  ) : null;
  return (
    <>
      <td className={`${cls} plus`} data-cell={r.key} data-part="plus" data-level={cell.level} title={title} onClick={() => onSelect(r.key)}>
        <span key={flashing ? flash.seq : 0} className="cell-inner">
          {cell.plus > 0 ? (
            <>
              <span aria-hidden="true" className="icon">
                {LEVEL_ICON.surplus}
              </span>
              {signed(cell.plus)}
            </>
          ) : cell.level === 'ok' ? (
            <span className="ok-mark">
              <span aria-hidden="true">{LEVEL_ICON.ok}</span>0
            </span>
          ) : null}
        </span>
      </td>
      <td className={`${cls} minus`} data-cell={r.key} data-part="minus" data-level={cell.level} data-staffed={r.staffed} title={title} onClick={() => onSelect(r.key)}>
        <button type="button" className="cell-button" aria-label={title} onClick={() => onSelect(r.key)}>
          <span key={flashing ? flash.seq : 0} className="cell-inner">
            {cell.level === 'none' ? (
              <span className="muted" title={t('noRequirement')}>
                {LEVEL_ICON.none}
              </span>
            ) : cell.minus < 0 ? (
              <>
                <span aria-hidden="true" className="icon">
                  {LEVEL_ICON[cell.level]}
                </span>
                <span className="minus-value">{signed(cell.minus)}</span>
                {cell.minusMinimum < 0 && (
                  <span className="min-line">
                    {t('minShort')} {signed(cell.minusMinimum)}
                  </span>
                )}
              </>
            ) : null}
            {extra}
          </span>
        </button>
      </td>
    </>
  );
}

/** The people of one selected cell (absence reasons only for entitled roles: otherwise "absent"). */
export function CellPeople({ people, title, onClose, action = null }: { people: GapListPerson[]; title: string; onClose(): void; action?: ReactNode }) {
  const { t, language } = useApp();
  const time = (iso: string) => new Date(iso).toLocaleTimeString(language === 'sv' ? 'sv-SE' : 'en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Stockholm' });
  return (
    <aside className="panel cell-people" aria-label={title} data-testid="cell-people">
      <div className="panel-head">
        <h3>{title}</h3>
        <button type="button" onClick={onClose} aria-label="✕">
          ✕
        </button>
      </div>
      {action && <div className="alert-actions">{action}</div>}
      {people.length === 0 ? (
        <p className="muted">{t('nobody')}</p>
      ) : (
        <ul className="people-list">
          {people.map((p) => (
            <li key={`${p.staffId}|${p.entryId}`} className={`person status-${p.status}`}>
              <span className="person-name">{p.name ?? t('unnamed', { id: p.staffId })}</span>{' '}
              <span className="person-time">
                {time(p.start)}–{time(p.end)}
              </span>{' '}
              <span className="person-status">
                {p.status === 'absent' ? (p.absenceKind ? t(`absence.${p.absenceKind}` as MessageKey) : t('absent')) : t(`status.${p.status}` as MessageKey)}
                {p.entryCount > 1 && ` ×${p.entryCount}`}
              </span>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
