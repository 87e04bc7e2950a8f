import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { STORIES, tempCacheDir } from '../testing/shared-models.js';
import { runEndorm, startEndorm, waitForLines } from '../testing/spawn-endorm.js';
import { repeatedStoriesSample } from '../testing/story-datasets.js';
import { EXIT } from '../util/exit-codes.js';

const env = { ENDORM_CACHE: tempCacheDir() };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-one-writer-'));
// Four times the story sample (256 records): a run that is still writing while the other commands try the folder.
const dataset = repeatedStoriesSample(tmp, 4);
const args = (out: string) => [
  'score', '--model', STORIES, '--dataset', dataset, '--template', 'none', '--methods', 'endorm,loglik,length',
  '--batch-size', '2', '--max-batch-tokens', '128', '--quiet', '--out', out,
];
const json = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));

test('two endorm score processes on one --out: the second is refused (exit 7, naming the first), the first ends as a clean run', async () => {
  const clean = path.join(tmp, 'clean');
  const reference = await runEndorm(args(clean), env);
  assert.equal(reference.code, 0, reference.stderr);

  const shared = path.join(tmp, 'shared');
  const first = startEndorm(args(shared), env);
  await waitForLines(path.join(shared, 'scores.jsonl'), 4, first);
  // All at once, while the first one writes.
  const [second, rescore, merge, report] = await Promise.all([
    runEndorm(args(shared), env),
    runEndorm(['rescore', clean, '--methods', 'loglik', '--out', shared], env),
    runEndorm(['merge', clean, '--out', shared], env),
    runEndorm(['report', shared], env),
  ]);
  assert.equal(first.child.exitCode, null, 'the first run was still writing');
  assert.equal(second.code, EXIT.locked, second.stderr);
  assert.match(
    second.stderr,
    new RegExp(`^endorm: error: ${shared} is being written by endorm score \\(pid ${first.child.pid} on host ${os.hostname()}, since [-0-9T:.Z]+\\)`, 'm'),
  );
  assert.doesNotMatch(second.stderr, /at .*\.js:\d+/, 'no stack trace');
  // rescore --out and merge --out into the folder being written are refused too: rescore because a scored run is
  // never its --out, merge by the lock.
  assert.equal(rescore.code, EXIT.input, rescore.stderr);
  assert.match(rescore.stderr, /is not empty and is not an earlier rescore/);
  assert.equal(merge.code, EXIT.locked, merge.stderr);
  // report writes its summary.json and reports into the run folder: refused too.
  assert.equal(report.code, EXIT.locked, report.stderr);
  assert.match(report.stderr, /is being written by endorm score /);
  assert.equal(fs.existsSync(path.join(shared, 'summary.json')), false, 'no summary.json before the run has finished');
  // Written elsewhere, a report of a run still being scored would stand for results that are not there yet: refused
  // (exit 7, naming the writer), and nothing is made.
  const elsewhere = await runEndorm(['report', shared, '--out', path.join(tmp, 'partial-report')], env);
  assert.equal(elsewhere.code, EXIT.locked, elsewhere.stderr);
  assert.match(elsewhere.stderr, new RegExp(`${shared} is not a finished run, which report reads only: it is being written by endorm score \\(pid ${first.child.pid}`));
  assert.equal(fs.existsSync(path.join(tmp, 'partial-report')), false);

  const end = await first.finished;
  assert.equal(end.code, 0, end.stderr);
  assert.equal(fs.existsSync(path.join(shared, 'run.lock')), false, 'released at the end');
  const a = json(path.join(clean, 'summary.json'));
  const b = json(path.join(shared, 'summary.json'));
  assert.deepEqual(b.methods, a.methods);
  assert.deepEqual(b.counts, a.counts);
  // Every response exactly once, with the clean run's scores: the refused writer added nothing.
  const lines = (dir: string) => fs.readFileSync(path.join(dir, 'scores.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
  const byKey = (dir: string) => new Map(lines(dir).map((r) => [`${r.pair}/${r.role}/${r.index}`, r.scores]));
  assert.equal(lines(shared).length, 512);
  assert.deepEqual(byKey(shared), byKey(clean));
  const index = fs.readFileSync(path.join(shared, 'traces.index.jsonl'), 'utf8').trimEnd().split('\n');
  assert.equal(index.length, 1 + 512, 'one trace entry per response');

  // rescore reads the traces: the same loglik as the clean run.
  const rescored = await runEndorm(['rescore', shared, '--methods', 'loglik', '--out', path.join(tmp, 'rescored'), '--quiet'], env);
  assert.equal(rescored.code, 0, rescored.stderr);
  const { vsReference: _vs, ...loglik } = a.methods.loglik; // the rescore has no endorm to test against
  assert.deepEqual(json(path.join(tmp, 'rescored', 'summary.json')).methods.loglik, loglik);
});
