import { stringify } from 'csv-stringify/sync';

type Cell = string | number | boolean | null | undefined;

/** RFC 4180 CSV of flat rows, columns in the given order (or the first row's keys), header first. */
export function toCsv(rows: readonly Record<string, Cell>[], columns?: readonly string[]): string {
  const cols = columns ?? (rows[0] ? Object.keys(rows[0]) : []);
  return stringify(
    rows.map((r) => cols.map((c) => r[c] ?? '')),
    { header: true, columns: [...cols], cast: { boolean: (v) => (v ? 'true' : 'false'), number: (v) => String(v) } },
  );
}
