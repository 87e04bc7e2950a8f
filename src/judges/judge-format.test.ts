import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import { encode } from '../formatting/format-response.js';
import { loadTokenizer } from '../model/load-tokenizer.js';
import { STORIES, TINY_LLAMA3 } from '../testing/shared-models.js';
import { cutLongestFirst, JudgeFormatter, JudgeLengthError, judgeQuestion } from './judge-format.js';
import { PAIRWISE_LABELS } from './judge-pairwise.js';
import { prepareJudge } from './judge-task.js';
import { loadJudgePrompt, parseJudgePrompt, type JudgePrompt } from './prompt-template.js';

let llama3: PreTrainedTokenizer;
let stories: PreTrainedTokenizer;
const prompts: Record<string, JudgePrompt> = {};
before(async () => {
  llama3 = await loadTokenizer(TINY_LLAMA3);
  stories = await loadTokenizer(STORIES);
  for (const judge of ['judge-pairwise', 'judge-pointwise', 'verifier']) prompts[judge] = await loadJudgePrompt(judge);
});

const HEAD = (role: string) => `<|start_header_id|>${role}<|end_header_id|>\n\n`;
const EOT = '<|eot_id|>';

test('tiny-llama3: the exact pairwise judge prompt, rendered with the chat template and ending in the answer prefix', () => {
  const f = new JudgeFormatter(llama3, 'chat', prompts['judge-pairwise']!);
  const text = f.text({ question: 'What is 2+2?', answer_a: '4', answer_b: '5' });
  assert.equal(
    text,
    '<|begin_of_text|>' +
      HEAD('system') +
      'Please act as an impartial judge and decide which of two AI assistants better answers the user question below, considering helpfulness, relevance, accuracy and level of detail; do not let the order or the length of the responses influence you. Output only your verdict, strictly as "[[A]]" if assistant A is better or "[[B]]" if assistant B is better.' +
      EOT +
      HEAD('user') +
      "[User Question]\nWhat is 2+2?\n\n[The Start of Assistant A's Answer]\n4\n[The End of Assistant A's Answer]\n\n[The Start of Assistant B's Answer]\n5\n[The End of Assistant B's Answer]" +
      EOT +
      HEAD('assistant') +
      '[[',
  );
  const ids = f.encodeText(text);
  assert.equal(ids.length, 372);
  assert.equal(ids[0], 506, 'one BOS, written by the template');
  assert.equal(ids.filter((id) => id === 506).length, 1);
  // ...assistant<|end_header_id|> \n \n [ [ : the answer position is the second "[".
  assert.deepEqual(ids.slice(-5), [509, 10, 10, 91, 91]);
});

test('tiny-llama3: the exact pointwise and verifier prompts', () => {
  const pointwise = new JudgeFormatter(llama3, 'chat', prompts['judge-pointwise']!).text({ question: 'What is 2+2?', answer: '4' });
  assert.equal(
    pointwise,
    '<|begin_of_text|>' +
      HEAD('system') +
      'Please act as an impartial judge and rate the response of an AI assistant to the user question below, considering helpfulness, relevance, accuracy and level of detail. Rate it on a scale of 1 to 10 and output only your rating, strictly in this format: "Rating: [[5]]".' +
      EOT +
      HEAD('user') +
      "[Question]\nWhat is 2+2?\n\n[The Start of Assistant's Answer]\n4\n[The End of Assistant's Answer]" +
      EOT +
      HEAD('assistant') +
      'Rating: [[',
  );
  const verifier = new JudgeFormatter(llama3, 'chat', prompts.verifier!);
  const text = verifier.text({ question: 'What is 2+2?', answer: '4' });
  assert.equal(
    text,
    '<|begin_of_text|>' + HEAD('user') + 'Question:\nWhat is 2+2?\n\nResponse:\n4\n\nIs this response correct and helpful? Answer Yes or No.' + EOT + HEAD('assistant') + 'Answer:',
  );
  assert.deepEqual(verifier.encodeText(text).slice(-7), [65, 110, 115, 119, 101, 114, 58]); // "Answer:" byte by byte
});

test('--template none: [system], [user] and [answer] joined by blank lines, encoded with BOS', () => {
  const f = new JudgeFormatter(stories, 'none', prompts.verifier!);
  const text = f.text({ question: 'Once upon a time', answer: 'there was a cat.' });
  assert.equal(text, 'Question:\nOnce upon a time\n\nResponse:\nthere was a cat.\n\nIs this response correct and helpful? Answer Yes or No.\n\nAnswer:');
  const ids = f.encodeText(text);
  assert.equal(ids[0], 1);
  assert.deepEqual(ids.slice(-5), [447, 416, 419, 424, 285, 467].slice(-5));
  const pairwise = new JudgeFormatter(stories, 'none', prompts['judge-pairwise']!).text({ question: 'q', answer_a: 'a', answer_b: 'b' });
  assert.ok(pairwise.startsWith('Please act as an impartial judge'));
  assert.ok(pairwise.includes('is better.\n\n[User Question]\nq\n\n'));
  assert.ok(pairwise.endsWith("[The End of Assistant B's Answer]\n\n[["));
});

test('a chat template that refuses a system turn gets the system text at the top of the user turn', () => {
  const strict = {
    bos_token_id: null,
    apply_chat_template: (messages: { role: string; content: string }[]) => {
      if (messages.some((m) => m.role === 'system')) throw new Error('System role not supported');
      return messages.map((m) => `<${m.role}>${m.content}</${m.role}>`).join('') + '<assistant>';
    },
  } as unknown as PreTrainedTokenizer;
  const p = parseJudgePrompt('verifier', '[system]\nBe fair.\n[user]\nQ {question} R {answer}\n[answer]\nAnswer:', 'p.txt');
  assert.equal(new JudgeFormatter(strict, 'chat', p).text({ question: 'q', answer: 'r' }), '<user>Be fair.\n\nQ q R r</user><assistant>Answer:');
});

test('a conversation becomes User / Assistant turns in {question}; a system message goes first', () => {
  assert.equal(judgeQuestion(undefined, ' Hi there '), 'Hi there');
  assert.equal(
    judgeQuestion('Be brief.', [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Yo' },
      { role: 'user', content: 'Tell me a story.' },
    ]),
    'System: Be brief.\n\nUser: Hi\n\nAssistant: Yo\n\nUser: Tell me a story.',
  );
});

test('over --max-length the responses are cut from their ends, longest first; the instruction never', () => {
  const f = new JudgeFormatter(llama3, 'chat', prompts['judge-pairwise']!);
  const long = 'The quick brown fox jumps over the lazy dog. '.repeat(20).trim();
  const short = 'A short answer that stays whole.';
  const values = { question: 'Tell me about foxes.', answer_a: long, answer_b: short };
  const full = f.encode(values, ['answer_a', 'answer_b'], 10000);
  assert.equal(full.truncated, false);
  const budget = full.ids.length - 150;
  const cut = f.encode(values, ['answer_a', 'answer_b'], budget);
  assert.equal(cut.truncated, true);
  assert.ok(cut.ids.length <= budget && cut.ids.length > budget - 8, `${cut.ids.length} vs ${budget}`);
  const text = llama3.decode(cut.ids, { skip_special_tokens: false });
  assert.ok(text.includes(`[The Start of Assistant B's Answer]\n${short}\n[The End of Assistant B's Answer]`), 'the short answer is untouched');
  assert.ok(text.includes("[User Question]\nTell me about foxes.\n\n[The Start of Assistant A's Answer]\nThe quick brown fox"));
  assert.ok(!text.includes(long));
  assert.ok(text.startsWith('<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nPlease act as an impartial judge'));
  assert.ok(text.endsWith(`[The End of Assistant B's Answer]${EOT}${HEAD('assistant')}[[`));

  // Both long: cut to about the same length.
  const both = f.encode({ ...values, answer_b: long.toUpperCase() }, ['answer_a', 'answer_b'], budget);
  const decoded = llama3.decode(both.ids, { skip_special_tokens: false });
  const a = /Assistant A's Answer\]\n([\s\S]*)\n\[The End of Assistant A/.exec(decoded)![1]!;
  const b = /Assistant B's Answer\]\n([\s\S]*)\n\[The End of Assistant B/.exec(decoded)![1]!;
  assert.ok(Math.abs(encode(llama3, a, false).length - encode(llama3, b, false).length) <= 2, `${a.length} vs ${b.length}`);
});

test('with empty responses still too long the question loses its start; the instruction alone too long is an error', () => {
  const f = new JudgeFormatter(llama3, 'chat', prompts.verifier!);
  const bare = f.encodeText(f.text({ question: '', answer: '' })).length;
  const question = 'Some background. '.repeat(20) + 'What is the answer?';
  const cut = f.encode({ question, answer: 'Forty-two.' }, ['answer'], bare + 10);
  assert.equal(cut.truncated, true);
  assert.ok(cut.ids.length <= bare + 10);
  assert.ok(llama3.decode(cut.ids, { skip_special_tokens: false }).includes('answer?\n\nResponse:\n\n\nIs this'));
  assert.throws(() => f.encode({ question, answer: 'x' }, ['answer'], bare - 1), JudgeLengthError);
  assert.throws(
    () => prepareJudge({ spec: 'judge-pairwise', tokenizer: llama3, template: 'chat', maxLength: 100, alphas: [1], prompt: prompts['judge-pairwise']! }, PAIRWISE_LABELS),
    /judge-pairwise prompt \(prompts\/judge-pairwise\.txt\) is \d+ tokens without question and responses \(\+1 for its labels\), over --max-length 100/,
  );
});

test('cutLongestFirst levels the longest down first', () => {
  const keep = [100, 30];
  cutLongestFirst(keep, 60);
  assert.deepEqual(keep, [40, 30]);
  cutLongestFirst(keep, 21);
  assert.deepEqual(keep, [24, 25]);
  cutLongestFirst(keep, 1000);
  assert.deepEqual(keep, [0, 0]);
});
