// @vitest-environment jsdom
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { AppContext, type AppContextValue } from '../app/app-context';
import { translate } from '../i18n/dictionary';
import { buildGapGrid } from './gap-grid';
import { GapGridTable } from './GapGridTable';
import { answer, row } from './test-rows';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const app = (language: 'sv' | 'en') => ({ t: (key, values) => translate(language, key, values), language }) as Partial<AppContextValue> as AppContextValue;

function render(language: 'sv' | 'en', flashKeys: string[] = []) {
  const grid = buildGapGrid(
    answer([
      row({ unitId: 'B8', date: '2026-11-23', slot: 'dag', staffed: 1 }), // below minimum
      row({ unitId: 'B8', date: '2026-11-24', slot: 'dag', staffed: 2 }), // below target
      row({ unitId: 'B8', date: '2026-11-25', slot: 'dag', staffed: 4 }), // surplus
    ]),
  );
  const el = document.createElement('div');
  document.body.append(el);
  const root = createRoot(el);
  act(() =>
    root.render(
      <AppContext.Provider value={app(language)}>
        <GapGridTable grid={grid} week="2026-W48" today="2026-11-24" competenceLabel="SSK" flash={{ keys: new Set(flashKeys), seq: 1 }} selected={null} onSelect={() => {}} />
      </AppContext.Provider>,
    ),
  );
  return { el, unmount: () => act(() => root.unmount()) };
}

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  document.body.innerHTML = '';
});

describe('GapGridTable (jsdom)', () => {
  it('marks levels with an icon and text as well as colour, and Karolinska’s headings', () => {
    const { el, unmount } = render('sv');
    cleanup = unmount;
    const minus = (date: string) => el.querySelector(`td[data-cell="B8|${date}|dag|SSK"][data-part="minus"]`)!;
    expect(minus('2026-11-23').getAttribute('data-level')).toBe('unsafe');
    expect(minus('2026-11-23').textContent).toContain('⚠');
    expect(minus('2026-11-23').textContent).toContain('min −1');
    expect(minus('2026-11-24').textContent).toContain('▽');
    expect(minus('2026-11-24').getAttribute('title')).toContain('Under mål');
    expect(el.querySelector('td[data-cell="B8|2026-11-25|dag|SSK"][data-part="plus"]')!.textContent).toContain('▲+1');
    const head = el.querySelector('thead')!.textContent!;
    for (const word of ['plus/vecka', 'minus/vecka', 'antal vpl', 'måndag', '(idag)']) expect(head).toContain(word);
    expect(el.querySelector('tfoot')!.textContent).toContain('Totalt');
  });

  it('English, and a live change flashes its cell', () => {
    const { el, unmount } = render('en', ['B8|2026-11-24|dag|SSK']);
    cleanup = unmount;
    expect(el.querySelector('thead')!.textContent).toContain('plus/week');
    expect(el.querySelector('td[data-cell="B8|2026-11-24|dag|SSK"][data-part="minus"]')!.className).toContain('flash');
    expect(el.querySelector('td[data-cell="B8|2026-11-23|dag|SSK"][data-part="minus"]')!.className).not.toContain('flash');
  });
});
