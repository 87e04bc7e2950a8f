import { createHash } from 'node:crypto';
import type { Pair } from '../datasets/pair.js';
import { SettingsError } from './settings-error.js';
import { shardPairs, type ShardSpec } from './shard.js';

/** Which of a dataset's records a run scores. */
export interface SelectionOptions {
  /** --limit N: N records; spread across the sections when `sectionOf` is given, else the first N. */
  limit?: number;
  /** --sample N: N records drawn uniformly (without replacement). */
  sample?: number;
  /** Seeds --sample and a spread --limit (default 0). */
  seed?: number;
  shard?: ShardSpec;
  /** The section (a benchmark's domain) a record counts toward; given, --limit takes a stratified sample. */
  sectionOf?: (pair: Pair) => string | undefined;
  /** False for a stream, which can be read only once. */
  rereadable?: boolean;
}

/**
 * A run's records, in dataset order: the selection (--sample, or --limit) of the whole dataset, then the shard's share
 * of those, so that every shard and every resume selects the same records. A sample is two reads: the records' keys
 * and sections first, to pick from, then the records picked; a stream cannot be read twice and is refused.
 */
export function selectPairs(read: () => AsyncIterable<Pair>, o: SelectionOptions): AsyncIterable<Pair> {
  const size = o.sample ?? (o.sectionOf ? o.limit : undefined);
  if (size !== undefined && o.rereadable === false) {
    throw new SettingsError(
      `${o.sample !== undefined ? `--sample ${o.sample}` : `--limit ${o.limit} (a sample spread across the dataset's domains)`} reads the dataset ` +
        'twice, which a stream (stdin, a pipe or a FIFO) cannot give; save the stream to a file and score the file',
    );
  }
  const sectionOf = o.sample !== undefined ? () => undefined : o.sectionOf;
  const picked = size === undefined ? undefined : pickKeys(read(), size, o.seed ?? 0, sectionOf!);
  return shardPairs(picked ? keepPicked(read, picked) : limitPairs(read(), o.limit), o.shard);
}

async function* keepPicked(read: () => AsyncIterable<Pair>, picked: Promise<ReadonlySet<string>>): AsyncIterable<Pair> {
  const keys = await picked;
  for await (const pair of read()) if (keys.has(pair.key)) yield pair;
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
 * The keys of `count` records: each section gets its share of `count` in proportion to its records (largest
 * remainder), and within a section the records of lowest rank are taken, a record's rank being a hash of the seed and
 * its key. Hashing the key rather than drawing in reading order makes the pick independent of the file's order and
 * of which machine reads it, and a uniform draw without replacement for any seed.
 */
export async function pickKeys(pairs: AsyncIterable<Pair>, count: number, seed: number, sectionOf: (pair: Pair) => string | undefined): Promise<Set<string>> {
  const sections = new Map<string, { key: string; rank: string }[]>();
  for await (const pair of pairs) {
    const section = sectionOf(pair) ?? '';
    let list = sections.get(section);
    if (!list) sections.set(section, (list = []));
    list.push({ key: pair.key, rank: sampleRank(seed, pair.key) });
  }
  const sizes = [...sections.values()].map((list) => list.length);
  const shares = allocate(count, sizes);
  const picked = new Set<string>();
  [...sections.values()].forEach((list, i) => {
    list.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : a.key < b.key ? -1 : 1));
    for (const { key } of list.slice(0, shares[i])) picked.add(key);
  });
  return picked;
}

/** A record's place in the seeded order: changing it would change which records every seeded run took. */
export function sampleRank(seed: number, key: string): string {
  return createHash('sha256').update(`${seed}\u0000${key}`, 'utf8').digest('hex');
}

/**
 * `count` split over groups of the given sizes in proportion to them (Hamilton's largest remainder method), never more
 * than a group has; remainders tie toward the group listed first. All of every group when `count` covers them all.
 */
export function allocate(count: number, sizes: readonly number[]): number[] {
  const total = sizes.reduce((s, n) => s + n, 0);
  if (count >= total) return [...sizes];
  const quotas = sizes.map((n) => (count * n) / total);
  const shares = quotas.map(Math.floor);
  let left = count - shares.reduce((s, n) => s + n, 0);
  const order = quotas.map((q, i) => ({ i, rest: q - Math.floor(q) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of order) {
    if (left === 0) break;
    if (shares[i]! < sizes[i]!) {
      shares[i]!++;
      left--;
    }
  }
  return shares;
}
