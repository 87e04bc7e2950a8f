import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import zlib from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { parquetMetadata, type AsyncBuffer } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { collect, collectUntilError, tempDir, type TempDir } from '../testing/dataset-fixtures.js';
import { InputError } from './input-error.js';
import { readParquetRecords, readParquetRowGroups } from './parquet-reader.js';
import type { RawRecord } from './raw-record.js';

/** Five rows in row groups of 2, 2 and 1, with the column types a Hub dataset brings. */
function typedFile(): Uint8Array {
  return new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: 'id', data: [1n, 2n, 3n, 9007199254740993n, 5n], type: 'INT64' },
        { name: 'prompt', data: ['Hi', null, 'Ünïcode ✓', 'd', '  spaced\n'], type: 'STRING' },
        { name: 'score', data: [0.5, 1, 2, 3, -4], type: 'DOUBLE' },
        { name: 'ok', data: [true, false, true, false, true], type: 'BOOLEAN' },
        { name: 'when', data: [0, 1000, 2, 3, 4].map((ms) => new Date(ms)), type: 'TIMESTAMP' },
      ],
      rowGroupSize: 2,
    }),
  );
}

/**
 * Twenty rows of 150 kB text, two per row group: 3 MB in ten row groups, so that hyparquet's first read of the
 * footer (the last 512 kB) cannot take in the whole file.
 */
function bulkyFile(): Uint8Array {
  const text = (n: number) => String.fromCharCode(97 + n).repeat(150_000) + n;
  const data = Array.from({ length: 20 }, (_, n) => text(n));
  return new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'text', data, type: 'STRING' }], rowGroupSize: 2, codec: 'UNCOMPRESSED' }));
}

describe('readParquetRecords', () => {
  let tmp: TempDir;
  before(async () => {
    tmp = await tempDir();
  });
  after(() => tmp.remove());

  it('yields every row, row group after row group, as the same row read from JSON would be', async () => {
    const file = await tmp.write({ 'typed.parquet': typedFile() });
    const items = (await collect(readParquetRecords(file, 'data/typed.parquet'))) as RawRecord[];
    assert.deepEqual(
      items.map((item) => item.location),
      [1, 2, 3, 4, 5].map((line) => ({ file: 'data/typed.parquet', line, unit: 'record' })),
    );
    assert.deepEqual(
      items.map((item) => item.value),
      [
        { id: 1, prompt: 'Hi', score: 0.5, ok: true, when: '1970-01-01T00:00:00.000Z' },
        { id: 2, prompt: null, score: 1, ok: false, when: '1970-01-01T00:00:01.000Z' },
        { id: 3, prompt: 'Ünïcode ✓', score: 2, ok: true, when: '1970-01-01T00:00:00.002Z' },
        // 2^53 + 1 has no exact double: it comes as its decimal text rather than as 2^53.
        { id: '9007199254740993', prompt: 'd', score: 3, ok: false, when: '1970-01-01T00:00:00.003Z' },
        { id: 5, prompt: '  spaced\n', score: -4, ok: true, when: '1970-01-01T00:00:00.004Z' },
      ],
    );
  });

  it('reads the bytes of one row group at a time, not the whole file', async () => {
    const bytes = bulkyFile();
    const groups = parquetMetadata(bytes.buffer as ArrayBuffer).row_groups;
    assert.equal(groups.length, 10);
    const read: [number, number][] = [];
    const buffer: AsyncBuffer = {
      byteLength: bytes.byteLength,
      slice(start, end = bytes.byteLength) {
        read.push([start, end]);
        return bytes.slice(start, end).buffer;
      },
    };
    const rows = readParquetRowGroups(buffer, 'bulky.parquet');
    const first = await rows.next();
    assert.equal(((first.value as RawRecord).value as { text: string }).text.length, 150_001);
    // With the first row in hand, no byte of row group 2 has been read, and under a third of the file in all.
    const [secondStart, thirdStart] = [1, 2].map((g) => Number(groups[g]!.columns[0]!.meta_data!.data_page_offset));
    assert.ok(read.every(([start, end]) => end <= secondStart! || start >= thirdStart!), JSON.stringify(read));
    const bytesRead = read.reduce((sum, [start, end]) => sum + end - start, 0);
    assert.ok(bytesRead < bytes.byteLength / 3, `${bytesRead} of ${bytes.byteLength} bytes read for the first row group`);
    assert.equal((await collect(rows)).length, 19);
  });

  it('names the file for a missing or non-Parquet file, and the rows of a row group it cannot decode', async () => {
    await assert.rejects(collect(readParquetRecords(tmp.file('absent.parquet'), 'absent.parquet')), (error: unknown) => {
      return error instanceof InputError && error.code === 'unreadable' && error.message === 'absent.parquet: cannot read: no such file or folder';
    });
    const json = await tmp.write({ 'fake.parquet': '[{"prompt": "not parquet"}]' });
    await assert.rejects(collect(readParquetRecords(json, 'fake.parquet')), /^InputError: fake\.parquet: not a readable Parquet file \(.+\)$/);

    // Garble the start of row group 2: rows 1-2 still come out, then the read stops naming rows 3-4.
    const bytes = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'text', data: ['a', 'b', 'c', 'd', 'e'], type: 'STRING' }], rowGroupSize: 2 }));
    const offset = Number(parquetMetadata(bytes.buffer as ArrayBuffer).row_groups[1]!.columns[0]!.meta_data!.data_page_offset);
    bytes.fill(0xff, offset, offset + 12);
    const broken = await tmp.write({ 'broken.parquet': bytes });
    const { items, error } = await collectUntilError(readParquetRecords(broken, 'broken.parquet'));
    assert.deepEqual(
      (items as RawRecord[]).map((item) => item.value),
      [{ text: 'a' }, { text: 'b' }],
    );
    assert.ok(error instanceof InputError && error.code === 'unreadable' && error.line === 3 && error.unit === 'record', String(error));
    assert.match(error.message, /^broken\.parquet: record 3: cannot decode rows 3-4 \(row group 2 of 3\): /);
  });

  it('reads GZIP and Brotli files as the same rows (compressed for real, by node:zlib)', async () => {
    const data = Array.from({ length: 50 }, (_, i) => `row ${i}: ${'the cat sat on the mat. '.repeat(i % 7)}`);
    const plain = parquetWriteBuffer({ columnData: [{ name: 'text', data, type: 'STRING' }], rowGroupSize: 16, codec: 'UNCOMPRESSED' });
    const written = {
      'gzip.parquet': parquetWriteBuffer({ columnData: [{ name: 'text', data, type: 'STRING' }], rowGroupSize: 16, codec: 'GZIP', compressors: { GZIP: (b) => zlib.gzipSync(b) } }),
      'brotli.parquet': parquetWriteBuffer({ columnData: [{ name: 'text', data, type: 'STRING' }], rowGroupSize: 16, codec: 'BROTLI', compressors: { BROTLI: (b) => zlib.brotliCompressSync(b) } }),
    };
    for (const [name, bytes] of Object.entries(written)) {
      assert.ok(bytes.byteLength < plain.byteLength, `${name} is compressed (${bytes.byteLength} < ${plain.byteLength} bytes)`);
      const file = await tmp.write({ [name]: new Uint8Array(bytes) });
      const items = (await collect(readParquetRecords(file, name))) as RawRecord[];
      assert.deepEqual(items.map((item) => item.value), data.map((text) => ({ text })), name);
    }
  });

  it('stops at a damaged GZIP or Brotli page, naming its rows, after the rows before it', async () => {
    const data = Array.from({ length: 48 }, (_, i) => `row ${i}: ${'the cat sat on the mat. '.repeat(i % 7)}`);
    const codecs = { GZIP: (b: Uint8Array) => zlib.gzipSync(b), BROTLI: (b: Uint8Array) => zlib.brotliCompressSync(b) };
    for (const [codec, compress] of Object.entries(codecs)) {
      const bytes = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'text', data, type: 'STRING' }], rowGroupSize: 16, codec: codec as 'GZIP', compressors: { [codec]: compress } }));
      // Garble the middle of row group 2's compressed page.
      const column = parquetMetadata(bytes.buffer as ArrayBuffer).row_groups[1]!.columns[0]!.meta_data!;
      const middle = Number(column.data_page_offset) + Math.floor(Number(column.total_compressed_size) / 2);
      bytes.fill(0x5a, middle, middle + 4);
      const name = `damaged-${codec}.parquet`;
      const { items, error } = await collectUntilError(readParquetRecords(await tmp.write({ [name]: bytes }), name));
      assert.deepEqual((items as RawRecord[]).map((item) => item.value), data.slice(0, 16).map((text) => ({ text })), codec);
      assert.ok(error instanceof InputError && error.code === 'unreadable' && error.line === 17, `${codec}: ${String(error)}`);
      assert.match(error.message, new RegExp(`^${name}: record 17: cannot decode rows 17-32 \\(row group 2 of 3\\): `));
    }
  });

  it('refuses a compression codec it cannot read by name', async () => {
    const lzo = parquetWriteBuffer({ columnData: [{ name: 'text', data: ['a'], type: 'STRING' }], codec: 'LZO', compressors: { LZO: (bytes) => bytes } });
    const file = await tmp.write({ 'lzo.parquet': new Uint8Array(lzo) });
    assert.equal((await readFile(file)).byteLength, lzo.byteLength);
    await assert.rejects(collect(readParquetRecords(file, 'lzo.parquet')), /^InputError: lzo\.parquet: record 1: cannot decode rows 1-1 \(row group 1 of 1\): unsupported compression codec: LZO$/);
  });
});
