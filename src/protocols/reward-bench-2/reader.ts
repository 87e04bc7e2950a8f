import { guarded, openRecords, type Dataset } from '../../datasets/open-dataset.js';
import type { Pair } from '../../datasets/pair.js';
import type { BenchmarkDatasetOptions, DatasetInput } from '../protocol.js';
import { rewardBench2Pairs } from './records.js';

/**
 * A RewardBench 2 dataset: a file of any container endorm reads (Parquet as the Hub keeps it, JSONL, JSON), a folder
 * of such files, a Hub split's shards in order, or a stream read once (`--format reward-bench-2`).
 */
export async function openRewardBench2(input: DatasetInput, options: BenchmarkDatasetOptions): Promise<Dataset> {
  const source = await openRecords(input.shards ?? input.spec, { stdin: options.stdin, signal: options.signal });
  return {
    name: source.name,
    kind: 'reward-bench-2',
    path: source.path,
    files: source.files,
    get sha256() {
      return source.sha256;
    },
    ...(source.rereadable === false ? { rereadable: false } : {}),
    pairs: () => guarded(rewardBench2Pairs(source.records()), options, source.displayName),
  };
}

/** Records per subset in the whole dataset, before --limit and --shard, for run.json (none for a stream). */
export async function subsetRecordCounts(dataset: Dataset): Promise<Record<string, number> | undefined> {
  if (dataset.rereadable === false) return undefined;
  const counts = new Map<string, number>();
  for await (const pair of dataset.pairs() as AsyncIterable<Pair>) counts.set(pair.group!, (counts.get(pair.group!) ?? 0) + 1);
  return Object.fromEntries(counts);
}
