import type { Pair } from '../datasets/pair.js';
import { shardPairs, type ShardSpec } from './shard.js';

/** A run's records: the first `limit` of the dataset, then the shard's share of those (--limit applies before --shard). */
export function selectPairs(pairs: AsyncIterable<Pair>, o: { limit?: number; shard?: ShardSpec }): AsyncIterable<Pair> {
  return shardPairs(limitPairs(pairs, o.limit), o.shard);
}

async function* limitPairs(pairs: AsyncIterable<Pair>, limit?: number): AsyncIterable<Pair> {
  if (limit === undefined) return yield* pairs;
  if (limit <= 0) return;
  let n = 0;
  for await (const pair of pairs) {
    yield pair;
    if (++n >= limit) return;
  }
}
