import type { ResponseVerdict } from './judge-task.js';
import { logSumExp, normalize, type LabelSpec } from './label-tokens.js';

/** Ratings 1..10; "10" may be one token or "1" + "0" (read in two steps, see label-tokens.ts). */
export const RATING_LABELS: LabelSpec[] = Array.from({ length: 10 }, (_, k) => ({ label: String(k + 1), variants: [String(k + 1)] }));

/** What `extra[spec]` of a pointwise judge's response line holds. */
export interface PointwiseExtra {
  /** The most probable rating. */
  rating: number;
  /** P(any rating label) before renormalising: how much the model follows the rating format. */
  labelMass: number;
}

/** Expected rating under the model's distribution renormalised over 1..10, and the argmax rating. */
export function ratingVerdict(logProbs: number[]): ResponseVerdict & { extra: PointwiseExtra } {
  const p = normalize(logProbs);
  let rating = 0;
  logProbs.forEach((l, k) => {
    if (l > logProbs[rating]!) rating = k;
  });
  return { score: p.reduce((s, pk, k) => s + pk * (k + 1), 0), extra: { rating: rating + 1, labelMass: Math.exp(logSumExp(logProbs)) } };
}
