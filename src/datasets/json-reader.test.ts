import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { collect, INVALID_UTF8, tempDir, type TempDir } from '../testing/dataset-fixtures.js';
import { InputError } from './input-error.js';
import { readJsonArrayRecords } from './json-reader.js';
import type { RawRecord } from './raw-record.js';

describe('readJsonArrayRecords', () => {
  let tmp: TempDir;
  before(async () => {
    tmp = await tempDir();
  });
  after(() => tmp.remove());

  it('yields the array elements with 1-based record numbers', async () => {
    const file = await tmp.write({ 'a.json': '\ufeff[{"x": 1}, {"x": 2}]' });
    const items = (await collect(readJsonArrayRecords(file, 'a.json'))) as RawRecord[];
    assert.deepEqual(
      items.map((r) => [r.value, r.location]),
      [
        [{ x: 1 }, { file: 'a.json', line: 1, unit: 'record' }],
        [{ x: 2 }, { file: 'a.json', line: 2, unit: 'record' }],
      ],
    );
  });

  it('locates broken JSON by line', async () => {
    const file = await tmp.write({ 'broken.json': '[\n  {"x": 1},\n  {"x": }\n]\n' });
    await assert.rejects(collect(readJsonArrayRecords(file, 'broken.json')), (err: unknown) => {
      assert.ok(err instanceof InputError);
      assert.equal(err.code, 'malformed-json');
      assert.equal(err.line, 3);
      assert.match(err.message, /^broken\.json:3: malformed JSON/);
      return true;
    });
  });

  it('locates invalid UTF-8 by line', async () => {
    const file = await tmp.write({ 'bytes.json': Buffer.concat([Buffer.from('[\n{"x": 1},\n{"x": '), INVALID_UTF8, Buffer.from('}\n]')]) });
    await assert.rejects(collect(readJsonArrayRecords(file, 'bytes.json')), { message: 'bytes.json:3: invalid UTF-8' });
  });

  it('refuses a top-level object, hinting at JSONL', async () => {
    const file = await tmp.write({ 'obj.json': '{"x": 1}\n{"x": 2}\n' });
    await assert.rejects(collect(readJsonArrayRecords(file, 'obj.json')), /InputError: obj\.json:2: malformed JSON .*one object per line is JSONL/);
  });

  it('refuses a single object', async () => {
    const file = await tmp.write({ 'one.json': '{"x": 1}' });
    await assert.rejects(collect(readJsonArrayRecords(file, 'one.json')), /InputError: one\.json: expected a JSON array of records; one object per line/);
  });

  it('names a missing file', async () => {
    await assert.rejects(collect(readJsonArrayRecords(tmp.file('none.json'), 'none.json')), {
      name: 'InputError',
      message: 'none.json: cannot read: no such file or folder',
    });
  });
});
