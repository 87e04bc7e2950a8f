import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RecordOutcome } from './cells.js';
import { pairedTest } from './paired-comparison.js';

function outcomes(pattern: string): RecordOutcome[] {
  // One 1+1 record per character: '1' right, '0' wrong.
  return [...pattern].map((ch, i) => ({
    key: `p${i}`,
    cells: [{ chosen: 0, rejected: 0, correct: ch === '1', tie: false }],
  }));
}

test('b counts reference-right/other-wrong, c the reverse, on shared cells only', () => {
  const reference = outcomes('1100000000011');
  const other = outcomes('0111111111111');
  const result = pairedTest('endorm', reference, other);
  assert.equal(result.b, 1);
  assert.equal(result.c, 9);
  assert.equal(result.comparisons, 13);
  assert.ok(Math.abs(result.pValue - 0.021484375) < 1e-12);
  assert.equal(result.reference, 'endorm');
  const partial = pairedTest('endorm', reference.slice(0, 2), other);
  assert.deepEqual([partial.b, partial.c, partial.comparisons], [1, 0, 2]);
});
