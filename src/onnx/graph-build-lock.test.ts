import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { buildOnce } from './graph-build-lock.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-build-lock-'));
/** A pid that was alive a moment ago and is gone now. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

test('a lock left by a dead builder on this machine is taken over: the graph is built', async () => {
  const dir = tmp();
  const lock = path.join(dir, 'key.building');
  fs.writeFileSync(lock, JSON.stringify({ host: os.hostname(), pid: deadPid(), startedAt: '2026-01-01T00:00:00Z' }));
  let built = false;
  assert.equal(await buildOnce(lock, async () => built, async () => void (built = true)), true);
  assert.equal(fs.existsSync(lock), false, 'the lock is released');
});

test("another machine's lock is waited for while it beats, and its graph used; one without a heartbeat is taken over", async () => {
  const dir = tmp();
  const lock = path.join(dir, 'key.building');
  fs.writeFileSync(lock, JSON.stringify({ host: 'node-elsewhere', pid: 1, startedAt: '2026-01-01T00:00:00Z' }));
  let ready = false;
  const waits: string[] = [];
  // The other machine finishes after 600 ms: its graph is taken, nothing built here.
  setTimeout(() => {
    ready = true;
    fs.rmSync(lock);
  }, 600);
  const started = Date.now();
  const built = await buildOnce(lock, async () => ready, async () => assert.fail('must not build while another machine does'), { onWait: (h) => waits.push(h) });
  assert.equal(built, false);
  assert.ok(Date.now() - started >= 500, 'it waited');
  assert.deepEqual(waits, ['pid 1 on node-elsewhere, since 2026-01-01T00:00:00Z']);

  fs.writeFileSync(lock, JSON.stringify({ host: 'node-elsewhere', pid: 1, startedAt: '2026-01-01T00:00:00Z' }));
  const old = new Date(Date.now() - 10_000);
  fs.utimesSync(lock, old, old);
  let done = false;
  assert.equal(await buildOnce(lock, async () => done, async () => void (done = true), { staleMs: 5_000 }), true);
});
