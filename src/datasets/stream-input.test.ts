import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { isStreamInput, StreamSource } from './byte-source.js';
import { collect, jsonl, tempDir, type TempDir } from '../testing/dataset-fixtures.js';
import { InputError } from './input-error.js';
import { openDataset } from './open-dataset.js';

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');
const RECORDS = [
  { id: 'a', prompt: 'p1', chosen: 'c1', rejected: 'r1' },
  { id: 'b', prompt: 'p2', chosen: 'c2', rejected: 'r2' },
  { id: 'c', prompt: 'p3', chosen: 'c3', rejected: 'r3' },
];

/** A stream that hands out `text` in pieces of `size` bytes, as a pipe does. */
function piped(text: string, size = 7): Readable {
  const bytes = Buffer.from(text);
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) pieces.push(bytes.subarray(i, i + size));
  return Readable.from(pieces);
}

describe('StreamSource', () => {
  it('replays what a peek read, reads the rest once, and hashes every byte', async () => {
    const text = 'first line\nsecond line\nthird\n';
    const source = new StreamSource('pipe', piped(text, 4));
    const peeked: Buffer[] = [];
    for await (const chunk of source.peek().chunks()) {
      peeked.push(chunk);
      if (Buffer.concat(peeked).includes(10)) break;
    }
    assert.equal(Buffer.concat(peeked).toString(), 'first line\ns', 'whole chunks, up to the one with the first LF');
    assert.equal(source.sha256, undefined, 'not known before the end');
    const all = Buffer.concat(await collect(source.chunks())).toString();
    assert.equal(all, text);
    assert.equal(source.sha256, sha(text));
    await assert.rejects(collect(source.chunks()), (err: unknown) => err instanceof InputError && /can be read only once/.test(err.message));
  });
});

describe('openDataset on streams', () => {
  let tmp: TempDir;
  before(async () => {
    tmp = await tempDir();
  });
  after(() => tmp.remove());

  it('reads `-` from stdin once, telling the format from the first bytes; the sha256 is known at the end', async () => {
    const text = `\n${jsonl(RECORDS)}`;
    const dataset = await openDataset('-', { stdin: piped(text) });
    assert.equal(dataset.name, 'stdin');
    assert.equal(dataset.path, '-');
    assert.equal(dataset.rereadable, false);
    assert.equal(dataset.kind, 'pairs');
    assert.equal(dataset.sha256, '');
    const pairs = await collect(dataset.pairs());
    assert.deepEqual(pairs.map((p) => [p.key, p.source.line]), [
      ['a', 2],
      ['b', 3],
      ['c', 4],
    ]);
    assert.equal(dataset.sha256, sha(text));
    assert.throws(() => dataset.pairs(), (err: unknown) => err instanceof InputError && /stdin: is a stream .* read only once/.test(err.message));
  });

  it('detects a JSON array, CSV by --format, and Multifaceted-Bench from a stream, without losing the peeked records', async () => {
    const array = await openDataset('-', { stdin: piped(JSON.stringify(RECORDS)) });
    assert.deepEqual((await collect(array.pairs())).map((p) => p.key), ['a', 'b', 'c']);
    const csv = await openDataset('-', { stdin: piped('id,prompt,chosen,rejected\nx,p,c,r\ny,p,c,r\n'), format: 'csv' });
    assert.deepEqual((await collect(csv.pairs())).map((p) => p.key), ['x', 'y']);
    const bench = [
      { id: 'a1', system: 's1', prompt: 'A', reference_answer: 'r1' },
      { id: 'a2', system: 's2', prompt: 'A', reference_answer: 'r2' },
    ];
    const multifaceted = await openDataset('-', { stdin: piped(jsonl(bench)) });
    assert.equal(multifaceted.kind, 'multifaceted');
    assert.deepEqual((await collect(multifaceted.pairs())).map((p) => [p.key, p.chosen[0], p.rejected[0]]), [
      ['a1', 'r1', 'r2'],
      ['a2', 'r2', 'r1'],
    ]);
  });

  it('says when a stream holds nothing', async () => {
    await assert.rejects(openDataset('-', { stdin: piped('') }), { code: 'empty-dataset' });
  });

  it('reads a FIFO once a writer comes, and stops waiting for one when aborted', async () => {
    const fifo = tmp.file('pipe');
    execFileSync('mkfifo', [fifo]);
    assert.equal(await isStreamInput(fifo), true);
    assert.equal(await isStreamInput(tmp.dir), false);
    const text = jsonl(RECORDS);
    // The writer opens the FIFO only after the reader did: a blocking open would hang this thread until then.
    const opening = openDataset(fifo);
    setTimeout(() => fs.writeFile(fifo, text, () => {}), 100);
    const dataset = await opening;
    assert.equal(dataset.name, 'pipe');
    assert.deepEqual((await collect(dataset.pairs())).map((p) => p.key), ['a', 'b', 'c']);
    assert.equal(dataset.sha256, sha(text));

    const controller = new AbortController();
    const reason = new Error('stopped by the test');
    const waiting = openDataset(fifo, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 100);
    const started = Date.now();
    await assert.rejects(waiting, (err: unknown) => err === reason);
    assert.ok(Date.now() - started < 5000);
  });
});
