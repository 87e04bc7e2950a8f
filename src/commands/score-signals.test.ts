import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { STORIES, tempCacheDir } from '../testing/shared-models.js';
import { runEndorm, startEndorm, waitForLines } from '../testing/spawn-endorm.js';
import { EXIT } from '../util/exit-codes.js';
import { InterruptedError, stopOnSignals } from './interrupt.js';

const env = { ENDORM_CACHE: tempCacheDir() };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-signals-'));
const args = (out: string) => [
  'score', '--model', STORIES, '--dataset', 'datasets/stories-sample.jsonl', '--template', 'none', '--methods', 'endorm,length',
  '--batch-size', '2', '--max-batch-tokens', '128', '--quiet', '--out', out,
];

/** Whole records only: every line parses and ends with LF, and each record has its chosen and its rejected line. */
function assertWholeRecords(file: string): number {
  const text = fs.readFileSync(file, 'utf8');
  assert.ok(text.endsWith('\n'), 'no torn last line');
  const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l));
  const roles = new Map<string, string[]>();
  for (const l of lines) roles.set(l.pair, [...(roles.get(l.pair) ?? []), l.role].sort());
  for (const [pair, r] of roles) assert.deepEqual(r, ['chosen', 'rejected'], pair);
  return roles.size;
}

test('Ctrl-C stops after the batch in flight with exit 130, keeps whole records, and the run resumes', async () => {
  const out = path.join(tmp, 'sigint');
  const run = startEndorm(args(out), env);
  await waitForLines(path.join(out, 'scores.jsonl'), 10, run);
  run.child.kill('SIGINT');
  const end = await run.finished;
  assert.equal(end.code, EXIT.interrupted, end.stderr);
  assert.match(end.stderr, /SIGINT: stopping after the batch in flight \(Ctrl-C again to stop at once\)/);
  assert.match(end.stderr, /interrupted; the scores written so far are kept/);
  const kept = assertWholeRecords(path.join(out, 'scores.jsonl'));
  assert.ok(kept >= 5 && kept < 64, `${kept} records kept`);
  assert.equal(fs.existsSync(path.join(out, 'summary.json')), false);

  const resumed = await runEndorm(['score', '--resume', out, '--quiet'], env);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(assertWholeRecords(path.join(out, 'scores.jsonl')), 64);
});

test('SIGTERM (a cancelled CI job, an evicted pod) stops the same way with exit 143', async () => {
  const out = path.join(tmp, 'sigterm');
  const run = startEndorm(args(out), env);
  await waitForLines(path.join(out, 'scores.jsonl'), 10, run);
  run.child.kill('SIGTERM');
  const end = await run.finished;
  assert.equal(end.code, EXIT.terminated, end.stderr);
  assertWholeRecords(path.join(out, 'scores.jsonl'));
});

test('the first signal aborts the run; a second one exits at once', (t) => {
  const exit = t.mock.method(process, 'exit', () => undefined as never);
  const said: string[] = [];
  const stop = stopOnSignals((line) => said.push(line));
  try {
    process.emit('SIGINT');
    assert.equal(stop.signal.aborted, true);
    assert.ok(stop.signal.reason instanceof InterruptedError);
    assert.equal(exit.mock.callCount(), 0);
    process.emit('SIGINT');
    assert.deepEqual(exit.mock.calls.map((c) => c.arguments), [[EXIT.interrupted]]);
    process.emit('SIGTERM');
    assert.deepEqual(exit.mock.calls.at(-1)!.arguments, [EXIT.terminated]);
    assert.equal(said.length, 1);
  } finally {
    stop.dispose();
  }
  assert.equal(process.listenerCount('SIGINT'), 0);
});
