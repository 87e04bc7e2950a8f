import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { graphOutputNames } from '../onnx/graph-io.js';
import { prepareScoringGraph } from '../onnx/scoring-graph-cache.js';
import { SCORING_IO } from '../onnx/scoring-io.js';
import { tempCacheDir, TINY_LLAMA3 } from '../testing/shared-models.js';
import { DEVICES } from './devices.js';
import { onnxSessionOptions } from './scoring-session.js';

test('webgpu keeps every present.* in GPU memory and reads the head back; cpu and cuda bind nothing to a device', async () => {
  const graph = await prepareScoringGraph(path.join(TINY_LLAMA3, 'onnx', 'model.onnx'), tempCacheDir(), { head: 'gathered' });
  const outputs = await graphOutputNames(graph);
  assert.deepEqual(outputs.slice(0, 2), [SCORING_IO.logit, SCORING_IO.logSumExp]);
  const webgpu = onnxSessionOptions(DEVICES.webgpu, outputs, { threads: 2 });
  assert.deepEqual(webgpu.executionProviders, ['webgpu']);
  // tiny-llama3 has 2 layers: a key and a value cache each
  assert.deepEqual(webgpu.preferredOutputLocation, {
    'present.0.key': 'gpu-buffer',
    'present.0.value': 'gpu-buffer',
    'present.1.key': 'gpu-buffer',
    'present.1.value': 'gpu-buffer',
  });
  for (const device of [DEVICES.cpu, DEVICES.cuda]) {
    const o = onnxSessionOptions(device, outputs, { threads: 2, profileFilePrefix: '/tmp/p' });
    assert.deepEqual(o.executionProviders, [device.executionProvider]);
    assert.equal(o.preferredOutputLocation, undefined);
    assert.equal(o.enableProfiling, true);
  }
});
