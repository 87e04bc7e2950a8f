import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import { loadTokenizer } from '../model/load-tokenizer.js';
import { randomTextSource } from '../testing/random-text.js';
import { spiedTokenizer } from '../testing/spied-tokenizer.js';
import { STORIES, TINY_LLAMA3 } from '../testing/shared-models.js';
import { JudgeFormatter } from './judge-format.js';
import { loadJudgePrompt, type JudgePrompt } from './prompt-template.js';

let stories: PreTrainedTokenizer;
let llama3: PreTrainedTokenizer;
let pairwise: JudgePrompt;
let pointwise: JudgePrompt;
before(async () => {
  stories = await loadTokenizer(STORIES);
  llama3 = await loadTokenizer(TINY_LLAMA3);
  pairwise = await loadJudgePrompt('judge-pairwise');
  pointwise = await loadJudgePrompt('judge-pointwise');
});

const outcome = (run: () => unknown) => {
  try {
    return run();
  } catch (err) {
    return { error: (err as Error).message };
  }
};

test('judge prompts: responses and question cut before tokenising give the ids the whole values give (random long texts)', () => {
  const { text, pick, next } = randomTextSource(21);
  let cutCases = 0;
  const trials = 40;
  for (let trial = 0; trial < trials; trial++) {
    const tokenizer = next() < 0.5 ? stories : llama3;
    const template = next() < 0.5 ? ('none' as const) : ('chat' as const);
    const both = next() < 0.5;
    const budget = pick([400, 500, 700]) + (both ? 150 : 0);
    const size = () => pick([3, 100, 3000, 12_000]);
    const values: Record<string, string> = both ? { question: text(size()), answer_a: text(size()), answer_b: text(size()) } : { question: text(size()), answer: text(size()) };
    const cuttable = both ? ['answer_a', 'answer_b'] : ['answer'];
    const spy = spiedTokenizer(tokenizer);
    const prompt = both ? pairwise : pointwise;
    const expected = outcome(() => new JudgeFormatter(tokenizer, template, prompt).encodeWhole(values, cuttable, budget));
    const got = outcome(() => new JudgeFormatter(spy.tokenizer, template, prompt, 1).encode(values, cuttable, budget));
    assert.deepEqual(got, expected, `trial ${trial}`);
    if (spy.longest() < JSON.stringify(values).length / 2) cutCases++;
  }
  assert.ok(cutCases > trials / 3, `${cutCases} of ${trials} cut`);
});

test('a judge prompt too long for the budget even with empty values fails as with the whole values, without tokenising them whole', () => {
  const { text } = randomTextSource(22);
  const values = { question: text(20_000), answer: text(20_000) };
  const spy = spiedTokenizer(llama3);
  const expected = outcome(() => new JudgeFormatter(llama3, 'chat', pointwise).encodeWhole(values, ['answer'], 60));
  assert.match(String((expected as { error: string }).error), /judge-pointwise prompt .* needs \d+ tokens even with empty responses, over the 60 allowed/);
  assert.deepEqual(outcome(() => new JudgeFormatter(spy.tokenizer, 'chat', pointwise).encode(values, ['answer'], 60)), expected);
  const total = values.question.length + values.answer.length;
  assert.ok(spy.longest() < total / 2, `longest encoded text: ${spy.longest()} of ${total}`);
});
