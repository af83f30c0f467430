import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** ../shared/real-data next to the repository (or PKS_REAL_DATA). */
export function realDataDir(): string | null {
  if (process.env.PKS_REAL_DATA && existsSync(process.env.PKS_REAL_DATA)) return process.env.PKS_REAL_DATA;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i += 1) {
    const candidate = join(dir, 'shared', 'real-data');
    if (existsSync(candidate)) return candidate;
    dir = resolve(dir, '..');
  }
  console.warn('skipping the real-data tests: shared/real-data is not next to this checkout (set PKS_REAL_DATA to the folder)');
  return null;
}
