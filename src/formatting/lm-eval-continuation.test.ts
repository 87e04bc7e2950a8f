import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { responseRequest, responseTrace } from '../engine/response-trace.js';
import { loadModel, type LoadedModel } from '../engine/load-model.js';
import { logLikelihood } from '../rewards/log-likelihood.js';
import { STORIES, tempCacheDir } from '../testing/shared-models.js';
import { encode, formatResponse } from './format-response.js';
import type { ScoringInput } from '../engine/response-trace.js';

// `--template none` feeds what lm-evaluation-harness's `_encode_pair` feeds: encode(context), then the tokens of
// encode(context + continuation) after len(encode(context)). Issue 13 item 7's case: "Once upon a time" + "there was
// a cat" on stories260K, where the context's last word "time" merges with the continuation into "t im et he re".

let model: LoadedModel;
before(async () => {
  model = await loadModel(STORIES, { dtype: 'fp32', alphas: [1], cacheDir: tempCacheDir(), threads: 1 });
});
after(async () => model.session.release());

async function loglik(input: ScoringInput): Promise<number> {
  const { results } = await model.session.run([responseRequest(input)]);
  return logLikelihood(responseTrace(input, results[0]!, [1]), false);
}

test('a prompt whose last word merges with the response: encode(context) + the rest of encode(whole), as the harness does', async () => {
  const tokenizer = model.tokenizer;
  const input = { template: 'none' as const, prompt: 'Once upon a time', response: 'there was a cat' };
  const whole = encode(tokenizer, 'Once upon a timethere was a cat', true);
  assert.deepEqual(whole, [1, 403, 407, 261, 259, 288, 316, 260, 276, 286, 261, 280, 294]); // <s> Once upon a t im et he re was a c at
  assert.deepEqual(encode(tokenizer, 'Once upon a time', true), [1, 403, 407, 261, 378]); // <s> Once upon a time

  const f = formatResponse(tokenizer, input);
  assert.deepEqual(f, { ids: [1, 403, 407, 261, 378, 288, 316, 260, 276, 286, 261, 280, 294], responseStart: 5, eotTokens: 0 });
  assert.deepEqual(f.ids.slice(f.responseStart).map((id) => tokenizer.decode([id])), ['im', 'et', 'he', 're', 'was', 'a', 'c', 'at']);

  // Before: encode(whole) cut at len(encode(context)), so the state was "<s> Once upon a t". After: "<s> Once upon a time".
  const before = await loglik({ ids: whole, responseStart: 5 });
  const after = await loglik(f);
  assert.ok(Math.abs(before - -46.2) < 0.005, `before ${before}`);
  assert.ok(Math.abs(after - -56.2) < 0.005, `after ${after}`);
});

test("the context's trailing whitespace moves to the continuation by Python's rstrip, not JavaScript's trimEnd", () => {
  const tokenizer = model.tokenizer;
  const format = (prompt: string) => formatResponse(tokenizer, { template: 'none', prompt, response: 'there was a cat' });
  // NEL (U+0085) is Python whitespace: it moves, so the context is "Once upon a time" (ends at 378, "time").
  assert.deepEqual(format('Once upon a time\u0085'), { ids: [1, 403, 407, 261, 378, 197, 136, 413, 260, 276, 286, 261, 280, 294], responseStart: 5, eotTokens: 0 });
  // U+FEFF is not: it stays in the context (trimEnd would have moved it), as its three bytes 242 190 194.
  assert.deepEqual(format('Once upon a time\ufeff'), { ids: [1, 403, 407, 261, 378, 242, 190, 194, 413, 260, 276, 286, 261, 280, 294], responseStart: 8, eotTokens: 0 });
  // A plain space moves, giving the same tokens as a space written at the start of the response.
  assert.deepEqual(format('Once upon a time '), formatResponse(tokenizer, { template: 'none', prompt: 'Once upon a time', response: ' there was a cat' }));
});
