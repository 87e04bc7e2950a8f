#!/usr/bin/env node
// What a kill -9 loses, against batch size: lines whose model run had started but that never reached scores.jsonl.
//
//   npm run build && node scripts/measure-kill-loss.mjs [--kills 6] [--batch-sizes 1,4,16] [--copies 4] [--seed 1]
//                                                        [--endorm bin/endorm] [--model DIR] [--no-prefix-sharing]
//                                                        [--dataset FILE --limit N]
//
// The dataset is the story sample --copies times over (256 records, 512 response lines by default), or --dataset (e.g.
// an RM-Bench file, whose three styles per side differ in length) with --limit records (as `score --limit` picks them); it is scored with
// `--methods endorm,length` (one sequence per line), `--max-batch-tokens 100000` (so --batch-size alone sets the batch)
// and ENDORM_DEBUG=batches, which prints "running batch N: K sequence(s)" as each batch goes to the model and "wrote
// batch N: ..." once its lines are synced. Per batch size: one uninterrupted run gives the scoring time (from the first
// batch to the exit), then each of --kills fresh runs is SIGKILLed at a uniformly random moment of that span (seeded).
// Lost lines = sequences sent to the model − whole lines in scores.jsonl after the kill. `--endorm` runs another
// checkout's bin/endorm that prints the same two debug lines (to compare with an older scorer). With
// --no-prefix-sharing every response runs whole and a window's responses are sorted by length across its records, the
// case where writing whole records held lines back longest.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../dist/util/prng.js';
import { writeStoryCopies } from './story-copies.mjs';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '6' },
    'batch-sizes': { type: 'string', default: '1,4,16' },
    copies: { type: 'string', default: '4' },
    seed: { type: 'string', default: '1' },
    endorm: { type: 'string', default: join(root, 'bin', 'endorm') },
    model: { type: 'string', default: join(root, '..', 'shared', 'models', 'stories260K') },
    'no-prefix-sharing': { type: 'boolean', default: false },
    dataset: { type: 'string' },
    limit: { type: 'string' },
  },
});

const work = mkdtempSync(join(tmpdir(), 'endorm-kill-loss-'));
const dataset = values.dataset ? resolve(values.dataset) : join(work, 'stories.jsonl');
if (!values.dataset) {
  writeStoryCopies(dataset, Number(values.copies));
}

const random = mulberry32(Number(values.seed));

/** Runs one score; `killAfterMs` (from its first batch) SIGKILLs it. Resolves with what it reported and how long it scored. */
function score(out, batchSize, killAfterMs) {
  const args = [values.endorm, 'score', '--model', values.model, '--dataset', dataset, '--template', 'none', '--methods', 'endorm,length',
    '--batch-size', String(batchSize), '--max-batch-tokens', '100000', '--quiet', '--out', out, ...(values['no-prefix-sharing'] ? ['--no-prefix-sharing'] : []),
    ...(values.limit ? ['--limit', values.limit] : [])];
  const child = spawn(process.execPath, args, { env: { ...process.env, ENDORM_DEBUG: 'batches', ENDORM_CACHE: join(work, 'cache') }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let first;
  child.stderr.on('data', (d) => {
    stderr += d;
    if (first === undefined && stderr.includes('running batch')) {
      first = performance.now();
      if (killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    }
  });
  return new Promise((done) =>
    child.on('close', (code, signal) => {
      const runs = [...stderr.matchAll(/running batch \d+: (\d+) sequence/g)].map((m) => Number(m[1]));
      const sent = runs.reduce((n, x) => n + x, 0);
      const reported = [...stderr.matchAll(/wrote batch \d+: (.*)/g)].reduce((n, m) => n + m[1].split(', ').length, 0);
      done({ code, signal, sent, runs: runs.length, reported, scoringMs: performance.now() - (first ?? performance.now()), stderr });
    }),
  );
}

const wholeLines = (file) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').length - 1 : 0);

let total;
const header = ['| --batch-size | sequences per batch (mean) | scoring time | kills landed | lost lines per kill: mean | max | lines kept per kill (mean) |', '|--:|--:|--:|--:|--:|--:|--:|'];
for (const batchSize of values['batch-sizes'].split(',').map(Number)) {
  const whole = await score(join(work, `whole-${batchSize}`), batchSize);
  if (whole.code !== 0) throw new Error(`uninterrupted run failed: ${whole.stderr}`);
  if (total === undefined) {
    total = wholeLines(join(work, `whole-${batchSize}`, 'scores.jsonl'));
    console.log(`${values.endorm}${values['no-prefix-sharing'] ? ' --no-prefix-sharing' : ''}: ${total} response lines, ${values.kills} SIGKILLs per batch size at random moments of the scoring`);
    console.log(header.join('\n'));
  }
  const lost = [];
  const kept = [];
  for (let k = 0; k < Number(values.kills); k++) {
    const out = join(work, `kill-${batchSize}-${k}`);
    const end = await score(out, batchSize, Math.floor(random() * whole.scoringMs));
    if (end.signal !== 'SIGKILL') continue; // finished first
    const onDisk = wholeLines(join(out, 'scores.jsonl'));
    lost.push(end.sent - onDisk);
    kept.push(onDisk);
  }
  const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  console.log(`| ${batchSize} | ${(whole.sent / whole.runs).toFixed(1)} | ${(whole.scoringMs / 1000).toFixed(1)} s | ${lost.length} | ${mean(lost).toFixed(1)} | ${Math.max(...lost)} | ${mean(kept).toFixed(0)} of ${total} |`);
}
