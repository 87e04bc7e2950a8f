import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mcnemarExactPValue } from './mcnemar.js';

function close(actual: number, expected: number): void {
  assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.max(1, expected), `${actual} != ${expected}`);
}

test('exact McNemar p-values match hand-computed binomial tails', () => {
  close(mcnemarExactPValue(1, 9), 0.021484375); // 2 * (1 + 10) / 1024
  close(mcnemarExactPValue(9, 1), 0.021484375);
  close(mcnemarExactPValue(0, 5), 0.0625); // 2 / 32
  close(mcnemarExactPValue(2, 8), 0.109375); // 2 * 56 / 1024
  close(mcnemarExactPValue(5, 15), (2 * 21700) / 1048576); // 1+20+190+1140+4845+15504
  close(mcnemarExactPValue(0, 1), 1);
});

test('no discordant cells or a balanced split gives p = 1', () => {
  assert.equal(mcnemarExactPValue(0, 0), 1);
  assert.equal(mcnemarExactPValue(4, 4), 1);
  assert.equal(mcnemarExactPValue(5000, 5000), 1);
});

test('large counts do not underflow', () => {
  const p = mcnemarExactPValue(5000, 5200);
  // Normal approximation: z = 200 / sqrt(10200) = 1.98, two-sided p about 0.048.
  assert.ok(p > 0.04 && p < 0.06, String(p));
  assert.ok(mcnemarExactPValue(100, 3000) < 1e-100);
});

test('bad counts throw', () => {
  assert.throws(() => mcnemarExactPValue(-1, 2), RangeError);
  assert.throws(() => mcnemarExactPValue(1.5, 2), RangeError);
});
