import type { Pair } from '../datasets/pair.js';
import { stratifiedPick } from '../util/seeded-order.js';
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
 * remainder), and within a section the first in the seed's order (see seededRank) are taken.
 */
export async function pickKeys(pairs: AsyncIterable<Pair>, count: number, seed: number, sectionOf: (pair: Pair) => string | undefined): Promise<Set<string>> {
  const sections = new Map<string, string[]>();
  for await (const pair of pairs) {
    const section = sectionOf(pair) ?? '';
    let list = sections.get(section);
    if (!list) sections.set(section, (list = []));
    list.push(pair.key);
  }
  return stratifiedPick(sections, count, seed);
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
