import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { STORIES, tempCacheDir } from '../testing/shared-models.js';
import { runEndormSync } from '../testing/spawn-endorm.js';

const cache = tempCacheDir();

const endorm = (args: string[]) => runEndormSync(args, { ENDORM_CACHE: cache });

const ALL = 'endorm,loglik,judge-pairwise,judge-pointwise,verifier';

test('one run scores the endogenous reward and the three judges into the same files and reports', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-judges-'));
  const r = endorm(['score', '--model', STORIES, '--dataset', 'datasets/stories-sample.jsonl', '--limit', '6', '--methods', ALL, '--out', out, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(summary.methods), ALL.split(','));
  for (const spec of ALL.split(',')) assert.equal(summary.methods[spec].pairs, 6, spec);
  const pairwise = summary.methods['judge-pairwise'];
  assert.equal(pairwise.kind, 'comparison');
  assert.equal(pairwise.comparisons, 12, 'both orders of every pair');
  assert.equal(typeof pairwise.position.consistency, 'number');
  assert.equal(typeof pairwise.position.firstPositionBias, 'number');
  assert.match(r.stderr, /judge-pairwise +accuracy [\d.]+% \[[\d.]+–[\d.]+\] +\(6 pairs, \d+ ties; position consistency [\d.]+%, first-position bias [\d.]+%\)/);

  const judges = summary.settings.judges;
  assert.deepEqual(Object.keys(judges), ['judge-pairwise', 'judge-pointwise', 'verifier']);
  assert.equal(judges['judge-pairwise'].prompt, 'prompts/judge-pairwise.txt');
  assert.match(judges['judge-pairwise'].sha256, /^[0-9a-f]{64}$/);
  assert.deepEqual(judges['judge-pairwise'].labels, { A: [[447], [410, 447]], B: [[445], [368]] });

  const lines = fs.readFileSync(path.join(out, 'scores.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const responses = lines.filter((l) => l.type === 'response');
  const comparisons = lines.filter((l) => l.type === 'comparison');
  assert.equal(responses.length, 12);
  assert.equal(comparisons.length, 6);
  for (const l of responses) {
    assert.deepEqual(Object.keys(l.scores), ['endorm', 'loglik', 'judge-pointwise', 'verifier']);
    const rating = l.extra['judge-pointwise'].rating;
    assert.ok(Number.isInteger(rating) && rating >= 1 && rating <= 10);
    assert.ok(l.scores['judge-pointwise'] >= 1 && l.scores['judge-pointwise'] <= 10);
    assert.ok(Number.isFinite(l.scores.verifier));
  }
  for (const l of comparisons) {
    const { chosenAsA, chosenAsB } = l.extra['judge-pairwise'];
    assert.ok(Math.abs(l.scores['judge-pairwise'] - (chosenAsA + chosenAsB) / 2) < 1e-12);
  }
  const md = fs.readFileSync(path.join(out, 'report.md'), 'utf8');
  assert.match(md, /\| `judge-pairwise` \| [\d.]+ \|/);
  assert.match(md, /## Judges/);
  assert.match(md, /\| `judge-pairwise` \| `prompts\/judge-pairwise\.txt` \| `[0-9a-f]{12}` \| `\[\[` \| \d+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \|/);
  assert.match(md, /\| `verifier` \| `prompts\/verifier\.txt` \| `[0-9a-f]{12}` \| `Answer:` \| 0 \| — \| — \| — \| — \|/);
  assert.doesNotMatch(md, /judges \{/, 'the settings line leaves the judges to their section');
  assert.match(fs.readFileSync(path.join(out, 'report.html'), 'utf8'), /<h2>Judges<\/h2>/);
});

test('--judge-prompt replaces a judge\'s prompt; the run records its path and hash', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-judge-prompt-'));
  const file = path.join(dir, 'verifier.txt');
  fs.writeFileSync(file, '[user]\nStory start: {question}\nStory end: {answer}\nIs this a good story? Answer Yes or No.\n[answer]\nAnswer:');
  const out = path.join(dir, 'run');
  const r = endorm(['score', '--model', STORIES, '--dataset', 'datasets/stories-sample.jsonl', '--limit', '2', '--methods', 'verifier', '--judge-prompt', file, '--out', out, '--quiet']);
  assert.equal(r.status, 0, r.stderr);
  const run = JSON.parse(fs.readFileSync(path.join(out, 'run.json'), 'utf8'));
  assert.equal(run.settings.judges.verifier.prompt, file);
  assert.equal(run.settings.judges.verifier.sha256.length, 64);
  const lines = fs.readFileSync(path.join(out, 'scores.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(Object.keys(lines[0].scores), ['verifier']);
});

test('judge usage errors exit 2: unknown method lists the judges, bad prompt file, prompt over --max-length', () => {
  const base = ['score', '--model', STORIES, '--dataset', 'datasets/stories-sample.jsonl', '--limit', '1', '--quiet'];
  const unknown = endorm([...base, '--methods', 'judge-magic']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown method "judge-magic".*judge-pairwise, judge-pointwise, verifier/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-judge-prompt-'));
  const bad = path.join(dir, 'bad.txt');
  fs.writeFileSync(bad, '[user]\n{question} {answer} {reference}\n[answer]\n');
  const badPrompt = endorm([...base, '--methods', 'verifier', '--judge-prompt', bad]);
  assert.equal(badPrompt.status, 2);
  assert.match(badPrompt.stderr, /unknown placeholder \{reference\}/);
  const short = endorm([...base, '--methods', 'judge-pairwise', '--max-length', '64', '--out', path.join(dir, 'short')]);
  assert.equal(short.status, 2, short.stderr);
  assert.match(short.stderr, /judge-pairwise prompt .* over --max-length 64/);
});
