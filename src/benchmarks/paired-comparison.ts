import type { RecordOutcome } from './cells.js';
import { mcnemarExactPValue } from './mcnemar.js';

export interface PairedTest {
  /** The reference method's spec. */
  reference: string;
  /** Cells the reference got right and this method got wrong. */
  b: number;
  /** Cells this method got right and the reference got wrong. */
  c: number;
  /** Exact two-sided McNemar p-value on the b + c discordant cells. */
  pValue: number;
  /** Cells both methods judged (the test only looks at these). */
  comparisons: number;
}

/** Compares two methods cell by cell on the cells both judged (same record, same chosen and rejected index). */
export function pairedTest(
  reference: string,
  referenceOutcomes: readonly RecordOutcome[],
  otherOutcomes: readonly RecordOutcome[],
): PairedTest {
  const referenceCells = new Map<string, boolean>();
  for (const record of referenceOutcomes) {
    for (const cell of record.cells) referenceCells.set(cellKey(record.key, cell.chosen, cell.rejected), cell.correct);
  }
  let b = 0;
  let c = 0;
  let comparisons = 0;
  for (const record of otherOutcomes) {
    for (const cell of record.cells) {
      const referenceCorrect = referenceCells.get(cellKey(record.key, cell.chosen, cell.rejected));
      if (referenceCorrect === undefined) continue;
      comparisons++;
      if (referenceCorrect && !cell.correct) b++;
      else if (!referenceCorrect && cell.correct) c++;
    }
  }
  return { reference, b, c, pValue: mcnemarExactPValue(b, c), comparisons };
}

function cellKey(pair: string, chosen: number, rejected: number): string {
  return `${chosen}:${rejected}:${pair}`;
}
