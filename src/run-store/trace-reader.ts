import fs from 'node:fs/promises';
import path from 'node:path';
import type { TokenTrace } from '../engine/token-trace.js';
import { RunFolderError } from './run-folder-error.js';
import { decodeTrace, TRACE_FILES, TRACE_FORMAT, TRACE_FORMAT_VERSION, traceBytes, traceKey, type TraceIndexEntry, type TraceKey } from './trace-format.js';

export interface TraceIndex {
  dir: string;
  /** traceKey -> the latest entry for that response (a resumed run may trace a response again). */
  entries: Map<string, TraceIndexEntry>;
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
  const result: TraceIndex = { dir, entries: new Map(), alphas: [], tornLine: null, missingData: 0, duplicates: 0 };
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
      if (value.format !== TRACE_FORMAT || value.version !== TRACE_FORMAT_VERSION) {
        throw new RunFolderError(`${file}:${lineNumber}: field "version": ${value.format} version ${value.version} is not one this endorm reads (${TRACE_FORMAT} ${TRACE_FORMAT_VERSION})`, file);
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
    const entry = value as TraceIndexEntry;
    if (entry.offset + entry.bytes > dataSize) {
      result.missingData++;
      continue;
    }
    const key = traceKey(entry);
    if (result.entries.has(key)) {
      result.duplicates++;
      result.entries.delete(key); // re-inserted below, so iteration order follows the latest write
    }
    result.entries.set(key, entry);
    for (const a of entry.alphas) alphas.add(a);
  }
  result.alphas = [...alphas];
  return result;
}

function isHeader(value: unknown): value is { format: unknown; version: unknown } {
  return typeof value === 'object' && value !== null && 'format' in value;
}

function entryProblem(value: unknown): { field: string; reason: string } | null {
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
  return null;
}

/**
 * Reads trace entries from traces.bin through a read-ahead window, so that reading the entries in file order (the
 * usual case) costs one read per window rather than one per response.
 */
export class TraceReader {
  private window = new Uint8Array(0);
  private windowStart = 0;

  private constructor(
    private readonly handle: fs.FileHandle,
    private readonly windowBytes: number,
  ) {}

  static async open(dir: string, windowBytes = 4 << 20): Promise<TraceReader> {
    const file = path.join(dir, TRACE_FILES.data);
    try {
      return new TraceReader(await fs.open(file, 'r'), windowBytes);
    } catch (err) {
      throw new RunFolderError(`cannot read ${file}: ${(err as Error).message}`, file);
    }
  }

  async read(entry: TraceIndexEntry): Promise<TokenTrace> {
    const start = entry.offset - this.windowStart;
    if (start < 0 || start + entry.bytes > this.window.length) {
      const length = Math.max(this.windowBytes, entry.bytes);
      const buffer = new Uint8Array(length);
      const { bytesRead } = await this.handle.read(buffer, 0, length, entry.offset);
      this.window = buffer.subarray(0, bytesRead);
      this.windowStart = entry.offset;
    }
    const at = entry.offset - this.windowStart;
    if (at + entry.bytes > this.window.length) throw new RangeError(`traces.bin ends inside the entry at ${entry.offset}`);
    return decodeTrace(this.window.subarray(at, at + entry.bytes), entry.tokens, entry.alphas);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** Looks a response's trace up by (pair, role, index). */
export function findTrace(index: TraceIndex, key: TraceKey): TraceIndexEntry | undefined {
  return index.entries.get(traceKey(key));
}
