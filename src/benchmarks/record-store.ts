import type { ComparisonScoreRecord, ResponseScoreRecord, ScoreRecord } from '../run-store/score-record.js';

/** Every score line of one preference record (one pair key), after de-duplication. */
export interface PairScores {
  key: string;
  group?: string;
  /** Style index -> the chosen response's line. */
  chosen: Map<number, ResponseScoreRecord>;
  rejected: Map<number, ResponseScoreRecord>;
  /** `${chosen}:${rejected}` -> the comparison line. */
  comparisons: Map<string, ComparisonScoreRecord>;
}

export type MethodKind = 'response' | 'comparison';

export interface StoreCounts {
  pairs: number;
  responses: number;
  comparisons: number;
  truncated: number;
  tokens: number;
}

export function comparisonKey(chosen: number, rejected: number): string {
  return `${chosen}:${rejected}`;
}

/**
 * Collects score lines by pair. A resumed or re-scored run may append the same (pair, role, index) or
 * (pair, chosen, rejected) again; the later line wins because it is the newer score.
 */
export class ScoreRecordStore {
  private readonly byPair = new Map<string, PairScores>();
  private readonly kinds = new Map<string, MethodKind>();
  private replaced = 0;

  add(record: ScoreRecord): void {
    let pair = this.byPair.get(record.pair);
    if (!pair) {
      pair = { key: record.pair, chosen: new Map(), rejected: new Map(), comparisons: new Map() };
      if (record.group !== undefined) pair.group = record.group;
      this.byPair.set(record.pair, pair);
    } else if (pair.group === undefined && record.group !== undefined) {
      pair.group = record.group;
    }
    if (record.type === 'response') {
      const slot = record.role === 'chosen' ? pair.chosen : pair.rejected;
      if (slot.has(record.index)) this.replaced++;
      slot.set(record.index, record);
    } else {
      const key = comparisonKey(record.chosen, record.rejected);
      if (pair.comparisons.has(key)) this.replaced++;
      pair.comparisons.set(key, record);
    }
    for (const spec of Object.keys(record.scores)) {
      // A spec seen on a comparison line is a pairwise judge, even if some response line also mentions it.
      if (record.type === 'comparison') this.kinds.set(spec, 'comparison');
      else if (!this.kinds.has(spec)) this.kinds.set(spec, 'response');
    }
  }

  /** Lines that replaced an earlier line with the same identity. */
  get duplicates(): number {
    return this.replaced;
  }

  get size(): number {
    return this.byPair.size;
  }

  /**
   * Records in key order, not line order: batch packing, resuming and merging shards all write lines in other orders,
   * and everything computed from the records (bootstrap resamples, group order) must not depend on it.
   */
  pairs(): IterableIterator<PairScores> {
    return [...this.byPair.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).values();
  }

  /** Method specs in the order they first appeared, with their kind. */
  methodKinds(): Map<string, MethodKind> {
    return new Map(this.kinds);
  }

  counts(): StoreCounts {
    const counts: StoreCounts = { pairs: this.byPair.size, responses: 0, comparisons: 0, truncated: 0, tokens: 0 };
    for (const pair of this.byPair.values()) {
      for (const line of [...pair.chosen.values(), ...pair.rejected.values()]) {
        counts.responses++;
        counts.tokens += Number.isFinite(line.tokens) ? line.tokens : 0;
        if (line.truncated) counts.truncated++;
      }
      for (const line of pair.comparisons.values()) {
        counts.comparisons++;
        if (line.truncated) counts.truncated++;
      }
    }
    return counts;
  }
}
