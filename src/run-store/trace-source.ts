import type { TokenTrace } from '../engine/token-trace.js';
import { traceKey, type TraceIndexEntry, type TraceKey } from './trace-format.js';
import { readTraceIndex, TraceReader } from './trace-reader.js';

/**
 * The traces of one or more folders read as one (a merged run's shards hold disjoint records; where a response is in
 * several, the folder listed last wins).
 */
export class TraceSource {
  private constructor(
    private readonly entries: Map<string, { entry: TraceIndexEntry; reader: TraceReader }>,
    private readonly readers: TraceReader[],
    /** Every α some trace holds, in first-seen order. */
    readonly alphas: number[],
  ) {}

  static async open(dirs: readonly string[]): Promise<TraceSource> {
    const entries = new Map<string, { entry: TraceIndexEntry; reader: TraceReader }>();
    const readers: TraceReader[] = [];
    const alphas: number[] = [];
    try {
      for (const dir of dirs) {
        const index = await readTraceIndex(dir);
        const reader = await TraceReader.open(dir);
        readers.push(reader);
        for (const [key, entry] of index.entries) entries.set(key, { entry, reader });
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

  entry(key: TraceKey): TraceIndexEntry | undefined {
    return this.entries.get(traceKey(key))?.entry;
  }

  async read(key: TraceKey): Promise<TokenTrace | undefined> {
    const found = this.entries.get(traceKey(key));
    return found ? found.reader.read(found.entry) : undefined;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.readers.map((r) => r.close()));
  }
}
