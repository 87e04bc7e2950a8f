/** Names of the inputs and outputs that the scoring graph adds to a causal LM's graph (both head variants). */
export const SCORING_IO = {
  /** int64 `[chunks, 1, chunk]`: flat indices (batch * seq + position) of the scored positions, padded with 0. */
  index: 'endorm_score_index',
  /** int64 `[chunks, chunk, 1]`: the token whose logit is read at each scored position. */
  target: 'endorm_score_target',
  /** float `[alphas, 1, 1]`: 1/α for every temperature of the run. */
  invAlpha: 'endorm_inv_alpha',
  /** float `[chunks, chunk, 1]`: f(s, target). */
  logit: 'endorm_logit',
  /** float `[chunks, alphas, chunk]`: logsumexp(f(s, ·) / α). */
  logSumExp: 'endorm_lse',
} as const;

/**
 * How the vocabulary product is taken: `scan` in a Scan over chunks of scored positions (CPU: bounded memory, the
 * output embedding streamed once per chunk); `gathered` in one pass over all scored positions of a run, with only
 * operators GPU providers implement, and a cache input of batch 1 broadcast to the batch inside the graph.
 */
export type ScoringHead = 'scan' | 'gathered';
export const SCORING_HEADS: readonly ScoringHead[] = ['scan', 'gathered'];
