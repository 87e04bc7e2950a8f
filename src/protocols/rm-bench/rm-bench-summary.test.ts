import assert from 'node:assert/strict';
import { test } from 'node:test';
import { methodOutcomes } from '../../benchmarks/cells.js';
import { ScoreRecordStore } from '../../benchmarks/record-store.js';
import { summarizeMethods } from '../../benchmarks/summarize-methods.js';
import { responseLines, singleMethodLines } from '../../testing/fixture-lines.js';
import { rmBenchDomainOf } from './rm-bench-domains.js';
import { rmBenchProtocol } from './rm-bench-protocol.js';
import { difficultySplit, rmBenchOf, rmBenchSummary } from './rm-bench-summary.js';

const M = 'endorm';
const SHAPE = { chosen: 3, rejected: 3 };

/*
 * Record A (safety-refuse): chosen [3, 1, 2], rejected [2, 2, 0]
 *   chosen 0 (3): beats 2, 2, 0         -> 1 1 1
 *   chosen 1 (1): loses to 2, 2; beats 0 -> 0 0 1
 *   chosen 2 (2): ties 2, ties 2; beats 0 -> 0 0 1   (two ties)
 * Record B (safety-response): chosen [0, 5, 4], rejected [1, 4, 3]
 *   chosen 0 (0): loses to all           -> 0 0 0
 *   chosen 1 (5): beats all              -> 1 1 1
 *   chosen 2 (4): beats 1, ties 4, beats 3 -> 1 0 1  (one tie)
 * Pooled into 'safety' (2 records), A = sum / 2:
 *   [0.5 0.5 0.5]
 *   [0.5 0.5 1.0]
 *   [0.5 0.0 1.0]
 * hard = mean(A01, A02, A12) = (0.5 + 0.5 + 1) / 3 = 2/3
 * normal = mean(A00, A11, A22) = (0.5 + 0.5 + 1) / 3 = 2/3
 * easy = mean(A10, A20, A21) = (0.5 + 0.5 + 0) / 3 = 1/3
 * average = 5/9, which is also the plain cell accuracy 10/18.
 */
function safetyFixture(): ScoreRecordStore {
  const store = new ScoreRecordStore();
  for (const line of singleMethodLines(M, 'safety-refuse/1', 'safety-refuse', [3, 1, 2], [2, 2, 0])) store.add(line);
  for (const line of singleMethodLines(M, 'safety-response/1', 'safety-response', [0, 5, 4], [1, 4, 3])) store.add(line);
  return store;
}

function close(actual: number | null | undefined, expected: number, what: string): void {
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) < 1e-12, `${what}: ${actual} != ${expected}`);
}

test('hand-made 2-record fixture: every cell, easy/normal/hard, pooling, missing domains', () => {
  const records = methodOutcomes(safetyFixture().pairs(), M, 'response', SHAPE);
  const ties = records.flatMap((r) => r.cells).filter((c) => c.tie).length;
  assert.equal(ties, 3);

  const summary = rmBenchSummary(records);
  const safety = summary.domains.safety!;
  assert.equal(safety.records, 2);
  const expected = [
    [0.5, 0.5, 0.5],
    [0.5, 0.5, 1.0],
    [0.5, 0.0, 1.0],
  ];
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) close(safety.matrix[i]![j], expected[i]![j]!, `A${i}${j}`);
  }
  close(safety.hard, 2 / 3, 'hard');
  close(safety.normal, 2 / 3, 'normal');
  close(safety.easy, 1 / 3, 'easy');
  close(safety.average, 5 / 9, 'average');

  assert.deepEqual(Object.keys(summary.domains), ['safety']);
  assert.deepEqual(summary.missingDomains, ['chat', 'math', 'code']);
  close(summary.easy, 1 / 3, 'overall easy');
  close(summary.normal, 2 / 3, 'overall normal');
  close(summary.hard, 2 / 3, 'overall hard');
  close(summary.average, 5 / 9, 'overall average');
  close(summary.averageByDomain, 5 / 9, 'average by domain');
  assert.equal(summary.unassignedRecords, 0);
});

test('overall easy/normal/hard average the present domains; pooled weighs by records', () => {
  const store = safetyFixture();
  // chat: one record, every chosen beats every rejected -> all ones.
  for (const line of singleMethodLines(M, 'chat/1', 'chat', [1, 1, 1], [0, 0, 0])) store.add(line);
  // math: only two chosen responses scored (cut short), so math has no complete record and is missing.
  for (const line of singleMethodLines(M, 'math/1', 'math', [1, 1], [0, 0, 0])) store.add(line);
  const summary = rmBenchSummary(methodOutcomes(store.pairs(), M, 'response', SHAPE));

  assert.deepEqual(Object.keys(summary.domains), ['chat', 'safety']);
  assert.deepEqual(summary.missingDomains, ['math', 'code']);
  close(summary.domains.chat!.average, 1, 'chat');
  close(summary.easy, (1 + 1 / 3) / 2, 'easy');
  close(summary.normal, (1 + 2 / 3) / 2, 'normal');
  close(summary.hard, (1 + 2 / 3) / 2, 'hard');
  close(summary.average, 7 / 9, 'average');
  close(summary.averageByDomain, (1 + 5 / 9) / 2, 'averageByDomain');
  // Pooled over 3 records: (A + B + all-ones) / 3 -> hard 7/9, normal 7/9, easy 5/9.
  close(summary.pooled!.hard, 7 / 9, 'pooled hard');
  close(summary.pooled!.normal, 7 / 9, 'pooled normal');
  close(summary.pooled!.easy, 5 / 9, 'pooled easy');
});

/*
 * chat: one record, right on all nine cells (score 1). code: one record right on all nine, one wrong on all nine
 * (score 0.5). RM-Bench average = (1 + 0.5) / 2 = 0.75. Records are resampled within their domain: chat's one record
 * always comes back; code's two come back as {right, right}, {right, wrong} or {wrong, wrong} (1/4, 1/2, 1/4), so
 * the average is 1, 0.75 or 0.5, and its 95% interval [0.5, 1]; code's own interval is [0, 1], chat's [1, 1].
 */
test('hand-checked: the RM-Bench average CI resamples records within each domain', () => {
  const store = new ScoreRecordStore();
  for (const line of singleMethodLines(M, 'chat/1', 'chat', [1, 1, 1], [0, 0, 0])) store.add(line);
  for (const line of singleMethodLines(M, 'code/1', 'code', [1, 1, 1], [0, 0, 0])) store.add(line);
  for (const line of singleMethodLines(M, 'code/2', 'code', [0, 0, 0], [1, 1, 1])) store.add(line);
  const summary = rmBenchSummary(methodOutcomes(store.pairs(), M, 'response', SHAPE));
  close(summary.average, 0.75, 'average');
  assert.deepEqual(summary.ci95, { average: [0.5, 1], easy: [0.5, 1], normal: [0.5, 1], hard: [0.5, 1] });
  assert.deepEqual(summary.domains.chat!.ci95, [1, 1]);
  assert.deepEqual(summary.domains.code!.ci95, [0, 1]);
  // The run's bootstrap settings reach it: a single resample gives one value, the interval shrinks to it.
  const one = rmBenchSummary(methodOutcomes(store.pairs(), M, 'response', SHAPE), { bootstrap: { resamples: 1, seed: 3 } });
  assert.equal(one.ci95!.average[0], one.ci95!.average[1]);
});

test('no domain at all: nulls, every domain listed missing', () => {
  const summary = rmBenchSummary([]);
  assert.equal(summary.average, null);
  assert.equal(summary.ci95, null);
  assert.equal(summary.pooled, null);
  assert.deepEqual(summary.missingDomains, ['chat', 'math', 'code', 'safety']);
});

test('group to domain mapping', () => {
  assert.equal(rmBenchDomainOf('safety-refuse'), 'safety');
  assert.equal(rmBenchDomainOf('safety-response'), 'safety');
  assert.equal(rmBenchDomainOf('Chat'), 'chat');
  assert.equal(rmBenchDomainOf('code'), 'code');
  assert.equal(rmBenchDomainOf('reasoning'), undefined);
  assert.equal(rmBenchDomainOf(undefined), undefined);
});

test('difficulty split of an arbitrary matrix', () => {
  const split = difficultySplit([
    [0.1, 0.2, 0.3],
    [0.4, 0.5, 0.6],
    [0.7, 0.8, 0.9],
  ]);
  close(split.hard, (0.2 + 0.3 + 0.6) / 3, 'hard');
  close(split.normal, (0.1 + 0.5 + 0.9) / 3, 'normal');
  close(split.easy, (0.4 + 0.7 + 0.8) / 3, 'easy');
});

test('RM-Bench runs get the rmBench block and a 3x3 shape', () => {
  const store = new ScoreRecordStore();
  const scores = (values: number[]) => values.map((endorm) => ({ endorm }));
  for (const line of responseLines('chat/1', 'chat', scores([2, 2, 2]), scores([1, 1, 1]))) store.add(line);
  for (const line of responseLines('code/1', 'code', scores([2, 2]), scores([1, 1]))) store.add(line);
  const endorm = summarizeMethods(store, { protocol: rmBenchProtocol })['endorm']!;
  assert.equal(endorm.pairs, 1);
  assert.equal(endorm.incomplete, 1);
  assert.equal(endorm.comparisons, 9);
  assert.deepEqual(rmBenchOf(endorm)!.missingDomains, ['math', 'code', 'safety']);
  assert.equal(rmBenchOf(endorm)!.average, 1);
});
