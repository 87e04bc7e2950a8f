import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Pair } from '../datasets/pair.js';
import { loadModel, type LoadedModel } from '../engine/load-model.js';
import { createResponseMethod } from '../rewards/response-methods.js';
import type { ResponseScoreRecord, ScoreRecord } from '../run-store/score-record.js';
import { STORIES, tempCacheDir } from '../testing/shared-models.js';
import { responseTaskBuilder } from './response-task.js';
import { scorePairs } from './score-pairs.js';

const STORY_PAIRS: Pair[] = [
  ['Once upon a time, there was a little girl named Lily.', ' She loved to play in the park with her dog.', ' dog her park with to in the She play loved.'],
  ['Tom had a red ball.', ' He threw it high in the sky and laughed.', ' sky laughed the in it and threw high He.'],
  ['The sun was warm.', ' The birds sang in the big green tree.', ' green the tree sang big birds in The.'],
  ['One day, a cat found a box.', ' It jumped inside and fell asleep. The box was soft and warm, and the cat was happy.', ' happy asleep jumped was the It inside and fell.'],
  ['Sam wanted a cookie.', ' His mom gave him one.', ' one him gave mom His.'],
].map(([prompt, chosen, rejected], i) => ({
  key: `p${i}`, id: `p${i}`, prompt, chosen: [chosen], rejected: [rejected], source: { file: 'inline', line: i + 1 },
}));

async function* stream(pairs: Pair[]) {
  yield* pairs;
}

let model: LoadedModel;
before(async () => {
  model = await loadModel(STORIES, { dtype: 'fp32', alphas: [1, 0.5], cacheDir: tempCacheDir(), threads: 1 });
});
after(async () => model.session.release());

async function run(batchSize: number, maxBatchTokens: number, windowPairs?: number): Promise<Map<string, ResponseScoreRecord>> {
  const records: ScoreRecord[] = [];
  const methods = ['endorm', 'endorm:alpha=0.5,gamma=0.9,terminal=keep', 'loglik', 'length'].map((s) => createResponseMethod(s));
  const progress = await scorePairs(stream(STORY_PAIRS), {
    session: model.session,
    builders: [responseTaskBuilder({ tokenizer: model.tokenizer, template: 'none', scoreEot: true, maxLength: 512, alphas: [1, 0.5], methods })],
    batch: { batchSize, maxBatchTokens },
    windowPairs,
    sink: (r) => {
      records.push(...r);
    },
  });
  assert.equal(progress.pairs, STORY_PAIRS.length);
  assert.equal(records.length, 2 * STORY_PAIRS.length, 'one line per response');
  return new Map(records.map((r) => [`${r.pair}/${(r as ResponseScoreRecord).role}`, r as ResponseScoreRecord]));
}

test('scores do not depend on batch size, padding or window (batch 1 vs 8, within 1e-4)', async () => {
  const single = await run(1, 100000);
  const batched = await run(8, 100000);
  const windowed = await run(3, 60, 2);
  assert.equal(single.size, 10);
  for (const [key, r] of single) {
    for (const other of [batched, windowed]) {
      const o = other.get(key)!;
      assert.equal(o.tokens, r.tokens);
      for (const spec of Object.keys(r.scores)) {
        assert.ok(Math.abs(o.scores[spec] - r.scores[spec]) < 1e-4, `${key} ${spec}: ${o.scores[spec]} vs ${r.scores[spec]}`);
      }
    }
  }
});

test('the trained story model prefers each coherent continuation to its scrambled words', async () => {
  const scores = await run(8, 100000);
  for (const pair of STORY_PAIRS) {
    const chosen = scores.get(`${pair.key}/chosen`)!.scores.endorm;
    const rejected = scores.get(`${pair.key}/rejected`)!.scores.endorm;
    assert.ok(chosen > rejected, `${pair.key}: ${chosen} <= ${rejected}`);
  }
});

test('progress moves with every batch: partialPairs counts a pair by the share of its responses run, and ends exact', async () => {
  const seen: { pairs: number; partialPairs: number }[] = [];
  const methods = ['endorm'].map((s) => createResponseMethod(s));
  const done = await scorePairs(stream(STORY_PAIRS), {
    session: model.session,
    builders: [responseTaskBuilder({ tokenizer: model.tokenizer, template: 'none', scoreEot: true, maxLength: 512, alphas: [1, 0.5], methods })],
    // One response per batch: a pair is done only every second batch.
    batch: { batchSize: 1, maxBatchTokens: 100000 },
    prefixSharing: false,
    sink: () => {},
    onProgress: (p) => seen.push({ pairs: p.pairs, partialPairs: p.partialPairs }),
  });
  assert.equal(seen.length, 11, 'a report per batch (10 responses), and one at the end');
  assert.deepEqual(seen.slice(0, 10).map((p) => p.partialPairs.toFixed(1)), ['0.5', '1.0', '1.5', '2.0', '2.5', '3.0', '3.5', '4.0', '4.5', '5.0']);
  // Whole pairs lag behind: after the first batch no pair is complete, yet progress has moved.
  assert.deepEqual(seen[0], { pairs: 0, partialPairs: 0.5 });
  assert.equal(done.partialPairs, 5);
  assert.equal(done.pairs, 5);
});

test('each line goes to the sink with the batch that finishes it, not when its record or window is done', async () => {
  const calls: ScoreRecord[][] = [];
  const methods = ['endorm', 'length'].map((s) => createResponseMethod(s));
  await scorePairs(stream(STORY_PAIRS), {
    session: model.session,
    builders: [responseTaskBuilder({ tokenizer: model.tokenizer, template: 'none', scoreEot: true, maxLength: 512, alphas: [1, 0.5], methods })],
    batch: { batchSize: 1, maxBatchTokens: 100000 },
    sink: (r) => {
      calls.push(r);
    },
  });
  // One response per batch, so one line per sink call: ten calls, each with one line, every response once.
  assert.deepEqual(calls.map((c) => c.length), Array(10).fill(1));
  assert.equal(new Set(calls.map(([r]) => `${r!.pair}/${(r as ResponseScoreRecord).role}`)).size, 10);
});

test('lines a resumed run already has are not scored again', async () => {
  const records: ScoreRecord[] = [];
  const partial: number[] = [];
  let sequences = 0;
  const session = new Proxy(model.session, {
    get: (target, key) => (key === 'run' ? (requests: unknown[], ...rest: unknown[]) => ((sequences += requests.length), (target.run as (...a: unknown[]) => unknown)(requests, ...rest)) : Reflect.get(target, key)),
  });
  const progress = await scorePairs(stream(STORY_PAIRS), {
    session,
    builders: [responseTaskBuilder({ tokenizer: model.tokenizer, template: 'none', scoreEot: true, maxLength: 512, alphas: [1, 0.5], methods: [createResponseMethod('endorm')] })],
    batch: { batchSize: 4, maxBatchTokens: 100000 },
    doneLines: (pair) => (pair.key === 'p0' ? new Set(['chosen/0']) : pair.key === 'p1' ? new Set(['chosen/0', 'rejected/0']) : undefined),
    sink: (r) => {
      records.push(...r);
    },
    onProgress: (p) => partial.push(p.partialPairs),
  });
  assert.equal(sequences, 7, 'p0 rejected and the other three records');
  assert.deepEqual(records.map((r) => `${r.pair}/${(r as ResponseScoreRecord).role}`).sort(), ['p0/rejected', 'p2/chosen', 'p2/rejected', 'p3/chosen', 'p3/rejected', 'p4/chosen', 'p4/rejected']);
  assert.equal(progress.pairs, 4, 'p0 finished now; p1 had nothing left');
  // A partly done record counts whole once what it had left is run: the batches' fractions add up to the 4 records.
  assert.equal(partial.at(-2)!.toFixed(6), '4.000000');
});
