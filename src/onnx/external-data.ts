import fs from 'node:fs/promises';
import path from 'node:path';
import { onnx } from './onnx-proto.js';

type Initializer = {
  rawData?: Uint8Array | null;
  externalData?: Array<{ key?: string | null; value?: string | null }> | null;
  dataLocation?: number | null;
};

export interface ExternalDataOptions {
  /** Offsets in the data file are multiples of this (default 1: packed, as exporters write them). */
  alignment?: number;
  /** Initializers smaller than this stay in the graph file (default 1 KiB). */
  minBytes?: number;
}

/**
 * Moves a model's large inline initializers into the external data file `dir/dataName` (written under a temporary
 * name, then renamed) and points them at it. Initializers already external stay where they are. Returns the bytes moved.
 */
export async function moveInitializersToFile(model: object, dir: string, dataName: string, options: ExternalDataOptions = {}): Promise<number> {
  const alignment = options.alignment ?? 1;
  const minBytes = options.minBytes ?? 1024;
  const initializers = ((model as { graph?: { initializer?: Initializer[] } }).graph?.initializer ?? []).filter(
    (t) => t.rawData && t.rawData.length >= minBytes,
  );
  if (initializers.length === 0) return 0;
  const target = path.join(dir, dataName);
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  const file = await fs.open(tmp, 'w');
  let moved = 0;
  try {
    let offset = 0;
    for (const t of initializers) {
      const data = t.rawData!;
      offset = Math.ceil(offset / alignment) * alignment;
      for (let written = 0; written < data.length; ) {
        const { bytesWritten } = await file.write(data, written, data.length - written, offset + written);
        written += bytesWritten;
      }
      t.externalData = [
        { key: 'location', value: dataName },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(data.length) },
      ];
      t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
      t.rawData = new Uint8Array(0);
      offset += data.length;
      moved += data.length;
    }
    await file.sync();
  } finally {
    await file.close();
  }
  await fs.rename(tmp, target);
  return moved;
}
