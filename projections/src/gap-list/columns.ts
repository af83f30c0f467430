/**
 * Compact storage for millions of small records: typed-array columns that grow by doubling, and a string intern
 * table so that unit, staff, competence and slot ids are stored as int32. Typed arrays are structured-clone
 * serialisable (v8.serialize), so states holding them can be snapshotted like plain objects.
 */

export interface InternTable {
  /** index → string */
  strings: string[];
  /** string → index */
  ids: Map<string, number>;
}

export function newInternTable(): InternTable {
  return { strings: [], ids: new Map() };
}

export function intern(table: InternTable, value: string): number {
  let id = table.ids.get(value);
  if (id === undefined) {
    id = table.strings.length;
    table.strings.push(value);
    table.ids.set(value, id);
  }
  return id;
}

type Typed = Uint8Array | Int32Array | Float64Array;

/** Grows a typed array to hold at least `needed` elements (by half again), copying what it holds. */
export function grown<T extends Typed>(array: T, needed: number): T {
  if (needed <= array.length) return array;
  // grow by half: less slack than doubling once there are millions of rows
  let capacity = Math.max(1024, array.length);
  while (capacity < needed) capacity = Math.ceil(capacity * 1.5);
  const next = new (array.constructor as new (n: number) => T)(capacity);
  next.set(array);
  return next;
}

/** Inserts `row` into `rows` kept sorted by `key(row)` (stable: after equal keys). */
export function insertSorted(rows: number[], row: number, keyOf: (row: number) => number): void {
  const k = keyOf(row);
  let lo = 0;
  let hi = rows.length;
  // appends in time order are the common case
  if (hi === 0 || keyOf(rows[hi - 1]!) <= k) {
    rows.push(row);
    return;
  }
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keyOf(rows[mid]!) <= k) lo = mid + 1;
    else hi = mid;
  }
  rows.splice(lo, 0, row);
}

/** The first index whose key is ≥ `k` in rows sorted by key. */
export function lowerBound(rows: readonly number[], k: number, keyOf: (row: number) => number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keyOf(rows[mid]!) < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Removes one occurrence of `row` (no-op when absent). */
export function removeValue(rows: number[], row: number): boolean {
  const i = rows.lastIndexOf(row);
  if (i < 0) return false;
  if (i === rows.length - 1) rows.pop();
  else rows.splice(i, 1);
  return true;
}

const DAY_MS = 86_400_000;

/**
 * Milliseconds since epoch of an instant. Instants in stored events are normalised to `YYYY-MM-DDTHH:MM:SS.sssZ`
 * (the Instant schema), which is parsed with integer arithmetic; anything else goes through Date.parse.
 */
export function parseInstantMs(s: string): number {
  if (s.length !== 24 || s.charCodeAt(23) !== 90 /* Z */ || s.charCodeAt(10) !== 84 /* T */) return Date.parse(s);
  const d = (i: number) => s.charCodeAt(i) - 48;
  let y = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
  const m = d(5) * 10 + d(6);
  const day = d(8) * 10 + d(9);
  // days from civil (Howard Hinnant)
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * ((m + 9) % 12) + 2) / 5) + day - 1;
  const days = era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
  return days * DAY_MS + (d(11) * 10 + d(12)) * 3_600_000 + (d(14) * 10 + d(15)) * 60_000 + (d(17) * 10 + d(18)) * 1000 + d(20) * 100 + d(21) * 10 + d(22);
}

/**
 * An exact index from id strings to row numbers for ids that are already stored in a column (`ids[row]`): an
 * open-addressing hash table of row numbers in an Int32Array (4 bytes a slot, at most half full), which is several
 * times smaller than a Map<string, number> with millions of entries. A probe compares the stored id string, so hash
 * collisions never merge two ids. Rows are never removed.
 */
export interface IdIndex {
  /** row + 1, 0 = empty */
  slots: Int32Array;
  size: number;
}

export function newIdIndex(): IdIndex {
  return { slots: new Int32Array(1024), size: 0 };
}

/** FNV-1a over UTF-16 code units. */
function hashId(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i += 1) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function idIndexGet(index: IdIndex, ids: readonly string[], id: string): number | undefined {
  const slots = index.slots;
  const mask = slots.length - 1;
  for (let i = hashId(id) & mask; ; i = (i + 1) & mask) {
    const v = slots[i]!;
    if (v === 0) return undefined;
    if (ids[v - 1] === id) return v - 1;
  }
}

function place(slots: Int32Array, id: string, row: number): void {
  const mask = slots.length - 1;
  let i = hashId(id) & mask;
  while (slots[i] !== 0) i = (i + 1) & mask;
  slots[i] = row + 1;
}

/**
 * Adds `ids[row]` (not yet in the index). `rowsOf` lists every row in the index, for rehashing when it grows.
 */
export function idIndexAdd(index: IdIndex, ids: readonly string[], row: number, rowsOf: () => Iterable<number>): void {
  if ((index.size + 1) * 2 > index.slots.length) {
    const slots = new Int32Array(index.slots.length * 2);
    for (const r of rowsOf()) place(slots, ids[r]!, r);
    index.slots = slots;
  }
  place(index.slots, ids[row]!, row);
  index.size += 1;
}
