import type { RecordOutcome } from './cells.js';
import { pairedTest } from './paired-comparison.js';

/** One method of one run against the same method of a baseline run, on the comparisons both runs judged. */
export interface RunPairedTest {
  /** The method, in canonical spelling (see methods/canonical-spec.ts). */
  method: string;
  /** Index of the baseline run and of the run compared with it, in the order the runs were given. */
  baseline: number;
  run: number;
  /** Records both runs have complete scores for, and their chosen-vs-rejected cells. */
  records: number;
  comparisons: number;
  /** Accuracy of each run on those cells alone (a tie is wrong), null when there are none. */
  baselineAccuracy: number | null;
  runAccuracy: number | null;
  /** Cells the baseline got right and the run wrong (b), and the reverse (c). */
  b: number;
  c: number;
  /** Exact two-sided McNemar p-value on the b + c discordant cells. */
  pValue: number;
  /**
   * The protocol's headline (RM-Bench: its average) of each run on the records both scored, when it is a number of its
   * own; the test's cells are then the headline's (records it does not count are left out).
   */
  headline?: { title: string; baseline: number | null; run: number | null };
}

/**
 * A paired test of two runs of one method: cells are matched by record key and chosen/rejected index, so records only
 * one run scored (another --limit, a shard, a skipped record) are left out rather than compared with nothing.
 */
export function pairedRunTest(
  method: string,
  runs: { baseline: number; run: number },
  baselineOutcomes: readonly RecordOutcome[],
  runOutcomes: readonly RecordOutcome[],
): RunPairedTest {
  const test = pairedTest(method, baselineOutcomes, runOutcomes);
  const theirs = new Map(baselineOutcomes.map((r) => [r.key, r]));
  let records = 0;
  let baselineCorrect = 0;
  let runCorrect = 0;
  for (const record of runOutcomes) {
    const other = theirs.get(record.key);
    if (!other) continue;
    const cells = new Map(other.cells.map((cell) => [`${cell.chosen}:${cell.rejected}`, cell.correct]));
    let shared = false;
    for (const cell of record.cells) {
      const right = cells.get(`${cell.chosen}:${cell.rejected}`);
      if (right === undefined) continue;
      shared = true;
      if (right) baselineCorrect++;
      if (cell.correct) runCorrect++;
    }
    if (shared) records++;
  }
  const n = test.comparisons;
  return {
    method,
    baseline: runs.baseline,
    run: runs.run,
    records,
    comparisons: n,
    baselineAccuracy: n > 0 ? baselineCorrect / n : null,
    runAccuracy: n > 0 ? runCorrect / n : null,
    b: test.b,
    c: test.c,
    pValue: test.pValue,
  };
}
