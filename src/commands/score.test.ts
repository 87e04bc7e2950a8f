import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { STORIES, tempCacheDir } from '../testing/shared-models.js';
import { runEndormSync } from '../testing/spawn-endorm.js';

const cache = tempCacheDir();

const endorm = (args: string[]) => runEndormSync(args, { ENDORM_CACHE: cache });

test('endorm score on the story sample: endorm prefers the coherent continuation, and every output is written', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-score-'));
  const r = endorm([
    'score', '--model', STORIES, '--dataset', 'datasets/stories-sample.jsonl', '--template', 'none',
    '--methods', 'endorm,loglik,length', '--out', out, '--json', '--fail-under', 'endorm=0.9',
  ]);
  assert.equal(r.status, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')).methods, summary.methods);
  assert.ok(summary.methods.endorm.accuracy >= 0.9, `endorm accuracy ${summary.methods.endorm.accuracy}`);
  assert.equal(summary.methods.endorm.pairs, 64);
  // The scrambled text has exactly the chosen words: equal lengths, so the length baseline ties on every pair.
  assert.equal(summary.methods.length.ties, 64);
  assert.equal(summary.methods.length.accuracy, 0);
  const lines = fs.readFileSync(path.join(out, 'scores.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 128);
  assert.deepEqual(Object.keys(lines[0].scores), ['endorm', 'loglik', 'length']);
  for (const f of ['run.json', 'report.md', 'report.csv', 'report.html']) assert.ok(fs.existsSync(path.join(out, f)), f);
  assert.match(fs.readFileSync(path.join(out, 'report.md'), 'utf8'), /\| `endorm` \| 100\.0 \|/);

  // Before the first progress: which model loads, the graph's one-time build (this test file's cache is new), ready.
  assert.match(r.stderr, /^endorm: loading model .*stories260K \(config, tokenizer, ONNX file\)…\n/m);
  assert.match(r.stderr, /^endorm: preparing the scoring graph of .*model\.onnx: a one-time step on first use of this model file/m);
  assert.match(r.stderr, /^endorm: model ready in \d+\.\d s$/m);
  // The console's run counts are report.md's, word for word; its own line counts what went through the model.
  const counts = /^endorm: run counts \(as in report\.md\): (.*)$/m.exec(r.stderr)![1]!;
  assert.ok(fs.readFileSync(path.join(out, 'report.md'), 'utf8').includes(`- **Counts:** ${counts}\n`), counts);
  assert.match(counts, /^64 records, 128 responses, 0 score lines cut to --max-length, 0 skipped, [\d.,]+k? scored response tokens$/);
  assert.match(r.stderr, /^endorm: scored 64 records in [\d.]+ s: 128 responses, [\d,]+ prompt and response tokens through the model/m);

  // The graph is built once: a second run says nothing about it.
  const again = endorm(['score', '--model', STORIES, '--dataset', 'datasets/stories-sample.jsonl', '--template', 'none', '--limit', '2', '--out', `${out}-again`]);
  assert.equal(again.status, 0, again.stderr);
  assert.doesNotMatch(again.stderr, /preparing the scoring graph/);
  assert.match(again.stderr, /model ready in/);
});

test('--fail-under exits with the gate code when a method is below its threshold', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-score-'));
  const r = endorm([
    'score', '--model', STORIES, '--dataset', 'datasets/stories-sample.jsonl', '--template', 'none', '--limit', '8',
    '--methods', 'endorm,length', '--out', out, '--quiet', '--fail-under', 'length=0.5',
  ]);
  assert.equal(r.status, 5, r.stderr);
  assert.match(r.stderr, /--fail-under length: accuracy 0\.0% is below 50\.0%: failed/);
});

test('usage errors exit 2 and name the problem', () => {
  const bad = endorm(['score', '--model', STORIES, '--dataset', 'datasets/stories-sample.jsonl', '--methods', 'endorm:alpha=-1']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /alpha=-1/);
  const unknown = endorm(['score', '--model', STORIES, '--dataset', 'datasets/stories-sample.jsonl', '--methods', 'magic']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown method "magic"/);
});

test('endorm inspect --json gives tokens with logit, logprob, value, reward and the outcome', () => {
  const r = endorm(['inspect', '--model', STORIES, '--template', 'none', '--prompt', 'Once upon a time', '--response', ' there was a cat.', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  // Each token's own text in context (leading spaces kept), so that the pieces read as the response.
  assert.deepEqual(result.tokens.map((t: { text: string }) => t.text), [' there', ' was', ' a', ' c', 'at', '.']);
  assert.deepEqual(Object.keys(result.tokens[0]), ['id', 'text', 'logit', 'logprob', 'value', 'reward']);
  const sum = result.tokens.reduce((s: number, t: { logprob: number }) => s + t.logprob, 0);
  assert.ok(Math.abs(result.outcome.loglik - sum) < 1e-9);
});

test('--reference names the method the paired tests compare with; run.json keeps it, a resume and a rescore honour it', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-reference-'));
  const args = ['--model', STORIES, '--dataset', 'datasets/stories-sample.jsonl', '--template', 'none', '--limit', '6', '--quiet'];
  const r = endorm(['score', ...args, '--methods', 'endorm,loglik,length', '--reference', 'length', '--out', out, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.equal(summary.settings.reference, 'length');
  assert.equal(summary.methods.length.vsReference, undefined);
  assert.equal(summary.methods.endorm.vsReference.reference, 'length');
  // length ties on every story pair (same words), endorm is right on all 6: c counts endorm right and length wrong.
  assert.deepEqual([summary.methods.endorm.vsReference.b, summary.methods.endorm.vsReference.c], [0, 6]);
  assert.match(fs.readFileSync(path.join(out, 'report.md'), 'utf8'), /McNemar p vs `length`/);
  const resumed = endorm(['score', '--resume', out, '--quiet', '--json']);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.equal(JSON.parse(resumed.stdout).methods.endorm.vsReference.reference, 'length');

  const rescored = endorm(['rescore', out, '--methods', 'endorm:gamma=0.5,loglik', '--reference', 'loglik', '--out', `${out}-rescore`, '--json', '--quiet']);
  assert.equal(rescored.status, 0, rescored.stderr);
  const again = JSON.parse(rescored.stdout);
  assert.equal(again.settings.reference, 'loglik');
  assert.equal(again.methods['endorm:gamma=0.5'].vsReference.reference, 'loglik');

  const bad = endorm(['score', ...args, '--methods', 'endorm,loglik', '--reference', 'length', '--out', `${out}-bad`]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--reference length is not among the run's methods \(endorm, loglik\)/);
});
