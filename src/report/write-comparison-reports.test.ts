import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
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
  assert.equal(loglik[0]!.scope, 'overall');
  assert.equal(loglik[0]!.cells[2], null);
  assert.ok(loglik[0]!.cells[0]!.value! > 0);
  assert.deepEqual(
    [...new Set(loglik.map((r) => r.scope))],
    ['overall', 'rm-bench', 'domain', 'group'],
  );
  // The RM-Bench Avg row carries the headline's interval, as the run's own reports give it.
  const average = loglik.find((r) => r.scope === 'rm-bench' && r.name === 'average')!;
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
