import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { TokenTrace } from '../engine/token-trace.js';
import { RunFolderError } from './run-folder-error.js';
import { decodeTrace, encodeTrace, TRACE_FILES, traceBytes } from './trace-format.js';
import { findTrace, readTraceIndex, TraceReader } from './trace-reader.js';
import { summarizeTraces } from './trace-summary.js';
import { TraceWriter } from './trace-writer.js';

/** A trace of T tokens whose every number is distinct and not exactly representable in fewer bits than float32 has. */
function makeTrace(T: number, alphas: number[], seed: number): TokenTrace {
  return {
    tokens: Int32Array.from({ length: T }, (_, h) => 1000 * seed + h),
    logits: Float32Array.from({ length: T }, (_, h) => Math.fround(seed + h / 7 - 3.3)),
    logSumExp: Float32Array.from({ length: (T + 1) * alphas.length }, (_, k) => Math.fround(seed * 1.1 + k / 3)),
    alphas,
  };
}

const tmp = () => fs.mkdtemp(path.join(os.tmpdir(), 'endorm-traces-'));

test('a trace encodes to 4·(2T + (T+1)·A) bytes and decodes to the same numbers, bit for bit', () => {
  const trace = makeTrace(5, [1, 0.5, 2], 3);
  const bytes = encodeTrace(trace);
  assert.equal(bytes.length, traceBytes(5, 3));
  assert.equal(bytes.length, 4 * (10 + 18));
  const back = decodeTrace(bytes, 5, [1, 0.5, 2]);
  assert.deepEqual([...back.tokens], [...trace.tokens]);
  assert.deepEqual([...back.logits], [...trace.logits]);
  assert.deepEqual([...back.logSumExp], [...trace.logSumExp]);
  // Decoding from an odd offset (a torn earlier write) still works: the reader copies out of the window.
  const shifted = new Uint8Array(bytes.length + 1);
  shifted.set(bytes, 1);
  assert.deepEqual([...decodeTrace(shifted.subarray(1), 5, [1, 0.5, 2]).logits], [...trace.logits]);
  assert.throws(() => decodeTrace(bytes.subarray(4), 5, [1, 0.5, 2]), /expected 112/);
});

test('the writer appends data before index lines, batch by batch; the reader finds each response by key', async () => {
  const dir = await tmp();
  const writer = await TraceWriter.open(dir);
  writer.add({ pair: 'p1', role: 'chosen', index: 0 }, makeTrace(3, [1, 0.5], 1));
  writer.add({ pair: 'p1', role: 'rejected', index: 0 }, makeTrace(0, [1, 0.5], 2));
  await writer.flush();
  // After a flush, both files are complete on disk: a reader sees the batch before the writer closes.
  assert.equal((await readTraceIndex(dir)).entries.size, 2);
  writer.add({ pair: 'p2', role: 'chosen', index: 2 }, makeTrace(4, [1, 0.5], 3));
  const stats = await writer.close();
  assert.deepEqual({ ...stats, seconds: 0 }, { entries: 3, tokens: 7, dataBytes: traceBytes(3, 2) + traceBytes(0, 2) + traceBytes(4, 2), indexBytes: stats.indexBytes, seconds: 0 });
  assert.equal((await fs.stat(path.join(dir, TRACE_FILES.data))).size, stats.dataBytes);

  const lines = (await fs.readFile(path.join(dir, TRACE_FILES.index), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines[0].format, 'endorm-token-traces');
  assert.deepEqual(lines.slice(1).map((l) => [l.pair, l.role, l.index, l.offset, l.bytes, l.tokens]), [
    // 4·(2·3 + 4·2) = 56, 4·(0 + 1·2) = 8, 4·(2·4 + 5·2) = 72
    ['p1', 'chosen', 0, 0, 56, 3],
    ['p1', 'rejected', 0, 56, 8, 0],
    ['p2', 'chosen', 2, 64, 72, 4],
  ]);

  const index = await readTraceIndex(dir);
  assert.deepEqual(index.alphas, [1, 0.5]);
  const reader = await TraceReader.open(dir, 16); // a window smaller than an entry: every read refills it
  const got = await reader.read(findTrace(index, { pair: 'p2', role: 'chosen', index: 2 })!);
  assert.deepEqual([...got.logSumExp], [...makeTrace(4, [1, 0.5], 3).logSumExp]);
  assert.deepEqual([...(await reader.read(findTrace(index, { pair: 'p1', role: 'chosen', index: 0 })!)).tokens], [1000, 1001, 1002]);
  await reader.close();
  assert.equal(findTrace(index, { pair: 'p2', role: 'rejected', index: 2 }), undefined);
});

test('a torn tail is detected and ignored; the next writer cuts the torn line and appends after it', async () => {
  const dir = await tmp();
  const first = await TraceWriter.open(dir);
  first.add({ pair: 'a', role: 'chosen', index: 0 }, makeTrace(2, [1], 1));
  first.add({ pair: 'a', role: 'rejected', index: 0 }, makeTrace(2, [1], 2));
  await first.close();
  // A crash mid-write: half an index line, and data for it that only partly made it.
  const indexFile = path.join(dir, TRACE_FILES.index);
  await fs.appendFile(indexFile, '{"pair":"b","role":"cho');
  await fs.appendFile(path.join(dir, TRACE_FILES.data), new Uint8Array(5));
  let index = await readTraceIndex(dir);
  assert.equal(index.entries.size, 2);
  assert.equal(index.tornLine, 4);

  // A resumed run traces "a"/rejected again and a new response; the later entry wins.
  const second = await TraceWriter.open(dir);
  second.add({ pair: 'a', role: 'rejected', index: 0 }, makeTrace(2, [1], 7));
  second.add({ pair: 'b', role: 'chosen', index: 0 }, makeTrace(1, [1], 8));
  await second.close();
  index = await readTraceIndex(dir);
  assert.equal(index.tornLine, null);
  assert.equal(index.duplicates, 1);
  assert.equal(index.entries.size, 3);
  const entry = findTrace(index, { pair: 'a', role: 'rejected', index: 0 })!;
  assert.equal(entry.offset, 2 * traceBytes(2, 1) + 5, 'the new data follows the torn bytes');
  const reader = await TraceReader.open(dir);
  assert.deepEqual([...(await reader.read(entry)).tokens], [7000, 7001]);
  await reader.close();

  // traces.bin cut short (a disk that lost the tail): the entries past its end are left out and counted.
  const data = path.join(dir, TRACE_FILES.data);
  await fs.truncate(data, (await fs.stat(data)).size - 1);
  index = await readTraceIndex(dir);
  assert.equal(index.missingData, 1);
  assert.equal(index.entries.size, 2);
  const { traces, notes } = await summarizeTraces(dir, 0.5);
  assert.equal(traces!.responses, 2);
  assert.match(notes.join('\n'), /1 trace\(s\) point past the end of traces\.bin/);
});

test('a damaged index line that is not the last is an error naming file, line and field', async () => {
  const dir = await tmp();
  const writer = await TraceWriter.open(dir);
  writer.add({ pair: 'a', role: 'chosen', index: 0 }, makeTrace(2, [1], 1));
  writer.add({ pair: 'a', role: 'rejected', index: 0 }, makeTrace(2, [1], 2));
  await writer.close();
  const file = path.join(dir, TRACE_FILES.index);
  const lines = (await fs.readFile(file, 'utf8')).split('\n');
  await fs.writeFile(file, [lines[0], lines[1]!.replace('"bytes":28', '"bytes":29'), lines[2], ''].join('\n'));
  await assert.rejects(readTraceIndex(dir), (err: Error) => {
    assert.ok(err instanceof RunFolderError);
    assert.equal(err.message, `${file}:2: field "bytes": 29 does not match 2 tokens and 1 alphas (28)`);
    return true;
  });
  await fs.writeFile(file, [lines[0], lines[1]!.replace('"role":"chosen"', '"role":"best"'), lines[2], ''].join('\n'));
  await assert.rejects(readTraceIndex(dir), /:2: field "role": expected "chosen" or "rejected"/);
  await fs.rm(file);
  await assert.rejects(readTraceIndex(dir), /has no token traces \(no traces\.index\.jsonl\): it was scored with --no-traces/);
});
