import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { collect, jsonl, MULTIFACETED_BENCH_RECORDS, MULTIFACETED_DPO, MULTIFACETED_RM, tempDir, withoutSource, type TempDir } from '../testing/dataset-fixtures.js';
import { InputError } from './input-error.js';
import { isMultifacetedBenchRecord, isMultifacetedPairRecord, multifacetedBenchPairs } from './multifaceted.js';
import { openDataset } from './open-dataset.js';
import type { Pair } from './pair.js';
import type { RecordItem } from './raw-record.js';

async function* records(values: unknown[]): AsyncGenerator<RecordItem> {
  for (let i = 0; i < values.length; i++) yield { value: values[i], location: { file: 'bench.jsonl', line: i + 1, unit: 'line' } };
}

describe('Multifaceted', () => {
  let tmp: TempDir;
  before(async () => {
    tmp = await tempDir();
  });
  after(() => tmp.remove());

  it('recognises the bench and pair schemas', () => {
    assert.ok(isMultifacetedBenchRecord(MULTIFACETED_BENCH_RECORDS[0]));
    assert.ok(!isMultifacetedBenchRecord({ reference_answer: 'x', chosen: 'y' }));
    assert.ok(isMultifacetedPairRecord({ system: 's', chosen: 'c', rejected: 'r' }));
    assert.ok(!isMultifacetedPairRecord({ chosen: 'c', rejected: 'r' }));
  });

  it('builds bench pairs cyclically within each prompt: chosen is its own reference, rejected the next one', async () => {
    const items = await collect(multifacetedBenchPairs(records(MULTIFACETED_BENCH_RECORDS)));
    const pairs = items.filter((i): i is Pair => !(i instanceof InputError));
    assert.deepEqual(
      pairs.map((p) => [p.key, p.system, p.prompt, p.chosen[0], p.rejected[0], p.group, p.source.line]),
      [
        ['a1', 'sys A1', 'Prompt A', 'answer A1', 'answer A2', 'Nectar', 1],
        ['a2', 'sys A2', 'Prompt A', 'answer A2', 'answer A3', 'Nectar', 3],
        ['a3', 'sys A3', 'Prompt A', 'answer A3', 'answer A1', 'Nectar', 5],
        ['b1', 'sys B1', 'Prompt B', 'answer B1', 'answer B2', 'DSP', 2],
        ['b2', 'sys B2', 'Prompt B', 'answer B2', 'answer B1', 'DSP', 6],
      ],
    );
    const unpaired = items.filter((i): i is InputError => i instanceof InputError);
    assert.deepEqual(
      unpaired.map((e) => [e.code, e.message]),
      [['unpaired', 'bench.jsonl:4: field "prompt": no other instance has this prompt, so no rejected answer can be built']],
    );
  });

  it('refuses bench records without a system message or reference answer', async () => {
    const items = await collect(
      multifacetedBenchPairs(records([{ prompt: 'P', reference_answer: 'x' }, { prompt: 'P', system: 's', reference_answer: '' }, { prompt: 'P', system: 's', reference_answer: 'ok' }])),
    );
    assert.deepEqual(
      items.map((i) => (i instanceof InputError ? i.message : 'pair')),
      [
        'bench.jsonl:1: field "system": missing',
        'bench.jsonl:2: field "reference_answer": expected a non-empty string, found an empty string',
        'bench.jsonl:3: field "prompt": no other instance has this prompt, so no rejected answer can be built',
      ],
    );
  });

  it('opens a Multifaceted-Bench JSONL by its schema, reporting unpaired instances through onInvalid', async () => {
    const file = await tmp.write({ 'mf-bench.jsonl': jsonl(MULTIFACETED_BENCH_RECORDS) });
    const heard: InputError[] = [];
    const dataset = await openDataset(file, { onInvalid: (e) => heard.push(e) });
    assert.equal(dataset.kind, 'multifaceted');
    assert.equal(dataset.name, 'mf-bench');
    assert.equal((await collect(dataset.pairs())).length, 5);
    assert.deepEqual(heard.map((e) => [e.code, e.line]), [['unpaired', 4]]);
  });

  it('opens a Multifaceted-Bench JSON array too, grouping by a named field', async () => {
    const file = await tmp.write({ 'bench.json': JSON.stringify(MULTIFACETED_BENCH_RECORDS.map((r) => ({ ...r, topic: r.id[0] }))) });
    const pairs = await collect((await openDataset(file, { groupField: 'topic' })).pairs());
    assert.deepEqual(pairs.map((p) => p.group), ['a', 'a', 'a', 'b', 'b']);
    assert.deepEqual(pairs[0]!.source, { file, line: 1, unit: 'record' });
  });

  it('reads Multifaceted-Collection-DPO rows as pairs under their system message, grouped by main_source', async () => {
    const file = await tmp.write({ 'multifaceted-dpo.jsonl': MULTIFACETED_DPO });
    const dataset = await openDataset(file);
    assert.equal(dataset.kind, 'multifaceted');
    const pairs = await collect(dataset.pairs());
    assert.deepEqual(pairs.map(withoutSource), [
      { key: '1', id: '1', system: 'You are terse.', prompt: 'Name a colour.', chosen: ['Red.'], rejected: ['Colours are wavelengths of light that...'], group: 'Nectar' },
      {
        key: '2',
        id: '2',
        system: 'You explain like a teacher.',
        prompt: 'What is 2+2?',
        chosen: ['Two and two make four: count two, then two more.'],
        rejected: ['4'],
        group: 'UltraFeedback',
      },
    ]);
  });

  it('reads Multifaceted-Collection-RM rows whose responses are conversations', async () => {
    const file = await tmp.write({ 'rm.jsonl': MULTIFACETED_RM });
    const dataset = await openDataset(file, { format: 'multifaceted' });
    assert.equal(dataset.kind, 'multifaceted');
    const [pair] = await collect(dataset.pairs());
    assert.deepEqual(withoutSource(pair!), {
      key: '1',
      id: '1',
      system: 'You love brevity.',
      prompt: [{ role: 'user', content: 'Say hi.' }],
      chosen: ['Hi.'],
      rejected: ['Hello there, it is a pleasure to greet you today!'],
      group: 'OpenHermesPreferences',
    });
  });

  it('leaves a pair file without "multifaceted" in its name as plain pairs', async () => {
    const file = await tmp.write({ 'dpo.jsonl': MULTIFACETED_DPO });
    const dataset = await openDataset(file);
    assert.equal(dataset.kind, 'pairs');
    assert.equal((await collect(dataset.pairs()))[0]!.group, undefined);
  });
});
