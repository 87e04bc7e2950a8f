import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import { loadTokenizer } from '../model/load-tokenizer.js';
import { STORIES, TINY_LLAMA3 } from '../testing/shared-models.js';
import { formatResponse, resolveTemplate } from './format-response.js';
import { truncateToLength } from './truncate.js';

let llama3: PreTrainedTokenizer;
let stories: PreTrainedTokenizer;
before(async () => {
  llama3 = await loadTokenizer(TINY_LLAMA3);
  stories = await loadTokenizer(STORIES);
});

// tiny-llama3's special tokens: 506 <|begin_of_text|>, 508 <|start_header_id|>, 509 <|end_header_id|>, 510 <|eot_id|>.
const HEADER = (roleIds: number[]) => [508, ...roleIds, 509, 10, 10];

test('auto picks chat for a template with roles and none for a base model that only joins texts', () => {
  assert.equal(resolveTemplate(llama3, 'auto'), 'chat');
  assert.equal(resolveTemplate(stories, 'auto'), 'none');
  assert.equal(resolveTemplate(stories, 'chat'), 'chat');
});

test('chat: the scored span is exactly the response tokens after the generation prompt, plus <|eot_id|>', () => {
  const f = formatResponse(llama3, { template: 'chat', system: 'Be brief.', prompt: 'Hi there', response: 'Hello!' });
  const prompt = [
    506,
    ...HEADER([449]), 66, 101, 279, 114, 105, 101, 102, 46, 510, // system: "Be brief."
    ...HEADER([117, 262, 114]), 72, 105, 259, 265, 510, // user: "Hi there"
    ...HEADER([97, 115, 115, 260, 116, 261, 116]), // assistant header = generation prompt
  ];
  assert.deepEqual(f.ids.slice(0, f.responseStart), prompt);
  assert.deepEqual(f.ids.slice(f.responseStart), [72, 101, 108, 108, 111, 33, 510]); // "Hello!" <|eot_id|>
  assert.deepEqual(
    f.ids.slice(f.responseStart).map((id) => llama3.decode([id])),
    ['H', 'e', 'l', 'l', 'o', '!', '<|eot_id|>'],
  );
  assert.equal(f.eotTokens, 1);
  assert.equal(f.ids.filter((id) => id === 506).length, 1, 'exactly one BOS');
});

test('--no-score-eot leaves the end-of-turn token out of the span', () => {
  const f = formatResponse(llama3, { template: 'chat', prompt: 'Hi there', response: 'Hello!', scoreEot: false });
  assert.deepEqual(f.ids.slice(f.responseStart), [72, 101, 108, 108, 111, 33]);
  assert.equal(f.eotTokens, 0);
});

test('chat with a multi-turn prompt ends in the generation prompt of the last turn', () => {
  const f = formatResponse(llama3, {
    template: 'chat',
    prompt: [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Yo' },
      { role: 'user', content: 'Hi there' },
    ],
    response: 'Hello!',
  });
  const text = llama3.decode(f.ids.slice(0, f.responseStart));
  assert.ok(text.endsWith('<|start_header_id|>assistant<|end_header_id|>\n\n'), text);
  assert.ok(text.includes('<|start_header_id|>assistant<|end_header_id|>\n\nYo<|eot_id|>'));
  assert.deepEqual(f.ids.slice(f.responseStart), [72, 101, 108, 108, 111, 33, 510]);
});

test('none: encode(prompt + response), the response being what follows the prompt tokens; one BOS', () => {
  const f = formatResponse(stories, { template: 'none', prompt: 'Once upon a time', response: ' there was a cat.' });
  assert.deepEqual(f.ids, [1, 403, 407, 261, 378, 383, 286, 261, 280, 294, 426]);
  assert.equal(f.responseStart, 5);
  assert.deepEqual(f.ids.slice(f.responseStart).map((id) => stories.decode([id])), ['there', 'was', 'a', 'c', 'at', '.']);
  // Trailing whitespace of the prompt moves into the response (lm-evaluation-harness), giving the same tokens.
  const moved = formatResponse(stories, { template: 'none', prompt: 'Once upon a time ', response: 'there was a cat.' });
  assert.deepEqual(moved, f);
});

test('none with a tokenizer whose encode adds BOS, and a chat template that writes BOS itself: never two', () => {
  const plain = formatResponse(llama3, { template: 'none', prompt: 'Hi', response: ' there' });
  assert.deepEqual(plain.ids.slice(0, 2), [506, 72]);
  const chat = formatResponse(stories, { template: 'chat', prompt: 'Once upon a time', response: 'there was a cat.' });
  assert.equal(chat.ids[0], 1);
  assert.notEqual(chat.ids[1], 1);
});

test('truncation drops prompt tokens from the left after BOS, then response tokens from the end', () => {
  const f = { ids: [1, 10, 11, 12, 13, 20, 21, 22], responseStart: 5, eotTokens: 1 };
  assert.deepEqual(truncateToLength(f, 8, 1), { ...f, truncated: false, droppedPromptTokens: 0, droppedResponseTokens: 0 });
  assert.deepEqual(truncateToLength(f, 6, 1), {
    ids: [1, 12, 13, 20, 21, 22], responseStart: 3, eotTokens: 1, truncated: true, droppedPromptTokens: 2, droppedResponseTokens: 0,
  });
  // The prompt keeps BOS and its last token; the rest comes off the response's end.
  assert.deepEqual(truncateToLength(f, 4, 1), {
    ids: [1, 13, 20, 21], responseStart: 2, eotTokens: 0, truncated: true, droppedPromptTokens: 3, droppedResponseTokens: 1,
  });
  assert.throws(() => truncateToLength(f, 2, 1), /leaves no room for the response/);
});
