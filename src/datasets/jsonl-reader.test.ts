import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { collect, INVALID_UTF8, JSONL_MESSAGES, tempDir, type TempDir } from '../testing/dataset-fixtures.js';
import { InputError } from './input-error.js';
import { readJsonlRecords } from './jsonl-reader.js';
import type { RawRecord } from './raw-record.js';

describe('readJsonlRecords', () => {
  let tmp: TempDir;
  before(async () => {
    tmp = await tempDir();
  });
  after(() => tmp.remove());

  it('yields one record per line with its line number, skipping blank lines', async () => {
    const file = await tmp.write({ 'm.jsonl': '\n' + JSONL_MESSAGES + '\n   \n' });
    const items = await collect(readJsonlRecords(file, 'm.jsonl'));
    assert.equal(items.length, 2);
    const [a, b] = items as RawRecord[];
    assert.deepEqual(a!.location, { file: 'm.jsonl', line: 2, unit: 'line' });
    assert.equal((a!.value as { id: string }).id, 'p1');
    assert.deepEqual(b!.location, { file: 'm.jsonl', line: 3, unit: 'line' });
    assert.equal((b!.value as { prompt: unknown[] }).prompt.length, 4);
  });

  it('hands malformed JSON and invalid UTF-8 on as errors and carries on', async () => {
    const file = await tmp.write({
      'bad.jsonl': Buffer.concat([
        Buffer.from('{"a": 1}\n{"a": \n{"text": '),
        INVALID_UTF8,
        Buffer.from('}\r\n{"a": 4}'),
      ]),
    });
    const items = await collect(readJsonlRecords(file, 'bad.jsonl'));
    assert.equal(items.length, 4);
    assert.ok(!(items[0] instanceof InputError));
    const malformed = items[1] as InputError;
    assert.ok(malformed instanceof InputError);
    assert.equal(malformed.code, 'malformed-json');
    assert.match(malformed.message, /^bad\.jsonl:2: malformed JSON \(/);
    const utf8 = items[2] as InputError;
    assert.equal(utf8.code, 'invalid-utf8');
    assert.equal(utf8.message, 'bad.jsonl:3: invalid UTF-8');
    assert.deepEqual((items[3] as RawRecord).value, { a: 4 });
    assert.equal((items[3] as RawRecord).location.line, 4);
  });

  it('does not echo a huge malformed line into the message', async () => {
    const file = await tmp.write({ 'long.jsonl': `{"a": [${'1,'.repeat(50_000)}]}\n` });
    const [err] = await collect(readJsonlRecords(file));
    assert.ok(err instanceof InputError);
    assert.ok(err.message.length < 400, err.message);
  });
});
