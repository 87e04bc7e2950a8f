import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bootstrapRatioCi, quantile } from './bootstrap.js';

const units = Array.from({ length: 200 }, (_, i) => ({ correct: i % 3 === 0 ? 0 : 1, total: 1 }));

test('bootstrap interval is deterministic for a seed', () => {
  const a = bootstrapRatioCi(units, { seed: 0 });
  const b = bootstrapRatioCi(units, { seed: 0 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, bootstrapRatioCi(units, { seed: 7 }));
});

test('bootstrap interval brackets the point estimate and is sensible in width', () => {
  const [low, high] = bootstrapRatioCi(units)!;
  const point = units.filter((u) => u.correct).length / units.length;
  assert.ok(low < point && point < high, `${low} < ${point} < ${high}`);
  // The normal approximation gives about +-0.065 for p = 2/3, n = 200.
  assert.ok(high - low > 0.09 && high - low < 0.17, `width ${high - low}`);
});

test('bootstrap pools cells of resampled records (ratio of sums)', () => {
  assert.deepEqual(bootstrapRatioCi([{ correct: 9, total: 9 }, { correct: 9, total: 9 }]), [1, 1]);
  assert.deepEqual(bootstrapRatioCi([{ correct: 0, total: 9 }]), [0, 0]);
});

test('bootstrap of nothing is null', () => {
  assert.equal(bootstrapRatioCi([]), null);
});

test('quantile interpolates linearly', () => {
  assert.equal(quantile([0, 10], 0.25), 2.5);
  assert.equal(quantile([1, 2, 3, 4, 5], 0.5), 3);
  assert.equal(quantile([1, 2, 3, 4, 5], 1), 5);
});
