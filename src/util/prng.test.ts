import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mulberry32 } from './prng.js';

test('mulberry32 is deterministic for a seed and stays in [0, 1)', () => {
  const a = mulberry32(0);
  const b = mulberry32(0);
  const first = Array.from({ length: 1000 }, () => a());
  assert.deepEqual(first, Array.from({ length: 1000 }, () => b()));
  for (const value of first) assert.ok(value >= 0 && value < 1);
  const other = mulberry32(1);
  assert.notDeepEqual(first.slice(0, 5), Array.from({ length: 5 }, () => other()));
});

test('mulberry32 is roughly uniform', () => {
  const random = mulberry32(42);
  let sum = 0;
  for (let i = 0; i < 100_000; i++) sum += random();
  assert.ok(Math.abs(sum / 100_000 - 0.5) < 0.01);
});
