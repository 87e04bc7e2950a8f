import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeSyntheticRun } from '../testing/synthetic-run.js';
import { summarizeRun } from './summarize-run.js';
import { writeReports } from './write-reports.js';

async function renderedRun(groups?: string[]): Promise<{ dir: string; read: (name: string) => Promise<string> }> {
  const dir = await mkdtemp(join(tmpdir(), 'endorm-reports-'));
  await writeSyntheticRun(dir, groups ? { groups } : {});
  const written = await writeReports(dir, await summarizeRun(dir));
  assert.deepEqual(
    written.map((f) => f.slice(dir.length + 1)),
    ['summary.json', 'report.md', 'report.csv', 'report.html'],
  );
  return { dir, read: (name) => readFile(join(dir, name), 'utf8') };
}

test('summary.json round-trips, is stable, and has no leftover temporary files', async () => {
  const { dir, read } = await renderedRun();
  const first = await read('summary.json');
  const parsed = JSON.parse(first);
  assert.deepEqual(Object.keys(parsed), ['endorm', 'createdAt', 'model', 'dataset', 'settings', 'counts', 'timing', 'methods', 'notes']);
  assert.equal(parsed.methods.endorm.rmBench.domains.chat.matrix.length, 3);
  assert.match(first, /"ci95": \[0\.\d+, 0\.\d+\]/);
  await writeReports(dir, await summarizeRun(dir));
  assert.equal(await read('summary.json'), first);
  assert.deepEqual((await readdir(dir)).filter((f) => f.includes('.tmp')), []);
  await rm(dir, { recursive: true });
});

test('report.md has the run heading, method table, groups, RM-Bench and missing domains', async () => {
  const { dir, read } = await renderedRun(['chat', 'code', 'safety-refuse', 'safety-response']);
  const md = await read('report.md');
  // The title names the model (not the path or Hub id it was loaded from) and the dataset; the run card keeps the id.
  assert.match(md, /^# endorm report: Qwen3-0\.6B-ONNX on RM-Bench \(synthetic\)\n/);
  assert.match(md, /\*\*Model:\*\* `onnx-community\/Qwen3-0\.6B-ONNX`/);
  assert.match(await read('report.html'), /<title>Qwen3-0\.6B-ONNX on RM-Bench \(synthetic\) · endorm report<\/title>/);
  assert.match(md, /sha256 `[0-9a-f]{12}`/);
  assert.match(md, /\*\*endorm:\*\* 0\.1\.0/);
  assert.match(md, /\| `endorm` \| \d+\.\d \| \d+\.\d–\d+\.\d \| 20 \| 180 \| \d+ \| — \| reference \|/);
  assert.match(md, /\| `loglik` \|.*\| \d+ \/ \d+ \| [\d.e-]+ \|/);
  assert.match(md, /## Accuracy by group/);
  assert.match(md, /\| `endorm` \| [\d.]+ \| missing \| [\d.]+ \| [\d.]+ \|/);
  assert.match(md, /\*\*Missing domains:\*\* math: missing from this dataset/);
  assert.match(md, /\| math \| 0 \| missing from this dataset \|/);
  assert.match(md, /\| \*\*Overall\*\* \|/);
  await rm(dir, { recursive: true });
});

test('report.csv: one row per method x scope with numeric columns', async () => {
  const { dir, read } = await renderedRun();
  const lines = (await read('report.csv')).trim().split('\n');
  const header = lines[0]!.split(',');
  assert.deepEqual(header.slice(0, 4), ['method', 'scope', 'name', 'accuracy']);
  // 3 methods x (headline + pooled + 5 groups + 4 domains)
  assert.equal(lines.length - 1, 3 * (2 + 5 + 4));
  const rows = lines.slice(1).map((l) => l.split(','));
  // The first row is the first method's headline, the RM-Bench average, with its CI columns.
  assert.deepEqual(rows[0]!.slice(0, 3), ['endorm', 'headline', 'RM-Bench average']);
  const summary = JSON.parse(await read('summary.json'));
  const headline = summary.methods.endorm.headline;
  assert.deepEqual(rows[0]!.slice(3, 6).map(Number), [headline.value, ...headline.ci95!]);
  assert.deepEqual(rows.find((r) => r[0] === 'endorm' && r[1] === 'overall')!.slice(2, 4), ['pooled', String(summary.methods.endorm.accuracy)]);
  for (const row of rows) {
    const accuracy = Number(row[3]);
    assert.ok(accuracy >= 0 && accuracy <= 1, row.join(','));
  }
  const overall = rows.find((r) => r[0] === 'loglik' && r[1] === 'overall')!;
  assert.equal(overall[header.indexOf('reference')], 'endorm');
  assert.ok(Number(overall[header.indexOf('mcnemar_p')]) <= 1);
  assert.ok(rows.some((r) => r[1] === 'domain' && r[2] === 'safety' && r[header.indexOf('pairs')] === '8'));
  await rm(dir, { recursive: true });
});

test('report.html is self-contained: inline CSS and SVG, no script, no external resource', async () => {
  const { dir, read } = await renderedRun(['chat', 'code', 'safety-refuse', 'safety-response']);
  const html = await read('report.html');
  assert.match(html, /^<!DOCTYPE html>/);
  assert.doesNotMatch(html, /<script|<link|<img|@import|url\(/i);
  const urls = html.match(/https?:\/\/[^"' )]+/g) ?? [];
  assert.deepEqual([...new Set(urls)], ['http://www.w3.org/2000/svg']);
  // The headline's chart, 2 bar charts + per method 3 heat maps and 1 missing placeholder.
  assert.equal((html.match(/<svg /g) ?? []).length, 1 + 2 + 3 * 4);
  assert.match(html, /math<\/b>: missing from this dataset/);
  assert.equal((html.match(/class="hm-cell"/g) ?? []).length, 3 * 3 * 9);
  await rm(dir, { recursive: true });
});

test('dataset text cannot run in the reports: formula cells in report.csv are text, HTML in report.md is shown', async () => {
  const formula = '=HYPERLINK("http://evil.example","click")';
  const html = '<img src=x onerror=alert(1)>';
  const dir = await mkdtemp(join(tmpdir(), 'endorm-reports-'));
  await writeSyntheticRun(dir, { kind: 'pairs', groups: [formula, html, '-1+2'], methods: [{ spec: 'endorm', kind: 'response', skill: 1, styleBias: 0 }] });
  await writeReports(dir, await summarizeRun(dir));
  const csv = await readFile(join(dir, 'report.csv'), 'utf8');
  assert.match(csv, /^endorm,group,"'=HYPERLINK\(""http:\/\/evil\.example"",""click""\)",/m);
  assert.match(csv, /^endorm,group,'-1\+2,/m);
  assert.doesNotMatch(csv, /^[^\n]*,=/m, 'no cell starts with =');
  // endorm's own numbers stay numbers (a CI bound or McNemar count is never quoted or prefixed).
  assert.match(csv, /^endorm,overall,pooled,[\d.]+,[\d.]+,[\d.]+,\d+,/m);
  const md = await readFile(join(dir, 'report.md'), 'utf8');
  assert.ok(md.includes('&#60;img src=x onerror=alert(1)&#62;'), 'escaped');
  assert.ok(!md.includes(html), 'never raw');
  await rm(dir, { recursive: true });
});

test('report.html and report.md in reading order: the headline (its table and the first chart, with CIs), methods, sections, judges; the run card folded at the end; notes without literal backticks', async () => {
  const { read } = await renderedRun(['chat', 'code', 'safety-refuse', 'safety-response']);
  const summary = JSON.parse(await read('summary.json'));
  const html = await read('report.html');
  const at = (needle: string) => {
    const i = html.indexOf(needle);
    assert.ok(i >= 0, needle);
    return i;
  };
  const order = ['<h2>RM-Bench average</h2>', '<h2>Methods</h2>', '<h2>Pooled accuracy by group</h2>', 'id="rm-bench"', '<h2>Notes</h2>', '<summary>Run card'];
  assert.deepEqual(order.map(at), order.map(at).slice().sort((a, b) => a - b), 'headline, methods, pooled by group, RM-Bench, notes, run card');
  assert.ok(at('<details class="fold run-card">') < at('<dt>Model</dt>'), 'the run card is folded');
  // The first chart is the headline's: RM-Bench average per method with its 95% CI whiskers.
  const first = html.slice(at('<svg '), html.indexOf('</svg>') + 6);
  assert.match(first, /aria-label="RM-Bench average by method, 95% CI"/);
  const endorm = summary.methods.endorm.headline;
  assert.ok(first.includes(`endorm · RM-Bench Avg: ${(100 * endorm.value).toFixed(1)}% (95% CI ${(100 * endorm.ci95[0]).toFixed(1)}–${(100 * endorm.ci95[1]).toFixed(1)})`), first.slice(0, 400));
  assert.ok(at('<svg ') > at('<h2>RM-Bench average</h2>') && at('<svg ') < at('<h2>Methods</h2>'));
  assert.doesNotMatch(html, /<li>[^<]*`/, 'no literal backtick in a note');

  const md = await read('report.md');
  const sections = ['## RM-Bench average', '## Methods', '## Accuracy by group', '## RM-Bench', '## Notes', '## Run', '## Provenance'];
  const positions = sections.map((s) => md.indexOf(`\n${s}\n`));
  assert.ok(positions.every((p) => p > 0), positions.join());
  assert.deepEqual(positions, positions.slice().sort((a, b) => a - b), 'report.md in the same order');
});
