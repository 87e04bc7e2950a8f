import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TokenTrace } from '../engine/token-trace.js';
import { endogenousReward, parseEndogenousReward, tokenRewards } from './endogenous-reward.js';
import { tokenLogProbs } from './log-likelihood.js';
import { parseMethodSpec } from './method-spec.js';
import { createResponseMethod } from './response-methods.js';

// T = 3 tokens, two temperatures. Column α = 0.5 holds L_h = logsumexp(f(s_h,·)/0.5) = 4, 3, 2.5, 5 for s_1..s_4,
// so V(s_h) = 0.5 · L_h = 2, 1.5, 1.25, 2.5. Chosen logits Q = 2, 1, -1.
const trace: TokenTrace = {
  tokens: Int32Array.from([10, 11, 12]),
  logits: Float32Array.from([2, 1, -1]),
  logSumExp: Float32Array.from([3.1, 4, 2.2, 3, 1.9, 2.5, 7, 5]),
  alphas: [1, 0.5],
};

const settings = (spec: string) => parseEndogenousReward(parseMethodSpec(spec));
const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} != ${expected}`);

test('per-token rewards r_h = Q_h − V(s_{h+1}) in both terminal modes', () => {
  // keep: 2 − 1.5, 1 − 1.25, −1 − 2.5; drop: the last token's next value is 0.
  assert.deepEqual([...tokenRewards(trace, 0.5, 'keep')], [0.5, -0.25, -3.5]);
  assert.deepEqual([...tokenRewards(trace, 0.5, 'drop')], [0.5, -0.25, -1]);
});

test('outcome with γ < 1 and α ≠ 1, terminal keep and drop, shaping on and off, mean normalisation', () => {
  // keep: 0.5 + 0.9·(−0.25) + 0.81·(−3.5) = −2.56; without shaping V(s_1) = 2 comes out.
  close(endogenousReward(trace, settings('endorm:alpha=0.5,gamma=0.9,terminal=keep,shaping=on')), -2.56);
  close(endogenousReward(trace, settings('endorm:alpha=0.5,gamma=0.9,terminal=keep')), -4.56);
  // drop: 0.5 − 0.225 − 0.81·1 = −0.535.
  close(endogenousReward(trace, settings('endorm:alpha=0.5,gamma=0.9,terminal=drop,shaping=on')), -0.535);
  close(endogenousReward(trace, settings('endorm:alpha=0.5,gamma=0.9')), -2.535);
  close(endogenousReward(trace, settings('endorm:alpha=0.5,gamma=0.9,normalize=mean')), -2.535 / 3);
});

test('γ = 1, terminal drop, shaping on equals α·Σ log π_α + V(s_1)', () => {
  for (const alpha of [1, 0.5]) {
    const a = trace.alphas.indexOf(alpha);
    const sumLogPi = tokenLogProbs(trace, alpha).reduce((s, x) => s + x, 0);
    const v1 = alpha * trace.logSumExp[a];
    close(endogenousReward(trace, settings(`endorm:alpha=${alpha},shaping=on`)), alpha * sumLogPi + v1);
    // …and without shaping, α·Σ log π_α alone.
    close(endogenousReward(trace, settings(`endorm:alpha=${alpha}`)), alpha * sumLogPi);
  }
  // Worked by hand for α = 0.5: α·Σ log π = (2 − 2) + (1 − 1.5) + (−1 − 1.25) = −2.75, plus V(s_1) = 2.
  close(endogenousReward(trace, settings('endorm:alpha=0.5,gamma=1,terminal=drop,shaping=on')), -0.75);
});

test('loglik, loglik-mean and length', () => {
  // α = 1 column: L = 3.1, 2.2, 1.9 → log π = 2 − 3.1, 1 − 2.2, −1 − 1.9.
  const expected = 2 - 3.1 + (1 - 2.2) + (-1 - 1.9);
  assert.ok(Math.abs(createResponseMethod('loglik').score({ trace, text: '' }) - expected) < 1e-6);
  assert.ok(Math.abs(createResponseMethod('loglik-mean').score({ trace, text: '' }) - expected / 3) < 1e-6);
  assert.equal(createResponseMethod('length').score({ trace, text: 'héllo' }), 5);
});

test('asking for an α the trace does not hold is an error naming the ones it has', () => {
  assert.throws(() => endogenousReward(trace, settings('endorm:alpha=2')), /α=2 was not computed \(computed: 1, 0.5\)/);
});

test('bad endorm parameters are rejected with the spec named', () => {
  assert.throws(() => settings('endorm:alpha=0'), /endorm:alpha=0.*alpha=0/);
  assert.throws(() => settings('endorm:gamma=1.5'), /gamma=1.5/);
  assert.throws(() => settings('endorm:terminal=maybe'), /one of drop, keep/);
  assert.throws(() => settings('endorm:beta=1'), /unknown parameter "beta"/);
  assert.throws(() => createResponseMethod('nonsense'), /unknown method "nonsense"/);
});
