import type { HfDatasetSpec } from '../../datasets/hf-dataset-spec.js';

/** `--dataset reward-bench`. */
export const REWARD_BENCH_ALIAS = 'reward-bench';

/**
 * Where the benchmark lives: upstream evaluates `load_dataset("allenai/reward-bench", split="filtered")`
 * (rewardbench/utils.py, CORE_EVAL_SET, commit a0096928eb1d54edd3f6361374708cc68e738b79). Its dataset card declares
 * the split as `data/filtered-*` (2985 rows of prompt, chosen, chosen_model, rejected, rejected_model, subset, id), the
 * Parquet shard names `push_to_hub` writes, which resolveHfDataset finds by the Hub's file-name convention.
 */
export const REWARD_BENCH_HUB: Readonly<HfDatasetSpec> = Object.freeze({ repo: 'allenai/reward-bench', split: 'filtered' });
