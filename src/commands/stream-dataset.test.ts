import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT, STORIES, tempCacheDir } from '../testing/shared-models.js';
import { runEndorm, startEndorm, type Finished } from '../testing/spawn-endorm.js';
import { EXIT } from '../util/exit-codes.js';

// `--dataset -`, `/dev/stdin`, `<(…)` and FIFOs, through bin/endorm: each is read exactly once, while it streams.
const env = { ENDORM_CACHE: tempCacheDir() };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-streams-'));
const SAMPLE = path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl');
const SAMPLE_SHA = createHash('sha256').update(fs.readFileSync(SAMPLE)).digest('hex');
const ENDORM = path.join(PROJECT_ROOT, 'bin', 'endorm');
const score = (dataset: string, out: string, ...more: string[]) => [
  'score', '--model', STORIES, '--template', 'none', '--methods', 'loglik', '--quiet', '--dataset', dataset, '--out', out, ...more,
];

/** bin/endorm with `input` piped to its stdin, which is left open (a producer still at work) with `keepOpen`. */
function withStdin(args: string[], input: string | Buffer, keepOpen = false): Promise<Finished> {
  const child = spawn(process.execPath, [ENDORM, ...args], { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  if (keepOpen) child.stdin.write(input);
  else child.stdin.end(input);
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve({ code, signal, stdout, stderr });
    }),
  );
}

function scoredPairs(out: string): number {
  const lines = fs.readFileSync(path.join(out, 'scores.jsonl'), 'utf8').trimEnd().split('\n');
  return new Set(lines.map((l) => JSON.parse(l).pair)).size;
}

/** Waits until process `pid` has `file` open (Linux /proc): then it is waiting on the FIFO, its signal handlers set. */
async function holdsOpen(pid: number, file: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const link = (fd: string) => {
      try {
        return fs.readlinkSync(`/proc/${pid}/fd/${fd}`, { encoding: 'utf8' });
      } catch {
        return ''; // closed meanwhile, or the process is gone
      }
    };
    let fds: string[] = [];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      // not started yet, or gone (then the caller's assertions say why)
    }
    if (fds.some((fd) => link(fd) === file)) return;
    if (Date.now() > deadline) throw new Error(`process ${pid} never opened ${file}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const manifest = (out: string) => JSON.parse(fs.readFileSync(path.join(out, 'run.json'), 'utf8'));

test('--dataset - scores stdin, and run.json records its sha256 once it was read to the end', async () => {
  const out = path.join(tmp, 'stdin');
  const end = await withStdin(score('-', out), fs.readFileSync(SAMPLE));
  assert.equal(end.code, 0, end.stderr);
  assert.equal(scoredPairs(out), 64);
  const dataset = manifest(out).dataset;
  assert.deepEqual([dataset.spec, dataset.path, dataset.name, dataset.sha256], ['-', '-', 'stdin', SAMPLE_SHA]);

  // --limit stops reading early: the hash of what was not read is not known, and run.json says nothing false.
  const limited = path.join(tmp, 'stdin-limit');
  const endLimited = await withStdin(score('-', limited, '--limit', '3'), fs.readFileSync(SAMPLE));
  assert.equal(endLimited.code, 0, endLimited.stderr);
  assert.equal(scoredPairs(limited), 3);
  assert.equal(manifest(limited).dataset.sha256, '');
});

test('/dev/stdin with --format jsonl reads the records (it used to find none)', async () => {
  const out = path.join(tmp, 'dev-stdin');
  const end = await withStdin(score('/dev/stdin', out, '--format', 'jsonl'), fs.readFileSync(SAMPLE));
  assert.equal(end.code, 0, end.stderr);
  assert.equal(scoredPairs(out), 64);
  assert.equal(manifest(out).dataset.sha256, SAMPLE_SHA);
});

test('process substitution <(…) is read as a stream, the format told from its first bytes', () => {
  const out = path.join(tmp, 'procsub');
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, ENDORM, ...score('<(cat SAMPLE)', out)].map((a) => (a === '<(cat SAMPLE)' ? `<(cat ${quote(SAMPLE)})` : quote(a))).join(' ');
  execFileSync('bash', ['-c', command], { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: 'pipe' });
  assert.equal(scoredPairs(out), 64);
  assert.match(manifest(out).dataset.name, /^fd-\d+$/);
});

test('a FIFO: scored once a writer comes; with no writer, SIGTERM and SIGINT still stop the run at once', async () => {
  const fifo = path.join(tmp, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const out = path.join(tmp, 'fifo-run');
  const run = startEndorm(score(fifo, out), env);
  setTimeout(() => fs.writeFile(fifo, fs.readFileSync(SAMPLE), () => {}), 500);
  const end = await run.finished;
  assert.equal(end.code, 0, end.stderr);
  assert.equal(scoredPairs(out), 64);

  for (const [signal, code] of [
    ['SIGTERM', EXIT.terminated],
    ['SIGINT', EXIT.interrupted],
  ] as const) {
    const waiting = startEndorm(score(fifo, path.join(tmp, `fifo-${signal}`)), env, 30_000);
    await holdsOpen(waiting.child.pid!, fifo);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(waiting.child.exitCode, null, 'still waiting for a writer');
    const sent = Date.now();
    waiting.child.kill(signal);
    const stopped = await waiting.finished;
    assert.equal(stopped.code, code, `${signal}: ${stopped.stderr}`);
    assert.ok(Date.now() - sent < 5000, `${signal} took ${Date.now() - sent} ms`);
  }
});

test('a run folder that holds a run is not resumed from a stream (exit 2), before anything waits on it', async () => {
  const out = path.join(tmp, 'stdin-resume');
  const first = await withStdin(score('-', out, '--limit', '2'), fs.readFileSync(SAMPLE));
  assert.equal(first.code, 0, first.stderr);
  const again = await withStdin(score('-', out), fs.readFileSync(SAMPLE));
  assert.equal(again.code, EXIT.usage, again.stderr);
  assert.match(again.stderr, /holds a run, which cannot be resumed from stdin: a stream .* cannot be read again .* give a new --out/);
  // --resume takes the dataset from run.json ("-"); a terminal or an idle pipe on stdin must not leave it waiting.
  const resumed = await runEndorm(['score', '--resume', out, '--quiet'], env);
  assert.equal(resumed.code, EXIT.usage, resumed.stderr);
  assert.equal(scoredPairs(out), 2, 'the folder is left as it was');
});

test('a run that fails does not wait for the producer of its stdin to finish', async () => {
  const started = Date.now();
  const end = await withStdin(score('-', path.join(tmp, 'bad-model')).map((a) => (a === STORIES ? path.join(tmp, 'no-model') : a)), fs.readFileSync(SAMPLE).subarray(0, 500), true);
  assert.equal(end.code, EXIT.model, end.stderr);
  assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
});
