import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT, STORIES, TINY_LLAMA3, tempCacheDir } from '../testing/shared-models.js';
import { runEndormSync } from '../testing/spawn-endorm.js';
import { loadTokenizer } from './load-tokenizer.js';

/** Characters that made transformers.js take a local folder for a Hub id (issue 19, 10). */
const HOSTILE = [' ', '=', '%', '#', '?', ';', 'é', '<'];

test('a model folder whose name holds a space, =, %, #, ?, ;, é or < loads its tokenizer, which tokenizes as the original', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-names-'));
  const text = 'Hello, world! Once upon a time';
  for (const model of [TINY_LLAMA3, STORIES]) {
    const reference = (await loadTokenizer(model)).encode(text);
    assert.ok(reference.length > 3);
    for (const c of HOSTILE) {
      const folder = path.join(root, `model ${c}x${c}${path.basename(model)}`);
      fs.mkdirSync(folder);
      for (const f of ['tokenizer.json', 'tokenizer_config.json']) fs.copyFileSync(path.join(model, f), path.join(folder, f));
      assert.deepEqual((await loadTokenizer(folder)).encode(text), reference, `${folder}`);
    }
  }
});

test('endorm score reads a model from a folder named with every such character at once', () => {
  const folder = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-names-')), `a b=c%d#e?f;g é<h`);
  fs.cpSync(STORIES, folder, { recursive: true, filter: (src) => !src.includes(`${path.sep}source`) });
  const out = path.join(path.dirname(folder), 'run');
  const r = runEndormSync(['score', '--model', folder, '--dataset', path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl'), '--template', 'none', '--limit', '2', '--quiet', '--out', out], {
    ENDORM_CACHE: tempCacheDir(),
  });
  assert.equal(r.status, 0, r.stderr);
  const lines = fs.readFileSync(path.join(out, 'scores.jsonl'), 'utf8').trim().split('\n');
  assert.ok(lines.length >= 2, `${lines.length} score lines`);
  assert.equal(JSON.parse(fs.readFileSync(path.join(out, 'run.json'), 'utf8')).model.path, folder);
});
