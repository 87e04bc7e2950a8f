import assert from 'node:assert/strict';
import { test } from 'node:test';
import { comparisonLine, singleMethodLines } from '../testing/fixture-lines.js';
import { ScoreRecordStore } from './record-store.js';

test('a repeated (pair, role, index) or (pair, chosen, rejected) keeps the last line', () => {
  const store = new ScoreRecordStore();
  for (const line of singleMethodLines('m', 'p1', 'chat', [1], [2])) store.add(line);
  for (const line of singleMethodLines('m', 'p1', 'chat', [3], [2])) store.add(line);
  store.add(comparisonLine('p1', 0, 0, { judge: 0.2 }));
  store.add(comparisonLine('p1', 0, 0, { judge: 0.9 }));
  assert.equal(store.size, 1);
  assert.equal(store.duplicates, 3);
  const pair = [...store.pairs()][0]!;
  assert.equal(pair.chosen.get(0)!.scores['m'], 3);
  assert.equal(pair.comparisons.get('0:0')!.scores['judge'], 0.9);
  assert.equal(pair.group, 'chat');
});

test('method kinds and counts', () => {
  const store = new ScoreRecordStore();
  for (const line of singleMethodLines('endorm', 'p1', undefined, [1, 2], [0])) store.add(line);
  store.add({ ...singleMethodLines('endorm', 'p2', undefined, [1], [0])[0]!, truncated: true, tokens: 5 });
  store.add(comparisonLine('p1', 0, 0, { judge: 0.7 }));
  assert.deepEqual([...store.methodKinds()], [
    ['endorm', 'response'],
    ['judge', 'comparison'],
  ]);
  assert.deepEqual(store.counts(), { pairs: 2, responses: 4, comparisons: 1, truncated: 1, tokens: 35 });
});
