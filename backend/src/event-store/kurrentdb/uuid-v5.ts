import { createHash } from 'node:crypto';

/** The namespace of PKS event ids: KurrentDB event id = UUID v5 (this namespace, our event id). Never change it. */
export const PKS_EVENT_ID_NAMESPACE = '8a0e4fa9-054d-4c3d-9187-7cff72b2679d';

/** RFC 9562 UUID version 5 (SHA-1, name-based) of `name` (UTF-8) in `namespace`. */
export function uuidV5(name: string, namespace: string = PKS_EVENT_ID_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new Error(`not a UUID: ${namespace}`);
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
