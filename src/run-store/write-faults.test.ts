import assert from 'node:assert/strict';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { writeFileAtomic } from '../util/atomic-write.js';
import { CannotWriteError } from '../util/cannot-write-error.js';
import { EXIT } from '../util/exit-codes.js';
import type { ResponseScoreRecord } from './score-record.js';
import { ScoresWriter } from './scores-writer.js';
import { readTraceIndex } from './trace-reader.js';
import { repairTraces } from './trace-repair.js';
import { TraceWriter } from './trace-writer.js';

/*
 * A disk that fills up part way through a write, injected into the file handles (the tmpfs test in
 * commands/write-faults.test.ts does it for real where mount is allowed): the writers cut the failed batch back off
 * and throw a CannotWriteError (exit 6) naming the file.
 */
const temp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-write-faults-'));
const noSpace = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
const trace = (n: number) => ({ tokens: Int32Array.from({ length: n }, (_, i) => i), logits: new Float32Array(n).fill(-1), logSumExp: new Float32Array(n + 1).fill(2), alphas: [1] });
const line = (pair: string): ResponseScoreRecord => ({ type: 'response', pair, id: pair, role: 'chosen', index: 0, tokens: 1, chars: 1, truncated: false, scores: { m: 1 } });

/** From the `after`-th appendFile on, handles opened on files named `name` write half their bytes and then fail. */
function failAppends(t: { mock: { method: typeof import('node:test').mock.method } }, name: string, after: number): void {
  const open = fsp.open;
  let calls = 0;
  t.mock.method(fsp, 'open', async (file: string, flags: string) => {
    const handle = await open(file, flags);
    if (path.basename(String(file)) === name) {
      const append = handle.appendFile.bind(handle);
      Object.assign(handle, {
        appendFile: async (data: string | Uint8Array) => {
          if (++calls <= after) return append(data);
          await append(typeof data === 'string' ? data.slice(0, data.length >> 1) : data.subarray(0, data.length >> 1));
          throw noSpace();
        },
      });
    }
    return handle;
  });
}

test('traces.bin fills up mid-batch: exit 6 naming it, both trace files cut back to the last whole batch', async (t) => {
  const dir = temp();
  failAppends(t, 'traces.bin', 1);
  const writer = await TraceWriter.open(dir);
  writer.add({ pair: 'a', role: 'chosen', index: 0 }, trace(3));
  await writer.flush();
  const sizes = () => ['traces.bin', 'traces.index.jsonl'].map((f) => fs.statSync(path.join(dir, f)).size);
  const whole = sizes();
  writer.add({ pair: 'b', role: 'chosen', index: 0 }, trace(50));
  await assert.rejects(writer.flush(), (err: unknown) => {
    assert.ok(err instanceof CannotWriteError);
    assert.equal(err.exitCode, EXIT.cannotWrite);
    assert.equal(err.message, `cannot write ${path.join(dir, 'traces.bin')}: no space left on the device (ENOSPC); free some space (or make it writable) and run the same command again: what was written is kept and the run resumes`);
    return true;
  });
  await writer.abandon();
  assert.deepEqual(sizes(), whole);
  const index = await readTraceIndex(dir);
  assert.deepEqual([...index.entries.keys()].map((k) => k.split('\u0000')[0]), ['a']);
  assert.deepEqual((await repairTraces(dir))!.notes, [], 'nothing for a resume to cut');
});

test('scores.jsonl fills up mid-line: exit 6 naming it, the torn half line removed', async (t) => {
  const dir = temp();
  failAppends(t, 'scores.jsonl', 1);
  const writer = await ScoresWriter.open(dir);
  await writer.append([line('a'), line('b')]);
  const whole = fs.readFileSync(path.join(dir, 'scores.jsonl'), 'utf8');
  await assert.rejects(writer.append([line('c')]), (err: unknown) => err instanceof CannotWriteError && err.path === path.join(dir, 'scores.jsonl') && err.code === 'ENOSPC');
  await writer.close();
  assert.equal(fs.readFileSync(path.join(dir, 'scores.jsonl'), 'utf8'), whole);
});

test('an atomic write that fails leaves the old file and no temporary file', async (t) => {
  const dir = temp();
  const file = path.join(dir, 'summary.json');
  fs.writeFileSync(file, 'old');
  const writeFile = fsp.writeFile;
  t.mock.method(fsp, 'writeFile', async (target: string, data: string) => {
    await writeFile(target, data.slice(0, 3));
    throw noSpace();
  });
  await assert.rejects(writeFileAtomic(file, 'new content'), (err: unknown) => err instanceof CannotWriteError && /cannot write .*summary\.json: no space left on the device \(ENOSPC\)/.test((err as Error).message));
  t.mock.restoreAll();
  assert.deepEqual(fs.readdirSync(dir), ['summary.json']);
  assert.equal(fs.readFileSync(file, 'utf8'), 'old');
  // A bug is not a fault of the machine: it stays itself.
  await assert.rejects(writeFileAtomic(path.join(dir, 'x'), undefined as unknown as string), (err: unknown) => !(err instanceof CannotWriteError));
  assert.deepEqual(fs.readdirSync(dir), ['summary.json']);
});
