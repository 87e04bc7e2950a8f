import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadTokenizer } from '../model/load-tokenizer.js';
import { STORIES, TINY_LLAMA3 } from '../testing/shared-models.js';
import { tokenizerDecode } from './inspect-response.js';
import { tokenTexts } from './token-texts.js';

test('a SentencePiece-like decode that drops the first space still gives each token its own space', () => {
  const vocab: Record<number, string> = { 1: '▁the', 2: '▁cat', 3: 's', 4: '.' };
  const decode = (ids: number[]) => ids.map((id) => vocab[id]).join('').replace(/▁/g, ' ').replace(/^ /, '');
  assert.deepEqual(tokenTexts(decode, [1, 2, 3, 4]), [' the', ' cat', 's', '.']);
  assert.deepEqual(tokenTexts(decode, []), []);
});

test('a character split over byte tokens goes to the token that completes it', () => {
  // "é" is the bytes C3 A9; a lone C3 decodes to U+FFFD, as byte-level tokenizers do.
  const bytes: Record<number, number[]> = { 1: [0x63, 0x61, 0x66], 2: [0xc3], 3: [0xa9], 4: [0x21] };
  const decode = (ids: number[]) => Buffer.from(ids.flatMap((id) => bytes[id]!)).toString('utf8');
  assert.deepEqual(tokenTexts(decode, [1, 2, 3, 4]), ['caf', '', 'é', '!']);
});

test('with the shared models’ tokenizers, the pieces of a response join back to its text', async () => {
  const text = ' there was a café 日本 😀.\nThe end  ok';
  for (const folder of [STORIES, TINY_LLAMA3]) {
    const tokenizer = await loadTokenizer(folder);
    const decode = tokenizerDecode(tokenizer);
    const ids = tokenizer.encode(`Once upon a time,${text}`, { add_special_tokens: false });
    const prompt = tokenizer.encode('Once upon a time,', { add_special_tokens: false }).length;
    const pieces = tokenTexts(decode, ids.slice(prompt));
    assert.equal(pieces.join(''), decode(ids).slice(decode(ids.slice(0, prompt)).length), folder);
    assert.equal(pieces.join(''), text, folder);
  }
});
