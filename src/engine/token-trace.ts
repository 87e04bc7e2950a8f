/**
 * What the model computed for one scored response: everything a reward method needs, so that methods (and later
 * settings sweeps) never need the model again.
 *
 * For response tokens a_1..a_T chosen in states s_1..s_T, and s_{T+1} the state after the last one:
 * - `logits[h]` = f(s_{h+1}, a_{h+1}) (0-based h), the chosen token's logit;
 * - `logSumExp[h * alphas.length + k]` = logsumexp(f(s_{h+1}, ·) / alphas[k]) for h = 0..T (T + 1 states).
 */
export interface TokenTrace {
  tokens: Int32Array;
  logits: Float32Array;
  logSumExp: Float32Array;
  alphas: number[];
}

export function alphaIndex(trace: { alphas: number[] }, alpha: number): number {
  const i = trace.alphas.findIndex((a) => Math.abs(a - alpha) <= 1e-12 * Math.max(1, Math.abs(alpha)));
  if (i < 0) throw new Error(`α=${alpha} was not computed (computed: ${trace.alphas.join(', ')})`);
  return i;
}
