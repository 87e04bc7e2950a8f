import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { compareRuns } from '../api/report-runs.js';
import { writeSyntheticRun } from '../testing/synthetic-run.js';
import { comparisonGrid } from './comparison-grid.js';
import { modelName, runLabels } from './run-labels.js';
import { summarizeRun } from './summarize-run.js';
import { writeComparisonReports } from './write-comparison-reports.js';

async function runs() {
  const base = await mkdtemp(join(tmpdir(), 'endorm-compare-'));
  const same = { seed: 3, groups: ['chat', 'math', 'code', 'safety-refuse', 'safety-response'] };
  await writeSyntheticRun(join(base, 'a'), { ...same, settings: { template: 'chat' } });
  await writeSyntheticRun(join(base, 'b'), { ...same, settings: { template: 'none' } });
  await writeSyntheticRun(join(base, 'c'), { ...same, model: '/models/llama/', methods: [{ spec: 'endorm', kind: 'response', skill: 1, styleBias: 0 }] });
  const summaries = [await summarizeRun(join(base, 'a')), await summarizeRun(join(base, 'b')), await summarizeRun(join(base, 'c'))];
  return { base, summaries };
}

test('run labels: model name plus only the settings that differ', async () => {
  const { base, summaries } = await runs();
  assert.deepEqual(runLabels(summaries), [
    'Qwen3-0.6B-ONNX (template=chat)',
    'Qwen3-0.6B-ONNX (template=none)',
    'llama (template=chat)',
  ]);
  assert.deepEqual(runLabels([summaries[0]!, summaries[0]!]), ['Qwen3-0.6B-ONNX #1', 'Qwen3-0.6B-ONNX #2']);
  assert.equal(modelName('org/name'), 'name');
  await rm(base, { recursive: true });
});

test('comparison grid lines rows up by method and scope; absent methods are "not run"', async () => {
  const { base, summaries } = await runs();
  const grid = comparisonGrid(summaries);
  const loglik = grid.filter((r) => r.method === 'loglik');
  // A method's first row is its headline, the RM-Bench average, then pooled accuracy.
  assert.deepEqual([loglik[0]!.scope, loglik[0]!.label, loglik[1]!.label], ['headline', 'RM-Bench average', 'pooled accuracy']);
  assert.equal(loglik[0]!.cells[2], null);
  assert.ok(loglik[0]!.cells[0]!.value! > 0);
  assert.deepEqual(
    [...new Set(loglik.map((r) => r.scope))],
    ['headline', 'overall', 'rm-bench', 'domain', 'group'],
  );
  assert.deepEqual(loglik.filter((r) => r.scope === 'rm-bench').map((r) => r.name), ['easy', 'normal', 'hard'], 'the average is the headline row, not repeated');
  // The headline row carries the headline's value and interval, as the run's own reports give it.
  const average = loglik[0]!;
  assert.equal(average.cells[0]!.value, summaries[0]!.methods['loglik']!.headline!.value);
  assert.deepEqual(average.cells[0]!.ci95, summaries[0]!.methods['loglik']!.headline!.ci95);
  assert.ok(average.cells[0]!.ci95![0] < average.cells[0]!.value! && average.cells[0]!.value! < average.cells[0]!.ci95![1]);
  await rm(base, { recursive: true });
});

test('writes comparison.md, .csv and .html with runs as columns', async () => {
  const { base, summaries } = await runs();
  const out = join(base, 'cmp');
  const written = await writeComparisonReports(out, summaries);
  assert.deepEqual(written, ['comparison.md', 'comparison.csv', 'comparison.html'].map((f) => join(out, f)));
  const md = await readFile(written[0]!, 'utf8');
  assert.match(md, /\| Method \| Qwen3-0\.6B-ONNX \(template=chat\) \| Qwen3-0\.6B-ONNX \(template=none\) \| llama \(template=chat\) \|/);
  assert.match(md, /\| `loglik` \| [\d.]+ \([\d.–]+\) \| [\d.]+ \([\d.–]+\) \| not run \|/);
  const csv = (await readFile(written[1]!, 'utf8')).trim().split('\n');
  assert.equal(csv[0]!.split(',').length, 3 + 3 * 4);
  const html = await readFile(written[2]!, 'utf8');
  assert.doesNotMatch(html, /<script|<link/i);
  assert.match(html, /llama \(template=chat\)/);
  await assert.rejects(writeComparisonReports(out, []));
  await rm(base, { recursive: true });
});

test('labels stay short: long setting values are named by variant, the telling settings are chosen, given labels win', async () => {
  const base = await mkdtemp(join(tmpdir(), 'endorm-labels-'));
  const judges = (prompt: string) => ({ 'judge-pairwise': { prompt, sha256: 'a'.repeat(64), answerPrefix: '[[', labels: { A: [[1]], B: [[2]] } } });
  await writeSyntheticRun(join(base, 'a'), { seed: 3, settings: { judges: judges('prompts/judge-pairwise.txt'), limit: 20 } });
  await writeSyntheticRun(join(base, 'b'), { seed: 3, settings: { judges: judges('my-prompts/strict-judge.txt'), limit: 20 } });
  await writeSyntheticRun(join(base, 'c'), { seed: 3, settings: { judges: judges('my-prompts/strict-judge.txt'), limit: 20, maxLength: 512 } });
  const summaries = await Promise.all(['a', 'b', 'c'].map((r) => summarizeRun(join(base, r))));
  const labels = runLabels(summaries);
  assert.deepEqual(labels, ['Qwen3-0.6B-ONNX (judges=v1, maxLength=4096)', 'Qwen3-0.6B-ONNX (judges=v2, maxLength=4096)', 'Qwen3-0.6B-ONNX (judges=v2, maxLength=512)']);
  for (const label of labels) assert.ok(label.length < 50 && !label.includes('{'), label);
  assert.deepEqual(runLabels(summaries, ['strict', undefined, 'short']), ['strict', 'Qwen3-0.6B-ONNX (judges=v2, maxLength=4096)', 'short']);
  await rm(base, { recursive: true });
});

test('labels name --select-on as typed (dev:FRACTION), and a sample by its size or seed', async () => {
  const base = await mkdtemp(join(tmpdir(), 'endorm-labels-'));
  await writeSyntheticRun(join(base, 'a'), { seed: 3, settings: { sample: 40, seed: 1, selectOn: { fraction: 0.5, seed: 1 } } });
  await writeSyntheticRun(join(base, 'b'), { seed: 3, settings: { sample: 40, seed: 1, selectOn: { fraction: 0.3, seed: 1 } } });
  await writeSyntheticRun(join(base, 'c'), { seed: 3, settings: { sample: 20, seed: 2 } });
  const summaries = await Promise.all(['a', 'b', 'c'].map((r) => summarizeRun(join(base, r))));
  assert.deepEqual(runLabels(summaries.slice(0, 2)), ['Qwen3-0.6B-ONNX (selectOn=dev:0.5)', 'Qwen3-0.6B-ONNX (selectOn=dev:0.3)']);
  assert.deepEqual(runLabels([summaries[0]!, summaries[2]!]), ['Qwen3-0.6B-ONNX (sample=40)', 'Qwen3-0.6B-ONNX (sample=20)']);
  await rm(base, { recursive: true });
});

test('comparisons match methods by canonical spec and test each run against the first on their common records', async () => {
  const base = await mkdtemp(join(tmpdir(), 'endorm-canonical-'));
  const methods = (endorm: string) => [
    { spec: endorm, kind: 'response' as const, skill: 1.5, styleBias: 0.25 },
    { spec: 'loglik', kind: 'response' as const, skill: 0.7, styleBias: 0.8 },
  ];
  await writeSyntheticRun(join(base, 'plain'), { seed: 4, records: 20, methods: methods('endorm') });
  await writeSyntheticRun(join(base, 'grid'), { seed: 5, records: 30, methods: methods('endorm:alpha=1,gamma=1'), settings: { grid: { alphas: [1], gammas: [1] } } });
  const { summaries, tests, written } = await compareRuns([join(base, 'plain'), join(base, 'grid')], join(base, 'cmp'), { labels: ['plain', 'grid'] });
  const grid = comparisonGrid(summaries);
  const overall = grid.filter((r) => r.scope === 'overall');
  assert.deepEqual(overall.map((r) => r.method), ['endorm', 'loglik']);
  assert.ok(overall[0]!.cells.every((c) => c !== null && c.value !== null), 'endorm:alpha=1,gamma=1 lines up with endorm');
  // The first 20 records of both runs share keys (synthetic keys are group/index): the test sees those only.
  assert.deepEqual(tests.map((t) => [t.method, t.run, t.records]), [['endorm', 1, 20], ['loglik', 1, 20]]);
  const md = await readFile(written[0]!, 'utf8');
  assert.match(md, /## Between runs/);
  // The between-runs test gives each run's RM-Bench average on the shared records, beside their pooled accuracy.
  assert.match(md, /\| Method \| Run \| Records \| Comparisons \| First run RM-Bench average % \| Run RM-Bench average % \| First run % \| Run % \|/);
  assert.match(md, /\| `endorm` \| grid \| 20 \| 180 \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| \d+ \/ \d+ \| [\d.e-]+ \|/);
  assert.ok(tests.every((t) => t.headline?.title === 'RM-Bench average' && t.headline.baseline !== null && t.headline.run !== null));
  assert.match(md, /grid: `endorm:alpha=1,gamma=1` is shown as `endorm`/);
  // The first table and the first chart are the RM-Bench average with its CI, per method and run.
  const headline = (run: number, method: string) => summaries[run]!.methods[method]!.headline!;
  const cell = (run: number, method: string) => `${(100 * headline(run, method).value!).toFixed(1)} (${(100 * headline(run, method).ci95![0]).toFixed(1)}–${(100 * headline(run, method).ci95![1]).toFixed(1)})`;
  const headings = [...md.matchAll(/^## (.*)$/gm)].map((m) => m[1]).filter((h) => h !== 'Provenance differs');
  assert.equal(headings[0], 'RM-Bench average', 'the first table after the runs (and how their provenance differs)');
  const firstTable = md.slice(md.indexOf('\n## RM-Bench average\n'));
  assert.ok(firstTable.startsWith(`\n## RM-Bench average\n\nRM-Bench average % (95% CI).\n\n| Method | plain | grid |\n|---|--:|--:|\n| \`endorm\` | ${cell(0, 'endorm')} | ${cell(1, 'endorm:alpha=1,gamma=1')} |\n| \`loglik\` | ${cell(0, 'loglik')} | ${cell(1, 'loglik')} |\n`), firstTable.slice(0, 400));
  const html = await readFile(written[2]!, 'utf8');
  const firstChart = html.slice(html.indexOf('<svg '), html.indexOf('</svg>'));
  assert.match(firstChart, /aria-label="RM-Bench average by method and run"/);
  const v = headline(1, 'loglik');
  assert.ok(firstChart.includes(`grid · loglik: ${(100 * v.value!).toFixed(1)}% (95% CI ${(100 * v.ci95![0]).toFixed(1)}–${(100 * v.ci95![1]).toFixed(1)})`), firstChart.slice(0, 300));
  assert.ok(html.indexOf('<h2>RM-Bench average</h2>') < html.indexOf('<h2>Pooled accuracy</h2>'));
  // Notes render their code spans as code, not as literal backticks.
  assert.match(html, /grid: <code>endorm:alpha=1,gamma=1<\/code> is shown as <code>endorm<\/code>/);
  assert.doesNotMatch(html, /<li>[^<]*`/);
  assert.match(await readFile(written[2]!, 'utf8'), /<title>Qwen3-0\.6B-ONNX on RM-Bench \(synthetic\) · endorm comparison<\/title>/);
  await rm(base, { recursive: true });
});
