import type { PairScores } from './record-store.js';

/** A method's inputs cut to --max-length: the score lines holding its score, and those whose input was cut. */
export interface CutInputs {
  inputs: number;
  cut: number;
}

/**
 * How many of a method's inputs were cut to --max-length. A judge's input is its prompt (its line's `extra[method]
 * .truncated`: the responses inside the prompt were cut), any other method's the response it scores (the line's
 * `truncated`). A method that lost many inputs is measured on other text than the dataset's: the console warns.
 */
export function cutInputs(pairs: Iterable<PairScores>, method: string): CutInputs {
  let inputs = 0;
  let cut = 0;
  for (const pair of pairs) {
    for (const line of [...pair.chosen.values(), ...pair.rejected.values(), ...pair.comparisons.values()]) {
      if (!(method in line.scores)) continue;
      inputs++;
      const extra = line.extra?.[method];
      const judged = extra && typeof extra === 'object' && typeof (extra as { truncated?: unknown }).truncated === 'boolean';
      if (judged ? (extra as { truncated: boolean }).truncated : line.truncated) cut++;
    }
  }
  return { inputs, cut };
}
