import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pair } from '../datasets/pair.js';
import { allocate } from '../util/seeded-order.js';
import { pickKeys, selectPairs } from './select-pairs.js';

function pairs(groups: Record<string, number>): Pair[] {
  return Object.entries(groups).flatMap(([group, n]) =>
    Array.from({ length: n }, (_, i) => ({ key: `${group}/${i}`, id: String(i), group, prompt: 'p', chosen: ['c'], rejected: ['r'] }) as Pair),
  );
}

async function* stream<T>(items: readonly T[]): AsyncIterable<T> {
  yield* items;
}

async function keys(source: AsyncIterable<Pair>): Promise<string[]> {
  const out: string[] = [];
  for await (const pair of source) out.push(pair.key);
  return out;
}

test('largest remainder: proportional shares that add up, never more than a group has', () => {
  // 40 of 129 + 228 + 441: quotas 6.47, 11.43, 22.11; the one left over goes to the largest remainder.
  assert.deepEqual(allocate(40, [129, 228, 441]), [7, 11, 22]);
  assert.deepEqual(allocate(3, [1, 1, 1, 1]), [1, 1, 1, 0], 'ties go to the group listed first');
  assert.deepEqual(allocate(10, [2, 30]), [1, 9]);
  assert.deepEqual(allocate(50, [2, 30]), [2, 30]);
  assert.deepEqual(allocate(0, [5, 5]), [0, 0]);
});

test('a pick depends on the seed and the keys, not on the order the records come in', async () => {
  const data = pairs({ chat: 30, code: 50, safety: 20 });
  const section = (p: Pair) => p.group;
  const forward = await pickKeys(stream(data), 10, 1, section);
  const backward = await pickKeys(stream([...data].reverse()), 10, 1, section);
  assert.deepEqual([...backward].sort(), [...forward].sort());
  assert.deepEqual(
    ['chat', 'code', 'safety'].map((g) => [...forward].filter((k) => k.startsWith(`${g}/`)).length),
    [3, 5, 2],
  );
  assert.notDeepEqual([...(await pickKeys(stream(data), 10, 2, section))].sort(), [...forward].sort());
});

test('--limit spreads over sections when the protocol has them, else takes the first N; --sample draws uniformly', async () => {
  const data = pairs({ chat: 30, code: 50, safety: 20 });
  const read = () => stream(data);
  assert.deepEqual(await keys(selectPairs(read, { limit: 3 })), ['chat/0', 'chat/1', 'chat/2']);
  const spread = await keys(selectPairs(read, { limit: 10, seed: 4, sectionOf: (p) => p.group }));
  assert.equal(spread.length, 10);
  assert.deepEqual(new Set(spread.map((k) => k.split('/')[0])), new Set(['chat', 'code', 'safety']));
  assert.deepEqual(spread, data.map((p) => p.key).filter((k) => spread.includes(k)), 'in dataset order');
  const sample = await keys(selectPairs(read, { sample: 25, seed: 4, sectionOf: (p) => p.group }));
  assert.equal(sample.length, 25);
  assert.deepEqual(sample, await keys(selectPairs(read, { sample: 25, seed: 4 })), 'a sample ignores sections');
  // A shard of a sample is that sample's share: the shards of one selection add up to it.
  const shards = await Promise.all([1, 2, 3].map((index) => keys(selectPairs(read, { sample: 25, seed: 4, shard: { index, count: 3 } }))));
  assert.deepEqual(shards.flat().sort(), [...sample].sort());
});

test('a stream, read once, cannot be sampled', () => {
  assert.throws(() => selectPairs(() => stream([]), { sample: 5, rereadable: false }), /--sample 5 reads the dataset twice.*save the stream to a file/);
  assert.throws(() => selectPairs(() => stream([]), { limit: 5, sectionOf: () => 'x', rereadable: false }), /--limit 5 \(a sample spread/);
  assert.doesNotThrow(() => selectPairs(() => stream([]), { limit: 5, rereadable: false }));
});
