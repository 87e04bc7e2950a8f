import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { collect, collectUntilError, jsonl, tempDir, type TempDir } from '../testing/dataset-fixtures.js';
import { InputError } from './input-error.js';
import { openDataset, type DatasetOptions } from './open-dataset.js';

const pair = (id: string, n: number) => ({ id, prompt: `p${n}`, chosen: `c${n}`, rejected: `r${n}` });
// Ids a, b, a: the third record repeats the first one's id.
const RECORDS = [pair('a', 1), pair('b', 2), pair('a', 3)];
const csv = (sep: string) => ['id,prompt,chosen,rejected', ...RECORDS.map((r) => [r.id, r.prompt, r.chosen, r.rejected].join(','))].join('\n').replaceAll(',', sep) + '\n';
const BENCH = [
  { id: 'a1', system: 's1', prompt: 'A', reference_answer: 'x1' },
  { id: 'a2', system: 's2', prompt: 'A', reference_answer: 'x2' },
  { id: 'a1', system: 's3', prompt: 'A', reference_answer: 'x3' },
];
const MULTIFACETED = RECORDS.map((r) => ({ ...r, system: 'be brief', main_source: 'Nectar' }));

/** Every format, with where the repeated id sits: [file name, content, options, message of the error]. */
const FORMATS: [string, string, DatasetOptions, RegExp][] = [
  ['pairs.jsonl', jsonl(RECORDS), {}, /pairs\.jsonl:3: field "id": duplicate id "a" \(also on line 1\); pass --dedupe-ids/],
  ['pairs.json', JSON.stringify(RECORDS), {}, /pairs\.json: record 3: field "id": duplicate id "a" \(also on record 1\)/],
  ['pairs.csv', csv(','), {}, /pairs\.csv:4: field "id": duplicate id "a" \(also on line 2\)/],
  ['pairs.tsv', csv('\t'), {}, /pairs\.tsv:4: field "id": duplicate id "a" \(also on line 2\)/],
  ['multifaceted-dpo.jsonl', jsonl(MULTIFACETED), {}, /multifaceted-dpo\.jsonl:3: field "id": duplicate id "a" \(also on line 1\)/],
  ['bench.jsonl', jsonl(BENCH), { format: 'multifaceted-bench' }, /bench\.jsonl:3: field "id": duplicate id "a1" \(also on line 1\)/],
  ['keyed.jsonl', jsonl(RECORDS.map(({ id, ...r }) => ({ key: id, ...r }))), { idField: 'key' }, /keyed\.jsonl:3: field "key": duplicate id "a"/],
];

describe('duplicate ids', () => {
  let tmp: TempDir;
  before(async () => {
    tmp = await tempDir();
  });
  after(() => tmp.remove());

  for (const [name, content, options, message] of FORMATS) {
    it(`${name}: a repeated id stops the read after the records before it, naming file, line and field`, async () => {
      const file = await tmp.write({ [name]: content });
      const { items, error } = await collectUntilError((await openDataset(file, options)).pairs());
      assert.ok(error instanceof InputError, String(error));
      assert.equal(error.code, 'invalid-record');
      assert.match(error.message, message);
      assert.equal(items.length, 2);
    });

    it(`${name}: --dedupe-ids keys the repeat by its line instead; --skip-invalid skips it`, async () => {
      const file = await tmp.write({ [name]: content });
      const deduped = await collect((await openDataset(file, { ...options, dedupeIds: true })).pairs());
      const first = deduped[0]!.id;
      const repeat = deduped.find((p) => p.key !== p.id)!;
      assert.equal(deduped.length, 3);
      assert.equal(new Set(deduped.map((p) => p.key)).size, 3);
      assert.equal(repeat.id, first, 'the id itself is kept');
      assert.equal(repeat.key, `${first}@${repeat.source.line}`);
      const skipped: InputError[] = [];
      const lenient = await collect((await openDataset(file, { ...options, skipInvalid: true, onInvalid: (e) => skipped.push(e) })).pairs());
      assert.equal(lenient.length, 2);
      assert.deepEqual(skipped.map((e) => e.reason.startsWith('duplicate id')), [true]);
    });
  }

  it('a dedupe key that is itself taken is an error too, and records without ids are keyed by line', async () => {
    const file = await tmp.write({ 'taken.jsonl': jsonl([pair('a', 1), pair('a@3', 2), pair('a', 3)]) });
    const { error } = await collectUntilError((await openDataset(file, { dedupeIds: true })).pairs());
    assert.match(String((error as Error).message), /taken\.jsonl:3: field "id": duplicate id "a" \(also on line 1\), and "a@3" is taken too/);
    const noIds = await tmp.write({ 'no-ids.jsonl': jsonl(RECORDS.map(({ id: _id, ...r }) => r)) });
    assert.deepEqual((await collect((await openDataset(noIds)).pairs())).map((p) => p.key), ['1', '2', '3']);
  });
});
