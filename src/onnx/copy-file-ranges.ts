import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';

/** Bytes per read and write: large enough for full disk throughput, small enough not to count in the RSS. */
const CHUNK_BYTES = 8 << 20;

export interface SourceRange {
  offset: number;
  length: number;
}

/** Where each range starts in the written file, and the file's size, when each starts at a multiple of `alignment`. */
export function alignedLayout(ranges: SourceRange[], alignment: number): { offsets: number[]; size: number } {
  let size = 0;
  const offsets = ranges.map((r) => {
    const offset = Math.ceil(size / alignment) * alignment;
    size = offset + r.length;
    return offset;
  });
  return { offsets, size };
}

/**
 * Writes the byte ranges of `source` one after the other into a new file `target` (each at the offset
 * alignedLayout gives, zeros between), a chunk at a time, and returns the sha256 of every byte written: the
 * check value of the cache, computed as the bytes pass rather than by reading the file again.
 */
export async function copyFileRanges(source: string, ranges: SourceRange[], target: string, alignment = 1): Promise<{ size: number; sha256: string }> {
  const { offsets, size } = alignedLayout(ranges, alignment);
  const hash = createHash('sha256');
  const input = await fs.open(source, 'r');
  try {
    const output = await fs.open(target, 'wx');
    try {
      const buffer = Buffer.alloc(Math.min(CHUNK_BYTES, Math.max(1, ...ranges.map((r) => r.length))));
      let written = 0;
      const emit = async (bytes: Buffer) => {
        hash.update(bytes);
        for (let done = 0; done < bytes.length; ) {
          const { bytesWritten } = await output.write(bytes, done, bytes.length - done, written + done);
          done += bytesWritten;
        }
        written += bytes.length;
      };
      for (const [i, range] of ranges.entries()) {
        if (offsets[i] > written) await emit(Buffer.alloc(offsets[i] - written));
        for (let done = 0; done < range.length; ) {
          const want = Math.min(buffer.length, range.length - done);
          const { bytesRead } = await input.read(buffer, 0, want, range.offset + done);
          if (bytesRead === 0) throw new Error(`${source} ends at byte ${range.offset + done}, inside a tensor that runs to byte ${range.offset + range.length}`);
          await emit(buffer.subarray(0, bytesRead));
          done += bytesRead;
        }
      }
      await output.sync();
      return { size, sha256: hash.digest('hex') };
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
}

/** sha256 of a whole file, read a chunk at a time. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.alloc(CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}
