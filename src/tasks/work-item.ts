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

/** A method family's work for one pair: sequences to run, then records built from their results. */
export interface PairTask {
  items: WorkItem[];
  /** Called once every item has its result. */
  finish(): ScoreRecord[];
  /** Responses or prompts that had to be cut to --max-length. */
  truncated: number;
}

/** Turns a pair into tasks; one per method family (per-response rewards, each judge). */
export type TaskBuilder = (pair: Pair) => PairTask;
