import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { STORIES, tempCacheDir } from '../testing/shared-models.js';
import { mixedStoriesSample } from '../testing/story-datasets.js';
import { runEndorm, startEndorm, waitForLines } from '../testing/spawn-endorm.js';

const env = { ENDORM_CACHE: tempCacheDir() };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-resume-e2e-'));

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));

test('SIGKILL at several points, then resume: every response exactly once, and the summary of an uninterrupted run', async () => {
  const dataset = mixedStoriesSample(tmp);
  const common = ['score', '--model', STORIES, '--dataset', dataset, '--template', 'none', '--methods', 'endorm,endorm:alpha=0.5,loglik,length'];

  // The uninterrupted reference, with the default batch size, runs meanwhile.
  const whole = path.join(tmp, 'whole');
  const referenceRun = runEndorm([...common, '--out', whole, '--quiet'], env);

  // Small batches: a flush every couple of responses, so the kills land between and during many writes.
  const out = path.join(tmp, 'killed');
  const scores = path.join(out, 'scores.jsonl');
  const killedArgs = [...common, '--out', out, '--batch-size', '2', '--max-batch-tokens', '128', '--quiet'];
  for (const [i, lines] of [6, 50, 96].entries()) {
    const run = startEndorm(killedArgs, env);
    await waitForLines(scores, lines, run);
    run.child.kill('SIGKILL');
    const end = await run.finished;
    assert.equal(end.signal, 'SIGKILL', `run ${i} finished before it could be killed`);
    // A write cut short mid-line, as a kill during write() leaves it.
    if (i === 0) fs.appendFileSync(scores, '{"type":"response","pair":"story-0');
  }
  const resumed = await runEndorm(['score', '--resume', out], env);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /resumed .*killed: \d+ records were done before, \d+ scored now/);

  const lines = fs.readFileSync(scores, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
  const ids = lines.map((l) => `${l.pair}/${l.role}/${l.index}`);
  assert.equal(ids.length, 128);
  assert.equal(new Set(ids).size, 128, 'every response exactly once');

  const reference = await referenceRun;
  assert.equal(reference.code, 0, reference.stderr);
  const a = readJson(path.join(whole, 'summary.json'));
  const b = readJson(path.join(out, 'summary.json'));
  const endorm = a.methods.endorm;
  assert.ok(endorm.accuracy > 0.5 && endorm.accuracy < 0.9 && endorm.ci95[0] < endorm.ci95[1], `a non-trivial run: ${JSON.stringify(endorm.ci95)}`);
  assert.deepEqual(b.methods, a.methods);
  assert.deepEqual(b.counts, a.counts);
  assert.deepEqual(b.settings, a.settings);
  assert.equal(b.dataset.sha256, a.dataset.sha256);

  // Once complete, rerunning says so and rescoring nothing leaves the file as it is.
  const before = fs.readFileSync(scores, 'utf8');
  const again = await runEndorm([...common, '--out', out], env);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /was already complete \(64 records\)/);
  assert.equal(fs.readFileSync(scores, 'utf8'), before);
  assert.deepEqual(readJson(path.join(out, 'summary.json')).methods, a.methods);
});
