import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runCliInProcess as endorm } from '../testing/run-cli.js';
import { PROJECT_ROOT, STORIES, tempCacheDir } from '../testing/shared-models.js';
import { EXIT } from '../util/exit-codes.js';

process.env.ENDORM_CACHE = tempCacheDir();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-resume-options-'));

test('--resume DIR alone continues a run with its dataset options and settings; a differing option is refused', async () => {
  const rows = [
    { q: 'Once upon a time, there was a cat. ', good: 'The cat liked to play.', bad: 'play cat The to liked.' },
    { q: 'Tom had a dog. ', good: 'The dog was happy.', bad: 'happy dog The was.' },
    { q: 'Sue went to the park. ', good: 'She saw a bird.', bad: 'bird a She saw.' },
  ];
  const dataset = path.join(tmp, 'renamed.jsonl');
  fs.writeFileSync(dataset, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const out = path.join(tmp, 'run');
  const first = await endorm([
    'score', '--model', STORIES, '--dataset', dataset, '--template', 'none', '--methods', 'endorm', '--max-length', '64',
    '--prompt-field', 'q', '--chosen-field', 'good', '--rejected-field', 'bad', '--out', out, '--quiet',
  ]);
  assert.equal(first.code, EXIT.ok, first.stderr);
  const scores = path.join(out, 'scores.jsonl');
  const whole = fs.readFileSync(scores, 'utf8');
  const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
  assert.deepEqual(summary.dataset.options, { promptField: 'q', chosenField: 'good', rejectedField: 'bad' });

  // The last record and a half went missing.
  const lines = whole.trimEnd().split('\n');
  fs.writeFileSync(scores, lines.slice(0, 3).join('\n') + '\n' + lines[3]!.slice(0, 15));
  fs.rmSync(path.join(out, 'summary.json'));
  const resumed = await endorm(['score', '--resume', out, '--quiet']);
  assert.equal(resumed.code, EXIT.ok, resumed.stderr);
  const again = fs.readFileSync(scores, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(again.map((l) => `${l.pair}/${l.role}`).sort(), whole.trimEnd().split('\n').map((l) => JSON.parse(l)).map((l) => `${l.pair}/${l.role}`).sort());
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')).methods, summary.methods);

  const other = await endorm(['score', '--resume', out, '--chosen-field', 'bad', '--rejected-field', 'good', '--quiet']);
  assert.equal(other.code, EXIT.usage);
  assert.match(other.stderr, /dataset\.options: \{"promptField":"q","chosenField":"good","rejectedField":"bad"\} vs \{"promptField":"q","chosenField":"bad","rejectedField":"good"\}/);
  const clash = await endorm(['score', '--resume', out, '--out', path.join(tmp, 'elsewhere')]);
  assert.equal(clash.code, EXIT.usage);
  assert.match(clash.stderr, /name different folders/);
  const missing = await endorm(['score', '--model', STORIES]);
  assert.equal(missing.code, EXIT.usage);
  assert.match(missing.stderr, /required option '-d, --dataset <path>' not specified \(or --resume DIR\)/);
});

test('a run keeps or keeps no traces to the end: --resume DIR continues as it began, and --no-traces on a traced run is refused', async () => {
  const dataset = path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl');
  const base = ['--model', STORIES, '--dataset', dataset, '--template', 'none', '--methods', 'endorm', '--limit', '6', '--threads', '1', '--quiet'];
  const cut = (run: string) => {
    // The last two records went missing, as after a kill.
    const scores = path.join(run, 'scores.jsonl');
    fs.writeFileSync(scores, fs.readFileSync(scores, 'utf8').trimEnd().split('\n').slice(0, 8).join('\n') + '\n');
  };

  const bare = path.join(tmp, 'bare');
  assert.equal((await endorm(['score', ...base, '--no-traces', '--out', bare])).code, EXIT.ok);
  assert.equal(JSON.parse(fs.readFileSync(path.join(bare, 'run.json'), 'utf8')).settings.traces, false);
  cut(bare);
  const resumedBare = await endorm(['score', '--resume', bare, '--quiet']);
  assert.equal(resumedBare.code, EXIT.ok, resumedBare.stderr);
  assert.equal(fs.readFileSync(path.join(bare, 'scores.jsonl'), 'utf8').trimEnd().split('\n').length, 12);
  assert.deepEqual(fs.readdirSync(bare).filter((f) => f.startsWith('traces')), []);

  const traced = path.join(tmp, 'traced');
  assert.equal((await endorm(['score', ...base, '--out', traced])).code, EXIT.ok);
  assert.equal(JSON.parse(fs.readFileSync(path.join(traced, 'run.json'), 'utf8')).settings.traces, true);
  cut(traced);
  const refused = await endorm(['score', '--resume', traced, '--no-traces', '--quiet']);
  assert.equal(refused.code, EXIT.usage);
  assert.match(refused.stderr, /settings\.traces: true vs false/);
  const resumed = await endorm(['score', '--resume', traced, '--quiet']);
  assert.equal(resumed.code, EXIT.ok, resumed.stderr);
  // Every response has its trace: a rescore from them gives back each of the run's 12 scores.
  const rescored = await endorm(['rescore', traced, '--methods', 'endorm', '--out', path.join(tmp, 'rescored'), '--quiet']);
  assert.equal(rescored.code, EXIT.ok, rescored.stderr);
  const scoresOf = (run: string) => new Map(fs.readFileSync(path.join(run, 'scores.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l)).map((l) => [`${l.pair}/${l.role}/${l.index ?? 0}`, l.scores.endorm]));
  const want = scoresOf(traced);
  const got = scoresOf(path.join(tmp, 'rescored'));
  assert.equal(got.size, 12);
  for (const [key, value] of want) assert.ok(Math.abs(got.get(key) - value) <= 1e-9 * Math.abs(value), key);
});
