import type { PairScores } from './record-store.js';
import type { RecordOutcome } from './cells.js';

/**
 * How a pairwise judge asked in both orders treats position, over the cells that have both orders (MT-Bench's
 * "Judging LLM-as-a-judge" measures). Each order picks a position: A when P(the response shown first wins) > 0.5,
 * B when < 0.5, none at exactly 0.5. Fractions are 0..1.
 */
export interface PositionStats {
  /** Cells judged in both orders. */
  cells: number;
  /** Share of cells where both orders pick the same response. */
  consistency: number | null;
  /** Share of cells where both orders pick position A (the judge follows the first position, not the content). */
  firstPositionBias: number | null;
  /** Share of cells where both orders pick position B. */
  secondPositionBias: number | null;
  /** Share of all judgements (two per cell) that pick position A; 0.5 when position plays no role. */
  firstPositionRate: number | null;
}

/** Position consistency and bias of one method's outcomes; null when no cell carries both orders. */
export function positionStats(records: readonly RecordOutcome[]): PositionStats | null {
  let cells = 0;
  let consistent = 0;
  let firstBoth = 0;
  let secondBoth = 0;
  let firstPicks = 0;
  for (const record of records) {
    for (const cell of record.cells) {
      if (!cell.orders) continue;
      cells++;
      const [chosenAsA, chosenAsB] = cell.orders;
      // Position picked in each order: chosen shown as A, then chosen shown as B (so A wins when chosenAsB < 0.5).
      const first = chosenAsA > 0.5 ? 'A' : chosenAsA < 0.5 ? 'B' : null;
      const second = chosenAsB < 0.5 ? 'A' : chosenAsB > 0.5 ? 'B' : null;
      if (first === 'A') firstPicks++;
      if (second === 'A') firstPicks++;
      if (first !== null && second !== null && first !== second) consistent++;
      if (first === 'A' && second === 'A') firstBoth++;
      if (first === 'B' && second === 'B') secondBoth++;
    }
  }
  if (cells === 0) return null;
  return {
    cells,
    consistency: consistent / cells,
    firstPositionBias: firstBoth / cells,
    secondPositionBias: secondBoth / cells,
    firstPositionRate: firstPicks / (2 * cells),
  };
}

/**
 * Score lines of one method whose judge prompt had to be cut to --max-length (its `extra[method].truncated`): the
 * judges record this per method, since a response line carries every method's scores.
 */
export function truncatedJudgeLines(pairs: Iterable<PairScores>, method: string): number {
  let n = 0;
  for (const pair of pairs) {
    for (const line of [...pair.chosen.values(), ...pair.rejected.values(), ...pair.comparisons.values()]) {
      const extra = line.extra?.[method];
      if (extra && typeof extra === 'object' && (extra as { truncated?: unknown }).truncated === true) n++;
    }
  }
  return n;
}
