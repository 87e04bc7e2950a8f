import { comparisonKey, type MethodKind, type PairScores } from './record-store.js';

/** One chosen-vs-rejected comparison of a record, as a method judged it. */
export interface Cell {
  chosen: number;
  rejected: number;
  correct: boolean;
  /** A tie is never correct: a method that cannot separate the two responses has not preferred the chosen one. */
  tie: boolean;
  /**
   * A pairwise judge asked in both orders: P(chosen wins) with the chosen response shown first (position A), then
   * shown second. Each order is a judgement of its own (see cellJudgements); `correct` and `tie` are then the
   * verdict of their mean, the line's score, which only the paired test uses.
   */
  orders?: [number, number];
}

/** Judgements a cell stands for: one, or one per order of a pairwise judge (right when > 0.5, a tie at exactly 0.5). */
export function cellJudgements(cell: Cell): { total: number; correct: number; ties: number } {
  if (!cell.orders) return { total: 1, correct: cell.correct ? 1 : 0, ties: cell.tie ? 1 : 0 };
  let correct = 0;
  let ties = 0;
  for (const p of cell.orders) {
    if (p > 0.5) correct++;
    else if (p === 0.5) ties++;
  }
  return { total: cell.orders.length, correct, ties };
}

/** Judgements of a record: its cells' together. */
export function recordJudgements(record: RecordOutcome): { total: number; correct: number; ties: number } {
  const sum = { total: 0, correct: 0, ties: 0 };
  for (const cell of record.cells) {
    const j = cellJudgements(cell);
    sum.total += j.total;
    sum.correct += j.correct;
    sum.ties += j.ties;
  }
  return sum;
}

/** The cells one method produced for one record. */
export interface RecordOutcome {
  key: string;
  group?: string;
  cells: Cell[];
  /**
   * A per-response method's scores, by index: what a protocol that ranks all of a record's responses at once reads
   * (best-of-N, margins between a record's responses). Absent for a pairwise judge, which scores comparisons, not responses.
   */
  scores?: { chosen: number[]; rejected: number[] };
}

/**
 * What a score line holding a non-finite score (written as null: the model returned NaN/Inf) makes of its record:
 * 'incomplete' (the default) leaves the record out and counts it as incomplete; 'keep' keeps it with NaN there, for a
 * protocol whose upstream scoring counts such a record (a NaN never wins a comparison). A line that lacks the method
 * altogether is always incomplete.
 */
export type NonFiniteScores = 'incomplete' | 'keep';

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
export function methodCells(pair: PairScores, method: string, kind: MethodKind, expected?: Shape, nonFinite: NonFiniteScores = 'incomplete'): Cell[] | null {
  return recordCells(pair, method, kind, expected, nonFinite)?.cells ?? null;
}

function recordCells(
  pair: PairScores,
  method: string,
  kind: MethodKind,
  expected: Shape | undefined,
  nonFinite: NonFiniteScores,
): { cells: Cell[]; scores?: RecordOutcome['scores'] } | null {
  const shape = pairShape(pair, expected);
  if (!shape) return null;
  if (kind === 'response') {
    const chosen = scoresOf(pair.chosen, method, shape.chosen, nonFinite);
    const rejected = chosen && scoresOf(pair.rejected, method, shape.rejected, nonFinite);
    if (!chosen || !rejected) return null;
    const cells: Cell[] = [];
    for (let i = 0; i < shape.chosen; i++) {
      for (let j = 0; j < shape.rejected; j++) {
        cells.push({ chosen: i, rejected: j, correct: chosen[i]! > rejected[j]!, tie: chosen[i] === rejected[j] });
      }
    }
    return { cells, scores: { chosen, rejected } };
  }
  const cells: Cell[] = [];
  for (let i = 0; i < shape.chosen; i++) {
    for (let j = 0; j < shape.rejected; j++) {
      const line = pair.comparisons.get(comparisonKey(i, j));
      const p = line?.scores[method];
      if (!isScore(p)) return null;
      const cell: Cell = { chosen: i, rejected: j, correct: p > 0.5, tie: p === 0.5 };
      const orders = ordersOf(line!.extra?.[method]);
      if (orders) cell.orders = orders;
      cells.push(cell);
    }
  }
  return { cells };
}

/** Every complete record's outcome for one method, in store order. */
export function methodOutcomes(
  pairs: Iterable<PairScores>,
  method: string,
  kind: MethodKind,
  expected?: Shape,
  nonFinite: NonFiniteScores = 'incomplete',
): RecordOutcome[] {
  const outcomes: RecordOutcome[] = [];
  for (const pair of pairs) {
    const found = recordCells(pair, method, kind, expected, nonFinite);
    if (!found) continue;
    const outcome: RecordOutcome = { key: pair.key, cells: found.cells };
    if (pair.group !== undefined) outcome.group = pair.group;
    if (found.scores) outcome.scores = found.scores;
    outcomes.push(outcome);
  }
  return outcomes;
}

function scoresOf(lines: PairScores['chosen'], method: string, count: number, nonFinite: NonFiniteScores): number[] | null {
  const scores: number[] = [];
  for (let index = 0; index < count; index++) {
    const line = lines.get(index);
    const score = line?.scores[method];
    if (isScore(score)) scores.push(score);
    else if (nonFinite === 'keep' && line && method in line.scores && (score === null || typeof score === 'number')) scores.push(Number.NaN);
    else return null;
  }
  return scores;
}

/** A pairwise judge's per-order probabilities from a comparison line's `extra[method]` (`chosenAsA`, `chosenAsB`). */
function ordersOf(extra: unknown): [number, number] | undefined {
  if (!extra || typeof extra !== 'object') return undefined;
  const { chosenAsA, chosenAsB } = extra as { chosenAsA?: unknown; chosenAsB?: unknown };
  return isScore(chosenAsA) && isScore(chosenAsB) ? [chosenAsA, chosenAsB] : undefined;
}

function isScore(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
