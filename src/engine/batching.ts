export interface BatchLimits {
  /** Most sequences in one batch. */
  batchSize: number;
  /** Most padded tokens (rows × longest row) in one batch. */
  maxBatchTokens: number;
  /** If set, a batch is also cut where adding the next (longest) row would make padded / real tokens exceed 1 + this. */
  maxPadding?: number;
}

/**
 * Packs items into batches of similar length: sorted by length, then cut greedily so that rows × longest row stays under
 * the token budget. Sorting keeps padding low; the result is independent of input order for equal lengths' scores,
 * since every row is scored on its own.
 */
export function packBatches<T>(items: T[], length: (item: T) => number, limits: BatchLimits): T[][] {
  const sorted = items.map((item, i) => ({ item, len: length(item), i })).sort((a, b) => a.len - b.len || a.i - b.i);
  const batches: T[][] = [];
  let current: T[] = [];
  let longest = 0;
  let real = 0;
  for (const { item, len } of sorted) {
    const nextLongest = Math.max(longest, len);
    const padded = (current.length + 1) * nextLongest;
    if (
      current.length > 0 &&
      (current.length + 1 > limits.batchSize ||
        padded > limits.maxBatchTokens ||
        (limits.maxPadding !== undefined && padded > (1 + limits.maxPadding) * (real + len)))
    ) {
      batches.push(current);
      current = [];
      longest = 0;
      real = 0;
    }
    current.push(item);
    longest = Math.max(longest, len);
    real += len;
  }
  if (current.length) batches.push(current);
  return batches;
}
