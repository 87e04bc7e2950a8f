import assert from 'node:assert/strict';
import { test } from 'node:test';
import { comparisonLine, responseLines, singleMethodLines } from '../testing/fixture-lines.js';
import { methodCells, methodOutcomes, pairShape } from './cells.js';
import { ScoreRecordStore } from './record-store.js';

function storeOf(...lines: Parameters<ScoreRecordStore['add']>[0][]): ScoreRecordStore {
  const store = new ScoreRecordStore();
  for (const line of lines) store.add(line);
  return store;
}

test('per-response records give an n x m matrix, strictly greater is correct, equal is a tie', () => {
  const store = storeOf(...singleMethodLines('m', 'p', undefined, [2, 1], [1, 0, 2]));
  const pair = [...store.pairs()][0]!;
  assert.deepEqual(pairShape(pair), { chosen: 2, rejected: 3 });
  const cells = methodCells(pair, 'm', 'response')!;
  assert.deepEqual(
    cells.map((c) => [c.chosen, c.rejected, c.correct, c.tie]),
    [
      [0, 0, true, false],
      [0, 1, true, false],
      [0, 2, false, true],
      [1, 0, false, true],
      [1, 1, true, false],
      [1, 2, false, false],
    ],
  );
});

test('a record missing a score of the method is not counted for that method only', () => {
  const store = storeOf(
    ...responseLines('p', undefined, [{ a: 1, b: 2 }], [{ a: 0 }]),
    ...responseLines('q', undefined, [{ a: 1, b: 2 }], [{ a: 0, b: 1 }]),
  );
  assert.equal(methodOutcomes(store.pairs(), 'a', 'response').length, 2);
  assert.deepEqual(methodOutcomes(store.pairs(), 'b', 'response').map((o) => o.key), ['q']);
});

test('an expected shape rejects a record cut short', () => {
  const store = storeOf(...singleMethodLines('m', 'p', 'chat', [1, 1], [0, 0, 0]));
  const pair = [...store.pairs()][0]!;
  assert.equal(methodCells(pair, 'm', 'response', { chosen: 3, rejected: 3 }), null);
  assert.equal(methodCells(pair, 'm', 'response')!.length, 6);
});

test('comparison records: > 0.5 is correct, 0.5 is a tie, all cells must be present', () => {
  const store = storeOf(
    comparisonLine('p', 0, 0, { judge: 0.8 }),
    comparisonLine('p', 0, 1, { judge: 0.5 }),
    comparisonLine('q', 0, 0, { judge: 0.3 }),
  );
  const [p, q] = [...store.pairs()];
  assert.deepEqual(
    methodCells(p!, 'judge', 'comparison')!.map((c) => [c.correct, c.tie]),
    [
      [true, false],
      [false, true],
    ],
  );
  assert.deepEqual(methodCells(q!, 'judge', 'comparison')!.map((c) => c.correct), [false]);
  assert.equal(methodCells(q!, 'judge', 'comparison', { chosen: 1, rejected: 2 }), null);
});

test('comparison records use the shape the response lines give', () => {
  const store = storeOf(...singleMethodLines('m', 'p', undefined, [1], [0, 0]), comparisonLine('p', 0, 0, { judge: 0.9 }));
  assert.equal(methodCells([...store.pairs()][0]!, 'judge', 'comparison'), null);
});

test("a non-finite score (written as null) leaves its record out, unless the protocol keeps it as NaN; a missing one always does", () => {
  const store = storeOf(
    ...responseLines('p', undefined, [{ a: 1 }], [{ a: null as unknown as number }, { a: 0 }]),
    ...responseLines('q', undefined, [{ a: 1 }], [{}, { a: 0 }]),
    ...responseLines('r', undefined, [{ a: 3 }], [{ a: 2 }, { a: 3 }]),
  );
  assert.deepEqual(methodOutcomes(store.pairs(), 'a', 'response').map((o) => o.key), ['r']);
  const kept = methodOutcomes(store.pairs(), 'a', 'response', undefined, 'keep');
  assert.deepEqual(kept.map((o) => o.key), ['p', 'r'], 'q lacks the method on a line: incomplete either way');
  assert.deepEqual(kept[0]!.scores, { chosen: [1], rejected: [Number.NaN, 0] });
  assert.deepEqual(kept[0]!.cells.map((c) => [c.correct, c.tie]), [[false, false], [true, false]], 'NaN never wins nor ties');
  assert.deepEqual(kept[1]!.scores, { chosen: [3], rejected: [2, 3] });
});
