import type { Dataset } from '../../datasets/open-dataset.js';
import type { BenchmarkDatasetOptions, DatasetInput } from '../protocol.js';
import { openRecordDataset } from '../record-dataset.js';
import { rewardBenchPairs } from './records.js';

/**
 * A RewardBench dataset: a file of any container endorm reads (Parquet as the Hub keeps it, JSONL, JSON, CSV, TSV), a
 * Hub split's shards in order, or a stream, which is read once (`--format reward-bench` on stdin).
 */
export function openRewardBench(input: DatasetInput, options: BenchmarkDatasetOptions): Promise<Dataset> {
  return openRecordDataset('reward-bench', input, options, rewardBenchPairs);
}
