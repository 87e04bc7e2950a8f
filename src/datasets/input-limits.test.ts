import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import type { ByteSource } from './byte-source.js';
import { readDelimitedRecords } from './delimited-reader.js';
import { InputError } from './input-error.js';
import { DEFAULT_INPUT_LIMITS, MAX_STRING_UNITS } from './input-limits.js';
import { readJsonArrayRecords } from './json-reader.js';
import { readJsonlRecords } from './jsonl-reader.js';
import { openDataset } from './open-dataset.js';

// Issue 19, 8: endless inputs grew without bound (2.2–3.1 GB in 30–40 s and rising); 12: a record longer than the
// longest JavaScript string was reported as "invalid UTF-8".
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-limits-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const MiB = 2 ** 20;

/** `head` then 1 MiB chunks of `fill` for ever, counting what was read. */
function endless(head: string, fill: () => Buffer): ByteSource & { read: number } {
  const source = {
    displayName: 'endless',
    read: 0,
    async *chunks() {
      yield Buffer.from(head);
      for (;;) {
        const chunk = fill();
        source.read += chunk.length;
        yield chunk;
      }
    },
  };
  return source;
}
const zeros = () => Buffer.alloc(MiB);

async function drain(records: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of records) n++;
  return n;
}

function tooLarge(option: string, value: number): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof InputError, String(err));
    assert.equal(err.code, 'too-large');
    assert.equal(err.exitCode, 3);
    assert.match(err.message, new RegExp(`${option} ${value}\\b`));
    assert.match(err.message, new RegExp(`raise ${option}`));
    return true;
  };
}

test('/dev/zero as JSON Lines stops at the default bound on a line (256 MiB), naming --max-line-bytes', async () => {
  await assert.rejects(drain((await openDataset('/dev/zero', { format: 'jsonl' })).pairs()), tooLarge('--max-line-bytes', DEFAULT_INPUT_LIMITS.maxLineBytes));
});

test('an endless line stops at --max-line-bytes in JSONL and CSV, having read no more than the bound and a chunk', async () => {
  for (const read of [(s: ByteSource) => readJsonlRecords(s, undefined, { ...DEFAULT_INPUT_LIMITS, maxLineBytes: 4 * MiB }), (s: ByteSource) => readDelimitedRecords(s, ',', undefined, { ...DEFAULT_INPUT_LIMITS, maxLineBytes: 4 * MiB })]) {
    const source = endless('{"prompt": "', zeros);
    await assert.rejects(drain(read(source)), tooLarge('--max-line-bytes', 4 * MiB));
    assert.ok(source.read <= 5 * MiB, `${source.read} bytes read`);
  }
});

test('an endless JSON document stops at --max-json-bytes', async () => {
  const source = endless('[', zeros);
  await assert.rejects(drain(readJsonArrayRecords(source, undefined, { ...DEFAULT_INPUT_LIMITS, maxJsonBytes: 3 * MiB })), tooLarge('--max-json-bytes', 3 * MiB));
  assert.ok(source.read <= 4 * MiB, `${source.read} bytes read`);
});

test('/dev/urandom as JSONL with --skip-invalid, and endless empty lines, stop at --max-records', async () => {
  const limits = { maxRecords: 2000 };
  const urandom = await openDataset('/dev/urandom', { format: 'jsonl', skipInvalid: true, limits });
  await assert.rejects(drain(urandom.pairs()), tooLarge('--max-records', 2000));
  const blank = await openDataset('-', { format: 'jsonl', stdin: Readable.from(endless('', () => Buffer.alloc(MiB, 10)).chunks()), limits });
  await assert.rejects(drain(blank.pairs()), tooLarge('--max-records', 2000));
  const csv = await openDataset('-', { format: 'csv', stdin: Readable.from(endless('prompt,chosen,rejected\n', () => Buffer.alloc(MiB, 10)).chunks()), limits });
  await assert.rejects(drain(csv.pairs()), tooLarge('--max-records', 2000));
});

test('an endless stream whose format is detected (auto) stops at a bound: a first line, or blanks before any character', async () => {
  const limits = { maxLineBytes: 2 * MiB };
  const jsonl = () => openDataset('-', { stdin: Readable.from(endless('{"prompt": "', zeros).chunks()), limits }).then((d) => drain(d.pairs()));
  await assert.rejects(jsonl(), tooLarge('--max-line-bytes', 2 * MiB));
  const blanks = () => openDataset('-', { stdin: Readable.from(endless(' ', () => Buffer.alloc(MiB, 32)).chunks()), limits }).then((d) => drain(d.pairs()));
  await assert.rejects(blanks(), tooLarge('--max-line-bytes', 2 * MiB));
  const json = () => openDataset('-', { stdin: Readable.from(endless('[', zeros).chunks()), limits: { maxJsonBytes: 2 * MiB } }).then((d) => drain(d.pairs()));
  await assert.rejects(json(), tooLarge('--max-json-bytes', 2 * MiB));
});

test('a record longer than the longest JavaScript string is reported as that, with file, line and the bound, not as invalid UTF-8', async () => {
  // Sparse: 600 MB of NUL bytes (valid UTF-8) in one line, taking no disk.
  const file = path.join(tmp, 'huge.jsonl');
  fs.writeFileSync(file, '{"id": 1}\n');
  fs.truncateSync(file, 600_000_000);
  assert.ok(600_000_000 - 10 > MAX_STRING_UNITS);
  await assert.rejects(drain(readJsonlRecords(file, 'huge.jsonl', { ...DEFAULT_INPUT_LIMITS, maxLineBytes: 2 ** 30 })), (err: unknown) => {
    assert.ok(err instanceof InputError, String(err));
    assert.equal(err.code, 'too-large');
    assert.equal(err.line, 2);
    assert.match(err.message, /^huge\.jsonl:2: line 2 holds 572\.20 MiB of text, more than the longest string JavaScript can hold \(536870888 UTF-16 code units\)/);
    assert.doesNotMatch(err.message, /UTF-8/);
    return true;
  });
});
