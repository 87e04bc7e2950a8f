import type { HfDatasetSpec } from '../../datasets/hf-dataset-spec.js';

/**
 * The allenai/reward-bench commit whose RewardBench 2 scoring this folder ports: scripts/run_v2.py (per-subset
 * accuracy, Ties apart), rewardbench/utils.py's reroll_and_score_dataset (best-of-4 with ties) and
 * process_single_model (Ties). Change the scoring only with the upstream commit that changed it.
 */
export const UPSTREAM_COMMIT = '05a9005efb607249822c193590c8ecab87c77052';

/**
 * The six subsets, in the dataset card's order. The leaderboard's score is their unweighted mean: "The RewardBench 2
 * leaderboard averages over these six subsets" (allenai/reward-bench-2's dataset card; run_v2.py writes one number per
 * subset, results_grouped[subset], and nothing weighted).
 */
export const SUBSETS = ['Factuality', 'Precise IF', 'Math', 'Safety', 'Focus', 'Ties'] as const;

/** The subset scored by process_single_model instead of best-of-4 accuracy (run_v2.py: `subset.lower() == "ties"`). */
export const TIES = 'Ties';

export function isTies(subset: string): boolean {
  return subset.toLowerCase() === 'ties';
}

export function isKnownSubset(subset: string): boolean {
  return (SUBSETS as readonly string[]).includes(subset);
}

/** `--dataset reward-bench-2`. */
export const ALIAS = 'reward-bench-2';

/**
 * Where the benchmark lives: upstream reads `load_dataset("allenai/reward-bench-2", split="test")` (rewardbench/utils.py,
 * CORE_EVAL_SET_V2 and load_bon_dataset_v2); the dataset card declares the split as `data/test-*`.
 */
export const HUB_SPLIT: Readonly<HfDatasetSpec> = Object.freeze({ repo: 'allenai/reward-bench-2', split: 'test' });
