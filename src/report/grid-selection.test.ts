import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { summarizeRun } from './summarize-run.js';
import { writeReports } from './write-reports.js';
import { gridMethodSpec } from '../rewards/method-grid.js';
import type { RunManifest } from '../run-store/run-manifest.js';
import { responseLines } from '../testing/fixture-lines.js';
import { parseSelectOn, splitRecords } from '../benchmarks/grid-selection.js';

const GRID = { alphas: [1, 2], gammas: [0.5, 1] };
const A = gridMethodSpec(1, 0.5);
const B = gridMethodSpec(2, 0.5);
const C = gridMethodSpec(2, 1);
const D = gridMethodSpec(1, 1); // the default setting
const KEYS = Array.from({ length: 40 }, (_, i) => `r/${i}`);

/**
 * A run whose score lines say, per method and record, right or wrong. On the selection part A is right on every
 * record (100%) and on the held-out part on none, so A is best where it is chosen and 50% overall; B is right on 70%
 * of each part, the best cell on all records; C on 60%, the default D on 50%.
 */
async function syntheticSweep(settings: Partial<RunManifest['settings']>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'endorm-select-on-'));
  const { selection } = splitRecords(KEYS.map((key) => ({ key })), { fraction: 0.5, seed: 0 });
  const sel = KEYS.filter((k) => selection.has(k));
  const held = KEYS.filter((k) => !selection.has(k));
  const rightOn = (share: number) => new Set([...sel.slice(0, share * sel.length), ...held.slice(0, share * held.length)]);
  const right: Record<string, Set<string>> = { [A]: new Set(sel), [B]: rightOn(0.7), [C]: rightOn(0.6), [D]: rightOn(0.5) };
  const lines = KEYS.flatMap((key) => {
    const chosen: Record<string, number> = {};
    const rejected: Record<string, number> = {};
    for (const [spec, keys] of Object.entries(right)) {
      chosen[spec] = keys.has(key) ? 1 : 0;
      rejected[spec] = keys.has(key) ? 0 : 1;
    }
    return responseLines(key, undefined, [chosen], [rejected]);
  });
  const manifest: RunManifest = {
    endorm: { version: '0.1.0' },
    createdAt: '2025-01-01T00:00:00.000Z',
    model: { spec: 'm', path: '/m', modelType: 'llama', dtype: 'fp32', onnxFile: '/m/onnx/model.onnx', vocabSize: 512 },
    dataset: { spec: 'd.jsonl', path: '/d.jsonl', name: 'd', kind: 'pairs', sha256: 'ab' },
    settings: { methods: [A, D, B, C], template: 'none', scoreEot: true, maxLength: 512, alphas: [1, 2], grid: GRID, ...settings },
  };
  await writeFile(join(dir, 'run.json'), JSON.stringify(manifest));
  await writeFile(join(dir, 'scores.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return dir;
}

test('--select-on dev picks on the selection part and reports on the held-out part, beside the default', async () => {
  const dir = await syntheticSweep({ selectOn: { fraction: 0.5, seed: 0 } });
  const summary = await summarizeRun(dir);
  // On all records B is best (70%) and A is a coin (50%): reporting the best cell on all records would crown B.
  assert.equal(summary.methods[B]!.accuracy, 0.7);
  assert.equal(summary.methods[A]!.accuracy, 0.5);
  const s = summary.selection!;
  assert.deepEqual(s.records, { selection: 20, heldOut: 20 });
  assert.deepEqual([s.chosen.spec, s.chosen.alpha, s.chosen.gamma], [A, 1, 0.5], 'A is best on the part it is chosen on');
  assert.equal(s.chosen.selection.value, 1);
  assert.equal(s.chosen.heldOut.value, 0, 'and is reported where it was not chosen');
  assert.deepEqual(s.chosen.heldOut.ci95, [0, 0]);
  assert.equal(s.default!.spec, D);
  assert.equal(s.default!.heldOut.value, 0.5);
  // Held out, the default is right on 10 records where A is wrong, A never where the default is not: p = 2 / 2^10.
  assert.deepEqual([s.pairedTest!.reference, s.pairedTest!.b, s.pairedTest!.c, s.pairedTest!.comparisons], [D, 10, 0, 20]);
  assert.equal(s.pairedTest!.pValue, 2 / 1024);
  assert.deepEqual(s.bestOnAll, { spec: B, alpha: 2, gamma: 0.5, value: 0.7 });

  await writeReports(dir, summary);
  const md = await readFile(join(dir, 'report.md'), 'utf8');
  assert.match(md, /on the selection part \(20 records\) the best accuracy is α = 1, γ = 0\.5 \(100\.0% \(95% CI 100\.0–100\.0\), marked †\); on the 20 held-out records it scores 0\.0%/);
  assert.match(md, /The default setting endorm:alpha=1,gamma=1 \(α = 1, γ = 1\) scores 50\.0% .* there; McNemar b \/ c = 10 \/ 0, p = 0\.0020/);
  assert.equal(md.split('\n').filter((l) => l.startsWith('| ') && l.includes(' †')).length, 1, 'one cell marked, in the headline panel');
  assert.equal((await readFile(join(dir, 'grid-heatmap.svg'), 'utf8')).match(/stroke="#f28e2b"/g)?.length, 1);
  const json = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8'));
  assert.deepEqual(json.selection, JSON.parse(JSON.stringify(s)), 'summary.json records the selection');
  assert.deepEqual(json.settings.selectOn, { fraction: 0.5, seed: 0 });
});

test('without --select-on no selection is made and no cell is crowned', async () => {
  const dir = await syntheticSweep({});
  const summary = await summarizeRun(dir);
  assert.equal(summary.selection, undefined);
  await writeReports(dir, summary);
  const md = await readFile(join(dir, 'report.md'), 'utf8');
  assert.match(md, /No cell is marked best/);
  assert.doesNotMatch(md, /†/);
});

test('the split keeps each group in proportion, whole records, and depends on the seed', () => {
  const records = [...Array.from({ length: 30 }, (_, i) => ({ key: `a/${i}`, group: 'a' })), ...Array.from({ length: 10 }, (_, i) => ({ key: `b/${i}`, group: 'b' }))];
  const { selection, heldOut } = splitRecords(records, { fraction: 0.3, seed: 1 });
  assert.equal(selection.size, 12);
  assert.equal([...selection].filter((k) => k.startsWith('b/')).length, 3);
  assert.equal(selection.size + heldOut.size, 40);
  assert.ok([...selection].every((k) => !heldOut.has(k)));
  assert.notDeepEqual([...splitRecords(records, { fraction: 0.3, seed: 2 }).selection].sort(), [...selection].sort());
  assert.equal(parseSelectOn('dev'), 0.5);
  assert.equal(parseSelectOn('dev:0.3'), 0.3);
  assert.throws(() => parseSelectOn('dev:1'), /between 0 and 1/);
  assert.throws(() => parseSelectOn('test'), /expected dev or dev:FRACTION/);
});
