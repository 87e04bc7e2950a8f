import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bestOfNRecord, bestOfNStats, hasManyWay } from './best-of-n.js';
import type { Cell, RecordOutcome } from './cells.js';

/** A per-response method's record: its scores and the cells they make. */
function scored(key: string, chosen: number[], rejected: number[]): RecordOutcome {
  const cells: Cell[] = chosen.flatMap((c, i) => rejected.map((r, j) => ({ chosen: i, rejected: j, correct: c > r, tie: c === r })));
  return { key, cells, scores: { chosen, rejected } };
}

/** A pairwise judge's record: P(chosen i wins against rejected j) in each order. */
function judged(key: string, p: [number, number][][]): RecordOutcome {
  const cells: Cell[] = p.flatMap((row, i) => row.map((orders, j) => ({ chosen: i, rejected: j, correct: (orders[0] + orders[1]) / 2 > 0.5, tie: orders[0] + orders[1] === 1, orders })));
  return { key, cells };
}

describe('best-of-N accuracy', () => {
  it('wins a record when the best chosen response beats every rejected one, and splits a tie at the top', () => {
    assert.deepEqual(bestOfNRecord(scored('a', [1], [0, 0.5, -1])), { value: 1, tie: false });
    assert.deepEqual(bestOfNRecord(scored('b', [1], [0, 2, -1])), { value: 0, tie: false });
    assert.deepEqual(bestOfNRecord(scored('c', [1], [1, 0, 1])), { value: 1 / 3, tie: true }, 'tied with two rejected: 1/3');
    // Several chosen: the best counts; chosen responses tied with each other are no loss.
    assert.deepEqual(bestOfNRecord(scored('d', [0, 3, 3], [2, 1])), { value: 1, tie: false });
    assert.deepEqual(bestOfNRecord(scored('e', [0, 2], [2, 1])), { value: 1 / 2, tie: true });
    assert.deepEqual(bestOfNRecord(scored('f', [Number.NaN], [0])), { value: 0, tie: false }, 'a NaN never wins');
  });

  it('reads a pairwise judge order by order: a chosen response must win (or tie) against every rejected one', () => {
    // Chosen 0 beats both rejected with itself first (order 1); in order 2 it ties rejected 1 (P = 0.5): (1 + 1/2) / 2.
    assert.deepEqual(bestOfNRecord(judged('a', [[[0.9, 0.8], [0.7, 0.5]]])), { value: 0.75, tie: true });
    // Two chosen: chosen 1 wins order 1 outright, chosen 0 wins order 2: 1.
    assert.deepEqual(bestOfNRecord(judged('b', [[[0.4, 0.9], [0.2, 0.8]], [[0.9, 0.1], [0.8, 0.3]]])), { value: 1, tie: false });
    assert.deepEqual(bestOfNRecord(judged('c', [[[0.1, 0.9], [0.9, 0.1]]])), { value: 0, tie: false });
  });

  it('averages records and bounds the mean by a seeded bootstrap', () => {
    const records = [scored('a', [1], [0, 0.5]), scored('b', [1], [1, 0]), scored('c', [0], [1, 2]), scored('d', [5, 1], [4])];
    const stats = bestOfNStats(records);
    assert.equal(stats.accuracy, (1 + 1 / 2 + 0 + 1) / 4);
    assert.deepEqual([stats.records, stats.won, stats.ties], [4, 2.5, 1]);
    const [lo, hi] = stats.ci95!;
    assert.ok(lo < stats.accuracy! && stats.accuracy! < hi);
    assert.deepEqual(bestOfNStats(records).ci95, stats.ci95);
    assert.deepEqual(bestOfNStats([]), { accuracy: null, ci95: null, records: 0, won: 0, ties: 0 });
  });

  it('is only reported for records with more than one response on a side', () => {
    assert.equal(hasManyWay([scored('a', [1], [0]), scored('b', [2], [3])]), false);
    assert.equal(hasManyWay([scored('a', [1], [0]), scored('b', [2], [3, 1])]), true);
  });
});
