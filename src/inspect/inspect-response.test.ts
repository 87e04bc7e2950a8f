import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadModel, type LoadedModel } from '../engine/load-model.js';
import { fullLogits, referenceLogSumExp, STORIES, tempCacheDir } from '../testing/shared-models.js';
import { formatResponse } from '../formatting/format-response.js';
import { inspectResponse } from './inspect-response.js';

let model: LoadedModel;
before(async () => {
  model = await loadModel(STORIES, { dtype: 'fp32', alphas: [1, 0.5], cacheDir: tempCacheDir(), threads: 1 });
});
after(async () => model.session.release());

test('inspect reports each token\'s logit, log π_α, V(s_h) and reward from the full logits', async () => {
  const input = { prompt: 'Once upon a time', response: ' there was a cat.', template: 'none' as const, alpha: 0.5 };
  const result = await inspectResponse(model, input);
  const f = formatResponse(model.tokenizer, input);
  const { logits, vocab } = await fullLogits(STORIES, f.ids);
  // Each token's own text, leading spaces included, so that together they read as the response.
  assert.deepEqual(result.tokens.map((t) => t.text), [' there', ' was', ' a', ' c', 'at', '.']);
  const row = (p: number) => logits.subarray(p * vocab, (p + 1) * vocab);
  result.tokens.forEach((t, h) => {
    const p = f.responseStart - 1 + h;
    const q = row(p)[t.id];
    const v = 0.5 * referenceLogSumExp(row(p), 0.5);
    const vNext = h + 1 < result.tokens.length ? 0.5 * referenceLogSumExp(row(p + 1), 0.5) : 0;
    assert.equal(t.id, f.ids[p + 1]);
    assert.ok(Math.abs(t.logit - q) < 1e-4);
    assert.ok(Math.abs(t.value - v) < 1e-4);
    assert.ok(Math.abs(t.logprob - (q / 0.5 - v / 0.5)) < 1e-4);
    assert.ok(Math.abs(t.reward - (q - vNext)) < 1e-4);
  });
  const sumLogPi = result.tokens.reduce((s, t) => s + t.logprob, 0);
  assert.ok(Math.abs(result.outcome['endorm:alpha=0.5'] - 0.5 * sumLogPi) < 1e-4);
  assert.equal(result.outcome.length, input.response.length);
});
