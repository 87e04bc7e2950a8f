import path from 'node:path';
import type { TokenTrace } from '../engine/token-trace.js';
import { RunFolderError } from './run-folder-error.js';
import { TRACE_FILES, traceKey, type TraceKey } from './trace-format.js';
import { damagedTraceMessage, readTraceIndex, TraceReader, type IndexedTrace } from './trace-reader.js';

interface SourceEntry {
  entry: IndexedTrace;
  reader: TraceReader;
  /** Why its bytes cannot be read, when the index already shows it (it points past the end of traces.bin). */
  damage?: string;
}

/**
 * The traces of one or more folders read as one (a merged run's shards hold disjoint records; where a response is in
 * several, the folder listed last wins). A damaged entry is refused when it is read, naming file, line and response.
 */
export class TraceSource {
  private constructor(
    private readonly entries: Map<string, SourceEntry>,
    private readonly readers: TraceReader[],
    /** Every α some trace holds, in first-seen order. */
    readonly alphas: number[],
  ) {}

  static async open(dirs: readonly string[]): Promise<TraceSource> {
    const entries = new Map<string, SourceEntry>();
    const readers: TraceReader[] = [];
    const alphas: number[] = [];
    try {
      for (const dir of dirs) {
        const index = await readTraceIndex(dir);
        const reader = await TraceReader.open(dir);
        readers.push(reader);
        for (const [key, entry] of index.entries) entries.set(key, { entry, reader });
        for (const [key, entry] of index.damaged) entries.set(key, { entry, reader, damage: damagedTraceMessage(dir, entry, `lies past the end of ${TRACE_FILES.data}`) });
        for (const a of index.alphas) if (!alphas.includes(a)) alphas.push(a);
      }
    } catch (err) {
      await Promise.allSettled(readers.map((r) => r.close()));
      throw err;
    }
    return new TraceSource(entries, readers, alphas);
  }

  get size(): number {
    return this.entries.size;
  }

  entry(key: TraceKey): IndexedTrace | undefined {
    return this.entries.get(traceKey(key))?.entry;
  }

  /** The response's trace; undefined when it has none, a RunFolderError (exit 3) naming it when it is damaged. */
  async read(key: TraceKey): Promise<TokenTrace | undefined> {
    const found = this.entries.get(traceKey(key));
    if (!found) return undefined;
    if (found.damage) throw new RunFolderError(found.damage, path.join(found.reader.folder, TRACE_FILES.data));
    return found.reader.read(found.entry);
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.readers.map((r) => r.close()));
  }
}
