import { guarded, openRecords, type Dataset } from '../../datasets/open-dataset.js';
import type { Pair } from '../../datasets/pair.js';
import type { BenchmarkDatasetOptions, DatasetInput } from '../protocol.js';
import { rewardBenchPairs } from './records.js';

/**
 * A RewardBench dataset: a file of any container endorm reads (Parquet as the Hub keeps it, JSONL, JSON, CSV, TSV), a
 * Hub split's shards in order, or a stream, which is read once (`--format reward-bench` on stdin: its container is told
 * from its first bytes, and Parquet, which needs its end first, is refused).
 */
export async function openRewardBench(input: DatasetInput, options: BenchmarkDatasetOptions): Promise<Dataset> {
  const source = await openRecords(input.shards ?? input.spec, { stdin: options.stdin, signal: options.signal, ...(options.limits ? { limits: options.limits } : {}) });
  return {
    name: source.name,
    kind: 'reward-bench',
    path: source.path,
    files: source.files,
    // A stream's hash is known once it has been read to its end.
    get sha256() {
      return source.sha256;
    },
    ...(source.rereadable === false ? { rereadable: false } : {}),
    pairs: () => guarded(rewardBenchPairs(source.records()), options, source.displayName),
  };
}

/**
 * Records per subset in the whole dataset, before --limit and --shard, for run.json: a report can then tell a subset
 * the dataset lacks from one this run did not reach. A stream is read once, by the scorer, so it has none.
 */
export async function rewardBenchSubsetRecords(dataset: Dataset): Promise<Record<string, number> | undefined> {
  if (dataset.rereadable === false) return undefined;
  // A Map, since subset names come from the data ("__proto__" is a name like any other).
  const counts = new Map<string, number>();
  for await (const pair of dataset.pairs() as AsyncIterable<Pair>) counts.set(pair.group!, (counts.get(pair.group!) ?? 0) + 1);
  return Object.fromEntries(counts);
}
