// @vitest-environment jsdom
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppContext, type AppContextValue } from '../app/app-context';
import { translate } from '../i18n/dictionary';
import { AlertList } from './AlertList';
import { alert } from './test-alerts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const app = (language: 'sv' | 'en') =>
  ({ t: (key, values) => translate(language, key, values), language, session: { token: 'tok' } }) as Partial<AppContextValue> as AppContextValue;

function render(language: 'sv' | 'en', onFill = vi.fn()) {
  const el = document.createElement('div');
  document.body.append(el);
  const root = createRoot(el);
  const rows = [
    alert({ key: 'abs~B8-AVA~2026-11-24~dag~SSK' }),
    alert({ key: 'svp~B8-AVA~2026-W49', rule: 'schedule-below-plan', severity: 'medium', status: 'acknowledged', owner: 'tactical-1', ownerName: 'Lena Forsberg', window: { kind: 'week', week: '2026-W49' }, observed: 500, expected: 600, quantity: 'hours' }),
  ];
  act(() =>
    root.render(
      <AppContext.Provider value={app(language)}>
        <AlertList rows={rows} flash={new Set()} canAct onFill={onFill} testId="list" label="alerts" />
      </AppContext.Provider>,
    ),
  );
  return { el, unmount: () => act(() => root.unmount()) };
}

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
  document.body.innerHTML = '';
  vi.unstubAllGlobals();
});

describe('AlertList', () => {
  it('severity as icon and text, rule, unit, window, observed vs expected, status and owner; fill only for slot alerts', () => {
    const onFill = vi.fn();
    const { el, unmount } = render('sv', onFill);
    cleanup = unmount;
    const [slot, week] = [...el.querySelectorAll('li.alert-item')] as HTMLElement[];
    expect(slot!.textContent).toContain('⚠ Hög');
    expect(slot!.textContent).toContain('Sjukanmälan ger lucka · B8, AVA · 2026-11-24 dag SSK');
    expect(slot!.textContent).toContain('bemannade 2, mål 3');
    expect(slot!.textContent).toContain('Ny, ej kvitterad');
    expect(week!.textContent).toContain('▲ Medel');
    expect(week!.textContent).toContain('vecka 2026-W49');
    expect(week!.textContent).toContain('Kvitterad');
    expect(week!.textContent).toContain('Ägare: Lena Forsberg');
    // acknowledge only while unowned; fill only where there is a cell
    expect(slot!.querySelector('[data-testid="alert-acknowledge"]')).not.toBeNull();
    expect(week!.querySelector('[data-testid="alert-acknowledge"]')).toBeNull();
    expect(week!.querySelector('[data-testid="alert-fill"]')).toBeNull();
    act(() => (slot!.querySelector('[data-testid="alert-fill"]') as HTMLButtonElement).click());
    expect(onFill).toHaveBeenCalledWith({ unitId: 'B8-AVA', date: '2026-11-24', slot: 'dag', competence: 'SSK' }, expect.objectContaining({ rule: 'absence-gap' }));
  });

  it('resolving by hand needs a note: without one nothing is sent', () => {
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    const { el, unmount } = render('en');
    cleanup = unmount;
    const slot = el.querySelector('li.alert-item') as HTMLElement;
    act(() => (slot.querySelector('[data-testid="alert-resolve"]') as HTMLButtonElement).click());
    const form = slot.querySelector('form') as HTMLFormElement;
    act(() => form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true })));
    expect(slot.querySelector('[role="alert"]')?.textContent).toContain('Write a note on why the alert is resolved.');
    expect(fetch).not.toHaveBeenCalled();
  });
});
