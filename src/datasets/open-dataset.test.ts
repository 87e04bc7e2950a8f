import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmod } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import {
  collect,
  collectUntilError,
  CSV_MULTILINE,
  INVALID_UTF8,
  jsonl,
  JSONL_MESSAGES,
  tempDir,
  TSV_PAIRS,
  type TempDir,
} from '../testing/dataset-fixtures.js';
import { InputError } from './input-error.js';
import { openDataset } from './open-dataset.js';

const sha = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');
const keys = async (file: string, options = {}) => (await collect((await openDataset(file, options)).pairs())).map((p) => p.key);

describe('openDataset', () => {
  let tmp: TempDir;
  before(async () => {
    tmp = await tempDir();
  });
  after(() => tmp.remove());

  it('reads JSONL with a multi-turn prompt, and describes the file', async () => {
    const file = await tmp.write({ 'chat pairs.jsonl': JSONL_MESSAGES });
    const dataset = await openDataset(file);
    assert.equal(dataset.name, 'chat-pairs');
    assert.equal(dataset.kind, 'pairs');
    assert.equal(dataset.path, file);
    assert.deepEqual(dataset.files, [file]);
    assert.equal(dataset.sha256, sha(JSONL_MESSAGES));
    const pairs = await collect(dataset.pairs());
    assert.deepEqual(pairs.map((p) => p.key), ['p1', 'p2']);
    assert.equal((pairs[1]!.prompt as unknown[]).length, 4);
    // Each call reads afresh.
    assert.equal((await collect(dataset.pairs())).length, 2);
  });

  it('reads CSV with a multi-line quoted field, and TSV', async () => {
    const csv = await tmp.write({ 'pairs.csv': CSV_MULTILINE });
    const pairs = await collect((await openDataset(csv, { groupField: 'topic' })).pairs());
    assert.deepEqual(
      pairs.map((p) => [p.key, p.group, p.source.line, p.chosen[0]]),
      [
        ['one', 'poetry', 2, 'Roses are red,\nviolets are blue,\nI said "hi" to you.'],
        ['two', 'maths', 5, '2'],
      ],
    );
    const tsv = await tmp.write({ 'pairs.tsv': TSV_PAIRS });
    const tsvPairs = await collect((await openDataset(tsv)).pairs());
    assert.deepEqual(
      tsvPairs.map((p) => [p.key, p.system, p.rejected[0]]),
      [
        ['2', 'Be kind.', 'Go away.'],
        ['3', undefined, '2, 1'],
      ],
    );
  });

  it('tells formats apart by name and first character, and obeys an explicit format', async () => {
    const record = { prompt: 'p', chosen: 'c', rejected: 'r' };
    const array = await tmp.write({ 'arr.json': JSON.stringify([record, record]) });
    assert.deepEqual(await keys(array), ['1', '2']);
    const linesInJson = await tmp.write({ 'lines.json': jsonl([record, record, record]) });
    assert.deepEqual(await keys(linesInJson), ['1', '2', '3']);
    const noExtension = await tmp.write({ 'data.txt': `  \n${jsonl([record])}` });
    assert.deepEqual(await keys(noExtension), ['2']);
    const csvNamedTxt = await tmp.write({ 'table.txt': 'prompt,chosen,rejected\np,c,r\n' });
    await assert.rejects(openDataset(csvNamedTxt), /table\.txt: cannot tell the format .* pass --format/);
    assert.deepEqual(await keys(csvNamedTxt, { format: 'csv' }), ['2']);
    // Folders are for benchmark protocols (src/protocols/), which the CLI opens datasets through.
    await assert.rejects(openDataset(tmp.dir, { format: 'jsonl' }), /is a folder, not a pair file/);
    await assert.rejects(openDataset(array, { format: 'xml' as never }), TypeError);
  });

  it('stops at the first bad record after the pairs before it, or skips bad records and reports them', async () => {
    const lines = [
      JSON.stringify({ id: 'a', prompt: 'p', chosen: 'c', rejected: 'r' }),
      JSON.stringify({ id: 'b', prompt: 'p', chosen: '', rejected: 'r' }),
      '{"id": "c", ',
      Buffer.concat([Buffer.from('{"id": "d", "prompt": "p", "chosen": '), INVALID_UTF8, Buffer.from(', "rejected": "r"}')]),
      JSON.stringify({ id: 'e', prompt: 'p', chosen: 'c', rejected: 'r' }),
    ];
    const file = await tmp.write({ 'mixed.jsonl': Buffer.concat(lines.flatMap((l) => [Buffer.from(l), Buffer.from('\n')])) });

    const strict = await collectUntilError((await openDataset(file)).pairs());
    assert.deepEqual(strict.items.map((p) => p.key), ['a']);
    assert.ok(strict.error instanceof InputError);
    assert.equal(strict.error.message, `${file}:2: field "chosen": expected a non-empty string, found an empty string`);

    const heard: InputError[] = [];
    const lenient = await openDataset(file, { skipInvalid: true, onInvalid: (e) => heard.push(e) });
    assert.deepEqual((await collect(lenient.pairs())).map((p) => p.key), ['a', 'e']);
    assert.deepEqual(
      heard.map((e) => [e.code, e.line]),
      [
        ['invalid-record', 2],
        ['malformed-json', 3],
        ['invalid-utf8', 4],
      ],
    );
  });

  it('refuses a dataset with no records, and one whose every record was skipped', async () => {
    const cases: [string, string | Buffer][] = [
      ['empty.jsonl', ''],
      ['blank.jsonl', '\n \n\n'],
      ['empty.json', '[]'],
      ['header-only.csv', 'prompt,chosen,rejected\n'],
      ['nothing.json', ''],
    ];
    for (const [name, content] of cases) {
      const file = await tmp.write({ [name]: content });
      await assert.rejects(
        (async () => collect((await openDataset(file)).pairs()))(),
        (err: unknown) => {
          assert.ok(err instanceof InputError, `${name}: ${String(err)}`);
          assert.equal(err.code, 'empty-dataset');
          assert.match(err.message, /: no records/);
          return true;
        },
      );
    }
    const allBad = await tmp.write({ 'bad.jsonl': '{"prompt": 1}\n[]\n' });
    await assert.rejects(collect((await openDataset(allBad, { skipInvalid: true })).pairs()), {
      message: `${allBad}: no usable records (2 invalid)`,
    });
  });

  it('names a file it cannot read', async () => {
    await assert.rejects(openDataset(tmp.file('missing.jsonl')), {
      name: 'InputError',
      code: 'unreadable',
      message: `${tmp.file('missing.jsonl')}: cannot read: no such file or folder`,
    });
    await assert.rejects(openDataset('relative/missing.csv'), { message: 'relative/missing.csv: cannot read: no such file or folder' });
  });

  it('names a file it may not read', { skip: process.getuid?.() === 0 && 'root reads every file' }, async () => {
    const file = await tmp.write({ 'secret.jsonl': jsonl([{ prompt: 'p', chosen: 'c', rejected: 'r' }]) });
    await chmod(file, 0o000);
    await assert.rejects(openDataset(file), { code: 'unreadable', message: `${file}: cannot read: permission denied` });
  });
});
