import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./${pkg}/src/index.ts`, import.meta.url));

/** One `vitest run` at the root runs every package's tests (`npm test`). */
export default defineConfig({
  resolve: {
    alias: {
      '@pks/contracts': src('contracts'),
      '@pks/projections': src('projections'),
      '@pks/backend': src('backend'),
    },
  },
  test: {
    include: ['{contracts,projections,backend,tests,frontend}/src/**/*.test.{ts,tsx}'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
