import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { PositionResult } from '../engine/scoring-session.js';
import { loadModel, type LoadedModel } from '../engine/load-model.js';
import { fullLogits, referenceLogSumExp, TINY_LLAMA3, tempCacheDir } from '../testing/shared-models.js';
import { PAIRWISE_LABELS } from './judge-pairwise.js';
import { RATING_LABELS } from './judge-pointwise.js';
import { prepareJudge, type PreparedJudge } from './judge-task.js';
import { LabelReader, normalize } from './label-tokens.js';
import { loadJudgePrompt } from './prompt-template.js';
import { VERIFIER_LABELS } from './verifier.js';

let model: LoadedModel;
const judges: Record<string, PreparedJudge> = {};
before(async () => {
  // α = 1 deliberately not first, so that the read-out has to find it.
  model = await loadModel(TINY_LLAMA3, { dtype: 'fp32', alphas: [0.5, 1], cacheDir: tempCacheDir(), threads: 1 });
  for (const [judge, labels] of [['judge-pairwise', PAIRWISE_LABELS], ['judge-pointwise', RATING_LABELS], ['verifier', VERIFIER_LABELS]] as const) {
    judges[judge] = prepareJudge(
      { spec: judge, tokenizer: model.tokenizer, template: 'chat', maxLength: 2048, alphas: [0.5, 1], prompt: await loadJudgePrompt(judge) },
      labels,
    );
  }
});
after(async () => model.session.release());

test('tiny-llama3 label token ids after each answer prefix, and the continuations read', () => {
  // "A" 65, " A" 349; "B" 66, but " B" is " " (32) + "B": the space is read one step further.
  assert.deepEqual(judges['judge-pairwise']!.reader.describe(), { A: [[65], [349]], B: [[66], [32, 66]] });
  assert.deepEqual(judges['judge-pairwise']!.reader.continuations, [[32]]);
  // "1".."9" are 49..57; "10" is "1" + "0" (49, 48), so "1" is read again for its "0".
  const ratings = judges['judge-pointwise']!.reader.describe();
  assert.deepEqual(ratings, Object.fromEntries([...Array.from({ length: 9 }, (_, k) => [String(k + 1), [[49 + k]]]), ['10', [[49, 48]]]]));
  assert.deepEqual(judges['judge-pointwise']!.reader.continuations, [[49]]);
  // Byte-level pieces: "Yes" = Y e s; " No" = " " N o.
  assert.deepEqual(judges.verifier!.reader.describe(), {
    Yes: [[89, 101, 115], [450, 101, 115], [121, 101, 115], [329, 101, 115]],
    No: [[78, 111], [32, 78, 111], [110, 111], [444, 111]],
  });
  assert.deepEqual(judges.verifier!.reader.continuations, [[32]]);
  assert.deepEqual(judges.verifier!.reader.requests([7, 8, 9]), [
    { ids: [7, 8, 9, 32], positions: [2, 2, 2, 2, 2, 2, 2, 2, 3], targets: [89, 450, 121, 329, 78, 32, 110, 444, 78] },
  ]);
});

test('label probabilities from the scoring engine match a softmax over the full logits within 1e-5', async () => {
  const texts = [
    judges['judge-pairwise']!.formatter.text({ question: 'What is 2+2?', answer_a: '4', answer_b: 'Five, I think.' }),
    judges['judge-pointwise']!.formatter.text({ question: 'Name a colour.', answer: 'Blue is a colour.' }),
    judges.verifier!.formatter.text({ question: 'Is the sky blue?', answer: 'Yes, on a clear day.' }),
  ];
  const names = ['judge-pairwise', 'judge-pointwise', 'verifier'] as const;
  const ids = names.map((n, k) => judges[n]!.formatter.encodeText(texts[k]!));
  const requests = names.flatMap((n, k) => judges[n]!.reader.requests(ids[k]!));
  // One padded batch of different lengths, as the pipeline runs them.
  const { results } = await model.session.run(requests);
  const got: Record<string, number[]> = {};
  let r = 0;
  names.forEach((n) => {
    const mine: PositionResult[] = judges[n]!.reader.continuations.map(() => results[r++]!);
    got[n] = judges[n]!.reader.logProbs(mine, 1, 2).map(Math.exp);
  });

  // Reference: softmax rows of the exported graph's logits at the answer position (p0) and one token later (p1).
  const softmax = async (seq: number[], position: number) => {
    const { logits, vocab } = await fullLogits(TINY_LLAMA3, seq);
    const row = logits.subarray(position * vocab, (position + 1) * vocab);
    const lse = referenceLogSumExp(row, 1);
    return (t: number) => Math.exp(row[t]! - lse);
  };
  const close = (a: number[], b: number[], what: string) =>
    a.forEach((x, i) => assert.ok(Math.abs(x - b[i]!) < 1e-5, `${what}[${i}]: ${x} vs ${b[i]}`));

  const pw = ids[0]!;
  const [p0, p1] = [await softmax(pw, pw.length - 1), await softmax([...pw, 32], pw.length)];
  close(got['judge-pairwise']!, [p0(65) + p0(349), p0(66) + p0(32) * p1(66)], 'pairwise');
  close(normalize(got['judge-pairwise']!.map(Math.log)), [0, 1].map((k) => [p0(65) + p0(349), p0(66) + p0(32) * p1(66)][k]! / (p0(65) + p0(349) + p0(66) + p0(32) * p1(66))), 'pairwise P(A wins)');

  const pt = ids[1]!;
  const [q0, q1] = [await softmax(pt, pt.length - 1), await softmax([...pt, 49], pt.length)];
  const ratings = [q0(49) * (1 - q1(48)), ...Array.from({ length: 8 }, (_, k) => q0(50 + k)), q0(49) * q1(48)];
  close(got['judge-pointwise']!, ratings, 'ratings');

  const vf = ids[2]!;
  const [v0, v1] = [await softmax(vf, vf.length - 1), await softmax([...vf, 32], vf.length)];
  close(got.verifier!, [v0(89) + v0(450) + v0(121) + v0(329), v0(78) + v0(32) * v1(78) + v0(110) + v0(444)], 'verifier');
});

test('the trie reads only where labels are still undecided', () => {
  const visible = (ids: number[]) => !ids.every((t) => t === 0); // token 0 is a bare space
  const reader = LabelReader.fromTokens(
    [
      { label: 'x', variants: [{ text: 'x', ids: [1, 2] }, { text: ' x', ids: [0, 1, 2] }] },
      { label: 'y', variants: [{ text: 'y', ids: [3] }, { text: ' y', ids: [0, 3] }] },
      { label: 'xz', variants: [{ text: 'xz', ids: [1, 4] }] },
    ],
    visible,
  );
  // [1] starts both x and xz: read one more. [0] is only a space: read one more; after it, [0, 1] leads to x alone
  // and [0, 3] to y alone, so both are decided there (their later tokens are not read).
  assert.deepEqual(reader.continuations, [[1], [0]]);
  assert.equal(reader.extraTokens, 1);
  const [a, b] = reader.requests([9, 9]);
  assert.deepEqual(a, { ids: [9, 9, 1], positions: [1, 1, 1, 2, 2], targets: [1, 0, 3, 2, 4] });
  assert.deepEqual(b, { ids: [9, 9, 0], positions: [2, 2], targets: [1, 3] });
  // Feed probabilities straight in (logSumExp = 0): root P(1)=.4 P(0)=.2 P(3)=.3; after 1: P(2)=.5 P(4)=.25;
  // after 0: P(1)=.5 P(3)=.25.
  const result = (ps: number[]): PositionResult => ({ logits: Float32Array.from(ps.map(Math.log)), logSumExp: new Float32Array(ps.length) });
  const lp = reader.logProbs([result([0.4, 0.2, 0.3, 0.5, 0.25]), result([0.5, 0.25])], 0, 1).map(Math.exp);
  const expected = [0.4 * 0.5 + 0.2 * 0.5, 0.3 + 0.2 * 0.25, 0.4 * 0.25];
  lp.forEach((p, i) => assert.ok(Math.abs(p - expected[i]!) < 1e-6, `${p} vs ${expected[i]}`));
});

test('a label that ends where a longer one continues keeps only the mass that stops there', () => {
  const reader = LabelReader.fromTokens(
    [
      { label: '1', variants: [{ text: '1', ids: [1] }] },
      { label: '10', variants: [{ text: '10', ids: [1, 0] }] },
    ],
    () => true,
  );
  const result = (ps: number[]): PositionResult => ({ logits: Float32Array.from(ps.map(Math.log)), logSumExp: new Float32Array(ps.length) });
  const [one, ten] = reader.logProbs([result([0.5, 0.3])], 0, 1).map(Math.exp);
  assert.ok(Math.abs(one! - 0.35) < 1e-6 && Math.abs(ten! - 0.15) < 1e-6, `${one} ${ten}`);
});

test('two labels on the same tokens are refused', () => {
  assert.throws(
    () => LabelReader.fromTokens([{ label: 'a', variants: [{ text: 'a', ids: [1] }] }, { label: 'b', variants: [{ text: 'b', ids: [1] }] }], () => true),
    /share tokens/,
  );
});
