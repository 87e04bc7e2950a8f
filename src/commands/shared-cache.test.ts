import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT, STORIES, tempCacheDir } from '../testing/shared-models.js';
import { startEndorm } from '../testing/spawn-endorm.js';

// The tasks of a job array start together on one shared ENDORM_CACHE that holds nothing yet.
test('4 score processes starting together on a fresh cache prepare the scoring graph once, and score the same', async () => {
  const cache = tempCacheDir();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-shared-cache-'));
  const dataset = path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl');
  const outs = [1, 2, 3, 4].map((i) => path.join(tmp, `run-${i}`));
  const runs = await Promise.all(
    outs.map((out) => startEndorm(['score', '--model', STORIES, '--dataset', dataset, '--template', 'none', '--limit', '8', '--threads', '1', '--out', out], { ENDORM_CACHE: cache }, 120_000).finished),
  );
  for (const r of runs) assert.equal(r.code, 0, r.stderr);
  const builders = runs.filter((r) => r.stderr.includes('preparing the scoring graph'));
  assert.equal(builders.length, 1, runs.map((r) => r.stderr).join('\n----\n'));
  // Those that found the build under way said whom they waited for (a late starter may find the graph ready instead).
  for (const r of runs.filter((x) => x.stderr.includes('waiting for the scoring graph'))) {
    assert.match(r.stderr, /which another process \(pid \d+ on .*, since .*\) is preparing in /);
  }
  assert.equal(fs.readdirSync(path.join(cache, 'graphs')).length, 1, 'one entry, no lock or temporary folder left');
  const scores = outs.map((out) => fs.readFileSync(path.join(out, 'scores.jsonl'), 'utf8'));
  assert.equal(scores[0]!.trim().split('\n').length, 16);
  for (const s of scores.slice(1)) assert.equal(s, scores[0]);
});
