import { alphaIndex, type TokenTrace } from '../engine/token-trace.js';

/** log π_α(a_h | s_h) = f(s_h, a_h)/α − logsumexp(f(s_h, ·)/α), per token, in float64. */
export function tokenLogProbs(trace: TokenTrace, alpha = 1): Float64Array {
  const a = alphaIndex(trace, alpha);
  const A = trace.alphas.length;
  const out = new Float64Array(trace.tokens.length);
  for (let h = 0; h < out.length; h++) out[h] = trace.logits[h] / alpha - trace.logSumExp[h * A + a];
  return out;
}

export function logLikelihood(trace: TokenTrace, mean: boolean): number {
  const lp = tokenLogProbs(trace, 1);
  let sum = 0;
  for (const x of lp) sum += x;
  return mean ? (lp.length ? sum / lp.length : 0) : sum;
}
