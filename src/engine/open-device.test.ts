import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ModelError } from '../model/model-errors.js';
import { PROJECT_ROOT, STORIES } from '../testing/shared-models.js';
import { runEndorm } from '../testing/spawn-endorm.js';
import { cudaUnavailableReason } from './cuda-provider.js';
import { DEVICES } from './devices.js';
import { openDevice } from './open-device.js';

/** Whether this machine has a WebGPU adapter (CI and developer machines have none: Debian's lavapipe is too old for Dawn). */
const webgpuStarts = await openDevice('webgpu').then(
  () => true,
  () => false,
);

test('--device webgpu without an adapter: exit 4, naming what is missing and what to use instead, quickly', { skip: webgpuStarts && 'this machine has a WebGPU adapter' }, async () => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-webgpu-'));
  const out = path.join(cache, 'run');
  const started = performance.now();
  const r = await runEndorm(
    ['score', '--device', 'webgpu', '--model', STORIES, '--template', 'none', '--dataset', path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl'), '--out', out, '--quiet'],
    { ENDORM_CACHE: cache },
  );
  const seconds = (performance.now() - started) / 1000;
  assert.equal(r.code, 4, r.stderr);
  assert.match(r.stderr, /--device webgpu: onnxruntime found no WebGPU adapter/);
  assert.match(r.stderr, /Vulkan/);
  assert.match(r.stderr, /use --device cpu/);
  // It stops before the scoring graph is built and before the run folder exists.
  assert.equal(fs.existsSync(path.join(cache, 'graphs')), false);
  assert.equal(fs.existsSync(out), false);
  assert.ok(seconds < 20, `took ${seconds.toFixed(1)} s`);
});

test('openDevice: cpu is the CPU entry; auto is cuda only where its provider starts; webgpu fails as a ModelError', { skip: webgpuStarts && 'this machine has a WebGPU adapter' }, async () => {
  assert.equal(await openDevice('cpu'), DEVICES.cpu);
  const auto = await openDevice('auto');
  if (cudaUnavailableReason() !== undefined) assert.equal(auto.name, 'cpu');
  else assert.ok(auto.name === 'cuda' || auto.name === 'cpu');
  await assert.rejects(openDevice('webgpu'), (err: Error) => err instanceof ModelError && /it needs a GPU whose driver speaks Vulkan/.test(err.message));
});
