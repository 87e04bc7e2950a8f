import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JudgePromptError } from '../judges/prompt-template.js';
import { MethodSpecError } from '../rewards/method-spec.js';
import { judgePromptFiles, loadJudgePrompts } from './judge-setup.js';
import { planMethods } from './plan-methods.js';

test('--methods splits into per-response methods and judges', () => {
  const plan = planMethods(['endorm', 'loglik', 'judge-pairwise', 'judge-pointwise', 'verifier', 'verifier']);
  assert.deepEqual(plan.response.map((m) => m.spec), ['endorm', 'loglik']);
  assert.deepEqual(plan.judges.map((j) => j.name), ['judge-pairwise', 'judge-pointwise', 'verifier']);
});

test('an unknown method names every method, judges included; judges take no parameters', () => {
  assert.throws(
    () => planMethods(['magic']),
    (e: Error) => e instanceof MethodSpecError && /unknown method "magic".*endorm, loglik, loglik-mean, length, judge-pairwise, judge-pointwise, verifier/.test(e.message),
  );
  assert.throws(() => planMethods(['verifier:alpha=1']), /unknown parameter "alpha"/);
});

test('--judge-prompt: JUDGE=FILE, or a bare FILE when one judge runs', async () => {
  assert.deepEqual(judgePromptFiles(['my.txt'], ['verifier']), { verifier: 'my.txt' });
  assert.deepEqual(judgePromptFiles(['verifier=a=b.txt', 'judge-pairwise=p.txt'], ['verifier', 'judge-pairwise']), {
    verifier: 'a=b.txt',
    'judge-pairwise': 'p.txt',
  });
  assert.throws(() => judgePromptFiles(['my.txt'], ['verifier', 'judge-pairwise']), /name the judge/);
  assert.throws(() => judgePromptFiles(['verifier=x.txt'], ['judge-pairwise']), /not among --methods/);
  assert.throws(() => judgePromptFiles(['verifier=x', 'verifier=y'], ['verifier']), JudgePromptError);
  const prompts = await loadJudgePrompts(planMethods(['verifier', 'judge-pairwise']).judges);
  assert.deepEqual([...prompts.keys()], ['verifier', 'judge-pairwise']);
});
