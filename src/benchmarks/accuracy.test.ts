import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accuracyStats, groupAccuracy } from './accuracy.js';
import type { RecordOutcome } from './cells.js';

function record(key: string, group: string | undefined, outcomes: ('right' | 'wrong' | 'tie')[]): RecordOutcome {
  return {
    key,
    ...(group !== undefined ? { group } : {}),
    cells: outcomes.map((o, i) => ({ chosen: i, rejected: 0, correct: o === 'right', tie: o === 'tie' })),
  };
}

const records = [
  record('a', 'chat', ['right']),
  record('b', 'chat', ['wrong']),
  record('c', 'math', ['tie', 'right', 'right']),
];

test('accuracy is the mean over all cells of all records', () => {
  const stats = accuracyStats(records);
  assert.equal(stats.accuracy, 3 / 5);
  assert.equal(stats.pairs, 3);
  assert.equal(stats.comparisons, 5);
  assert.equal(stats.correct, 3);
  assert.equal(stats.ties, 1);
  assert.ok(stats.ci95![0] <= 0.6 && stats.ci95![1] >= 0.6);
  assert.deepEqual(accuracyStats(records).ci95, stats.ci95);
});

test('no records: null accuracy and interval', () => {
  assert.deepEqual(accuracyStats([]), { accuracy: null, ci95: null, pairs: 0, comparisons: 0, correct: 0, ties: 0 });
});

test('per-group accuracy, groups sorted, ungrouped records left out', () => {
  const groups = groupAccuracy([record('d', 'zeta', ['right']), ...records, record('e', undefined, ['wrong'])]);
  assert.deepEqual(Object.keys(groups), ['chat', 'math', 'zeta']);
  assert.equal(groups['chat']!.accuracy, 0.5);
  assert.equal(groups['math']!.accuracy, 2 / 3);
  assert.equal(groups['math']!.ties, 1);
  assert.deepEqual(groupAccuracy([record('e', undefined, ['wrong'])]), {});
});
