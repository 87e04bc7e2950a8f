import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadModel } from './load-model.js';
import { ModelError } from '../model/model-errors.js';
import { prepareScoringGraph } from '../onnx/scoring-graph-cache.js';
import { STORIES, tempCacheDir } from '../testing/shared-models.js';
import { CUDA_PROVIDER_LIBRARY, cudaUnavailableReason, onnxruntimeBinDir } from './cuda-provider.js';
import { ScoringSession } from './scoring-session.js';

const installed = fs.existsSync(path.join(onnxruntimeBinDir(), CUDA_PROVIDER_LIBRARY));

test('without the CUDA provider library, the reason names it and how to install it', () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-no-cuda-'));
  const reason = cudaUnavailableReason(empty);
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    assert.match(reason!, /no CUDA execution provider/);
    return;
  }
  assert.ok(reason);
  assert.ok(reason.includes(CUDA_PROVIDER_LIBRARY), reason);
  assert.ok(reason.includes(empty), reason);
  assert.match(reason, /`ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node`/);
});

test('--device cuda on a machine without the CUDA provider fails with a clear model error', { skip: installed && 'CUDA provider installed' }, async () => {
  const graph = await prepareScoringGraph(path.join(STORIES, 'onnx', 'model.onnx'), tempCacheDir());
  await assert.rejects(ScoringSession.create(graph, { alphas: [1], vocabSize: 512, device: 'cuda' }), (err: Error) => {
    assert.ok(err instanceof ModelError, `${err.name}: ${err.message}`);
    assert.match(err.message, /^--device cuda: /);
    assert.match(err.message, /CUDA execution provider/);
    assert.ok(err.message.includes(CUDA_PROVIDER_LIBRARY), err.message);
    assert.match(err.message, /use --device cpu$/);
    return true;
  });
  // loadModel refuses before it rewrites the graph: the cache stays empty.
  const cache = tempCacheDir();
  await assert.rejects(loadModel(STORIES, { dtype: 'fp32', alphas: [1], device: 'cuda', cacheDir: cache }), ModelError);
  assert.equal(fs.existsSync(path.join(cache, 'graphs')), false);
});
