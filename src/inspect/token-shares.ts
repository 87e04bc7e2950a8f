import type { TokenView } from './inspect-response.js';

/**
 * What token shading shows. r_h itself is no good scale: it is negative for almost every token (V(s_{h+1}) is a
 * log-sum over the vocabulary), and Σ r_h carries the prompt's value V(s_1), which no comparison sees. A token's share
 * of the endorm score, α·log π_α(a_h | s_h) = f(s_h, a_h) − V(s_h), sums to the score (γ = 1, no shaping); shading it
 * against the mean share per token over the responses shown (both sides of a record) marks the tokens that pull a
 * response above or below its rival.
 */
export function tokenShare(t: Pick<TokenView, 'logprob'>, alpha: number): number {
  return alpha * t.logprob;
}

/** The mean share per token over every token of `responses`: the shading's centre. */
export function meanShare(responses: readonly { tokens: readonly Pick<TokenView, 'logprob'>[] }[], alpha: number): number {
  let sum = 0;
  let n = 0;
  for (const r of responses) {
    for (const t of r.tokens) {
      const x = tokenShare(t, alpha);
      if (!Number.isFinite(x)) continue;
      sum += x;
      n++;
    }
  }
  return n ? sum / n : 0;
}

/**
 * The endorm score of a response from its tokens, and the two ways of writing it: Σ α·log π_α, which equals
 * Σ r_h − V(s_1) (r_h with V after the last token taken as 0): the card shows both so that Σ r_h is not read as the score.
 */
export function scoreFromTokens(tokens: readonly TokenView[], alpha: number): { score: number; sumReward: number; promptValue: number } {
  const score = tokens.reduce((s, t) => s + tokenShare(t, alpha), 0);
  const sumReward = tokens.reduce((s, t) => s + t.reward, 0);
  return { score, sumReward, promptValue: tokens[0]?.value ?? 0 };
}

/** The share that gets full colour: the 95th percentile of |share − centre|, so one extreme token does not wash out the rest. */
export function shadeScale(deviations: readonly number[]): number {
  const magnitudes = deviations.map(Math.abs).filter(Number.isFinite).sort((a, b) => a - b);
  if (magnitudes.length === 0) return 1;
  const p95 = magnitudes[Math.min(magnitudes.length - 1, Math.floor(0.95 * magnitudes.length))]!;
  return p95 > 0 ? p95 : 1;
}
