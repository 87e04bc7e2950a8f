import { createHash } from 'node:crypto';
import type { Pair } from '../datasets/pair.js';

/** `--shard K/N`: shard `index` (1-based, 1..count) of `count`. */
export interface ShardSpec {
  index: number;
  count: number;
}

/** Parses `K/N` (1 ≤ K ≤ N); throws a RangeError with a message fit for the user. */
export function parseShard(text: string): ShardSpec {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) throw new RangeError(`expected K/N, e.g. 1/4 (shard K of N, K from 1 to N), got "${text}"`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || index < 1 || index > count) {
    throw new RangeError(`shard ${index}/${count}: K must be between 1 and N (shards are numbered 1..N)`);
  }
  return { index, count };
}

export function formatShard(shard: ShardSpec): string {
  return `${shard.index}/${shard.count}`;
}

/**
 * The shard (1..count) a record belongs to, from a hash of its key alone: not from its position, so every reader
 * and every machine puts a record in the same shard, and all responses of a record stay together. Changing this
 * function would reshuffle shards of runs already made: the test pins its values.
 */
export function shardOfKey(key: string, count: number): number {
  const digest = createHash('sha256').update(key, 'utf8').digest();
  return (digest.readUInt32BE(0) % count) + 1;
}

/** The pairs of one shard, in the order they come; all pairs without a shard. */
export async function* shardPairs(pairs: AsyncIterable<Pair>, shard?: ShardSpec): AsyncIterable<Pair> {
  if (!shard) return yield* pairs;
  for await (const pair of pairs) if (shardOfKey(pair.key, shard.count) === shard.index) yield pair;
}
