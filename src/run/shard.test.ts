import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pair } from '../datasets/pair.js';
import { parseShard, shardOfKey, shardPairs } from './shard.js';

test('parseShard takes K/N with K from 1 to N and refuses the rest with a message', () => {
  assert.deepEqual(parseShard('2/3'), { index: 2, count: 3 });
  assert.deepEqual(parseShard(' 1 / 1 '), { index: 1, count: 1 });
  for (const bad of ['0/3', '4/3', '1/0', '1', 'a/b', '-1/3', '1.5/3']) assert.throws(() => parseShard(bad), RangeError, bad);
  assert.throws(() => parseShard('0/3'), /between 1 and N/);
});

test('a record goes to the shard its key hashes to: pinned values, since changing them would reshuffle existing shard runs', () => {
  assert.deepEqual(['story-000', 'chat/17', 'a'].map((k) => shardOfKey(k, 3)), [2, 2, 3]);
  assert.equal(shardOfKey('chat/17', 1000), 567);
  assert.equal(shardOfKey('anything', 1), 1);
});

test('shards are balanced and partition the records whatever their order', async () => {
  const keys = Array.from({ length: 4000 }, (_, i) => `story-${i}`);
  const counts = [0, 0, 0, 0];
  for (const k of keys) counts[shardOfKey(k, 4) - 1]!++;
  for (const c of counts) assert.ok(c > 900 && c < 1100, `shard sizes ${counts}`);

  const pairs = keys.slice(0, 50).map((key) => ({ key }) as Pair);
  async function* stream(list: Pair[]) {
    yield* list;
  }
  const seen: string[] = [];
  for (let index = 1; index <= 3; index++) {
    const forward: string[] = [];
    for await (const p of shardPairs(stream(pairs), { index, count: 3 })) forward.push(p.key);
    const backward: string[] = [];
    for await (const p of shardPairs(stream([...pairs].reverse()), { index, count: 3 })) backward.push(p.key);
    assert.deepEqual(backward, [...forward].reverse());
    seen.push(...forward);
  }
  assert.deepEqual(seen.sort(), pairs.map((p) => p.key).sort());
});
