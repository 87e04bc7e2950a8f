import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { collect, collectUntilError, jsonl, tempDir, type TempDir } from '../testing/dataset-fixtures.js';
import { parquetRows } from '../testing/parquet-fixtures.js';
import { combinedSha256, type DatasetFiles } from './dataset-files.js';
import { InputError } from './input-error.js';
import { openDataset, openRecords } from './open-dataset.js';

const sha = (bytes: string | Buffer): string => createHash('sha256').update(bytes).digest('hex');
const ROWS = [
  { id: 'a', prompt: 'Say hi.', chosen: 'Hi!', rejected: 'No.' },
  { id: 'b', prompt: 'Count.', chosen: '1, 2', rejected: '2, 1' },
  { id: 'c', prompt: 'Name a colour.', chosen: 'Blue', rejected: 'Seven' },
];

describe('Parquet pair files', () => {
  let tmp: TempDir;
  const bytes = parquetRows(ROWS, 2);
  before(async () => {
    tmp = await tempDir();
  });
  after(() => tmp.remove());

  it('are told by their extension, read row group by row group, and hashed like any file', async () => {
    const file = await tmp.write({ 'prefs.parquet': bytes });
    const dataset = await openDataset(file);
    assert.equal(dataset.kind, 'pairs');
    assert.equal(dataset.name, 'prefs');
    assert.equal(dataset.sha256, sha(bytes));
    const pairs = await collect(dataset.pairs());
    assert.deepEqual(
      pairs.map((p) => [p.key, p.prompt, p.chosen[0], p.rejected[0], p.source.line, p.source.unit]),
      [
        ['a', 'Say hi.', 'Hi!', 'No.', 1, 'record'],
        ['b', 'Count.', '1, 2', '2, 1', 2, 'record'],
        ['c', 'Name a colour.', 'Blue', 'Seven', 3, 'record'],
      ],
    );
  });

  it('are told by their first bytes under another name, or by --format parquet', async () => {
    const unnamed = await tmp.write({ 'prefs.bin': bytes });
    assert.deepEqual((await collect((await openDataset(unnamed)).pairs())).map((p) => p.key), ['a', 'b', 'c']);
    const forced = await tmp.write({ 'prefs.jsonl': bytes });
    assert.deepEqual((await collect((await openDataset(forced, { format: 'parquet' })).pairs())).map((p) => p.key), ['a', 'b', 'c']);
  });

  it('map their columns with the field options, as any pair file', async () => {
    const renamed = parquetRows(ROWS.map((r) => ({ question: r.prompt, good: r.chosen, bad: r.rejected, topic: r.id === 'b' ? 'maths' : 'talk' })));
    const file = await tmp.write({ 'renamed.parquet': renamed });
    const dataset = await openDataset(file, { promptField: 'question', chosenField: 'good', rejectedField: 'bad', groupField: 'topic' });
    assert.deepEqual(
      (await collect(dataset.pairs())).map((p) => [p.key, p.group, p.chosen[0]]),
      [
        ['1', 'talk', 'Hi!'],
        ['2', 'maths', '1, 2'],
        ['3', 'talk', 'Blue'],
      ],
    );
  });

  it('are refused on a stream, which cannot be read from its end, with a way out', async () => {
    for (const format of ['auto', 'parquet'] as const) {
      await assert.rejects(openDataset('-', { stdin: Readable.from([bytes]), format }), {
        name: 'InputError',
        code: 'unreadable',
        message: 'stdin: is Parquet, which is read from its end (its footer indexes the rows), so only from a file, not from stdin, a pipe or a FIFO; save it to a file',
      });
    }
  });
});

describe('a dataset of several files', () => {
  let tmp: TempDir;
  before(async () => {
    tmp = await tempDir();
  });
  after(() => tmp.remove());

  const shard0 = jsonl([ROWS[0], ROWS[1]]);
  const shard1 = parquetRows([ROWS[2]!]);
  async function twoShards(second: Buffer | string = shard1, secondName = 'data/test-00001-of-00002.parquet'): Promise<DatasetFiles> {
    const first = await tmp.write({ 'split/data/test-00000-of-00002.jsonl': shard0 });
    const other = await tmp.write({ [`split/${secondName}`]: second });
    return {
      displayName: 'hf:org/pairs:test',
      name: 'pairs-test',
      path: tmp.file('split'),
      files: [
        { path: first, displayName: 'hf:org/pairs/data/test-00000-of-00002.jsonl', name: 'data/test-00000-of-00002.jsonl', sha256: sha(shard0) },
        { path: other, displayName: `hf:org/pairs/${secondName}`, name: secondName, sha256: sha(second) },
      ],
    };
  }

  it('reads its files in order as one, each with its own container, and hashes them together', async () => {
    const files = await twoShards();
    const dataset = await openDataset(files);
    assert.equal(dataset.name, 'pairs-test');
    assert.equal(dataset.path, tmp.file('split'));
    assert.deepEqual(dataset.files, files.files.map((f) => f.path));
    // combinedSha256 by hand: each file's name NUL hash LF, in byte order of the names.
    const expected = sha(`data/test-00000-of-00002.jsonl\u0000${sha(shard0)}\ndata/test-00001-of-00002.parquet\u0000${sha(shard1)}\n`);
    assert.equal(dataset.sha256, expected);
    assert.equal(combinedSha256([...files.files].reverse()), expected, 'the order files are listed in does not matter');
    const pairs = await collect(dataset.pairs());
    assert.deepEqual(
      pairs.map((p) => [p.key, p.source.file, p.source.line]),
      [
        ['a', 'hf:org/pairs/data/test-00000-of-00002.jsonl', 1],
        ['b', 'hf:org/pairs/data/test-00000-of-00002.jsonl', 2],
        ['c', 'hf:org/pairs/data/test-00001-of-00002.parquet', 1],
      ],
    );
  });

  it('numbers records without an id in the whole dataset, since line numbers start again in each file', async () => {
    const bare = ROWS.map(({ id: _id, ...row }) => row);
    const files = await twoShards(parquetRows(bare.slice(1)));
    files.files = [{ ...files.files[0]!, sha256: sha(jsonl([bare[0]])) }, files.files[1]!];
    await tmp.write({ 'split/data/test-00000-of-00002.jsonl': jsonl([bare[0]]) });
    const pairs = await collect((await openDataset(files)).pairs());
    assert.deepEqual(
      pairs.map((p) => [p.key, p.chosen[0], p.source.file, p.source.line]),
      [
        ['1', 'Hi!', 'hf:org/pairs/data/test-00000-of-00002.jsonl', 1],
        ['2', '1, 2', 'hf:org/pairs/data/test-00001-of-00002.parquet', 1],
        ['3', 'Blue', 'hf:org/pairs/data/test-00001-of-00002.parquet', 2],
      ],
    );
  });

  it('keeps ids unique across its files, naming the file and line of the repeat', async () => {
    const files = await twoShards(jsonl([ROWS[0]]), 'data/test-00001-of-00002.jsonl');
    const read = await collectUntilError((await openDataset(files)).pairs());
    assert.deepEqual(read.items.map((p) => p.key), ['a', 'b']);
    assert.ok(read.error instanceof InputError);
    assert.match(read.error.message, /^hf:org\/pairs\/data\/test-00001-of-00002\.jsonl:1: field "id": duplicate id "a" \(also on hf:org\/pairs\/data\/test-00000-of-00002\.jsonl line 1\)/);
  });
});

describe('openRecords', () => {
  it('gives a file, several files or a stream as records, for a protocol to give them meaning', async () => {
    const tmp = await tempDir();
    try {
      const file = await tmp.write({ 'rows.parquet': parquetRows(ROWS) });
      const records = await openRecords(file);
      assert.deepEqual((await collect(records.records())).map((r) => (r as { value: unknown }).value), ROWS);
      assert.equal(records.sha256, sha(parquetRows(ROWS)));
      assert.equal(records.displayName, file);

      const text = JSON.stringify(ROWS);
      const stream = await openRecords('-', { stdin: Readable.from([Buffer.from(text)]) });
      assert.equal(stream.rereadable, false);
      assert.equal(stream.sha256, '', 'known only once read');
      assert.deepEqual((await collect(stream.records())).map((r) => (r as { value: unknown }).value), ROWS);
      assert.equal(stream.sha256, sha(text));
      assert.throws(() => stream.records(), /stdin: is a stream .* read only once/);
    } finally {
      await tmp.remove();
    }
  });
});
