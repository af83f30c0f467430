import { describe, expect, it } from 'vitest';
import { dictionaries, en, sv, translate, type MessageKey } from './dictionary';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('i18n dictionary', () => {
  it('every key exists in both languages, with a text', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(sv).sort());
    for (const dict of Object.values(dictionaries)) for (const [key, text] of Object.entries(dict)) expect(text.trim(), key).not.toBe('');
  });

  it('both languages use the same placeholders', () => {
    for (const key of Object.keys(sv) as MessageKey[]) expect(placeholders(en[key]), key).toEqual(placeholders(sv[key]));
  });

  it('translates with placeholders', () => {
    expect(translate('sv', 'week', { week: '2026-W48' })).toBe('Vecka 2026-W48');
    expect(translate('en', 'week', { week: '2026-W48' })).toBe('Week 2026-W48');
  });

  it('every key used in the source exists (t(…) and tr(…) calls with a literal key)', async () => {
    const { readFileSync, readdirSync, statSync } = await import('node:fs');
    const { join } = await import('node:path');
    const root = new URL('..', import.meta.url).pathname;
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)) files.push(path);
      }
    };
    walk(root);
    const missing: string[] = [];
    for (const file of files) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([^']+)'/g)) if (!(m[1]! in sv)) missing.push(`${file}: ${m[1]}`);
    }
    expect(missing).toEqual([]);
  });
});
