import { DefaultDeserializer, serialize } from 'node:v8';

/**
 * How projection state is written to a snapshot: V8's structured serialisation (Maps, Sets and typed arrays kept).
 *
 * Decoding copies every typed array out of the snapshot. Node's own `v8.deserialize` returns each aligned typed
 * array as a view into the buffer it was given, so one surviving column kept the whole snapshot blob alive: a
 * medium year (845 MB of snapshots) held about 1 GB of blobs next to the 760 MB of state they decoded into.
 */
export function encodeSnapshotState(state: unknown): Buffer {
  return serialize(state);
}

class CopyingDeserializer extends DefaultDeserializer {
  _readHostObject(): NodeJS.TypedArray | DataView {
    const view = (DefaultDeserializer.prototype as unknown as { _readHostObject(this: DefaultDeserializer): NodeJS.TypedArray | DataView })._readHostObject.call(this);
    // not Buffer.from(view): small Buffers come from Node's shared 8 KiB pool
    if (Buffer.isBuffer(view)) return Buffer.from(new Uint8Array(view).buffer);
    if (view instanceof DataView) return new DataView(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
    const Ctor = view.constructor as new (source: NodeJS.TypedArray) => NodeJS.TypedArray;
    return new Ctor(view);
  }
}

/** The state `encodeSnapshotState` wrote, sharing no memory with `blob` (which can be freed at once). */
export function decodeSnapshotState(blob: Uint8Array): unknown {
  const deserializer = new CopyingDeserializer(blob instanceof Buffer ? blob : Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength));
  deserializer.readHeader();
  return deserializer.readValue();
}
