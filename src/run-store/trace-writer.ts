import fs from 'node:fs/promises';
import path from 'node:path';
import type { TokenTrace } from '../engine/token-trace.js';
import { writeFault } from '../util/cannot-write-error.js';
import { makeFolder } from '../util/make-folder.js';
import { RESUME_ADVICE } from './run-files.js';
import { encodeTrace, TRACE_FILES, TRACE_INDEX_HEADER, traceChecksum, type TraceIndexEntry, type TraceKey } from './trace-format.js';

export interface TraceWriteStats {
  /** Traces written by this writer. */
  entries: number;
  tokens: number;
  /** Bytes this writer appended to traces.bin and to traces.index.jsonl. */
  dataBytes: number;
  indexBytes: number;
  /** Time spent encoding, writing and syncing traces. */
  seconds: number;
}

/**
 * Appends token traces to a run folder batch by batch, as ScoresWriter does scores: `add` buffers, `flush` writes the
 * batch's data to traces.bin and syncs it, then its index lines (each with the entry's length and crc32), and syncs
 * them. An index line therefore never points at bytes that are not on disk; a crash leaves at most unindexed bytes in
 * traces.bin and a torn last index line, which a resumed run cuts away (see trace-repair.ts). A write that fails (disk
 * full) cuts both files back to where the batch began and throws a CannotWriteError.
 */
export class TraceWriter {
  private pending: { key: TraceKey; bytes: Uint8Array; tokens: number; alphas: number[] }[] = [];
  private readonly stats: TraceWriteStats = { entries: 0, tokens: 0, dataBytes: 0, indexBytes: 0, seconds: 0 };
  private closed = false;

  private constructor(
    private readonly dir: string,
    private readonly data: fs.FileHandle,
    private readonly index: fs.FileHandle,
    private offset: number,
    private indexSize: number,
  ) {}

  static async open(dir: string): Promise<TraceWriter> {
    const started = performance.now();
    const indexFile = path.join(dir, TRACE_FILES.index);
    let data: fs.FileHandle | undefined;
    let index: fs.FileHandle | undefined;
    try {
      await makeFolder(dir);
      await cutTornLine(indexFile);
      data = await fs.open(path.join(dir, TRACE_FILES.data), 'a');
      index = await fs.open(indexFile, 'a');
      const writer = new TraceWriter(dir, data, index, (await data.stat()).size, (await index.stat()).size);
      if (writer.indexSize === 0) {
        const header = JSON.stringify(TRACE_INDEX_HEADER) + '\n';
        await index.appendFile(header);
        writer.indexSize += Buffer.byteLength(header);
        writer.stats.indexBytes += Buffer.byteLength(header);
      }
      writer.stats.seconds += (performance.now() - started) / 1000;
      return writer;
    } catch (err) {
      await Promise.allSettled([data?.close(), index?.close()]);
      throw writeFault(err, indexFile, RESUME_ADVICE);
    }
  }

  /** Buffers one response's trace until the next flush. */
  add(key: TraceKey, trace: TokenTrace): void {
    const started = performance.now();
    this.pending.push({ key: { pair: key.pair, role: key.role, index: key.index }, bytes: encodeTrace(trace), tokens: trace.tokens.length, alphas: trace.alphas });
    this.stats.seconds += (performance.now() - started) / 1000;
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const started = performance.now();
    const batch = this.pending;
    this.pending = [];
    const lines: string[] = [];
    let offset = this.offset;
    for (const p of batch) {
      const entry: TraceIndexEntry = { ...p.key, offset, bytes: p.bytes.length, tokens: p.tokens, alphas: p.alphas, crc32: traceChecksum(p.bytes) };
      lines.push(JSON.stringify(entry));
      offset += p.bytes.length;
    }
    const data = Buffer.concat(batch.map((p) => p.bytes));
    const text = lines.join('\n') + '\n';
    try {
      // appendFile writes until every byte is out: a bare write may stop short on a full disk and say so only in its count.
      await this.data.appendFile(data);
      await this.data.datasync();
      await this.index.appendFile(text);
      await this.index.datasync();
    } catch (err) {
      await this.rollBack();
      throw writeFault(err, path.join(this.dir, TRACE_FILES.data), RESUME_ADVICE);
    }
    this.offset = offset;
    this.indexSize += Buffer.byteLength(text);
    this.stats.entries += batch.length;
    this.stats.tokens += batch.reduce((n, p) => n + p.tokens, 0);
    this.stats.dataBytes += data.length;
    this.stats.indexBytes += Buffer.byteLength(text);
    this.stats.seconds += (performance.now() - started) / 1000;
  }

  /** Flushes what is pending and closes both files. */
  async close(): Promise<TraceWriteStats> {
    try {
      await this.flush();
    } finally {
      await this.closeFiles();
    }
    return { ...this.stats };
  }

  /** Closes without writing what is pending (the batch in flight when a run fails); safe after close(). */
  async abandon(): Promise<TraceWriteStats> {
    this.pending = [];
    await this.closeFiles();
    return { ...this.stats };
  }

  /** Best effort: both files back to their size before the failed batch, so that no entry is half there. */
  private async rollBack(): Promise<void> {
    await this.index.truncate(this.indexSize).catch(() => undefined);
    await this.data.truncate(this.offset).catch(() => undefined);
  }

  private async closeFiles(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([this.data.close(), this.index.close()]);
  }
}

/** An index whose last line has no newline was cut mid-write; appending to it would glue a good line onto a torn one. */
async function cutTornLine(file: string): Promise<void> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r+');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    const size = (await handle.stat()).size;
    if (size === 0) return;
    const tail = Math.min(size, 1 << 20);
    const buffer = Buffer.alloc(tail);
    await handle.read(buffer, 0, tail, size - tail);
    if (buffer[tail - 1] === 0x0a) return;
    const lastNewline = buffer.lastIndexOf(0x0a);
    await handle.truncate(lastNewline < 0 ? size - tail : size - tail + lastNewline + 1);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}
