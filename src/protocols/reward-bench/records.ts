import { expectObject, labelValue, parsePrompt, recordId, requiredString, sourceOf } from '../../datasets/field-mapping.js';
import { InputError, recordError } from '../../datasets/input-error.js';
import type { Pair } from '../../datasets/pair.js';
import { recordsToPairs } from '../../datasets/records-to-pairs.js';
import type { RawRecord, RecordItem } from '../../datasets/raw-record.js';
import { isRewardBenchSubset } from './constants.js';

/**
 * RewardBench's record (allenai/reward-bench, split "filtered"): `{prompt, chosen, rejected, subset, id}` with one
 * response on each side. Upstream makes the prompt the single user turn (rewardbench/utils.py, load_eval_dataset).
 */
export const REWARD_BENCH_FIELDS = ['prompt', 'chosen', 'rejected', 'subset'] as const;

/**
 * A record with RewardBench's four fields whose subset is one of its 23 (other pair datasets have a `subset` column
 * too). Only the subset's value is looked at: rewardBenchRecordToPair checks the rest.
 */
export function isRewardBenchRecord(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const subset = (value as Record<string, unknown>)['subset'];
  return REWARD_BENCH_FIELDS.every((field) => field in value) && typeof subset === 'string' && isRewardBenchSubset(subset);
}

/**
 * One record as a Pair grouped by its subset. Throws InputError naming the file, row and field. Unknown subset names
 * are accepted here: the summary reports them apart instead of losing them.
 */
export function rewardBenchRecordToPair(raw: RawRecord): Pair {
  const { location } = raw;
  const record = expectObject(raw);
  const subset = labelValue(record['subset'], 'subset', location);
  // Upstream ids are unique over the split; without one, a record could not be matched with the official results.
  if (record['id'] === undefined || record['id'] === null) throw recordError(location, 'missing', 'id');
  const id = recordId(record, 'id', location);
  const prompt = parsePrompt(record['prompt'], 'prompt', location);
  const chosen = requiredString(record['chosen'], 'chosen', location);
  const rejected = requiredString(record['rejected'], 'rejected', location);
  return { key: id, id, group: subset, prompt, chosen: [chosen], rejected: [rejected], source: sourceOf(location) };
}

/** Pairs from RewardBench records, in order; bad and duplicate records come through as InputErrors. */
export function rewardBenchPairs(records: AsyncIterable<RecordItem>): AsyncGenerator<Pair | InputError> {
  return recordsToPairs(records, rewardBenchRecordToPair);
}
