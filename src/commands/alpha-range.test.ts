import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadScorer } from '../api/score-response.js';
import { runCliInProcess as endorm } from '../testing/run-cli.js';
import { PROJECT_ROOT, STORIES, tempCacheDir } from '../testing/shared-models.js';
import { EXIT } from '../util/exit-codes.js';

// Issue 19, 11: α = 1e-40 ran the whole pass and then blamed the model for NaN/Inf; α = 1e30 gave all ties silently.
process.env.ENDORM_CACHE = tempCacheDir();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-alpha-'));
const SAMPLE = path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl');
// A model folder that does not exist: a check that comes after loading the model would say exit 4, not 2.
const NO_MODEL = path.join(tmp, 'no-such-model');

const cases: Array<[string, string[], RegExp]> = [
  ['--alpha 1e-40', ['score', '--model', NO_MODEL, '--dataset', SAMPLE, '--alpha', '1e-40'], /--alpha: 1e-40 is not a temperature from 0\.000001 to 1000000/],
  ['--alpha 1e30 in a grid', ['score', '--model', NO_MODEL, '--dataset', SAMPLE, '--alpha', '0.5,1,1e30'], /--alpha: 1e\+30 is not a temperature from 0\.000001 to 1000000/],
  ['endorm:alpha=1e30', ['score', '--model', NO_MODEL, '--dataset', SAMPLE, '--methods', 'endorm:alpha=1e30,gamma=0.9'], /endorm:alpha=1e30,gamma=0\.9.*alpha=1e30 \(a temperature from 0\.000001 to 1000000/],
  ['inspect --alpha 1e30', ['inspect', '--model', NO_MODEL, '--prompt', 'p', '--response', 'r', '--alpha', '1e30'], /--alpha.*expected a temperature from 0\.000001 to 1000000/],
];

for (const [name, args, message] of cases) {
  test(`${name} is exit 2 naming the range, before any model is loaded`, async () => {
    const r = await endorm(args);
    assert.equal(r.code, EXIT.usage, r.stderr);
    assert.match(r.stderr, message);
    assert.match(r.stderr, /float32/);
  });
}

test('the ends of the range are accepted: α = 1e-6 and 1e6 score with finite values', async () => {
  const out = path.join(tmp, 'ends');
  const r = await endorm(['score', '--model', STORIES, '--dataset', SAMPLE, '--template', 'none', '--limit', '4', '--quiet', '--alpha', '1e-6,1e6', '--out', out]);
  assert.equal(r.code, EXIT.ok, r.stderr);
  const lines = fs.readFileSync(path.join(out, 'scores.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { scores: Record<string, number> });
  for (const spec of ['endorm:alpha=0.000001,gamma=1', 'endorm:alpha=1000000,gamma=1']) {
    assert.ok(lines.every((l) => Number.isFinite(l.scores[spec])), spec);
  }
});

test('loadScorer refuses an α outside the range before loading the model', async () => {
  await assert.rejects(loadScorer({ model: NO_MODEL, alphas: [1, 1e-40] }), (err: Error) => err.name === 'MethodSpecError' && /1e-40.*float32/.test(err.message));
});
