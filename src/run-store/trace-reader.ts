import fs from 'node:fs/promises';
import path from 'node:path';
import type { TokenTrace } from '../engine/token-trace.js';
import { CannotWriteError } from '../util/cannot-write-error.js';
import { RunFolderError } from './run-folder-error.js';
import {
  decodeTrace,
  TRACE_FILES,
  TRACE_FORMAT,
  TRACE_FORMAT_VERSIONS_READ,
  traceBytes,
  traceChecksum,
  traceKey,
  type TraceIndexEntry,
  type TraceKey,
} from './trace-format.js';

/** An index entry and the 1-based line of traces.index.jsonl it was read from (for messages that name it). */
export interface IndexedTrace extends TraceIndexEntry {
  line: number;
}

export interface TraceIndex {
  dir: string;
  /** traceKey -> the latest entry for that response (a resumed run may trace a response again). */
  entries: Map<string, IndexedTrace>;
  /**
   * traceKey -> the latest entry for that response when it points past the end of traces.bin: damage (the index was
   * written after its data, so no crash leaves it), refused by readers of that response rather than read.
   */
  damaged: Map<string, IndexedTrace>;
  /** Every α any entry holds, in first-seen order. */
  alphas: number[];
  /** 1-based line of an incomplete last index line that was ignored, else null. */
  tornLine: number | null;
  /** Entries whose bytes lie past the end of traces.bin (the data file was cut short); left out of `entries`. */
  missingData: number;
  /** Lines that repeated an earlier response; the later one was kept. */
  duplicates: number;
}

export async function hasTraces(dir: string): Promise<boolean> {
  return fs.stat(path.join(dir, TRACE_FILES.index)).then(
    (s) => s.isFile(),
    () => false,
  );
}

/**
 * Reads traces.index.jsonl. Only the last line may be incomplete (the writer died mid-line); any other bad line, or a
 * header from another format, means the folder is damaged and is reported with file, line and field.
 */
export async function readTraceIndex(dir: string): Promise<TraceIndex> {
  const file = path.join(dir, TRACE_FILES.index);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new RunFolderError(`${dir} has no token traces (no ${TRACE_FILES.index}): it was scored with --no-traces, or by an endorm without traces`, file);
    }
    throw new RunFolderError(`cannot read ${file}: ${(err as Error).message}`, file);
  }
  const dataSize = await fs.stat(path.join(dir, TRACE_FILES.data)).then(
    (s) => s.size,
    () => 0,
  );
  const lines = text.split('\n');
  let lastLine = lines.length - 1;
  while (lastLine > 0 && lines[lastLine]!.trim() === '') lastLine--;
  const result: TraceIndex = { dir, entries: new Map(), damaged: new Map(), alphas: [], tornLine: null, missingData: 0, duplicates: 0 };
  const alphas = new Set<number>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const lineNumber = i + 1;
    const last = i === lastLine;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (last) {
        result.tornLine = lineNumber;
        continue;
      }
      throw new RunFolderError(`${file}:${lineNumber}: not valid JSON (only the last line may be torn)`, file);
    }
    if (isHeader(value)) {
      if (value.format !== TRACE_FORMAT || !TRACE_FORMAT_VERSIONS_READ.includes(value.version as number)) {
        throw new RunFolderError(
          `${file}:${lineNumber}: field "version": ${value.format} version ${value.version} is not one this endorm reads (${TRACE_FORMAT} ${TRACE_FORMAT_VERSIONS_READ.join(' or ')})`,
          file,
        );
      }
      continue;
    }
    const problem = entryProblem(value);
    if (problem) {
      if (last) {
        result.tornLine = lineNumber;
        continue;
      }
      throw new RunFolderError(`${file}:${lineNumber}: field "${problem.field}": ${problem.reason}`, file);
    }
    const entry: IndexedTrace = { ...(value as TraceIndexEntry), line: lineNumber };
    const key = traceKey(entry);
    if (result.entries.has(key) || result.damaged.has(key)) {
      result.duplicates++;
      // Re-inserted below, so iteration order follows the latest write; the latest entry is the response's trace.
      result.entries.delete(key);
      result.damaged.delete(key);
    }
    if (entry.offset + entry.bytes > dataSize) {
      result.missingData++;
      result.damaged.set(key, entry);
      continue;
    }
    result.entries.set(key, entry);
    for (const a of entry.alphas) alphas.add(a);
  }
  result.alphas = [...alphas];
  return result;
}

export function isHeader(value: unknown): value is { format: unknown; version: unknown } {
  return typeof value === 'object' && value !== null && 'format' in value;
}

export function entryProblem(value: unknown): { field: string; reason: string } | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { field: '(line)', reason: 'not a JSON object' };
  const e = value as Record<string, unknown>;
  if (typeof e['pair'] !== 'string') return { field: 'pair', reason: 'expected a string' };
  if (e['role'] !== 'chosen' && e['role'] !== 'rejected') return { field: 'role', reason: 'expected "chosen" or "rejected"' };
  for (const f of ['index', 'offset', 'bytes', 'tokens']) {
    if (!Number.isInteger(e[f]) || (e[f] as number) < 0) return { field: f, reason: 'expected a non-negative integer' };
  }
  const alphas = e['alphas'];
  if (!Array.isArray(alphas) || alphas.length === 0 || !alphas.every((a) => typeof a === 'number' && a > 0)) {
    return { field: 'alphas', reason: 'expected a non-empty list of temperatures > 0' };
  }
  const expected = traceBytes(e['tokens'] as number, alphas.length);
  if (e['bytes'] !== expected) return { field: 'bytes', reason: `${e['bytes']} does not match ${e['tokens']} tokens and ${alphas.length} alphas (${expected})` };
  const crc = e['crc32'];
  if (crc !== undefined && !(Number.isInteger(crc) && (crc as number) >= 0 && (crc as number) <= 0xffffffff)) {
    return { field: 'crc32', reason: 'expected an unsigned 32-bit integer' };
  }
  return null;
}

/** Why a trace entry cannot be read, in words that name the file, the index line and the response. */
export function damagedTraceMessage(dir: string, entry: TraceIndexEntry & { line?: number }, reason: string): string {
  return (
    `${path.join(dir, TRACE_FILES.data)}: the trace of ${entry.pair} ${entry.role}[${entry.index}] ` +
    `(${TRACE_FILES.index}${entry.line ? ` line ${entry.line}` : ''}, bytes ${entry.offset}..${entry.offset + entry.bytes}) ${reason}: the file is damaged; ` +
    `score the run again (endorm score --resume cuts the traces back to their last whole entry and redoes the rest)`
  );
}

/**
 * Reads trace entries from traces.bin through a read-ahead window, so that reading the entries in file order (the
 * usual case) costs one read per window rather than one per response.
 */
export class TraceReader {
  private window = new Uint8Array(0);
  private windowStart = 0;

  private constructor(
    /** The run folder whose traces.bin it reads. */
    readonly folder: string,
    private readonly handle: fs.FileHandle,
    private readonly windowBytes: number,
  ) {}

  static async open(dir: string, windowBytes = 4 << 20): Promise<TraceReader> {
    const file = path.join(dir, TRACE_FILES.data);
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(file, 'r');
    } catch (err) {
      throw new RunFolderError(`cannot read ${file}: ${(err as Error).message}`, file);
    }
    // A folder opens for reading on Linux and fails at the first read, which names no file: said here, naming it.
    const stat = await handle.stat();
    if (!stat.isFile()) {
      await handle.close();
      throw new CannotWriteError(`cannot read ${file}: it is ${stat.isDirectory() ? 'a folder' : 'not a regular file'}, not a file (${stat.isDirectory() ? 'EISDIR' : 'EINVAL'}); put the run's ${TRACE_FILES.data} back, or score it again`, file, stat.isDirectory() ? 'EISDIR' : 'EINVAL');
    }
    return new TraceReader(dir, handle, windowBytes);
  }

  /** The entry's trace; a RunFolderError naming it when its bytes are missing or fail their checksum. */
  async read(entry: TraceIndexEntry | IndexedTrace): Promise<TokenTrace> {
    const bytes = await this.bytes(entry);
    const problem = entryBytesProblem(entry, bytes);
    if (problem) {
      throw new RunFolderError(damagedTraceMessage(this.folder, entry, problem), path.join(this.folder, TRACE_FILES.data));
    }
    return decodeTrace(bytes!, entry.tokens, entry.alphas);
  }

  /** The entry's bytes as they are on disk (a view into the window), or undefined when the file ends before them. */
  async bytes(entry: TraceIndexEntry): Promise<Uint8Array | undefined> {
    const start = entry.offset - this.windowStart;
    if (start < 0 || start + entry.bytes > this.window.length) {
      const length = Math.max(this.windowBytes, entry.bytes);
      const buffer = new Uint8Array(length);
      const { bytesRead } = await this.handle.read(buffer, 0, length, entry.offset);
      this.window = buffer.subarray(0, bytesRead);
      this.windowStart = entry.offset;
    }
    const at = entry.offset - this.windowStart;
    if (at + entry.bytes > this.window.length) return undefined;
    return this.window.subarray(at, at + entry.bytes);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** Why an entry's bytes (undefined: past the end of the file) do not hold its trace, or null when they do. */
export function entryBytesProblem(entry: TraceIndexEntry, bytes: Uint8Array | undefined): string | null {
  if (bytes === undefined || bytes.length < entry.bytes) return `lies past the end of ${TRACE_FILES.data}`;
  if (entry.crc32 !== undefined && traceChecksum(bytes) !== entry.crc32) return 'fails its checksum (crc32)';
  return null;
}

/** Looks a response's trace up by (pair, role, index). */
export function findTrace(index: TraceIndex, key: TraceKey): IndexedTrace | undefined {
  return index.entries.get(traceKey(key));
}
