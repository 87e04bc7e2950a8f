import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { rmBenchOf } from '../protocols/rm-bench/rm-bench-summary.js';
import { gridMethodSpec, gridMethodSpecs } from '../rewards/method-grid.js';
import { writeSyntheticRun, type SyntheticMethod } from '../testing/synthetic-run.js';
import { accuracyGrid, gridMarkdown } from './grid-table.js';
import { summarizeRun } from './summarize-run.js';
import { gridHeatmapSvg } from './svg-grid-heatmap.js';
import { gridLinesSvg } from './svg-line-plot.js';
import { writeReports } from './write-reports.js';

const GRID = { alphas: [0.5, 1, 2], gammas: [0.9, 0.99, 1] };

/** A run whose grid cells differ in skill, so that their accuracies differ. */
async function sweptRun(kind: 'rm-bench' | 'pairs') {
  const dir = await mkdtemp(join(tmpdir(), 'endorm-grid-'));
  const methods: SyntheticMethod[] = gridMethodSpecs(GRID).map((spec, k) => ({ spec, kind: 'response', skill: 0.2 + 0.15 * k, styleBias: 0.3 }));
  await writeSyntheticRun(dir, {
    records: 40,
    kind,
    methods: [{ spec: 'loglik', kind: 'response', skill: 1, styleBias: 0 }, ...methods],
    ...(kind === 'pairs' ? { groups: ['a', 'b'] } : { groups: ['chat', 'code', 'safety-refuse', 'safety-response'] }),
    settings: { grid: GRID },
  });
  return { dir, summary: await summarizeRun(dir) };
}

test('RM-Bench grid: the average and each present domain, laid out α × γ from the cells’ summaries', async () => {
  const { summary } = await sweptRun('rm-bench');
  const grid = accuracyGrid(summary)!;
  assert.deepEqual(grid.panels.map((p) => p.label), ['RM-Bench average', 'chat', 'code', 'safety']);
  const cell = summary.methods[gridMethodSpec(2, 0.99)]!;
  assert.equal(grid.panels[0]!.values[2]![1], rmBenchOf(cell)!.average);
  assert.equal(grid.panels[2]!.values[2]![1], rmBenchOf(cell)!.domains.code!.average);
  // Every cell carries its interval: the average's (domain-stratified) and each domain's.
  assert.deepEqual(grid.panels[0]!.intervals[2]![1], rmBenchOf(cell)!.ci95!.average);
  assert.deepEqual(grid.panels[2]!.intervals[2]![1], rmBenchOf(cell)!.domains.code!.ci95);

  const md = gridMarkdown(grid).join('\n');
  assert.match(md, /\| α \\ γ \| 0\.9 \| 0\.99 \| 1 \|/);
  assert.equal((md.match(/^\| (0\.5|1|2) \|/gm) ?? []).length, 3 * 4, 'three α rows per panel');
  const [low, high] = rmBenchOf(cell)!.ci95!.average;
  assert.ok(md.includes(`| ${(rmBenchOf(cell)!.average! * 100).toFixed(1)} (${(low * 100).toFixed(1)}–${(high * 100).toFixed(1)}) |`), md);
  // Without --select-on nothing is crowned: no bold cell, no "best".
  assert.doesNotMatch(md, /\*\*[\d.]+\*\*|best|†/);
});

test('heat map: one cell per (α, γ) per panel with its percentage and CI, none outlined; line plot: one line per α per panel', async () => {
  const { summary } = await sweptRun('rm-bench');
  const grid = accuracyGrid(summary)!;
  const heat = gridHeatmapSvg(grid);
  assert.equal((heat.match(/class="g-cell"/g) ?? []).length, 4 * 9);
  assert.equal((heat.match(/class="g-ci"/g) ?? []).length, 4 * 9, 'a CI under every value');
  assert.match(heat, /<title>RM-Bench average: α = 0\.5, γ = 0\.9: [\d.]+% \(95% CI [\d.]+–[\d.]+\)<\/title>/);
  assert.equal((heat.match(/stroke="#f28e2b"/g) ?? []).length, 0, 'no cell outlined as best');
  assert.doesNotMatch(heat, /best/);
  assert.ok(heat.includes(`>${(grid.panels[1]!.values[0]![0]! * 100).toFixed(1)}<`));
  // One colour scale for every panel: the same value has the same fill in any panel, and the legend spans all panels.
  const all = grid.panels.flatMap((p) => p.values.flat()).filter((v): v is number => v !== null);
  assert.match(heat, new RegExp(`>${(Math.min(...all) * 100).toFixed(1)}%</text>[^]*url\\(#g-scale\\)[^]*>${(Math.max(...all) * 100).toFixed(1)}%</text>`));
  const fills = new Map<string, Set<string>>();
  for (const m of heat.matchAll(/fill="(rgb\([^)]*\))"><title>[^:]*: α = [^:]*: ([\d.]+)%/g)) fills.set(m[2]!, (fills.get(m[2]!) ?? new Set()).add(m[1]!));
  assert.ok(fills.size > 10 && [...fills.values()].every((f) => f.size === 1), 'one value, one colour, whatever the panel');
  const lines = gridLinesSvg(grid);
  // A line and a 95% CI band per α per panel; the y axis spans the bands and at least 20 points.
  assert.equal((lines.match(/<path d="[^"]*" fill="none"/g) ?? []).length, 4 * 3, 'lines');
  assert.equal((lines.match(/<path d="[^"]*Z" fill="[^"]*" opacity="0\.13"/g) ?? []).length, 4 * 3, 'CI bands');
  for (const panel of lines.split('data-panel=').slice(1)) {
    const ticks = [...panel.matchAll(/class="l-tick">(\d+(?:\.\d)?)%</g)].map((m) => Number(m[1]));
    assert.ok(Math.max(...ticks) - Math.min(...ticks) >= 15, `y ticks ${ticks.join(', ')}`);
  }
  assert.doesNotMatch(lines, />chance</, 'chance is named in the legend, not inside the plot');
  assert.equal((lines.match(/<circle /g) ?? []).length, 4 * 9 + 3, 'a marker per cell, and one per legend entry');
  assert.match(lines, /α = 0\.5/);
});

test('plain pairs: overall accuracy and per group; the reports and the standalone SVG files', async () => {
  const { dir, summary } = await sweptRun('pairs');
  const grid = accuracyGrid(summary)!;
  assert.deepEqual(grid.panels.map((p) => p.label), ['Accuracy', 'a', 'b']);
  assert.equal(grid.panels[0]!.values[1]![2], summary.methods['endorm:alpha=1,gamma=1']!.accuracy);
  const written = await writeReports(dir, summary);
  assert.deepEqual(written.map((f) => f.slice(dir.length + 1)), ['summary.json', 'report.md', 'report.csv', 'report.html', 'grid-heatmap.svg', 'grid-lines.svg']);
  const html = await readFile(join(dir, 'report.html'), 'utf8');
  assert.match(html, /Settings grid: 3 α × 3 γ/);
  // Reading order: methods, then the grid, then the folded run card.
  assert.ok(html.indexOf('<h2>Methods</h2>') < html.indexOf('Settings grid') && html.indexOf('Settings grid') < html.indexOf('<summary>Run card'), 'methods, grid, run card');
  assert.ok(html.includes(await readFile(join(dir, 'grid-heatmap.svg'), 'utf8')));
  assert.match(await readFile(join(dir, 'report.md'), 'utf8'), /grid α 0\.5, 1, 2 × γ 0\.9, 0\.99, 1/);
  assert.deepEqual((await readdir(dir)).filter((f) => f.endsWith('.tmp')), []);
});

test('a run without a grid has no grid section, and a grid whose cells were not scored is ignored', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endorm-grid-'));
  await writeSyntheticRun(dir, { records: 5 });
  const summary = await summarizeRun(dir);
  assert.equal(accuracyGrid(summary), null);
  assert.equal(accuracyGrid({ ...summary, settings: { ...summary.settings, grid: GRID } }), null);
  assert.doesNotMatch(await readFile((await writeReports(dir, summary))[1]!, 'utf8'), /Settings grid/);
});
