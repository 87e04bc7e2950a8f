import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { collect, tempDir, type TempDir } from '../testing/dataset-fixtures.js';
import { InputError } from './input-error.js';
import { decodeUtf8, decodeUtf8Lenient, readLines } from './line-reader.js';

describe('readLines', () => {
  let tmp: TempDir;
  before(async () => {
    tmp = await tempDir();
  });
  after(() => tmp.remove());

  const lines = async (file: string) => (await collect(readLines(file))).map((l) => [l.line, Buffer.from(l.bytes).toString('utf8')]);

  it('splits on LF and CRLF, keeps blank lines, and yields a last line without terminator', async () => {
    const file = await tmp.write({ 'a.txt': 'one\r\ntwo\n\nthree' });
    assert.deepEqual(await lines(file), [
      [1, 'one'],
      [2, 'two'],
      [3, ''],
      [4, 'three'],
    ]);
    assert.deepEqual((await collect(readLines(file))).map((l) => l.cr), [true, false, false, false]);
  });

  it('joins lines that straddle read chunks', async () => {
    const long = 'x'.repeat(3 * 1024 * 1024 + 7);
    const file = await tmp.write({ 'big.txt': `short\n${long}\nend\n` });
    const got = await collect(readLines(file));
    assert.deepEqual(
      got.map((l) => [l.line, l.bytes.length]),
      [
        [1, 5],
        [2, long.length],
        [3, 3],
      ],
    );
  });

  it('gives each line the offset where it ends, across chunks and CRLF, and flags an unterminated last line', async () => {
    const long = 'y'.repeat(2 * 1024 * 1024 + 3);
    const text = `a\r\n${long}\nbc\ntail`;
    const file = await tmp.write({ 'offsets.txt': text });
    const got = await collect(readLines(file));
    const ends = [3, 3 + long.length + 1, 3 + long.length + 1 + 3, Buffer.byteLength(text)];
    assert.deepEqual(
      got.map((l) => [l.end, l.terminated]),
      ends.map((end, i) => [end, i < 3]),
    );
  });

  it('yields nothing for an empty file', async () => {
    assert.deepEqual(await lines(await tmp.write({ 'empty.txt': '' })), []);
  });

  it('names the file when it cannot be read', async () => {
    await assert.rejects(collect(readLines(tmp.file('nope.txt'), 'nope.txt')), (err: unknown) => {
      assert.ok(err instanceof InputError);
      assert.equal(err.message, 'nope.txt: cannot read: no such file or folder');
      return true;
    });
  });
});

describe('decodeUtf8', () => {
  it('refuses invalid bytes, where the lenient decoder substitutes U+FFFD', () => {
    const bad = Uint8Array.from([0x61, 0xc3, 0x28]);
    assert.equal(decodeUtf8(bad), undefined);
    assert.equal(decodeUtf8Lenient(bad), 'a\ufffd(');
    assert.equal(decodeUtf8(Buffer.from('héllo ✓', 'utf8')), 'héllo ✓');
  });

  it('drops a byte order mark', () => {
    assert.equal(decodeUtf8(Uint8Array.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d])), '{}');
  });
});
