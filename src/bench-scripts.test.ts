import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { loadModel } from './engine/load-model.js';
import { responseRequest } from './engine/response-trace.js';
import { scorePairs } from './run/score-pairs.js';
import { PROJECT_ROOT, STORIES, tempCacheDir } from './testing/shared-models.js';

// The benches (scripts/bench*.mjs) drive the scorer through scripts/bench-inputs.mjs, outside the compiled code: a
// change of the scorer's task shape once broke every bench path without a failing test. This runs that helper.
test('the benches\' scoreBenchInputs scores every response of its inputs once, with or without prefix sharing', async () => {
  const { scoreBenchInputs } = (await import(pathToFileURL(path.join(PROJECT_ROOT, 'scripts', 'bench-inputs.mjs')).href)) as {
    scoreBenchInputs: (api: unknown, session: unknown, inputs: unknown, o: unknown) => Promise<{ pairs: number }>;
  };
  const model = await loadModel(STORIES, { alphas: [1], cacheDir: tempCacheDir(), threads: 1 });
  try {
    const inputs = {
      records: [
        { key: 'a', prompt: [1, 403, 407, 261], responses: [[378, 288, 316], [260, 276], [286, 261, 280, 294]] },
        { key: 'b', prompt: [1, 260, 276], responses: [[403, 407], [378, 288, 316, 260]] },
      ],
    };
    const run = async (prefixSharing: boolean) => {
      const loglik = new Map<string, number>();
      const progress = await scoreBenchInputs({ scorePairs, responseRequest }, model.session, inputs, {
        batch: { batchSize: 2, maxBatchTokens: 64 },
        prefixSharing,
        accept: (record: { key: string }, k: number, response: number[], res: { logits: Float32Array; logSumExp: Float32Array }) => {
          const key = `${record.key}/${k}`;
          assert.ok(!loglik.has(key), `${key} accepted once`);
          let sum = 0;
          for (let i = 0; i < response.length; i++) sum += res.logits[i]! - res.logSumExp[i]!;
          loglik.set(key, sum);
        },
      });
      assert.equal(progress.pairs, 2);
      return loglik;
    };
    const shared = await run(true);
    const plain = await run(false);
    assert.deepEqual([...shared.keys()].sort(), ['a/0', 'a/1', 'a/2', 'b/0', 'b/1']);
    for (const [key, value] of shared) {
      assert.ok(Number.isFinite(value) && value < 0, `${key}: log-likelihood ${value}`);
      assert.ok(Math.abs(value - plain.get(key)!) <= 1e-4 * Math.abs(value), `${key}: ${value} with prefix sharing, ${plain.get(key)} without`);
    }
  } finally {
    await model.session.release();
  }
});

test('the CPU bench\'s rankingFlips counts the RM-Bench pairs (3 chosen × 3 rejected per record) two scorings order differently', async () => {
  const { rankingFlips } = (await import(pathToFileURL(path.join(PROJECT_ROOT, 'scripts', 'bench-inputs.mjs')).href)) as {
    rankingFlips: (a: number[], b: number[], records: number) => { flips: number; pairs: number; worst: number };
  };
  const reference = [-10, -11, -12, -20, -21, -22, -5, -6, -7, -1, -2, -3];
  // record 0: chosen 0 (−10 → −20.5) now below rejected 3 (−20) only: 1 flip; record 1 unchanged apart from a small shift
  const other = [-20.5, -11, -12, -20, -21, -22, -5.1, -6, -7, -1, -2, -3];
  assert.deepEqual(rankingFlips(reference, other, 2), { flips: 1, pairs: 18, worst: 10.5 });
  assert.deepEqual(rankingFlips(reference, reference, 2), { flips: 0, pairs: 18, worst: 0 });
});
