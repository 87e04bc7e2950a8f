import { alphaIndex, type TokenTrace } from '../engine/token-trace.js';
import { ALPHA_RULE, isUsableAlpha } from './alpha-range.js';
import { choiceParam, type MethodSpec, numberParam, rejectUnknownParams } from './method-spec.js';

export interface EndogenousRewardSettings {
  alpha: number;
  gamma: number;
  /** `drop`: V(s_{T+1}) = 0 (the paper); `keep`: the value of the state after the last scored token. */
  terminal: 'drop' | 'keep';
  /** Include V(s_1), the prompt's value: the same for every response to a prompt, so it never changes a comparison. */
  shaping: boolean;
  normalize: 'none' | 'mean';
}

export function parseEndogenousReward(m: MethodSpec): EndogenousRewardSettings {
  rejectUnknownParams(m, ['alpha', 'gamma', 'terminal', 'shaping', 'normalize']);
  return {
    alpha: numberParam(m, 'alpha', 1, isUsableAlpha, ALPHA_RULE),
    gamma: numberParam(m, 'gamma', 1, (x) => x > 0 && x <= 1, 'a discount in (0, 1]'),
    terminal: choiceParam(m, 'terminal', ['drop', 'keep'] as const, 'drop'),
    shaping: choiceParam(m, 'shaping', ['on', 'off', 'true', 'false'] as const, 'off') in { on: 1, true: 1 },
    normalize: choiceParam(m, 'normalize', ['none', 'mean'] as const, 'none'),
  };
}

const DEFAULTS: EndogenousRewardSettings = { alpha: 1, gamma: 1, terminal: 'drop', shaping: false, normalize: 'none' };

/**
 * The one spelling of these settings: parameters in a fixed order, numbers as JavaScript prints them, defaults left
 * out (`endorm:gamma=1,alpha=1` and `endorm` are both `endorm`), so that runs written with either compare as one method.
 */
export function endogenousRewardSpec(s: EndogenousRewardSettings): string {
  const params: string[] = [];
  if (s.alpha !== DEFAULTS.alpha) params.push(`alpha=${s.alpha}`);
  if (s.gamma !== DEFAULTS.gamma) params.push(`gamma=${s.gamma}`);
  if (s.terminal !== DEFAULTS.terminal) params.push(`terminal=${s.terminal}`);
  if (s.shaping !== DEFAULTS.shaping) params.push(`shaping=${s.shaping ? 'on' : 'off'}`);
  if (s.normalize !== DEFAULTS.normalize) params.push(`normalize=${s.normalize}`);
  return params.length ? `endorm:${params.join(',')}` : 'endorm';
}

/**
 * Per-token endogenous rewards r_h = f(s_h, a_h) − V(s_{h+1}) with V(s) = α·logsumexp(f(s, ·)/α), in float64.
 */
export function tokenRewards(trace: TokenTrace, alpha: number, terminal: 'drop' | 'keep'): Float64Array {
  const a = alphaIndex(trace, alpha);
  const A = trace.alphas.length;
  const T = trace.tokens.length;
  const rewards = new Float64Array(T);
  for (let h = 0; h < T; h++) {
    const next = h + 1 < T || terminal === 'keep' ? alpha * trace.logSumExp[(h + 1) * A + a] : 0;
    rewards[h] = trace.logits[h] - next;
  }
  return rewards;
}

/**
 * The outcome reward Σ_h γ^(h−1) r_h. Without shaping the prompt's value V(s_1) is taken out, so that with γ = 1 and
 * terminal `drop` the score is α·Σ log π_α; with shaping it is the paper's full sum, α·Σ log π_α + V(s_1).
 */
export function endogenousReward(trace: TokenTrace, s: EndogenousRewardSettings): number {
  const T = trace.tokens.length;
  if (T === 0) return 0;
  const rewards = tokenRewards(trace, s.alpha, s.terminal);
  let sum = 0;
  let discount = 1;
  for (let h = 0; h < T; h++) {
    sum += discount * rewards[h];
    discount *= s.gamma;
  }
  if (!s.shaping) sum -= s.alpha * trace.logSumExp[alphaIndex(trace, s.alpha)];
  return s.normalize === 'mean' ? sum / T : sum;
}
