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

/**
 * How many records `pairs` yields, read through once before scoring so that progress has a total and an ETA; undefined
 * when the read fails (a bad record: scoring meets it again where it lies, after the records before it are kept).
 */
export async function countPairs(pairs: AsyncIterable<Pair>, signal?: AbortSignal): Promise<number | undefined> {
  let n = 0;
  try {
    for await (const _ of pairs) {
      n++;
      if (signal?.aborted) break;
    }
  } catch {
    return undefined;
  }
  if (signal?.aborted) throw signal.reason ?? new Error('aborted');
  return n;
}
