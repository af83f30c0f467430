/**
 * A compact map from entity ids (shiftId, registrationId, absenceId, reportId) to dense row numbers 0, 1, 2, …
 *
 * A `Map<string, number>` costs about 80 bytes per entry in V8 (the key string plus the entry); with ~3 million
 * shifts a year that is ~240 MB for the ids alone. Here the ids are stored back to back as bytes in one buffer and
 * looked up through an open-addressing hash table of row numbers: about 35 bytes per id (id bytes + 4-byte end
 * offset + 8 bytes of table at load ≤ 0.5). Lookups compare the stored bytes, so there are no false matches.
 * Plain typed arrays and numbers only: structured-clone serialisable. Rows are never removed (a cancelled shift keeps
 * its row and id).
 */
export interface IdIndex {
  /** the ids' bytes (UTF-8; entity ids are ASCII), back to back */
  bytes: Uint8Array;
  usedBytes: number;
  /** end offset of id i in `bytes`; it starts at ends[i - 1] (0 for i = 0) */
  ends: Uint32Array;
  count: number;
  /** open addressing, linear probing: id + 1, 0 = empty; length is a power of two */
  slots: Int32Array;
}

export function newIdIndex(): IdIndex {
  return { bytes: new Uint8Array(1024), usedBytes: 0, ends: new Uint32Array(64), count: 0, slots: new Int32Array(128) };
}

let scratch = new Uint8Array(256);
const encoder = new TextEncoder();

/** Encodes a key into the scratch buffer, returns its length. */
function encode(key: string): number {
  const n = key.length;
  if (n * 3 > scratch.length) scratch = new Uint8Array(n * 3 + 16);
  for (let i = 0; i < n; i++) {
    const c = key.charCodeAt(i);
    if (c >= 128) return encoder.encodeInto(key, scratch).written;
    scratch[i] = c;
  }
  return n;
}

function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

function startOf(index: IdIndex, id: number): number {
  return id === 0 ? 0 : index.ends[id - 1]!;
}

function equalsScratch(index: IdIndex, id: number, length: number): boolean {
  const start = startOf(index, id);
  if (index.ends[id]! - start !== length) return false;
  const bytes = index.bytes;
  for (let i = 0; i < length; i++) if (bytes[start + i] !== scratch[i]) return false;
  return true;
}

/** The row of a key, or -1. */
export function idLookup(index: IdIndex, key: string): number {
  const length = encode(key);
  const mask = index.slots.length - 1;
  let slot = hashBytes(scratch, 0, length) & mask;
  for (;;) {
    const v = index.slots[slot]!;
    if (v === 0) return -1;
    if (equalsScratch(index, v - 1, length)) return v - 1;
    slot = (slot + 1) & mask;
  }
}

function rehash(index: IdIndex, size: number): void {
  const slots = new Int32Array(size);
  const mask = size - 1;
  for (let id = 0; id < index.count; id++) {
    let slot = hashBytes(index.bytes, startOf(index, id), index.ends[id]!) & mask;
    while (slots[slot] !== 0) slot = (slot + 1) & mask;
    slots[slot] = id + 1;
  }
  index.slots = slots;
}

/** Adds a key that is not in the index (check with idLookup first); returns its new row. */
export function idInsert(index: IdIndex, key: string): number {
  const length = encode(key);
  if (index.usedBytes + length > index.bytes.length) {
    // by half again, not doubling: with millions of ids the slack is the cost (a medium year: 128 MB of shift ids)
    const bytes = new Uint8Array(Math.max(Math.ceil(index.bytes.length * 1.5), index.usedBytes + length + 1024));
    bytes.set(index.bytes.subarray(0, index.usedBytes));
    index.bytes = bytes;
  }
  if (index.count === index.ends.length) {
    const ends = new Uint32Array(Math.ceil(index.ends.length * 1.5) + 16);
    ends.set(index.ends);
    index.ends = ends;
  }
  const id = index.count;
  index.bytes.set(scratch.subarray(0, length), index.usedBytes);
  index.usedBytes += length;
  index.ends[id] = index.usedBytes;
  index.count += 1;
  if (index.count * 2 > index.slots.length) {
    rehash(index, index.slots.length * 2);
  } else {
    const mask = index.slots.length - 1;
    let slot = hashBytes(scratch, 0, length) & mask;
    while (index.slots[slot] !== 0) slot = (slot + 1) & mask;
    index.slots[slot] = id + 1;
  }
  return id;
}

/** The row of a key, adding it when absent; `added` tells which. */
export function idUpsert(index: IdIndex, key: string): { row: number; added: boolean } {
  const row = idLookup(index, key);
  return row >= 0 ? { row, added: false } : { row: idInsert(index, key), added: true };
}

const decoder = new TextDecoder();

/** The key of a row (for findings and debugging). */
export function idKey(index: IdIndex, id: number): string {
  return decoder.decode(index.bytes.subarray(startOf(index, id), index.ends[id]!));
}
