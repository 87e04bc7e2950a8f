import { describe, expectObject, labelValue, parsePrompt, requiredString, sourceOf } from '../../datasets/field-mapping.js';
import { InputError, recordError, type RecordLocation } from '../../datasets/input-error.js';
import type { Pair } from '../../datasets/pair.js';
import { recordsToPairs } from '../../datasets/records-to-pairs.js';
import type { RawRecord, RecordItem } from '../../datasets/raw-record.js';
import { isTies } from './constants.js';

/**
 * RewardBench 2's record (allenai/reward-bench-2, split "test"): `{id, prompt, chosen: [...], rejected: [...],
 * num_correct, num_incorrect, total_completions, models, subset}`. Upstream scores `chosen + rejected` in that order and
 * takes the first `num_correct` as the correct ones (load_bon_dataset_v2, process_single_model), so here the chosen
 * list is the correct answers and `num_correct` must be its length.
 */
const FIELDS = ['id', 'prompt', 'chosen', 'rejected', 'num_correct', 'subset'] as const;

/** A record with RewardBench 2's fields: lists of chosen and rejected responses and a count of correct ones. */
export function isRewardBench2Record(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return FIELDS.every((field) => field in record) && Array.isArray(record['chosen']) && Array.isArray(record['rejected']) && typeof record['subset'] === 'string';
}

/** Ties ids are `ref:N` (the prompt with one correct answer) or `tied:N` (its twin with several), N the prompt number. */
const TIES_ID = /^(ref|tied):(\d+)$/;

export function tiesIdParts(id: string): { kind: 'ref' | 'tied'; prompt: number } | undefined {
  const match = TIES_ID.exec(id);
  return match ? { kind: match[1] as 'ref' | 'tied', prompt: Number(match[2]) } : undefined;
}

/** One record as a Pair grouped by its subset. Throws InputError naming the file, row and field. */
export function rewardBench2RecordToPair(raw: RawRecord): Pair {
  const { location } = raw;
  const record = expectObject(raw);
  const subset = labelValue(record['subset'], 'subset', location);
  const id = requiredId(record['id'], location);
  const prompt = parsePrompt(record['prompt'], 'prompt', location);
  const chosen = responses(record['chosen'], 'chosen', location);
  const rejected = responses(record['rejected'], 'rejected', location);
  count(record['num_correct'], 'num_correct', chosen.length, 'chosen', location, true);
  // The card names it num_incorrect; an earlier draft num_rejected. Either is checked when present.
  count(record['num_incorrect'], 'num_incorrect', rejected.length, 'rejected', location);
  count(record['num_rejected'], 'num_rejected', rejected.length, 'rejected', location);
  count(record['total_completions'], 'total_completions', chosen.length + rejected.length, 'chosen and rejected', location);
  if (isTies(subset) && !tiesIdParts(id)) {
    throw recordError(location, `a Ties id must be "ref:N" or "tied:N" (upstream pairs the two by N), found ${JSON.stringify(id)}`, 'id');
  }
  return { key: id, id, group: subset, prompt, chosen, rejected, source: sourceOf(location) };
}

function requiredId(value: unknown, location: RecordLocation): string {
  if (value === undefined || value === null) throw recordError(location, 'missing', 'id');
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '') return value;
  throw recordError(location, `expected a non-empty string or a number, found ${describe(value)}`, 'id');
}

function responses(value: unknown, field: string, location: RecordLocation): string[] {
  if (!Array.isArray(value)) throw recordError(location, `expected a list of responses, found ${describe(value)}`, field);
  if (value.length === 0) throw recordError(location, 'expected at least one response, found an empty list', field);
  return value.map((item, i) => requiredString(item, `${field}[${i}]`, location));
}

function count(value: unknown, field: string, expected: number, what: string, location: RecordLocation, required = false): void {
  if (value === undefined || value === null) {
    if (required) throw recordError(location, 'missing', field);
    return;
  }
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw recordError(location, `expected a whole number, found ${describe(value)}`, field);
  if (n !== expected) throw recordError(location, `is ${n}, but the record has ${expected} ${what} response${expected === 1 ? '' : 's'}`, field);
}

/** Pairs from RewardBench 2 records, in order; bad and duplicate records come through as InputErrors. */
export function rewardBench2Pairs(records: AsyncIterable<RecordItem>): AsyncGenerator<Pair | InputError> {
  return recordsToPairs(records, rewardBench2RecordToPair);
}
