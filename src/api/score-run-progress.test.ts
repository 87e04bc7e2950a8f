import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import type { ScoreProgress } from '../run/score-pairs.js';
import { PROJECT_ROOT, SHARED, STORIES, tempCacheDir } from '../testing/shared-models.js';
import { scoreRun, type ScoreRunOptions } from './score-run.js';

/*
 * The total scoreRun gives onProgress (the bar's end and the ETA) is the number of records the run's selection holds:
 * counted through --limit, --sample and --shard for a file, --limit's bound for a stream (read once, never counted).
 */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-progress-total-'));
const cacheDir = tempCacheDir();
const STORY_SAMPLE = path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl');
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function totals(name: string, o: Partial<ScoreRunOptions>): Promise<{ totals: (number | undefined)[]; pairs: number }> {
  const seen = new Set<number | undefined>();
  const { progress } = await scoreRun({
    model: STORIES,
    dataset: STORY_SAMPLE,
    methods: ['loglik'],
    template: 'none',
    maxLength: 256,
    traces: false,
    cacheDir,
    out: path.join(tmp, name),
    ...o,
    onProgress: (p: ScoreProgress) => seen.add(p.total),
  });
  return { totals: [...seen], pairs: progress.pairs };
}

test('onProgress gets the selection as its total: a spread --limit, a --sample, a shard of a --limit', async () => {
  assert.deepEqual(await totals('rm-bench', { dataset: path.join(SHARED, 'datasets', 'rm-bench'), limit: 6, seed: 1 }), { totals: [6], pairs: 6 });
  assert.deepEqual(await totals('sample', { sample: 5, seed: 2 }), { totals: [5], pairs: 5 });
  const shard = await totals('shard', { limit: 10, shard: { index: 1, count: 2 } });
  assert.ok(shard.pairs > 0 && shard.pairs < 10, `shard 1/2 of 10 records: ${shard.pairs}`);
  assert.deepEqual(shard.totals, [shard.pairs]);
});

test("a stream is never counted: --limit is its total, and without one there is none", async () => {
  const text = fs.readFileSync(STORY_SAMPLE, 'utf8');
  assert.deepEqual(await totals('stream-limit', { dataset: '-', datasetOptions: { stdin: Readable.from([text]) }, limit: 3 }), { totals: [3], pairs: 3 });
  assert.deepEqual(await totals('stream', { dataset: '-', datasetOptions: { stdin: Readable.from([text]) } }), { totals: [undefined], pairs: 64 });
});
