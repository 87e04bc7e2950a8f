import type { Pair } from '../datasets/pair.js';
import type { PositionRequest, PositionResult } from '../engine/scoring-session.js';
import type { ScoreRecord } from '../run-store/score-record.js';

/** One sequence for the model, and what to do with what it returns. */
export interface WorkItem {
  request: PositionRequest;
  /** Responses that share a prompt share this key (for prefix caching). */
  prefixKey?: string;
  accept(result: PositionResult): void;
}

/**
 * What a method family contributes to one line of scores.jsonl: the line's slot (responseSlot(role, index) or
 * comparisonSlot(chosen, rejected), as resuming counts lines), the sequences it needs, and the record built from their
 * results. The scorer writes a line as soon as every part of its slot is back, so a crash loses only the batch in flight.
 */
export interface TaskPart {
  slot: string;
  items: WorkItem[];
  /** Called once every item has its result. */
  finish(): ScoreRecord;
}

/** A method family's work for one pair: one part per line it writes. */
export interface PairTask {
  parts: TaskPart[];
  /** Responses or prompts that had to be cut to --max-length. */
  truncated: number;
}

/** Turns a pair into tasks; one per method family (per-response rewards, each judge). */
export type TaskBuilder = (pair: Pair) => PairTask;
