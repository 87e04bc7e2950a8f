import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { before, test } from 'node:test';
import { summarizeRun } from '../report/summarize-run.js';
import { withGridMethods } from '../rewards/method-grid.js';
import { MethodSpecError } from '../rewards/method-spec.js';
import { RunFolderError } from '../run-store/run-folder-error.js';
import type { ResponseScoreRecord } from '../run-store/score-record.js';
import { TRACE_FILES } from '../run-store/trace-format.js';
import { PROJECT_ROOT, STORIES, tempCacheDir } from '../testing/shared-models.js';
import { mergeRuns } from './merge-runs.js';
import { rescoreRun } from './rescore-run.js';
import { scoreRun, type ScoreRunOptions } from './score-run.js';

// Several kinds of setting: γ < 1, α ≠ 1 (both sides of 1), terminal keep and drop, shaping, mean normalisation,
// the likelihood baselines, and length (carried over, not recomputed).
const SPECS = [
  'endorm',
  'endorm:alpha=0.5,gamma=0.9,terminal=keep',
  'endorm:alpha=2,gamma=0.95,shaping=on',
  'endorm:alpha=0.5,normalize=mean,terminal=keep,shaping=on',
  'endorm:gamma=0.8,normalize=mean',
  'loglik',
  'loglik-mean',
  'length',
];

const cacheDir = tempCacheDir();
let root: string;

function options(out: string, methods: string[], extra: Partial<ScoreRunOptions> = {}): ScoreRunOptions {
  return {
    model: STORIES,
    dtype: 'fp32',
    dataset: path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl'),
    methods,
    template: 'none',
    scoreEot: true,
    batchSize: 4,
    maxBatchTokens: 4096,
    limit: 12,
    threads: 1,
    cacheDir,
    out,
    ...extra,
  };
}

async function scoreLines(dir: string): Promise<Map<string, ResponseScoreRecord>> {
  const text = await fs.readFile(path.join(dir, 'scores.jsonl'), 'utf8');
  const records = text.trim().split('\n').map((l) => JSON.parse(l) as ResponseScoreRecord);
  return new Map(records.map((r) => [`${r.pair}/${r.role}/${r.index}`, r]));
}

function assertSameScores(actual: Map<string, ResponseScoreRecord>, expected: Map<string, ResponseScoreRecord>, specs: string[]): void {
  assert.equal(actual.size, expected.size);
  let compared = 0;
  for (const [key, want] of expected) {
    const got = actual.get(key)!;
    assert.ok(got, key);
    assert.equal(got.tokens, want.tokens);
    for (const spec of specs) {
      const a = got.scores[spec]!;
      const b = want.scores[spec]!;
      assert.ok(Number.isFinite(a) && Number.isFinite(b), `${key} ${spec}`);
      assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1e-300, Math.abs(b)), `${key} ${spec}: rescored ${a} vs scored ${b}`);
      compared++;
    }
  }
  assert.equal(compared, expected.size * specs.length);
}

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'endorm-rescore-'));
});

test('rescore reproduces direct scoring (within 1e-9 relative) from traces: the same run, and a run traced for a grid', async () => {
  const direct = path.join(root, 'direct');
  const scored = await scoreRun(options(direct, SPECS));
  assert.equal(scored.traces!.entries, 24);
  const directScores = await scoreLines(direct);
  // The traced α are the run's: 1 always, then those its methods use, in order.
  assert.deepEqual((await summarizeRun(direct)).traces?.alphas, [1, 0.5, 2]);

  const again = await rescoreRun({ run: direct, methods: SPECS, out: path.join(root, 'direct-rescored') });
  assert.equal(again.responses, 24);
  assertSameScores(await scoreLines(again.runDir), directScores, SPECS);

  // A sweep run scores none of SPECS, but traces the same α; every spec is then rescored without the model.
  const { methods, grid } = withGridMethods(['loglik'], [0.5, 2], [0.9, 1]);
  const sweep = path.join(root, 'sweep');
  await scoreRun(options(sweep, methods, { grid }));
  const rescored = await rescoreRun({ run: sweep, methods: SPECS, out: path.join(root, 'sweep-rescored') });
  assertSameScores(await scoreLines(rescored.runDir), directScores, SPECS);
  // …and the sweep's own cells come back identical too.
  const cells = await rescoreRun({ run: sweep, methods, grid, out: path.join(root, 'sweep-cells') });
  assertSameScores(await scoreLines(cells.runDir), await scoreLines(sweep), methods);
});

test("a rescore is a run folder of its own: run.json names the new methods, the grid and where it came from; report reads it", async () => {
  const run = path.join(root, 'direct');
  const { methods, grid } = withGridMethods([], [0.5, 1, 2], [0.5, 0.9, 1]);
  const result = await rescoreRun({ run, methods, grid, out: path.join(root, 'grid-rescore') });
  const manifest = JSON.parse(await fs.readFile(path.join(result.runDir, 'run.json'), 'utf8'));
  assert.deepEqual(manifest.settings.methods, methods);
  assert.equal(methods.length, 9);
  assert.deepEqual(manifest.settings.grid, { alphas: [0.5, 1, 2], gammas: [0.5, 0.9, 1] });
  assert.equal(manifest.settings.rescoredFrom, path.resolve(run));
  const summary = await summarizeRun(result.runDir);
  assert.deepEqual(Object.keys(summary.methods), methods);
  assert.equal(summary.counts.pairs, 12);
  for (const name of ['summary.json', 'report.md', 'report.html', 'grid-heatmap.svg', 'grid-lines.svg']) {
    assert.ok((await fs.stat(path.join(result.runDir, name))).size > 0, name);
  }
  assert.match(await fs.readFile(path.join(result.runDir, 'report.md'), 'utf8'), /## Settings grid \(3 α × 3 γ\)/);
  // Rescoring into the same folder again replaces it; a scored run is never overwritten.
  await rescoreRun({ run, methods: ['loglik'], out: result.runDir });
  assert.equal((await scoreLines(result.runDir)).get('story-001/chosen/0')?.scores['endorm:alpha=1,gamma=1'], undefined);
  await assert.rejects(rescoreRun({ run, methods: ['loglik'], out: path.join(root, 'sweep') }), /is not empty and is not an earlier rescore/);
  await assert.rejects(rescoreRun({ run, methods: ['loglik'], out: run }), /is the run being rescored/);
});

test('an α the run did not trace, a judge, or a run without traces: clear errors', async () => {
  const run = path.join(root, 'direct');
  await assert.rejects(rescoreRun({ run, methods: ['endorm:alpha=0.25,gamma=0.9'] }), (err: Error) => {
    assert.ok(err instanceof MethodSpecError);
    assert.equal(err.message, `endorm:alpha=0.25,gamma=0.9 needs α=0.25, but ${run} traced only α = 1, 0.5, 2; score again with --alpha 0.25 (or a method using it) to trace it`);
    return true;
  });
  await assert.rejects(rescoreRun({ run, methods: ['judge-pairwise'] }), /"judge-pairwise" cannot be rescored: .*a judge reads the model's own verdict/);
  await assert.rejects(rescoreRun({ run, methods: ['nonsense'] }), /unknown method "nonsense"/);
  const bare = path.join(root, 'no-traces');
  await scoreRun(options(bare, ['endorm'], { traces: false, limit: 2 }));
  await assert.rejects(fs.stat(path.join(bare, TRACE_FILES.data)), { code: 'ENOENT' });
  await assert.rejects(rescoreRun({ run: bare, methods: ['endorm'] }), (err: Error) => err instanceof RunFolderError && /has no token traces/.test(err.message));
});

test('a run merged from shards holds their traces and rescores without the shard folders', async () => {
  const shards = [1, 2].map((index) => path.join(root, `shard-${index}`));
  for (const [i, dir] of shards.entries()) await scoreRun(options(dir, SPECS, { shard: { index: i + 1, count: 2 } }));
  const merged = path.join(root, 'merged');
  await mergeRuns(shards, merged);
  const shardSizes = await Promise.all(shards.map(async (dir) => (await fs.stat(path.join(dir, TRACE_FILES.data))).size));
  assert.equal((await fs.stat(path.join(merged, TRACE_FILES.data))).size, shardSizes[0]! + shardSizes[1]!);
  // As in a CI matrix, where the shards were other jobs' artifacts: gone by the time the merged run is rescored.
  const away = shards.map((dir) => `${dir}-away`);
  for (const [i, dir] of shards.entries()) await fs.rename(dir, away[i]!);
  const result = await rescoreRun({ run: merged, methods: SPECS, out: path.join(root, 'merged-rescored') });
  for (const [i, dir] of shards.entries()) await fs.rename(away[i]!, dir);
  assert.deepEqual(result.tracesDirs, [merged]);
  assertSameScores(await scoreLines(result.runDir), await scoreLines(path.join(root, 'direct')), SPECS);
  const manifest = JSON.parse(await fs.readFile(path.join(result.runDir, 'run.json'), 'utf8'));
  assert.equal(manifest.mergedFrom, undefined, 'the rescore names its source in settings.rescoredFrom instead');
  assert.equal(manifest.settings.rescoredFrom, path.resolve(merged));
});
