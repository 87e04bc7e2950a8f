import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFault } from '../util/cannot-write-error.js';
import { TRACE_FILES, TRACE_INDEX_HEADER, type TraceIndexEntry } from './trace-format.js';
import { hasTraces, readTraceIndex } from './trace-reader.js';

export interface MergedTraces {
  entries: number;
  dataBytes: number;
}

/**
 * Copies the shard runs' token traces into the merged run folder, so that it rescores and shows without the shard
 * folders (in a CI matrix those are other jobs' artifacts). traces.bin is the shards' data one after another; each
 * shard's indexed entries keep their place in its data, their offsets moved by the bytes before it. Unindexed bytes a
 * crash left are copied too and stay unindexed. Returns null, writing nothing, unless every shard has traces: a
 * partial set would make the merged run look traced while some responses are not.
 */
export async function mergeTraces(shardDirs: readonly string[], out: string): Promise<MergedTraces | null> {
  for (const dir of shardDirs) if (!(await hasTraces(dir))) return null;
  try {
    return await writeMergedTraces(shardDirs, out);
  } catch (err) {
    throw writeFault(err, path.join(out, TRACE_FILES.data));
  }
}

async function writeMergedTraces(shardDirs: readonly string[], out: string): Promise<MergedTraces> {
  const data = await fs.open(path.join(out, TRACE_FILES.data), 'w');
  const lines = [JSON.stringify(TRACE_INDEX_HEADER)];
  let base = 0;
  try {
    for (const dir of shardDirs) {
      const index = await readTraceIndex(dir);
      for (const { line: _line, ...entry } of index.entries.values()) {
        const moved: TraceIndexEntry = { ...entry, offset: entry.offset + base };
        lines.push(JSON.stringify(moved));
      }
      const file = path.join(dir, TRACE_FILES.data);
      const exists = await fs.stat(file).then(() => true, () => false);
      if (!exists) continue; // then the index has no entries either: readTraceIndex counts them as missing data
      for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
        await data.write(chunk);
        base += chunk.length;
      }
    }
    await data.datasync();
  } finally {
    await data.close();
  }
  // The index last, once the data it points at is on disk, as the trace writer orders them.
  await fs.writeFile(path.join(out, TRACE_FILES.index), lines.join('\n') + '\n', { flush: true });
  return { entries: lines.length - 1, dataBytes: base };
}
