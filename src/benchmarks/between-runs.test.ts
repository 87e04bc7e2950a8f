import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RecordOutcome } from './cells.js';
import { pairedRunTest } from './between-runs.js';

const record = (key: string, ...correct: boolean[]): RecordOutcome => ({
  key,
  cells: correct.map((c, i) => ({ chosen: 0, rejected: i, correct: c, tie: false })),
});

test('two runs are compared on the cells both judged: b, c, accuracies and McNemar p there only', () => {
  const a = [record('r1', true, true), record('r2', true, false), record('r3', false, false), record('only-a', true, true)];
  const b = [record('r1', true, false), record('r2', false, true), record('r3', true, true), record('only-b', false, false)];
  const t = pairedRunTest('endorm', { baseline: 0, run: 1 }, a, b);
  assert.equal(t.records, 3);
  assert.equal(t.comparisons, 6);
  // baseline right on r1 (2), r2 (1) = 3 of 6; run right on r1 (1), r2 (1), r3 (2) = 4 of 6.
  assert.equal(t.baselineAccuracy, 3 / 6);
  assert.equal(t.runAccuracy, 4 / 6);
  // b: baseline right, run wrong: r1[1], r2[0] = 2; c: r2[1], r3[0], r3[1] = 3.
  assert.equal(t.b, 2);
  assert.equal(t.c, 3);
  // Exact two-sided binomial: 2 * P(X <= 2 | n = 5) = 2 * 16/32 = 1 (capped).
  assert.ok(Math.abs(t.pValue - 1) < 1e-12);
});

test('runs with no record in common have no accuracy and p = 1', () => {
  const t = pairedRunTest('loglik', { baseline: 0, run: 2 }, [record('a', true)], [record('b', false)]);
  assert.deepEqual([t.records, t.comparisons, t.baselineAccuracy, t.runAccuracy, t.pValue, t.run], [0, 0, null, null, 1, 2]);
});

test('a lopsided disagreement is significant: 12 cells the run fixes, none it breaks', () => {
  const a = Array.from({ length: 12 }, (_, i) => record(`r${i}`, false));
  const b = Array.from({ length: 12 }, (_, i) => record(`r${i}`, true));
  const t = pairedRunTest('endorm', { baseline: 0, run: 1 }, a, b);
  assert.equal(t.c, 12);
  assert.ok(Math.abs(t.pValue - 2 / 4096) < 1e-15);
});
