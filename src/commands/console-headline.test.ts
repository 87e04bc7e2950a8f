import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { SHARED, STORIES, tempCacheDir } from '../testing/shared-models.js';
import { runEndormSync } from '../testing/spawn-endorm.js';

const cache = tempCacheDir();
// The shared RM-Bench folder has chat, code and the two safety files, but no math.
const RM_BENCH = path.join(SHARED, 'datasets', 'rm-bench');
const endorm = (args: string[]) => runEndormSync(args, { ENDORM_CACHE: cache });
const summaryOf = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8'));

test('an RM-Bench run whose average and pooled accuracy straddle a threshold: --fail-under gates on the average and says so; the console names the missing domain, the cut inputs and the template auto chose', () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-headline-')), 'run');
  const r = endorm(['score', '--model', STORIES, '--dataset', RM_BENCH, '--limit', '24', '--seed', '3', '--max-length', '64', '--methods', 'endorm,length', '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  const m = summaryOf(out).methods.endorm;
  const average: number = m.headline.value;
  const pooled: number = m.accuracy;
  assert.ok(Math.abs(average - pooled) > 0.002, `this sample must tell the two apart: average ${average}, pooled ${pooled}`);

  assert.match(r.stderr, /^endorm: warning: RM-Bench average covers 3 of 4 domains: math missing/m);
  assert.match(r.stderr, /^endorm: --template auto chose none \(the tokenizer has no chat template/m);
  const cut = /^endorm: inputs cut to --max-length 64: endorm ([\d.]+)% \((\d+) of (\d+) inputs\)/m.exec(r.stderr);
  assert.ok(cut, r.stderr);
  assert.deepEqual([Number(cut[2]), Number(cut[3])], [m.cutInputs.cut, m.cutInputs.inputs]);
  assert.equal(cut[1], ((100 * m.cutInputs.cut) / m.cutInputs.inputs).toFixed(1));
  // length reads no model output: nothing of its input is "cut" for it.
  assert.doesNotMatch(r.stderr, /inputs cut to [^\n]*, length \d/);

  // A threshold between the two: the gate follows the average, and says it checked the average.
  const threshold = ((average + pooled) / 2).toFixed(4);
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const gate = (spec: string) => endorm(['score', '--resume', out, '--quiet', '--fail-under', `${spec}=${threshold}`]);
  const byAverage = gate('endorm');
  assert.equal(byAverage.status, average >= Number(threshold) ? 0 : 5, byAverage.stderr);
  if (average < Number(threshold)) {
    assert.match(byAverage.stderr, new RegExp(`--fail-under endorm: RM-Bench average ${pct(average)} is below ${pct(Number(threshold))}: failed`));
  }
  const loud = endorm(['score', '--resume', out, '--fail-under', `endorm=${threshold}`]);
  assert.match(loud.stderr, new RegExp(`--fail-under endorm: RM-Bench average ${pct(average)} is ${average >= Number(threshold) ? 'at or above' : 'below'} `));
  // Pooled accuracy is on the other side of the threshold, and gated only when named.
  const byPooled = gate('endorm@pooled');
  assert.equal(byPooled.status, pooled >= Number(threshold) ? 0 : 5, byPooled.stderr);
  assert.notEqual(byPooled.status, byAverage.status);
  const unknown = gate('endorm@nothing');
  assert.equal(unknown.status, 5);
  assert.match(unknown.stderr, /--fail-under endorm@nothing: no number named "nothing" \(it has: headline, pooled, easy, normal, hard, chat, code, safety\); failed/);
});

test('a judge that lost more than 10% of its prompts to --max-length is a console warning', () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-judge-cut-')), 'run');
  const r = endorm([
    'score', '--model', STORIES, '--dataset', path.join(RM_BENCH, 'chat_filtered.json'), '--limit', '2', '--max-length', '400',
    '--methods', 'endorm,judge-pairwise', '--out', out,
  ]);
  assert.equal(r.status, 0, r.stderr);
  const judge = summaryOf(out).methods['judge-pairwise'];
  assert.ok(judge.cutInputs.cut / judge.cutInputs.inputs > 0.1, JSON.stringify(judge.cutInputs));
  const share = ((100 * judge.cutInputs.cut) / judge.cutInputs.inputs).toFixed(1);
  assert.match(r.stderr, new RegExp(`^endorm: warning: judge-pairwise lost ${share}% of its prompts to --max-length 400 \\(${judge.cutInputs.cut} of ${judge.cutInputs.inputs}\\)`, 'm'));
});

test('a sweep with --select-on prints the pick, its held-out score against the default setting with p, and the headline over α × γ; the default setting is the reference', () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-sweep-console-')), 'run');
  const r = endorm([
    'score', '--model', STORIES, '--dataset', RM_BENCH, '--limit', '16', '--max-length', '64', '--methods', 'length',
    '--alpha', '0.5,1,2', '--gamma', '0.9,1', '--select-on', 'dev:0.5', '--out', out,
  ]);
  assert.equal(r.status, 0, r.stderr);
  const summary = summaryOf(out);
  const s = summary.selection;
  assert.match(r.stderr, new RegExp(`^endorm: --select-on dev:0\\.5: picked α = ${s.chosen.alpha}, γ = ${s.chosen.gamma} on ${s.records.selection} records`, 'm'));
  assert.match(r.stderr, new RegExp(`held out \\(${s.records.heldOut} records\\): RM-Bench average ${(100 * s.chosen.heldOut.value).toFixed(1)}%`));
  if (s.default.spec !== s.chosen.spec) assert.match(r.stderr, /vs the default endorm:alpha=1,gamma=1 [\d.]+% \[[\d.–]+\], McNemar p = [\d.e-]+$/m);
  // The α × γ table: a row per α, the default setting marked *, the pick †.
  const table = r.stderr.slice(r.stderr.indexOf('RM-Bench average over α × γ'));
  const rows = table.split('\n').slice(1, 5);
  assert.match(rows[0]!, /^ +α \\ γ +0\.9 +1$/);
  const cell = (a: number, g: number) => (100 * summary.methods[`endorm:alpha=${a},gamma=${g}`].headline.value).toFixed(1);
  assert.match(rows[2]!, new RegExp(`^ +1 +${cell(1, 0.9)}†? +${cell(1, 1)}†?\\*$`));
  assert.equal(table.split('\n').slice(1, 5).join('\n').split('†').length - 1, 1, 'one cell picked');
  // Every other method is tested against the default setting, not the grid's first cell.
  assert.equal(summary.methods['endorm:alpha=0.5,gamma=0.9'].vsReference.reference, 'endorm:alpha=1,gamma=1');
  assert.equal(summary.methods.length.vsReference.reference, 'endorm:alpha=1,gamma=1');
});
