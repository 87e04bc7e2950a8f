import assert from 'node:assert/strict';
import { test } from 'node:test';
import { styleMatrix } from '../protocols/rm-bench/rm-bench-summary.js';
import { comparisonLine, singleMethodLines } from '../testing/fixture-lines.js';
import { accuracyStats } from './accuracy.js';
import { cellJudgements, methodCells, type RecordOutcome } from './cells.js';
import { positionStats } from './judge-stats.js';
import { ScoreRecordStore } from './record-store.js';
import { summarizeMethods } from './summarize-methods.js';

/** A pairwise judge's comparison line with both orders' P(chosen wins). */
function judged(pair: string, chosen: number, rejected: number, chosenAsA: number, chosenAsB: number, truncated = false) {
  const line = comparisonLine(pair, chosen, rejected, { judge: (chosenAsA + chosenAsB) / 2 });
  line.extra = { judge: { chosenAsA, chosenAsB, labelMass: 0.5, ...(truncated ? { truncated: true } : {}) } };
  return line;
}

test('a comparison line with both orders gives a cell of two judgements; > 0.5 right, exactly 0.5 a tie', () => {
  const store = new ScoreRecordStore();
  store.add(judged('p', 0, 0, 0.9, 0.2));
  const [cell] = methodCells([...store.pairs()][0]!, 'judge', 'comparison')!;
  assert.deepEqual(cell!.orders, [0.9, 0.2]);
  assert.deepEqual(cellJudgements(cell!), { total: 2, correct: 1, ties: 0 });
  assert.equal(cell!.correct, true, 'the paired test keeps the verdict of the mean, 0.55');
  assert.deepEqual(cellJudgements({ chosen: 0, rejected: 0, correct: false, tie: false, orders: [0.5, 0.7] }), { total: 2, correct: 1, ties: 1 });
  // A line without per-order probabilities stays one judgement.
  assert.deepEqual(cellJudgements({ chosen: 0, rejected: 0, correct: true, tie: false }), { total: 1, correct: 1, ties: 0 });
});

test('accuracy counts each order; the bootstrap resamples records', () => {
  const records: RecordOutcome[] = [
    { key: 'a', cells: [{ chosen: 0, rejected: 0, correct: true, tie: false, orders: [0.9, 0.8] }] },
    { key: 'b', cells: [{ chosen: 0, rejected: 0, correct: false, tie: true, orders: [0.9, 0.1] }] },
    { key: 'c', cells: [{ chosen: 0, rejected: 0, correct: false, tie: false, orders: [0.5, 0.2] }] },
  ];
  const stats = accuracyStats(records);
  assert.equal(stats.comparisons, 6);
  assert.equal(stats.correct, 3);
  assert.equal(stats.ties, 1);
  assert.equal(stats.accuracy, 0.5);
  assert.equal(stats.pairs, 3);
});

test('position consistency and first/second-position bias (MT-Bench definitions)', () => {
  const cell = (a: number, b: number) => ({ chosen: 0, rejected: 0, correct: false, tie: false, orders: [a, b] as [number, number] });
  const stats = positionStats([
    { key: 'consistent-right', cells: [cell(0.9, 0.8)] },
    { key: 'consistent-wrong', cells: [cell(0.1, 0.3)] },
    { key: 'always-A', cells: [cell(0.9, 0.1)] },
    { key: 'always-B', cells: [cell(0.2, 0.7)] },
    { key: 'tie-in-one-order', cells: [cell(0.5, 0.9)] },
    { key: 'single-order', cells: [{ chosen: 0, rejected: 0, correct: true, tie: false }] },
  ]);
  assert.deepEqual(stats, { cells: 5, consistency: 2 / 5, firstPositionBias: 1 / 5, secondPositionBias: 1 / 5, firstPositionRate: 4 / 10 });
  assert.equal(positionStats([{ key: 'x', cells: [{ chosen: 0, rejected: 0, correct: true, tie: false }] }]), null);
});

test('RM-Bench matrices hold the share of judgements for a two-order judge', () => {
  const cells = [0, 1, 2].flatMap((i) => [0, 1, 2].map((j) => ({ chosen: i, rejected: j, correct: false, tie: false, orders: [0.9, i === j ? 0.1 : 0.9] as [number, number] })));
  const { matrix } = styleMatrix([{ key: 'r', cells }]);
  assert.deepEqual(matrix, [
    [0.5, 1, 1],
    [1, 0.5, 1],
    [1, 1, 0.5],
  ]);
});

test('summary: a pairwise judge gets position statistics and its truncated prompt count; others do not', () => {
  const store = new ScoreRecordStore();
  for (let k = 0; k < 4; k++) {
    for (const line of singleMethodLines('endorm', `p${k}`, undefined, [1], [0])) store.add(line);
    store.add(judged(`p${k}`, 0, 0, 0.9, 0.1, k === 0));
  }
  const methods = summarizeMethods(store, { methods: ['endorm', 'judge'] });
  assert.equal(methods.judge!.accuracy, 0.5);
  assert.equal(methods.judge!.position!.consistency, 0);
  assert.equal(methods.judge!.position!.firstPositionBias, 1);
  assert.equal(methods.judge!.truncatedPrompts, 1);
  assert.equal(methods.endorm!.position, undefined);
  assert.equal(methods.endorm!.truncatedPrompts, undefined);
});
