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

test('inspect cuts prompt and response to maxLength as score does, and says so', async () => {
  const input = { prompt: 'Once upon a time there was a cat.', response: ' The cat sat on the mat and looked at the sun.', template: 'none' as const, alpha: 1 };
  const whole = await inspectResponse(model, { ...input, maxLength: 512 });
  assert.equal(whole.truncated, undefined);
  const cut = await inspectResponse(model, { ...input, maxLength: 12 });
  assert.equal(cut.truncated, true);
  // The prompt goes first (from the left): the response keeps its tokens while the prompt can give.
  assert.ok(cut.tokens.length <= 11 && cut.tokens.length > 0, `${cut.tokens.length} response tokens`);
});

test('endorm inspect defaults --max-length to the model context: a response longer than it is cut, not an onnxruntime error', async (t) => {
  const { runCliInProcess } = await import('../testing/run-cli.js');
  const long = ' The cat sat on the mat.'.repeat(200); // about 1,400 tokens, over stories260K's 512
  let printed = '';
  t.mock.method(process.stdout, 'write', (chunk: string) => ((printed += chunk), true));
  const { code, stderr } = await runCliInProcess(['inspect', '--model', STORIES, '--template', 'none', '--prompt', 'Once', '--response', long, '--json']);
  t.mock.restoreAll();
  assert.equal(code, 0, stderr);
  assert.ok(JSON.parse(printed).tokens.length < 512);
  assert.match(stderr, /note: prompt and --response were cut to --max-length 512 tokens/);
});
