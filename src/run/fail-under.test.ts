import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkAccuracyGates, parseAccuracyGate } from './fail-under.js';

test('gates parse as fractions or percentages, and method specs may contain "="', () => {
  assert.deepEqual(parseAccuracyGate('endorm=0.7'), { method: 'endorm', minimum: 0.7 });
  assert.deepEqual(parseAccuracyGate('endorm=70'), { method: 'endorm', minimum: 0.7 });
  assert.deepEqual(parseAccuracyGate('loglik=55%'), { method: 'loglik', minimum: 0.55 });
  assert.deepEqual(parseAccuracyGate('endorm:alpha=0.5,gamma=0.9=0.6'), { method: 'endorm:alpha=0.5,gamma=0.9', minimum: 0.6 });
  assert.throws(() => parseAccuracyGate('endorm'), /expected METHOD=ACCURACY/);
  assert.throws(() => parseAccuracyGate('endorm=abc'), /expected METHOD=ACCURACY/);
});

test('a gate passes at or above its minimum and fails below it or when the method is absent', () => {
  const results = checkAccuracyGates(
    [
      { method: 'endorm', minimum: 0.9 },
      { method: 'loglik', minimum: 0.9 },
      { method: 'judge-pairwise', minimum: 0.1 },
    ],
    { endorm: { accuracy: 0.9 }, loglik: { accuracy: 0.8999 } },
  );
  assert.deepEqual(results.map((r) => r.passed), [true, false, false]);
  assert.equal(results[2].accuracy, null);
});
