import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { InputError } from '../../datasets/input-error.js';
import type { Pair } from '../../datasets/pair.js';
import { readJsonlRecords } from '../../datasets/jsonl-reader.js';
import { collect, collectUntilError, jsonl, tempDir, type TempDir } from '../../testing/dataset-fixtures.js';
import { openBenchmarkDataset } from '../open-benchmark.js';
import { datasetFormats, hubAliases, protocolOfKind } from '../registry.js';
import { rewardBench2Pairs } from './records.js';
import { rewardBench2Protocol } from './reward-bench-2-protocol.js';

const record = (id: string, subset: string, extra: Record<string, unknown> = {}) => ({
  id,
  prompt: `Question ${id}?`,
  chosen: [`Right ${id}`],
  rejected: [`Wrong ${id} a`, `Wrong ${id} b`, `Wrong ${id} c`],
  num_correct: 1,
  num_incorrect: 3,
  total_completions: 4,
  models: ['m1', 'm2', 'm3', 'm4'],
  subset,
  ...extra,
});
const TIED = record('tied:7', 'Ties', { chosen: ['Red', 'Blue', 'Green'], rejected: ['Pink'], num_correct: 3, num_incorrect: 1 });
const RECORDS = [record('a1', 'Factuality'), record('ref:7', 'Ties'), TIED];

function parquet(rows: readonly Record<string, unknown>[]): Buffer {
  const names = Object.keys(rows[0]!);
  return Buffer.from(
    parquetWriteBuffer({
      columnData: names.map((name) => {
        const data = rows.map((r) => r[name]);
        return typeof data[0] === 'string' ? { name, data: data as string[], type: 'STRING' as const } : typeof data[0] === 'number' ? { name, data: data.map((v) => BigInt(v as number)), type: 'INT64' as const } : { name, data: data as string[][] };
      }),
    }),
  );
}

describe('the RewardBench 2 protocol', () => {
  let tmp: TempDir;
  before(async () => {
    tmp = await tempDir();
  });
  after(() => tmp.remove());

  it('is registered with its --format, its kind and its Hub alias for the test split', () => {
    assert.ok(datasetFormats().includes('reward-bench-2'));
    assert.equal(protocolOfKind('reward-bench-2'), rewardBench2Protocol);
    assert.deepEqual(hubAliases().get('reward-bench-2'), {
      repo: 'allenai/reward-bench-2',
      split: { repo: 'allenai/reward-bench-2', split: 'test' },
      protocol: rewardBench2Protocol,
    });
  });

  it('recognises a JSONL or Parquet file, or a folder holding the split, and reads each record with all its completions', async () => {
    const jsonlFile = await tmp.write({ 'rb2.jsonl': jsonl(RECORDS) });
    const parquetFile = await tmp.write({ 'rb2.parquet': parquet(RECORDS) });
    await tmp.write({ 'local-copy/.cache/x.json': '{}' });
    const folderFile = await tmp.write({ 'local-copy/data/test-00000-of-00001.parquet': parquet(RECORDS) });
    const folder = path.dirname(path.dirname(folderFile));
    for (const input of [jsonlFile, parquetFile, folder]) {
      const { protocol, dataset } = await openBenchmarkDataset(input);
      assert.equal(protocol, rewardBench2Protocol, input);
      assert.equal(dataset.kind, 'reward-bench-2');
      const pairs = (await collect(dataset.pairs())) as Pair[];
      assert.deepEqual(
        pairs.map((p) => [p.key, p.group, p.chosen, p.rejected]),
        [
          ['a1', 'Factuality', ['Right a1'], ['Wrong a1 a', 'Wrong a1 b', 'Wrong a1 c']],
          ['ref:7', 'Ties', ['Right ref:7'], ['Wrong ref:7 a', 'Wrong ref:7 b', 'Wrong ref:7 c']],
          ['tied:7', 'Ties', ['Red', 'Blue', 'Green'], ['Pink']],
        ],
        input,
      );
      assert.deepEqual(await rewardBench2Protocol.datasetFacts!(dataset), { subsets: { Factuality: 1, Ties: 2 } });
    }
    const { dataset } = await openBenchmarkDataset(folder);
    assert.deepEqual(dataset.files, [folderFile], 'the data file only, hidden folders skipped');
  });

  it('leaves a pair file with lists of responses to the generic protocol, and an RM-Bench folder to RM-Bench', async () => {
    const generic = await tmp.write({ 'bon.jsonl': jsonl([{ prompt: 'p', chosen: ['a'], rejected: ['b', 'c'] }]) });
    assert.equal((await openBenchmarkDataset(generic)).protocol.name, 'pairs');
    const rmBench = await tmp.write({ 'rmb/chat_filtered.json': JSON.stringify([{ id: 1, prompt: 'p', chosen: ['a', 'b', 'c'], rejected: ['d', 'e', 'f'] }]) });
    assert.equal((await openBenchmarkDataset(path.dirname(rmBench))).protocol.name, 'rm-bench');
  });

  it('names the file, record and field of what is wrong', async () => {
    const bad = [
      record('b1', 'Math', { num_correct: 2 }),
      record('b2', 'Math', { rejected: ['x', ''] }),
      record('b3', 'Ties'),
      record('b4', 'Math', { chosen: 'one' }),
      record('b5', 'Math', { total_completions: 5 }),
      record('a1', 'Math'),
      record('a1', 'Math'),
    ];
    const file = await tmp.write({ 'bad.jsonl': jsonl(bad) });
    const direct = await collect(rewardBench2Pairs(readJsonlRecords(file, 'bad.jsonl')));
    assert.deepEqual(
      direct.map((x) => (x instanceof InputError ? x.message : `ok ${x.key}`)),
      [
        'bad.jsonl:1: field "num_correct": is 2, but the record has 1 chosen response',
        'bad.jsonl:2: field "rejected[1]": expected a non-empty string, found an empty string',
        'bad.jsonl:3: field "id": a Ties id must be "ref:N" or "tied:N" (upstream pairs the two by N), found "b3"',
        'bad.jsonl:4: field "chosen": expected a list of responses, found a string',
        'bad.jsonl:5: field "total_completions": is 5, but the record has 4 chosen and rejected responses',
        'ok a1',
        'bad.jsonl:7: field "id": duplicate id "a1"',
      ],
    );
    // Through the protocol, the first bad record stops the read with exit 3, naming the file.
    const read = await collectUntilError((await openBenchmarkDataset(file)).dataset.pairs());
    assert.ok(read.error instanceof InputError);
    assert.equal(read.error.message, `${file}:1: field "num_correct": is 2, but the record has 1 chosen response`);
    assert.equal(read.error.exitCode, 3);
  });
});

describe('RewardBench 2 is added by new files only', () => {
  it('no production file outside its folder names it, except the registry that lists it', () => {
    const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'src');
    const production = fs
      .readdirSync(src, { recursive: true, encoding: 'utf8' })
      .map((file) => file.split(path.sep).join('/'))
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.startsWith('testing/') && !file.startsWith('protocols/reward-bench-2/'))
      .sort();
    assert.ok(production.includes('protocols/registry.ts') && production.length > 100, `read src/: ${production.length} files`);
    const mentions: string[] = [];
    for (const file of production) {
      fs.readFileSync(path.join(src, file), 'utf8').split('\n').forEach((line) => {
        if (/reward[-_ ]?bench[-_ ]?(2|v2|two)|\brb-?2\b/i.test(line)) mentions.push(`${file}: ${line.trim()}`);
      });
    }
    assert.deepEqual(mentions, [
      "protocols/registry.ts: import { rewardBench2Protocol } from './reward-bench-2/reward-bench-2-protocol.js';",
      'protocols/registry.ts: const BUILT_IN: readonly BenchmarkProtocol[] = [rewardBench2Protocol, rmBenchProtocol, rewardBenchProtocol];',
    ]);
  });
});
