import { describe, expect, it } from 'vitest';
import { uuidV5 } from './uuid-v5.js';

describe('uuidV5', () => {
  it('matches the RFC / Python reference values', () => {
    expect(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
    expect(uuidV5('https://example.com/ä', '6ba7b811-9dad-11d1-80b4-00c04fd430c8')).toBe('afdef7ba-7312-5e42-ac2d-ed60cef58139');
  });

  it('is stable and distinct per event id', () => {
    expect(uuidV5('src-42')).toBe(uuidV5('src-42'));
    expect(uuidV5('src-42')).not.toBe(uuidV5('src-43'));
    expect(uuidV5('src-42')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
