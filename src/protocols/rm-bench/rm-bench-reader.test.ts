import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../datasets/input-error.js';
import { fileSha256, folderSha256, type Dataset } from '../../datasets/open-dataset.js';
import type { Pair } from '../../datasets/pair.js';
import { collect, collectUntilError, jsonl, RM_BENCH_CHAT, RM_BENCH_CODE, RM_BENCH_SAFETY_REFUSE, RM_BENCH_TOTAL, rmBenchRecord, tempDir, type TempDir } from '../../testing/dataset-fixtures.js';
import { openBenchmarkDataset } from '../open-benchmark.js';
import type { BenchmarkDatasetOptions } from '../protocol.js';
import { RM_BENCH_FILE_DOMAINS, rmBenchDomainOf } from './rm-bench-domains.js';
import { isRmBenchFileName, listRmBenchFiles, readRmBench, rmBenchCoverage, rmBenchDomainsPresent, rmBenchFileDomain } from './rm-bench-reader.js';

const SHARED_RM_BENCH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'shared', 'datasets', 'rm-bench');
const sha = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');

/** RM-Bench files and folders open through the protocol registry, as `endorm score --dataset` opens them. */
async function openDataset(file: string, options: BenchmarkDatasetOptions = {}): Promise<Dataset> {
  const { protocol, dataset } = await openBenchmarkDataset(file, options);
  assert.equal(protocol.name, dataset.kind);
  return dataset;
}

describe('RM-Bench', () => {
  let tmp: TempDir;
  before(async () => {
    tmp = await tempDir();
    await tmp.write({
      'split/chat_filtered.json': RM_BENCH_CHAT,
      'split/code_filtered.json': RM_BENCH_CODE,
      'split/safety-refuse_filtered.json': RM_BENCH_SAFETY_REFUSE,
      'split/SOURCE.md': 'not data',
      'split/other.json': '[]',
      'total/total_dataset.json': RM_BENCH_TOTAL,
      'total/chat_filtered.json': RM_BENCH_CHAT,
    });
  });
  after(() => tmp.remove());

  it('knows the five domains, their file names and the four reported sections', () => {
    assert.deepEqual(RM_BENCH_FILE_DOMAINS, ['chat', 'code', 'math', 'safety-refuse', 'safety-response']);
    assert.equal(rmBenchFileDomain('/x/safety-response_filtered.json'), 'safety-response');
    assert.equal(rmBenchFileDomain('chat.json'), undefined);
    assert.equal(rmBenchFileDomain('poetry_filtered.json'), undefined);
    assert.ok(isRmBenchFileName('total_dataset.json'));
    assert.ok(!isRmBenchFileName('poetry_filtered.json'));
    assert.deepEqual(RM_BENCH_FILE_DOMAINS.map(rmBenchDomainOf), ['chat', 'code', 'math', 'safety', 'safety']);
  });

  it('is chosen by --format rm-bench whatever the file is called, and the only reader of folders besides RewardBench 2 (which takes only a folder of its own records)', async () => {
    const named = await tmp.write({ 'odd/bench.json': JSON.stringify([{ id: 3, domain: 'code', prompt: 'p', chosen: ['a', 'b', 'c'], rejected: ['d', 'e', 'f'] }]) });
    const asRmBench = await openDataset(named, { format: 'rm-bench' });
    assert.equal(asRmBench.kind, 'rm-bench');
    assert.deepEqual((await collect(asRmBench.pairs())).map((p) => p.key), ['code/3']);
    await assert.rejects(openBenchmarkDataset(tmp.file('split'), { format: 'jsonl' }), {
      message: `${tmp.file('split')}: is a folder; only RewardBench 2 (--format reward-bench-2) or RM-Bench (--format rm-bench) is read from a folder`,
    });
    const pairFile = await tmp.write({ 'odd/pairs.jsonl': jsonl([{ prompt: 'p', chosen: 'c', rejected: 'r' }]) });
    assert.equal((await openBenchmarkDataset(pairFile)).protocol.name, 'pairs');
  });

  it('hashes a folder over its sorted file names and contents', async () => {
    const folder = path.dirname(await tmp.write({ 'rmb/code_filtered.json': RM_BENCH_CODE, 'rmb/chat_filtered.json': RM_BENCH_CHAT }));
    const dataset = await openDataset(folder);
    const expected = sha(`chat_filtered.json\u0000${sha(RM_BENCH_CHAT)}\ncode_filtered.json\u0000${sha(RM_BENCH_CODE)}\n`);
    assert.equal(dataset.sha256, expected);
    assert.equal(await folderSha256([...dataset.files].reverse()), expected);
    assert.equal(await fileSha256(dataset.files[0]!), sha(RM_BENCH_CHAT));
  });

  it('lists a folder in domain order, and total_dataset.json alone when present', async () => {
    assert.deepEqual((await listRmBenchFiles(tmp.file('split'))).map((f) => path.basename(f)), ['chat_filtered.json', 'code_filtered.json', 'safety-refuse_filtered.json']);
    assert.deepEqual((await listRmBenchFiles(tmp.file('total'))).map((f) => path.basename(f)), ['total_dataset.json']);
    await assert.rejects(listRmBenchFiles(tmp.dir), /no RM-Bench file in this folder/);
  });

  it('keys pairs by domain and id, keeps all six responses byte for byte, and says math is missing', async () => {
    const dataset = await openDataset(tmp.file('split'));
    assert.equal(dataset.kind, 'rm-bench');
    assert.equal(dataset.name, 'rm-bench');
    const pairs = await collect(dataset.pairs());
    assert.deepEqual(
      pairs.map((p) => [p.key, p.group, p.source.line]),
      [
        ['chat/0', 'chat', 1],
        ['chat/1', 'chat', 2],
        ['code/0', 'code', 1],
        ['safety-refuse/7', 'safety-refuse', 1],
      ],
    );
    const first = pairs[0]!;
    assert.deepEqual(first.chosen, ['right 0', '  Right, at length 0.\n', '**Right** 0\n\n- point\n']);
    assert.deepEqual(first.rejected, ['wrong 0', 'Wrong, at length 0. ', '\t**Wrong** 0']);
    assert.equal(first.prompt, 'Question 0?');
    assert.equal(first.id, '0');
    assert.deepEqual(first.source, { file: path.join(tmp.file('split'), 'chat_filtered.json'), line: 1, unit: 'record' });

    const coverage = await rmBenchDomainsPresent(dataset);
    assert.deepEqual(coverage.present, ['chat', 'code', 'safety-refuse']);
    assert.deepEqual(coverage.missing, ['math', 'safety-response']);
    assert.deepEqual(coverage.counts, { chat: 2, code: 1, math: 0, 'safety-refuse': 1, 'safety-response': 0 });
  });

  it('takes the domain from each record of total_dataset.json', async () => {
    const dataset = await openDataset(tmp.file('total/total_dataset.json'));
    assert.equal(dataset.kind, 'rm-bench');
    assert.equal(dataset.name, 'rm-bench');
    const pairs = await collect(dataset.pairs());
    assert.deepEqual(pairs.map((p) => p.key), ['chat/0', 'math/0', 'math/1', 'safety-response/5']);
    assert.deepEqual(rmBenchCoverage(pairs.map((p) => p.group)).missing, ['code', 'safety-refuse']);
  });

  it('names a single-domain file after its domain', async () => {
    const dataset = await openDataset(tmp.file('split/code_filtered.json'));
    assert.equal(dataset.name, 'rm-bench-code');
    assert.equal(dataset.kind, 'rm-bench');
  });

  it('refuses records without three chosen and three rejected responses, and other bad records', async () => {
    const bad = [
      rmBenchRecord(0),
      rmBenchRecord(1, { chosen: ['a', 'b'] }),
      rmBenchRecord(2, { rejected: ['a', 'b', 'c', 'd'] }),
      rmBenchRecord(3, { rejected: ['a', 7, 'c'] }),
      rmBenchRecord(4, { chosen: 'just one' }),
      rmBenchRecord(0),
      { prompt: 'no id', chosen: ['a', 'b', 'c'], rejected: ['d', 'e', 'f'] },
      rmBenchRecord(5, { prompt: '' }),
    ];
    const file = await tmp.write({ 'bad/chat_filtered.json': JSON.stringify(bad) });
    const items = await collect(readRmBench([{ path: file, displayName: 'chat_filtered.json' }]));
    assert.deepEqual(
      items.map((i) => (i instanceof InputError ? i.message : (i as Pair).key)),
      [
        'chat/0',
        'chat_filtered.json: record 2: field "chosen": expected 3 responses (concise, detailed, markdown), found 2',
        'chat_filtered.json: record 3: field "rejected": expected 3 responses (concise, detailed, markdown), found 4',
        'chat_filtered.json: record 4: field "rejected[1]": expected a non-empty string, found a number',
        'chat_filtered.json: record 5: field "chosen": expected a list of 3 strings',
        'chat_filtered.json: record 6: field "id": duplicate id "0" in domain chat',
        'chat_filtered.json: record 7: field "id": missing',
        'chat_filtered.json: record 8: field "prompt": expected a non-empty string, found an empty string',
      ],
    );
    const { items: before, error } = await collectUntilError((await openDataset(file)).pairs());
    assert.deepEqual(before.map((p) => p.key), ['chat/0']);
    assert.ok(error instanceof InputError);
    assert.equal(error.line, 2);
    assert.equal(error.unit, 'record');
  });

  it('refuses an unknown domain in total_dataset.json', async () => {
    const file = await tmp.write({ 'baddomain/total_dataset.json': JSON.stringify([rmBenchRecord(0, { domain: 'poetry' })]) });
    await assert.rejects(collect((await openDataset(file)).pairs()), {
      message: `${file}: record 1: field "domain": unknown RM-Bench domain "poetry" (expected one of chat, code, math, safety-refuse, safety-response)`,
    });
    const normalised = await tmp.write({ 'normal/total_dataset.json': JSON.stringify([rmBenchRecord(0, { domain: 'Safety_Refuse' })]) });
    assert.equal((await collect((await openDataset(normalised)).pairs()))[0]!.key, 'safety-refuse/0');
  });

  it('reads the upstream files in ../shared when they are there', { skip: !existsSync(SHARED_RM_BENCH) && 'no ../shared/datasets/rm-bench' }, async () => {
    const dataset = await openDataset(SHARED_RM_BENCH);
    const pairs = await collect(dataset.pairs());
    const coverage = rmBenchCoverage(pairs.map((p) => p.group));
    const byKey = new Map<string, Pair>(pairs.map((p) => [p.key, p] as const));
    // Whatever files are there, every record becomes a pair and responses are untouched.
    for (const file of dataset.files) {
      const records = JSON.parse(readFileSync(file, 'utf8')) as { id: number; chosen: string[]; rejected: string[] }[];
      const domain = rmBenchFileDomain(file);
      if (domain === undefined) continue;
      assert.equal(coverage.counts[domain], records.length);
      for (const r of records) {
        const pair: Pair | undefined = byKey.get(`${domain}/${r.id}`);
        assert.ok(pair);
        assert.deepEqual(pair.chosen, r.chosen);
        assert.deepEqual(pair.rejected, r.rejected);
      }
    }
    assert.equal(new Set(pairs.map((p) => p.key)).size, pairs.length);
  });
});

describe('RM-Bench from a stream', () => {
  it('is refused: its domain counts and its records are two reads', async () => {
    await assert.rejects(openBenchmarkDataset('-', { format: 'rm-bench' }), /stdin: RM-Bench is read from its files or folder, not from stdin, a pipe or a FIFO/);
  });
});
