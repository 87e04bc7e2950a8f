import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkAccuracyGates, gateText, parseAccuracyGate } from './fail-under.js';

test('gates parse as fractions or percentages, and method specs may contain "="', () => {
  assert.deepEqual(parseAccuracyGate('endorm=0.7'), { method: 'endorm', minimum: 0.7 });
  assert.deepEqual(parseAccuracyGate('endorm=70'), { method: 'endorm', minimum: 0.7 });
  assert.deepEqual(parseAccuracyGate('loglik=55%'), { method: 'loglik', minimum: 0.55 });
  assert.deepEqual(parseAccuracyGate('endorm:alpha=0.5,gamma=0.9=0.6'), { method: 'endorm:alpha=0.5,gamma=0.9', minimum: 0.6 });
  assert.throws(() => parseAccuracyGate('endorm'), /expected METHOD\[@NUMBER\]=MINIMUM/);
  assert.throws(() => parseAccuracyGate('endorm=abc'), /expected METHOD\[@NUMBER\]=MINIMUM/);
  assert.throws(() => parseAccuracyGate('endorm@=0.5'), /expected METHOD\[@NUMBER\]=MINIMUM/);
});

test('a gate may name which of the method\'s numbers it checks after @, also after a spec with parameters', () => {
  assert.deepEqual(parseAccuracyGate('endorm@pooled=0.6'), { method: 'endorm', number: 'pooled', minimum: 0.6 });
  assert.deepEqual(parseAccuracyGate('endorm:alpha=0.5,gamma=0.9@easy=70%'), { method: 'endorm:alpha=0.5,gamma=0.9', number: 'easy', minimum: 0.7 });
  // An @ inside a parameter value is part of the spec, not a number's name.
  assert.deepEqual(parseAccuracyGate('judge-pairwise:prompt=a@b,x=1=0.5'), { method: 'judge-pairwise:prompt=a@b,x=1', minimum: 0.5 });
});

test('a gate passes at or above its minimum and fails below it or when the method is absent', () => {
  const results = checkAccuracyGates(
    [
      { method: 'endorm', minimum: 0.9 },
      { method: 'loglik', minimum: 0.9 },
      { method: 'judge-pairwise', minimum: 0.1 },
    ],
    { endorm: { accuracy: 0.9 }, loglik: { accuracy: 0.8999 } },
    (m) => ({ label: 'accuracy', value: m.accuracy }),
  );
  assert.deepEqual(results.map((r) => r.passed), [true, false, false]);
  assert.equal(results[2]!.value, null);
  assert.equal(gateText(results[0]!), '--fail-under endorm: accuracy 90.0% is at or above 90.0%: passed');
  assert.equal(gateText(results[1]!), '--fail-under loglik: accuracy 90.0% is below 90.0%: failed');
  assert.equal(gateText(results[2]!), '--fail-under judge-pairwise: the method is not in this run; failed');
});

test('a gate naming a number the method lacks fails and lists the names it has', () => {
  const [r] = checkAccuracyGates([{ method: 'endorm', number: 'mystery', minimum: 0.1 }], { endorm: {} }, () => ({ names: ['headline', 'pooled'] }));
  assert.equal(r!.passed, false);
  assert.equal(gateText(r!), '--fail-under endorm@mystery: no number named "mystery" (it has: headline, pooled); failed');
});
