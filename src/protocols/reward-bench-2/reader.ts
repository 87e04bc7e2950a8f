import type { Dataset } from '../../datasets/open-dataset.js';
import type { BenchmarkDatasetOptions, DatasetInput } from '../protocol.js';
import { openRecordDataset } from '../record-dataset.js';
import { rewardBench2Pairs } from './records.js';

/**
 * A RewardBench 2 dataset: a file of any container endorm reads (Parquet as the Hub keeps it, JSONL, JSON), a folder
 * of such files, a Hub split's shards in order, or a stream read once (`--format reward-bench-2`).
 */
export function openRewardBench2(input: DatasetInput, options: BenchmarkDatasetOptions): Promise<Dataset> {
  return openRecordDataset('reward-bench-2', input, options, rewardBench2Pairs);
}
