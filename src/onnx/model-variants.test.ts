import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ScoringSession } from '../engine/scoring-session.js';
import { fullLogits, referenceLogSumExp, tempCacheDir, TINY_LLAMA3 } from '../testing/shared-models.js';
import { addSoftCapping, quantizeHead, toExternalData, writeModelVariant } from '../testing/model-variants.js';
import { prepareScoringGraph } from './scoring-graph-cache.js';

const IDS = [506, 72, 105, 259, 265, 510, 508, 97, 115, 115, 260];

async function headMatchesFullLogits(modelDir: string, alphas = [1, 0.7]) {
  const graph = await prepareScoringGraph(path.join(modelDir, 'onnx', 'model.onnx'), tempCacheDir());
  const session = await ScoringSession.create(graph, { alphas, vocabSize: 512, threads: 1 });
  const positions = IDS.map((_, i) => i);
  const targets = positions.map((p) => IDS[(p + 1) % IDS.length]);
  const { results } = await session.run([{ ids: IDS, positions, targets }, { ids: IDS.slice(0, 4), positions: [3], targets: [7] }]);
  const { logits, vocab } = await fullLogits(modelDir, IDS);
  let worst = 0;
  positions.forEach((p, i) => {
    const row = logits.subarray(p * vocab, (p + 1) * vocab);
    worst = Math.max(worst, Math.abs(results[0].logits[i] - row[targets[i]]));
    alphas.forEach((a, k) => (worst = Math.max(worst, Math.abs(results[0].logSumExp[i * alphas.length + k] - referenceLogSumExp(row, a)))));
  });
  await session.release();
  return worst;
}

test('weights in an external data file (model.onnx_data) load through the cached scoring graph', async () => {
  const dir = await writeModelVariant(TINY_LLAMA3, toExternalData);
  assert.ok(fs.statSync(path.join(dir, 'onnx', 'model.onnx_data')).size > 100_000);
  assert.ok(fs.statSync(path.join(dir, 'onnx', 'model.onnx')).size < 100_000);
  assert.ok((await headMatchesFullLogits(dir)) < 1e-4);
});

test('a soft-capped head (Gemma 2 style) moves whole into the scoring head', async () => {
  const dir = await writeModelVariant(TINY_LLAMA3, addSoftCapping(0.5));
  assert.ok((await headMatchesFullLogits(dir)) < 1e-4);
});

test('a dynamically quantised head (q8 exports) moves whole into the scoring head', async () => {
  const dir = await writeModelVariant(TINY_LLAMA3, quantizeHead);
  assert.ok((await headMatchesFullLogits(dir)) < 1e-4);
});
