import type { Pair } from '../datasets/pair.js';

/**
 * One line of `scores.jsonl`. A response line carries every per-response method's score; a comparison line (pairwise
 * judges) carries the score of one chosen-vs-rejected comparison, the probability that the chosen response wins.
 */
export interface ResponseScoreRecord {
  type: 'response';
  pair: string;
  id: string;
  group?: string;
  role: 'chosen' | 'rejected';
  /** Style index within the record (RM-Bench: 0 concise, 1 detailed, 2 markdown); 0 for a plain pair. */
  index: number;
  /** Scored tokens (the response span). */
  tokens: number;
  /** Response length in characters. */
  chars: number;
  truncated: boolean;
  /** Method spec string -> score. Higher is better for every method. */
  scores: Record<string, number>;
  /** Extra per-method read-outs that are not the score (e.g. the argmax rating of a pointwise judge). */
  extra?: Record<string, unknown>;
}

export interface ComparisonScoreRecord {
  type: 'comparison';
  pair: string;
  id: string;
  group?: string;
  /** Indices of the chosen and rejected responses compared. */
  chosen: number;
  rejected: number;
  truncated: boolean;
  /** Method spec -> probability (0..1) that the chosen response is better; > 0.5 counts as correct. */
  scores: Record<string, number>;
  extra?: Record<string, unknown>;
}

export type ScoreRecord = ResponseScoreRecord | ComparisonScoreRecord;

/** The fields every line takes from its record: `pair` (the record's key, unique across domains), `id` and `group`. */
export function recordFields(pair: Pick<Pair, 'key' | 'id' | 'group'>): { pair: string; id: string; group?: string } {
  return { pair: pair.key, id: pair.id, ...(pair.group !== undefined ? { group: pair.group } : {}) };
}
