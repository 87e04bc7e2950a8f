import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { STORIES, tempCacheDir } from '../testing/shared-models.js';
import { runEndorm, startEndorm, waitForLines } from '../testing/spawn-endorm.js';
import { EXIT } from '../util/exit-codes.js';
import { mulberry32 } from '../util/prng.js';
import { InterruptedError, stopOnSignals } from './interrupt.js';

const env = { ENDORM_CACHE: tempCacheDir(), ENDORM_DEBUG: 'batches' };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-signals-'));
const args = (out: string) => [
  'score', '--model', STORIES, '--dataset', 'datasets/stories-sample.jsonl', '--template', 'none', '--methods', 'endorm,length',
  '--batch-size', '2', '--max-batch-tokens', '128', '--quiet', '--out', out,
];

/** The lines the run said were on disk (ENDORM_DEBUG=batches), as `pair role/index`. */
function reportedLines(stderr: string): string[] {
  return [...stderr.matchAll(/^endorm: debug: wrote batch \d+: (.*)$/gm)].flatMap((m) => m[1]!.split(', '));
}

/** The whole lines of scores.jsonl, as `pair role/index`; a torn last line (a kill mid-write) is left out. */
function linesOnDisk(file: string, { torn }: { torn: boolean }): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const parts = text.split('\n');
  const last = parts.pop()!;
  if (!torn) assert.equal(last, '', 'no torn last line after a graceful stop');
  return parts.map((l) => {
    const r = JSON.parse(l);
    return `${r.pair} ${r.role}/${r.index}`;
  });
}

/**
 * Every line a finished batch of this session wrote is there, and beyond them at most the batch whose report had not
 * reached us (2 lines at --batch-size 2). `before`: the file's lines when the session started.
 */
function assertKept(file: string, stderr: string, torn: boolean, before: string[] = []): { kept: number; reported: number } {
  const reported = reportedLines(stderr);
  const onDisk = linesOnDisk(file, { torn });
  const present = new Set(onDisk);
  for (const line of reported) assert.ok(present.has(line), `${line} was reported written but is not in scores.jsonl`);
  const added = onDisk.length - before.length;
  assert.ok(added >= reported.length && added - reported.length <= 2, `${added} lines added, ${reported.length} reported`);
  return { kept: onDisk.length, reported: reported.length };
}

/** Scores of a finished run, by `pair role/index` (the later line wins, as in every reader). */
function scoresOf(dir: string): Map<string, Record<string, number>> {
  const scores = new Map<string, Record<string, number>>();
  for (const l of fs.readFileSync(path.join(dir, 'scores.jsonl'), 'utf8').trimEnd().split('\n')) {
    const r = JSON.parse(l);
    scores.set(`${r.pair} ${r.role}/${r.index}`, r.scores);
  }
  return scores;
}

function assertSameScores(actual: Map<string, Record<string, number>>, expected: Map<string, Record<string, number>>): void {
  assert.equal(actual.size, expected.size);
  for (const [key, want] of expected) {
    const got = actual.get(key)!;
    for (const [spec, value] of Object.entries(want)) {
      assert.ok(Math.abs(got[spec]! - value) <= 1e-4 * Math.max(1, Math.abs(value)), `${key} ${spec}: ${got[spec]} vs ${value}`);
    }
  }
}

let clean: Map<string, Record<string, number>> | undefined;
async function cleanScores(): Promise<Map<string, Record<string, number>>> {
  if (!clean) {
    const out = path.join(tmp, 'clean');
    const done = await runEndorm(args(out), env);
    assert.equal(done.code, 0, done.stderr);
    clean = scoresOf(out);
  }
  return clean;
}

test('Ctrl-C stops after the batch in flight with exit 130, keeps every written batch, and the run resumes', async () => {
  const out = path.join(tmp, 'sigint');
  const run = startEndorm(args(out), env);
  await waitForLines(path.join(out, 'scores.jsonl'), 10, run);
  run.child.kill('SIGINT');
  const end = await run.finished;
  assert.equal(end.code, EXIT.interrupted, end.stderr);
  assert.match(end.stderr, /SIGINT: stopping after the batch in flight \(Ctrl-C again to stop at once\)/);
  assert.match(end.stderr, /interrupted; the scores written so far are kept/);
  const { kept } = assertKept(path.join(out, 'scores.jsonl'), end.stderr, false);
  assert.ok(kept >= 10 && kept < 128, `${kept} lines kept`);
  assert.equal(fs.existsSync(path.join(out, 'summary.json')), false);
  assert.equal(fs.existsSync(path.join(out, 'run.lock')), false, 'the lock is released');

  const resumed = await runEndorm(['score', '--resume', out, '--quiet'], env);
  assert.equal(resumed.code, 0, resumed.stderr);
  assertSameScores(scoresOf(out), await cleanScores());
});

test('SIGTERM and SIGKILL at random points keep every batch that was written; resuming gives the uninterrupted scores', async () => {
  const out = path.join(tmp, 'random-kills');
  const scores = path.join(out, 'scores.jsonl');
  const random = mulberry32(14);
  let sent = 0;
  for (const signal of ['SIGTERM', 'SIGKILL', 'SIGKILL', 'SIGTERM', 'SIGKILL'] as const) {
    const before = fs.existsSync(scores) ? linesOnDisk(scores, { torn: true }) : [];
    const run = startEndorm(args(out), env);
    // After the model is loaded and the first batch is out: a random moment of the scoring that follows.
    await waitForLines(scores, before.length + 1, run);
    await new Promise((r) => setTimeout(r, Math.floor(random() * 250)));
    if (run.child.exitCode !== null) break; // finished before the kill: the rest of the test still checks the result
    run.child.kill(signal);
    sent++;
    const end = await run.finished;
    // A SIGTERM that comes after the last batch (while the summary is written) has nothing left to stop.
    if (signal === 'SIGTERM' && end.code === 0 && fs.existsSync(path.join(out, 'summary.json'))) break;
    if (signal === 'SIGTERM') assert.equal(end.code, EXIT.terminated, end.stderr);
    else assert.equal(end.signal, 'SIGKILL');
    assertKept(scores, end.stderr, signal === 'SIGKILL', before);
    if (signal === 'SIGTERM') assert.equal(fs.existsSync(path.join(out, 'run.lock')), false, 'SIGTERM releases the lock');
  }
  assert.ok(sent >= 3, `only ${sent} kills landed`);
  const resumed = await runEndorm(['score', '--resume', out], env);
  assert.equal(resumed.code, 0, resumed.stderr);
  assertSameScores(scoresOf(out), await cleanScores());
  // A SIGKILL leaves its lock behind; the next run took it over with a note.
  assert.equal(fs.existsSync(path.join(out, 'run.lock')), false);
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
