import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { collect } from '../../testing/dataset-fixtures.js';
import { resolveHfDataset } from '../../datasets/hf-dataset.js';
import { InputError } from '../../datasets/input-error.js';
import type { Pair } from '../../datasets/pair.js';
import { readParquetRecords } from '../../datasets/parquet-reader.js';
import { datasetRoute, listingRoute, startFakeHub, type FakeHub } from '../../testing/fake-hub-server.js';
import { REWARD_BENCH_SUBSETS } from './constants.js';
import { REWARD_BENCH_HUB } from './hub-source.js';
import { rewardBenchPairs } from './records.js';
import { rewardBenchSummary } from './scores.js';

const SHA = '1234567890123456789012345678901234567890';

interface Row {
  id: number;
  subset: string;
  chosen: string;
}

/** A shard as allenai/reward-bench's: its seven columns, ids as INT64. */
function shard(rows: Row[]): Buffer {
  const column = (name: string, data: unknown[], type: 'STRING' | 'INT64') => ({ name, data, type });
  return Buffer.from(
    parquetWriteBuffer({
      columnData: [
        column('prompt', rows.map((r) => `Prompt ${r.id}`), 'STRING'),
        column('chosen', rows.map((r) => r.chosen), 'STRING'),
        column('chosen_model', rows.map(() => 'gpt-4'), 'STRING'),
        column('rejected', rows.map((r) => `Worse answer ${r.id}`), 'STRING'),
        column('rejected_model', rows.map(() => 'alpaca-7b'), 'STRING'),
        column('subset', rows.map((r) => r.subset), 'STRING'),
        column('id', rows.map((r) => BigInt(r.id)), 'INT64'),
      ],
      rowGroupSize: 5,
    }),
  );
}

// One record per subset, ids 100..122 in upstream's subset order, split over two shards; the second shard also
// holds a record whose chosen response is empty.
const ROWS: Row[] = REWARD_BENCH_SUBSETS.map((subset, i) => ({ id: 100 + i, subset, chosen: `Good answer ${100 + i}` }));
const FIRST = ROWS.slice(0, 12);
const SECOND = [...ROWS.slice(12, 13), { id: 999, subset: 'hep-go', chosen: '' }, ...ROWS.slice(13)];

describe('--dataset reward-bench against the stand-in Hub', () => {
  let hub: FakeHub;
  let cacheRoot: string;

  before(async () => {
    cacheRoot = await mkdtemp(path.join(os.tmpdir(), 'endorm-reward-bench-'));
    hub = await startFakeHub(
      new Map([
        [datasetRoute('allenai/reward-bench', 'README.md'), Buffer.from('---\nconfigs: []\n---\n')],
        [datasetRoute('allenai/reward-bench', 'data/raw-00000-of-00001.parquet'), shard([{ id: 1, subset: 'raw-only', chosen: 'x' }])],
        [datasetRoute('allenai/reward-bench', 'data/filtered-00000-of-00002.parquet'), shard(FIRST)],
        [datasetRoute('allenai/reward-bench', 'data/filtered-00001-of-00002.parquet'), shard(SECOND)],
      ]),
    );
    hub.setCommit('allenai/reward-bench', 'main', SHA);
  });
  after(async () => {
    await hub.close();
    await rm(cacheRoot, { recursive: true, force: true });
  });

  it('downloads the filtered split and reads it into pairs covering every subset, then scores them', async () => {
    const resolved = await resolveHfDataset(REWARD_BENCH_HUB, { endpoint: hub.endpoint, cacheRoot, token: '' });
    assert.equal(resolved.commit, SHA);
    assert.equal(resolved.format, 'parquet');
    assert.deepEqual(
      resolved.files.map((f) => f.repoPath),
      ['data/filtered-00000-of-00002.parquet', 'data/filtered-00001-of-00002.parquet'],
    );
    assert.deepEqual(
      hub.requests.map((r) => r.path),
      [
        listingRoute('allenai/reward-bench'),
        `/datasets/allenai/reward-bench/resolve/${SHA}/data/filtered-00000-of-00002.parquet`,
        `/datasets/allenai/reward-bench/resolve/${SHA}/data/filtered-00001-of-00002.parquet`,
      ],
    );

    async function* records() {
      for (const file of resolved.files) yield* readParquetRecords(file.path, file.displayName);
    }
    const items = await collect(rewardBenchPairs(records()));
    const errors = items.filter((item): item is InputError => item instanceof InputError);
    const pairs = items.filter((item): item is Pair => !(item instanceof InputError));
    assert.deepEqual(
      errors.map((e) => e.message),
      ['hf:allenai/reward-bench/data/filtered-00001-of-00002.parquet: record 2: field "chosen": expected a non-empty string, found an empty string'],
    );
    assert.deepEqual(
      pairs.map((p) => p.group),
      REWARD_BENCH_SUBSETS,
    );
    assert.deepEqual(pairs[12], {
      key: '112',
      id: '112',
      group: REWARD_BENCH_SUBSETS[12],
      prompt: 'Prompt 112',
      chosen: ['Good answer 112'],
      rejected: ['Worse answer 112'],
      source: { file: 'hf:allenai/reward-bench/data/filtered-00001-of-00002.parquet', line: 1, unit: 'record' },
    });

    /*
     * Every record won except math-prm's and donotanswer's:
     *   Chat = 1, Chat Hard = 1, Safety = (740 - 136) / 740 = 151/185, Reasoning = (984*0 + 6*164*1) / 1968 = 1/2
     *   overall = (1 + 1 + 151/185 + 1/2) / 4
     */
    const summary = rewardBenchSummary(pairs.map((p) => ({ subset: p.group!, correct: p.group === 'math-prm' || p.group === 'donotanswer' ? 0 : 1 })));
    assert.deepEqual(summary.missingSubsets, []);
    assert.deepEqual(
      summary.sections.map((s) => s.score),
      [1, 1, 151 / 185, 1 / 2],
    );
    assert.ok(Math.abs(summary.overall! - (1 + 1 + 151 / 185 + 1 / 2) / 4) < 1e-12);
  });
});
