import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RecordOutcome } from '../../benchmarks/cells.js';
import { InputError } from '../../datasets/input-error.js';
import { collect, collectUntilError, jsonl, tempDir, type TempDir } from '../../testing/dataset-fixtures.js';
import { parquetRows } from '../../testing/parquet-fixtures.js';
import { openBenchmarkDataset } from '../open-benchmark.js';
import { datasetFormats, hubAliases, protocolOfKind } from '../registry.js';
import { rewardBenchProtocol } from './reward-bench-protocol.js';
import { summarizeRewardBench } from './reward-bench-summary.js';

const sha = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');
const record = (id: number, subset: string) => ({ prompt: `Question ${id}?`, chosen: `Good ${id}`, rejected: `Bad ${id}`, subset, id });
const RECORDS = [record(1, 'hep-go'), record(2, 'donotanswer'), record(3, 'mt-bench-easy')];

describe('the RewardBench protocol', () => {
  let tmp: TempDir;
  before(async () => {
    tmp = await tempDir();
  });
  after(() => tmp.remove());

  it('is registered with its --format, its kind and its Hub alias for the filtered split', () => {
    assert.ok(datasetFormats().includes('reward-bench'));
    assert.equal(protocolOfKind('reward-bench'), rewardBenchProtocol);
    const alias = hubAliases().get('reward-bench')!;
    assert.equal(alias.protocol, rewardBenchProtocol);
    assert.deepEqual(alias, { repo: 'allenai/reward-bench', split: { repo: 'allenai/reward-bench', split: 'filtered' }, protocol: rewardBenchProtocol });
  });

  it('recognises a file by its first record, whatever its container, and reads each record as a 1×1 pair grouped by subset', async () => {
    const files = {
      jsonl: await tmp.write({ 'rb.jsonl': jsonl(RECORDS) }),
      json: await tmp.write({ 'rb.json': JSON.stringify(RECORDS) }),
      parquet: await tmp.write({ 'rb.parquet': parquetRows(RECORDS.map((r) => ({ ...r, id: BigInt(r.id) }))) }),
    };
    for (const [container, file] of Object.entries(files)) {
      const { protocol, dataset } = await openBenchmarkDataset(file);
      assert.equal(protocol, rewardBenchProtocol, container);
      assert.equal(dataset.kind, 'reward-bench');
      assert.equal(dataset.name, 'rb');
      assert.deepEqual(dataset.files, [file]);
      const pairs = await collect(dataset.pairs());
      assert.deepEqual(
        pairs.map((p) => [p.key, p.group, p.chosen, p.rejected]),
        [
          ['1', 'hep-go', ['Good 1'], ['Bad 1']],
          ['2', 'donotanswer', ['Good 2'], ['Bad 2']],
          ['3', 'mt-bench-easy', ['Good 3'], ['Bad 3']],
        ],
        container,
      );
      assert.deepEqual(await rewardBenchProtocol.datasetFacts!(dataset), { subsets: { 'hep-go': 1, donotanswer: 1, 'mt-bench-easy': 1 } });
    }
  });

  it('leaves other records to the generic protocol unless --format reward-bench says otherwise', async () => {
    const file = await tmp.write({ 'other.jsonl': jsonl([record(1, 'shp'), record(2, 'hep-go')]) });
    assert.equal((await openBenchmarkDataset(file)).protocol.name, 'pairs', 'a subset column alone does not make RewardBench');
    const forced = await openBenchmarkDataset(file, { format: 'reward-bench' });
    assert.equal(forced.protocol, rewardBenchProtocol);
    assert.deepEqual((await collect(forced.dataset.pairs())).map((p) => p.group), ['shp', 'hep-go']);
  });

  it('names the file, record and field of a bad record, and keeps the pairs before it', async () => {
    const file = await tmp.write({ 'bad.jsonl': jsonl([record(1, 'hep-go'), { ...record(2, 'hep-go'), rejected: '' }]) });
    const read = await collectUntilError((await openBenchmarkDataset(file)).dataset.pairs());
    assert.deepEqual(read.items.map((p) => p.key), ['1']);
    assert.ok(read.error instanceof InputError);
    assert.equal(read.error.message, `${file}:2: field "rejected": expected a non-empty string, found an empty string`);
    assert.equal(read.error.exitCode, 3);
  });

  it('reads stdin once with --format reward-bench; without it a stream is plain pairs, since detection would consume it', async () => {
    const text = jsonl(RECORDS);
    const { protocol, dataset } = await openBenchmarkDataset('-', { format: 'reward-bench', stdin: Readable.from([Buffer.from(text)]) });
    assert.equal(protocol, rewardBenchProtocol);
    assert.equal(dataset.rereadable, false);
    assert.deepEqual(await rewardBenchProtocol.datasetFacts!(dataset), {}, 'no facts: the stream is read once, by the scorer');
    assert.deepEqual((await collect(dataset.pairs())).map((p) => p.group), ['hep-go', 'donotanswer', 'mt-bench-easy']);
    assert.equal(dataset.sha256, sha(text), 'hashed as it was read');
    assert.throws(() => dataset.pairs(), /stdin: is a stream .* read only once/);

    const auto = await openBenchmarkDataset('-', { stdin: Readable.from([Buffer.from(text)]) });
    assert.equal(auto.protocol.name, 'pairs');
    assert.deepEqual((await collect(auto.dataset.pairs())).map((p) => [p.key, p.group]), [
      ['1', undefined],
      ['2', undefined],
      ['3', undefined],
    ]);

    await assert.rejects(openBenchmarkDataset('-', { format: 'reward-bench', stdin: Readable.from([parquetRows(RECORDS)]) }), /stdin: is Parquet, .* save it to a file/);
  });
});

describe('summarizeRewardBench', () => {
  const won = (key: string, group: string, correct: boolean, tie = false): RecordOutcome => ({ key, group, cells: [{ chosen: 0, rejected: 0, correct, tie }] });
  const judged = (key: string, group: string, orders: [number, number]): RecordOutcome => ({
    key,
    group,
    cells: [{ chosen: 0, rejected: 0, correct: (orders[0] + orders[1]) / 2 > 0.5, tie: false, orders }],
  });

  it('counts a tie as wrong', () => {
    const summary = summarizeRewardBench([won('1', 'hep-go', true), won('2', 'hep-go', false, true), won('3', 'hep-go', false)]);
    assert.deepEqual(summary.subsets, [{ subset: 'hep-go', section: 'Reasoning', records: 3, correct: 1, accuracy: 1 / 3 }]);
    // Reasoning with hep-go alone: its accuracy.
    assert.equal(summary.sections[3]!.score, 1 / 3);
  });

  it("counts each order of a pairwise judge as one judgement, as endorm's accuracy does", () => {
    /*
     * hep-go: record 1 right in both orders (1), record 2 right only with the chosen response first (1/2), record 3 a
     * tie in one order and wrong in the other (0): (1 + 1/2 + 0) / 3 = 1/2, the share of the six judgements won.
     */
    const summary = summarizeRewardBench([judged('1', 'hep-go', [0.9, 0.7]), judged('2', 'hep-go', [0.8, 0.2]), judged('3', 'hep-go', [0.5, 0.1])]);
    assert.deepEqual(summary.subsets, [{ subset: 'hep-go', section: 'Reasoning', records: 3, correct: 1.5, accuracy: 0.5 }]);
  });

  it('gives the score and each section a 95% interval, resampling records within each subset', () => {
    const records = (subset: string, right: number, wrong: number) => [
      ...Array.from({ length: right }, (_, i) => won(`${subset}/r${i}`, subset, true)),
      ...Array.from({ length: wrong }, (_, i) => won(`${subset}/w${i}`, subset, false)),
    ];
    // Every record right: nothing to resample away, so every interval is the point.
    const perfect = summarizeRewardBench([...records('alpacaeval-easy', 4, 0), ...records('mt-bench-hard', 3, 0), ...records('donotanswer', 2, 0), ...records('math-prm', 5, 0)]);
    assert.deepEqual(perfect.ci95, [1, 1]);
    assert.deepEqual(perfect.sections.map((s) => s.ci95), [[1, 1], [1, 1], [1, 1], [1, 1]]);

    // Chat is certain (one subset, all right); Safety is a coin (10 of 20): its interval is wide and the score's narrower
    // than Safety's (a mean of four sections, three of them certain). No Reasoning record: no score, no interval.
    const mixed = summarizeRewardBench([...records('alpacaeval-easy', 10, 0), ...records('mt-bench-hard', 10, 0), ...records('donotanswer', 10, 10)]);
    assert.equal(mixed.overall, null);
    assert.equal(mixed.ci95, null);
    const [chat, , safety, reasoning] = mixed.sections;
    assert.deepEqual(chat!.ci95, [1, 1]);
    assert.equal(reasoning!.ci95, null);
    const [lo, hi] = safety!.ci95!;
    assert.ok(lo < 0.5 && hi > 0.5 && lo >= 0.2 && hi <= 0.8, `Safety 0.5 within [${lo}, ${hi}]`);

    const withReasoning = summarizeRewardBench([...records('alpacaeval-easy', 10, 0), ...records('mt-bench-hard', 10, 0), ...records('donotanswer', 10, 10), ...records('math-prm', 10, 0)]);
    const [olo, ohi] = withReasoning.ci95!;
    assert.equal(withReasoning.overall, 3.5 / 4);
    assert.ok(olo < 0.875 && ohi > 0.875 && ohi - olo < (hi - lo) / 2, `score 0.875 within [${olo}, ${ohi}], a quarter as wide as Safety's`);
    // Seeded: the same records give the same interval.
    assert.deepEqual(summarizeRewardBench([...records('alpacaeval-easy', 10, 0), ...records('mt-bench-hard', 10, 0), ...records('donotanswer', 10, 10), ...records('math-prm', 10, 0)]).ci95, withReasoning.ci95);
  });
});

describe('RewardBench is added by new files only', () => {
  it('no production file outside its folder names it, except the registry that lists it', () => {
    const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'src');
    const production = fs
      .readdirSync(src, { recursive: true, encoding: 'utf8' })
      .map((file) => file.split(path.sep).join('/'))
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.startsWith('testing/') && !file.startsWith('protocols/reward-bench/') && !file.startsWith('protocols/reward-bench-2/'))
      .sort();
    assert.ok(production.includes('protocols/registry.ts') && production.length > 100, `read src/: ${production.length} files`);
    const mentions: string[] = [];
    for (const file of production) {
      fs.readFileSync(path.join(src, file), 'utf8').split('\n').forEach((line) => {
        // RewardBench 2 is a protocol of its own (reward-bench-2/), with its own such test.
        if (/reward-?bench(?![-_ ]?2)/i.test(line)) mentions.push(`${file}: ${line.trim()}`);
      });
    }
    assert.deepEqual(mentions, [
      "protocols/registry.ts: import { rewardBenchProtocol } from './reward-bench/reward-bench-protocol.js';",
      'protocols/registry.ts: const BUILT_IN: readonly BenchmarkProtocol[] = [rewardBench2Protocol, rmBenchProtocol, rewardBenchProtocol];',
    ]);
  });
});
