import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { STORIES, tempCacheDir } from '../testing/shared-models.js';
import { loadModel } from './load-model.js';
import { ModelError } from '../model/model-errors.js';

/** A copy of stories260K in a temp folder, changed by `edit`, so each failure is the only thing wrong with it. */
function brokenCopy(edit: (dir: string) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-broken-'));
  fs.cpSync(STORIES, dir, { recursive: true });
  fs.rmSync(path.join(dir, 'source'), { recursive: true, force: true });
  edit(dir);
  return dir;
}

const load = (dir: string, dtype = 'fp32') => loadModel(dir, { dtype, alphas: [1], cacheDir: tempCacheDir(), threads: 1 });

test('a folder without a tokenizer is a model error naming the missing files', async () => {
  const dir = brokenCopy((d) => fs.rmSync(path.join(d, 'tokenizer.json')));
  await assert.rejects(load(dir), (err: Error) => err instanceof ModelError && /no usable tokenizer: missing tokenizer\.json/.test(err.message));
});

test('an unsupported architecture is named with the file it came from', async () => {
  const dir = brokenCopy((d) => {
    const config = JSON.parse(fs.readFileSync(path.join(d, 'config.json'), 'utf8'));
    fs.writeFileSync(path.join(d, 'config.json'), JSON.stringify({ ...config, model_type: 't5', architectures: ['T5ForConditionalGeneration'] }));
  });
  await assert.rejects(load(dir), (err: Error) => err instanceof ModelError && /config\.json: model_type "t5" is not a supported causal LM/.test(err.message));
});

test('a dtype whose ONNX file is absent lists the dtypes the folder has', async () => {
  await assert.rejects(load(STORIES, 'q4'), (err: Error) => err instanceof ModelError && /no onnx\/model_q4\.onnx for --dtype q4 \(available: fp32\)/.test(err.message));
  await assert.rejects(load(STORIES, 'fp64'), /unknown --dtype "fp64"/);
});

test('a half-written ONNX file is a model error, not a crash', async () => {
  const dir = brokenCopy((d) => {
    const file = path.join(d, 'onnx', 'model.onnx');
    fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2));
  });
  await assert.rejects(load(dir), (err: Error) => err instanceof ModelError && /model\.onnx/.test(err.message));
});

test('a missing folder that is not a Hub id says so', async () => {
  await assert.rejects(load('/nonexistent/model/folder'), /no such folder, and not a Hub id/);
});
