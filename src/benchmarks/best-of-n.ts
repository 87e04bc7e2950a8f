import { bootstrapRatioCi, type BootstrapOptions } from './bootstrap.js';
import type { RecordOutcome } from './cells.js';

/**
 * Best-of-N accuracy: a record (one or more chosen responses against one or more rejected) is won when its best chosen
 * response beats every rejected one, the question a reranker answers when it picks one of N candidates. A tie at the
 * top is counted as best-of-4 benchmarks count it, as a random pick among the tied: a chosen response tied with k - 1
 * rejected ones for the highest score wins 1/k of the record. Other chosen responses tied with it are no
 * loss, since picking any of them is right.
 */
export interface BestOfNStats {
  /** Mean record value, 0..1; null without a record. */
  accuracy: number | null;
  /** Percentile bootstrap over records. */
  ci95: [number, number] | null;
  records: number;
  /** Sum of record values (a record tied k-way at the top adds 1/k). */
  won: number;
  /** Records whose best chosen response tied a rejected one (in any order, for a pairwise judge). */
  ties: number;
}

/**
 * One record's value, 0..1, and whether the top was tied. A per-response method is read from its scores; a pairwise
 * judge from its cells, each order on its own (chosen i wins order o when P(chosen wins) > 0.5 against every rejected
 * response, a P of exactly 0.5 being a tie), the record's value the mean over the orders judged.
 */
export function bestOfNRecord(record: RecordOutcome): { value: number; tie: boolean } {
  if (record.scores) {
    const { chosen, rejected } = record.scores;
    return bestOf(chosen.map((c) => rejected.map((r) => Math.sign(c - r))));
  }
  const chosenCount = Math.max(...record.cells.map((c) => c.chosen)) + 1;
  const rejectedCount = Math.max(...record.cells.map((c) => c.rejected)) + 1;
  const orders = record.cells[0]?.orders ? 2 : 1;
  let value = 0;
  let tie = false;
  for (let o = 0; o < orders; o++) {
    const signs = Array.from({ length: chosenCount }, () => new Array<number>(rejectedCount).fill(Number.NaN));
    for (const cell of record.cells) {
      const p = cell.orders ? cell.orders[o]! : cell.correct ? 1 : cell.tie ? 0.5 : 0;
      signs[cell.chosen]![cell.rejected] = Math.sign(p - 0.5);
    }
    const one = bestOf(signs);
    value += one.value / orders;
    tie ||= one.tie;
  }
  return { value, tie };
}

/** signs[i][j]: +1 chosen i beats rejected j, 0 a tie, -1 (or NaN: no comparison) a loss. */
function bestOf(signs: readonly (readonly number[])[]): { value: number; tie: boolean } {
  let best = 0;
  let tie = false;
  for (const row of signs) {
    if (row.some((s) => !(s >= 0))) continue;
    const tied = row.filter((s) => s === 0).length;
    if (tied > 0) tie = true;
    best = Math.max(best, 1 / (1 + tied));
  }
  return { value: best, tie: tie && best < 1 };
}

export function bestOfNStats(records: readonly RecordOutcome[], bootstrap: BootstrapOptions = {}): BestOfNStats {
  let won = 0;
  let ties = 0;
  const units = records.map((record) => {
    const { value, tie } = bestOfNRecord(record);
    won += value;
    if (tie) ties++;
    return { correct: value, total: 1 };
  });
  return {
    accuracy: records.length > 0 ? won / records.length : null,
    ci95: records.length > 0 ? bootstrapRatioCi(units, { ...bootstrap, level: 0.95 }) : null,
    records: records.length,
    won,
    ties,
  };
}

/** Whether any record has more than one response on a side: only then is best-of-N accuracy more than pair accuracy. */
export function hasManyWay(records: readonly RecordOutcome[]): boolean {
  return records.some((r) => r.cells.some((c) => c.chosen > 0 || c.rejected > 0));
}
