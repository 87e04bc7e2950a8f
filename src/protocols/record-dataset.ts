import type { InputError } from '../datasets/input-error.js';
import { guarded, openRecords, type Dataset } from '../datasets/open-dataset.js';
import type { Pair } from '../datasets/pair.js';
import type { RecordItem } from '../datasets/raw-record.js';
import type { BenchmarkDatasetOptions, DatasetInput } from './protocol.js';

/**
 * A benchmark whose records are rows of any container endorm reads (Parquet as the Hub keeps it, JSONL, JSON, CSV,
 * TSV), a folder of such files, a Hub split's shards in order, or a stream read once (its container told from its
 * first bytes; Parquet, which needs its end first, refused), made into pairs by `toPairs`. The input bounds
 * (`--max-line-bytes` and the rest) apply as to any dataset.
 */
export async function openRecordDataset(
  kind: string,
  input: DatasetInput,
  options: BenchmarkDatasetOptions,
  toPairs: (records: AsyncIterable<RecordItem>) => AsyncGenerator<Pair | InputError>,
): Promise<Dataset> {
  const source = await openRecords(input.shards ?? input.spec, { stdin: options.stdin, signal: options.signal, ...(options.limits ? { limits: options.limits } : {}) });
  return {
    name: source.name,
    kind,
    path: source.path,
    files: source.files,
    // A stream's hash is known once it has been read to its end.
    get sha256() {
      return source.sha256;
    },
    ...(source.rereadable === false ? { rereadable: false } : {}),
    pairs: () => guarded(toPairs(source.records()), options, source.displayName),
  };
}

/**
 * Records per group (a benchmark's subset) in the whole dataset, before --limit and --shard, for run.json: a report can
 * then tell a subset the dataset lacks from one this run did not reach. A stream is read once, by the scorer, so it
 * has none.
 */
export async function recordsPerGroup(dataset: Dataset): Promise<Record<string, number> | undefined> {
  if (dataset.rereadable === false) return undefined;
  // A Map, since group names come from the data ("__proto__" is a name like any other).
  const counts = new Map<string, number>();
  for await (const pair of dataset.pairs() as AsyncIterable<Pair>) counts.set(pair.group!, (counts.get(pair.group!) ?? 0) + 1);
  return Object.fromEntries(counts);
}
