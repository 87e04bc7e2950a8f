import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { jsonl } from '../../testing/dataset-fixtures.js';
import { runCliInProcess } from '../../testing/run-cli.js';
import { STORIES } from '../../testing/shared-models.js';
import { summarySchemaProblems } from '../../testing/summary-schema.js';

/*
 * A generic pair file whose records hold lists of chosen and rejected responses of different lengths, scored by
 * `length` (code points) and the three judges. length's numbers, by hand:
 *   r1: chosen 18 vs rejected 1, 2, 3            cells 3 won          best-of-N 1
 *   r2: chosen 2, 10 vs rejected 6               cells 1 won, 1 lost  best-of-N 1 (the best chosen, 10, beats 6)
 *   r3: chosen 4 vs rejected 4, 1                cells 1 tie, 1 won   best-of-N 1/2 (tied with one rejected at the top)
 * pairwise accuracy 5/7 (7 cells, 1 tie), best-of-N (1 + 1 + 1/2) / 3 = 5/6.
 */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-best-of-n-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const RECORDS = [
  { id: 'r1', prompt: 'Tell a story.', chosen: ['Once upon a time.'], rejected: ['x', 'yy', 'zzz'] },
  { id: 'r2', prompt: 'Name a pet.', chosen: ['ok', 'A kind puppy'], rejected: ['cccccc'] },
  { id: 'r3', prompt: 'Say hi.', chosen: ['tie!'], rejected: ['four', 'x'] },
];

test('a pair file with lists of chosen and rejected responses gets best-of-N beside pairwise accuracy, for rewards and judges', async () => {
  const file = path.join(tmp, 'bon.jsonl');
  fs.writeFileSync(file, jsonl(RECORDS));
  const out = path.join(tmp, 'run');
  const run = await runCliInProcess([
    'score', '--model', STORIES, '--dataset', file, '--template', 'none', '--max-length', '512',
    '--methods', 'length,judge-pointwise,verifier,judge-pairwise', '--quiet', '--out', out,
  ]);
  assert.equal(run.code, 0, run.stderr);
  const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
  assert.equal(summary.dataset.kind, 'pairs');
  assert.equal(summarySchemaProblems(summary), '', 'summary.json validates against the shipped schema');
  const length = summary.methods.length;
  assert.deepEqual([length.pairs, length.comparisons, length.correct, length.ties], [3, 7, 5, 1]);
  assert.equal(length.bestOfN.accuracy, 5 / 6);
  assert.deepEqual([length.bestOfN.records, length.bestOfN.won, length.bestOfN.ties], [3, 2.5, 1]);
  // Per-response judges score every completion once (10 responses), a pairwise judge every chosen × rejected cell in both orders.
  for (const [judge, comparisons] of [['judge-pointwise', 7], ['verifier', 7], ['judge-pairwise', 14]] as const) {
    const m = summary.methods[judge];
    assert.equal(m.pairs, 3, judge);
    assert.equal(m.comparisons, comparisons, judge);
    assert.equal(m.bestOfN.records, 3, judge);
    assert.ok(m.bestOfN.accuracy >= 0 && m.bestOfN.accuracy <= 1, judge);
  }
  const lines = fs.readFileSync(path.join(out, 'scores.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.filter((l) => l.type === 'response').length, 10);
  assert.equal(lines.filter((l) => l.type === 'comparison').length, 7);

  const md = fs.readFileSync(path.join(out, 'report.md'), 'utf8');
  assert.match(md, /^## Best-of-N accuracy$/m);
  assert.ok(md.includes('| `length` | 83.3% |'), md);
  const csv = fs.readFileSync(path.join(out, 'report.csv'), 'utf8');
  assert.ok(csv.includes(`\nlength,domain,best-of-N,${5 / 6},`), csv);
  assert.match(fs.readFileSync(path.join(out, 'report.html'), 'utf8'), /<h2>Best-of-N accuracy<\/h2>/);
});

test('plain 1 × 1 pairs get no best-of-N summary: summary.json is as it was', async () => {
  const file = path.join(tmp, 'plain.jsonl');
  fs.writeFileSync(file, jsonl([{ prompt: 'p', chosen: 'a longer one', rejected: 'short' }]));
  const out = path.join(tmp, 'plain');
  const run = await runCliInProcess(['score', '--model', STORIES, '--dataset', file, '--methods', 'length', '--quiet', '--out', out]);
  assert.equal(run.code, 0, run.stderr);
  const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
  assert.equal('bestOfN' in summary.methods.length, false);
  assert.doesNotMatch(fs.readFileSync(path.join(out, 'report.md'), 'utf8'), /Best-of-N/);
});
