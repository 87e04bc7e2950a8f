import { comparisonKey, type MethodKind, type PairScores } from './record-store.js';

/** One chosen-vs-rejected comparison of a record, as a method judged it. */
export interface Cell {
  chosen: number;
  rejected: number;
  correct: boolean;
  /** A tie is never correct: a method that cannot separate the two responses has not preferred the chosen one. */
  tie: boolean;
}

/** The cells one method produced for one record. */
export interface RecordOutcome {
  key: string;
  group?: string;
  cells: Cell[];
}

export interface Shape {
  chosen: number;
  rejected: number;
}

/**
 * How many chosen and rejected responses a record has. With `expected` (RM-Bench is always 3x3) that is the answer;
 * otherwise it is read off the highest index seen, so that a record whose lines were cut short by a crash is
 * incomplete rather than silently smaller.
 */
export function pairShape(pair: PairScores, expected?: Shape): Shape | null {
  if (expected) return expected;
  let chosen = 0;
  let rejected = 0;
  for (const index of pair.chosen.keys()) chosen = Math.max(chosen, index + 1);
  for (const index of pair.rejected.keys()) rejected = Math.max(rejected, index + 1);
  for (const line of pair.comparisons.values()) {
    chosen = Math.max(chosen, line.chosen + 1);
    rejected = Math.max(rejected, line.rejected + 1);
  }
  return chosen > 0 && rejected > 0 ? { chosen, rejected } : null;
}

/** The record's cells for one method, row-major (chosen i, then rejected j), or null if a needed score is missing. */
export function methodCells(pair: PairScores, method: string, kind: MethodKind, expected?: Shape): Cell[] | null {
  const shape = pairShape(pair, expected);
  if (!shape) return null;
  if (kind === 'response') {
    const chosen = scoresOf(pair.chosen, method, shape.chosen);
    const rejected = chosen && scoresOf(pair.rejected, method, shape.rejected);
    if (!chosen || !rejected) return null;
    const cells: Cell[] = [];
    for (let i = 0; i < shape.chosen; i++) {
      for (let j = 0; j < shape.rejected; j++) {
        cells.push({ chosen: i, rejected: j, correct: chosen[i]! > rejected[j]!, tie: chosen[i] === rejected[j] });
      }
    }
    return cells;
  }
  const cells: Cell[] = [];
  for (let i = 0; i < shape.chosen; i++) {
    for (let j = 0; j < shape.rejected; j++) {
      const p = pair.comparisons.get(comparisonKey(i, j))?.scores[method];
      if (!isScore(p)) return null;
      cells.push({ chosen: i, rejected: j, correct: p > 0.5, tie: p === 0.5 });
    }
  }
  return cells;
}

/** Every complete record's outcome for one method, in store order. */
export function methodOutcomes(
  pairs: Iterable<PairScores>,
  method: string,
  kind: MethodKind,
  expected?: Shape,
): RecordOutcome[] {
  const outcomes: RecordOutcome[] = [];
  for (const pair of pairs) {
    const cells = methodCells(pair, method, kind, expected);
    if (!cells) continue;
    const outcome: RecordOutcome = { key: pair.key, cells };
    if (pair.group !== undefined) outcome.group = pair.group;
    outcomes.push(outcome);
  }
  return outcomes;
}

function scoresOf(lines: PairScores['chosen'], method: string, count: number): number[] | null {
  const scores: number[] = [];
  for (let index = 0; index < count; index++) {
    const score = lines.get(index)?.scores[method];
    if (!isScore(score)) return null;
    scores.push(score);
  }
  return scores;
}

function isScore(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
