import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { builtinPromptPath, fillPlaceholders, JudgePromptError, loadJudgePrompt, parseJudgePrompt } from './prompt-template.js';

test('the shipped prompts load from the package root, with their sha256 and sections', async () => {
  for (const judge of ['judge-pairwise', 'judge-pointwise', 'verifier']) {
    const p = await loadJudgePrompt(judge);
    assert.equal(p.source, `prompts/${judge}.txt`);
    assert.equal(p.sha256, createHash('sha256').update(readFileSync(builtinPromptPath(judge))).digest('hex'));
    assert.ok(p.user.includes('{question}'), judge);
    assert.ok(!p.user.startsWith('\n') && !p.user.endsWith('\n'));
  }
  const pairwise = await loadJudgePrompt('judge-pairwise');
  assert.equal(pairwise.answer, '[[');
  assert.match(pairwise.system!, /^Please act as an impartial judge/);
  assert.equal((await loadJudgePrompt('judge-pointwise')).answer, 'Rating: [[');
  const verifier = await loadJudgePrompt('verifier');
  assert.equal(verifier.answer, 'Answer:');
  assert.equal(verifier.system, undefined);
  assert.match(verifier.user, /Is this response correct and helpful\? Answer Yes or No\.$/);
});

test('sections: comments only before the first, line breaks around a section dropped, spaces kept', () => {
  const p = parseJudgePrompt('verifier', '# a comment\n\n[user]\n\nQ: {question}\nA: {answer}\n\n[answer]\nVerdict: \n', 'x.txt');
  assert.equal(p.user, 'Q: {question}\nA: {answer}');
  assert.equal(p.answer, 'Verdict: ');
  assert.equal(p.system, undefined);
  assert.equal(p.source, 'x.txt');
});

test('bad prompt files are refused with the file and the reason', () => {
  const bad = (judge: string, text: string, re: RegExp) => assert.throws(() => parseJudgePrompt(judge, text, 'f.txt'), (e: Error) => e instanceof JudgePromptError && re.test(e.message));
  bad('verifier', 'hello\n[user]\n{question} {answer}\n[answer]\n', /f\.txt:1: text before the first section/);
  bad('verifier', '[answer]\nA:', /no \[user\] section/);
  bad('verifier', '[user]\n{question} {answer}', /no \[answer\] section/);
  bad('verifier', '[user]\n{question} {answer} {answer_a}\n[answer]\n', /unknown placeholder \{answer_a\}.*fills \{question\}, \{answer\}/);
  bad('judge-pairwise', '[user]\n{question} {answer_a}\n[answer]\n[[', /must use \{answer_b\}/);
  bad('verifier', '[user]\n{question} {answer}\n[answer]\n{answer}', /not allowed in \[answer\]/);
  bad('verifier', '[user]\na\n[user]\nb', /appears twice/);
});

test('a missing --judge-prompt file is a JudgePromptError', async () => {
  await assert.rejects(loadJudgePrompt('verifier', '/nonexistent/prompt.txt'), /cannot read the verifier prompt \/nonexistent\/prompt\.txt: ENOENT/);
});

test('placeholders are replaced once: a response that contains a placeholder stays as written', () => {
  assert.equal(fillPlaceholders('A: {answer_a} B: {answer_b} {"json": 1}', { answer_a: 'see {answer_b}', answer_b: 'x' }), 'A: see {answer_b} B: x {"json": 1}');
});
