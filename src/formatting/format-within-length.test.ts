import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import type { ChatMessage } from '../datasets/pair.js';
import { loadTokenizer } from '../model/load-tokenizer.js';
import { randomTextSource } from '../testing/random-text.js';
import { spiedTokenizer } from '../testing/spied-tokenizer.js';
import { STORIES, TINY_LLAMA3 } from '../testing/shared-models.js';
import { formatResponse, type FormatInput } from './format-response.js';
import { formatWithinLength } from './format-within-length.js';
import { codePointCount, elideMiddle } from './text-cut.js';
import { truncateToLength } from './truncate.js';

let stories: PreTrainedTokenizer;
let llama3: PreTrainedTokenizer;
before(async () => {
  stories = await loadTokenizer(STORIES);
  llama3 = await loadTokenizer(TINY_LLAMA3);
});

/** What the old path gives: the whole texts tokenised, then cut to --max-length; errors by their message. */
function whole(tokenizer: PreTrainedTokenizer, input: FormatInput, maxLength: number) {
  try {
    const t = truncateToLength(formatResponse(tokenizer, input), maxLength, (tokenizer as unknown as { bos_token_id?: number }).bos_token_id);
    return { ids: t.ids, responseStart: t.responseStart, eotTokens: t.eotTokens, truncated: t.truncated };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

function cut(tokenizer: PreTrainedTokenizer, input: FormatInput, maxLength: number) {
  try {
    const t = formatWithinLength(tokenizer, input, maxLength, { cutFromChars: 1 });
    return { ids: t.ids, responseStart: t.responseStart, eotTokens: t.eotTokens, truncated: t.truncated };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

for (const template of ['none', 'chat'] as const) {
  test(`${template}: texts cut before tokenising give exactly the tokens that survive --max-length today (random long texts)`, () => {
    const { text, pick, next } = randomTextSource(template === 'none' ? 11 : 12);
    let cutCases = 0;
    const trials = 60;
    for (let trial = 0; trial < trials; trial++) {
      const tokenizer = next() < 0.5 ? stories : llama3;
      const maxLength = pick([8, 32, 64, 100, 256]);
      const prompt: string | ChatMessage[] =
        next() < 0.7
          ? text(pick([3, 60, 800, 4000]))
          : [
              { role: 'user', content: text(pick([3, 2000])) },
              { role: 'assistant', content: text(pick([2, 600])) },
              { role: 'user', content: text(pick([2, 300, 3000])) },
            ];
      const input: FormatInput = { template, prompt, response: text(pick([2, 40, 800, 4000])), ...(next() < 0.3 ? { system: text(pick([3, 1500])) } : {}) };
      const spy = spiedTokenizer(tokenizer);
      const got = cut(spy.tokenizer, input, maxLength);
      assert.deepEqual(got, whole(tokenizer, input, maxLength), `trial ${trial}`);
      const chars = JSON.stringify(input).length;
      if (spy.longest() < chars / 2) cutCases++;
    }
    // Most trials really were cut: the tokenizer never saw most of the text.
    assert.ok(cutCases > trials / 2, `${cutCases} of ${trials} cut`);
  });
}

test('a 300 kB response and prompt are tokenised some ten thousand characters at a time, with the same result', () => {
  const { text } = randomTextSource(3);
  const long = text(60_000);
  assert.ok(long.length > 300_000);
  for (const tokenizer of [stories, llama3]) {
    for (const input of [
      { template: 'none' as const, prompt: 'Once upon a time, ', response: long },
      { template: 'none' as const, prompt: long, response: 'there was a cat.' },
      { template: 'chat' as const, prompt: long, response: long },
    ]) {
      const spy = spiedTokenizer(tokenizer);
      const got = formatWithinLength(spy.tokenizer, input, 256);
      assert.ok(spy.longest() < 70_000, `longest encoded text: ${spy.longest()}`);
      const expected = truncateToLength(formatResponse(tokenizer, input), 256, (tokenizer as unknown as { bos_token_id?: number }).bos_token_id);
      assert.deepEqual([got.ids, got.responseStart, got.eotTokens, got.truncated], [expected.ids, expected.responseStart, expected.eotTokens, true]);
    }
  }
});

test('a limit the texts cannot meet at any length fails as the whole texts do, without tokenising them whole', () => {
  const { text } = randomTextSource(5);
  const input: FormatInput = { template: 'none', prompt: text(20_000), response: text(20_000) };
  const spy = spiedTokenizer(stories);
  assert.deepEqual(cut(spy.tokenizer, input, 2), whole(stories, input, 2));
  assert.match(String(whole(stories, input, 2).error), /--max-length 2 leaves no room for the response after 2 prompt token/);
  assert.ok(spy.longest() < 20_000, `longest encoded text: ${spy.longest()}`);
});

test('elideMiddle keeps both edges and joins them at a single space between words', () => {
  const text = 'one two three four five six seven eight nine ten';
  assert.equal(elideMiddle(text, 5, 5), 'one two nine ten');
  assert.equal(elideMiddle(text, 9, 10), 'one two three eight nine ten');
  assert.equal(elideMiddle('short', 2, 2), 'short');
  // No cut point (a space between two non-spaces) in the middle: left whole rather than cut inside a word or a run.
  assert.equal(elideMiddle(`a ${'x'.repeat(50)} b`, 5, 5), `a ${'x'.repeat(50)} b`);
  assert.equal(elideMiddle(`ab${' '.repeat(50)}cd  ef`, 2, 2), `ab${' '.repeat(50)}cd  ef`);
});

test('codePointCount counts what [...text].length counts, lone surrogates included', () => {
  for (const s of ['', 'abc', 'café', '🙂🙂 x', '\ud83d', 'a\ude42b', '\ud83d\ud83d\ude42']) assert.equal(codePointCount(s), [...s].length, JSON.stringify(s));
});
