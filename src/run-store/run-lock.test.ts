import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { EXIT } from '../util/exit-codes.js';
import { lockRunFolder, RunLockedError } from './run-lock.js';

const temp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-lock-'));
const lockFile = (dir: string) => path.join(dir, 'run.lock');
const read = (dir: string) => JSON.parse(fs.readFileSync(lockFile(dir), 'utf8'));

/** The pid of a process that has exited (and so is not alive on this host). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

test('the lock holds host, pid and start time; a second writer is refused naming the holder; release frees it', async () => {
  const dir = temp();
  const lock = await lockRunFolder(dir, { command: 'score' });
  const holder = read(dir);
  assert.equal(holder.host, os.hostname());
  assert.equal(holder.pid, process.pid);
  assert.equal(holder.command, 'score');
  assert.ok(Math.abs(Date.parse(holder.startedAt) - Date.now()) < 60_000);
  await assert.rejects(lockRunFolder(dir, { command: 'merge' }), (err: unknown) => {
    assert.ok(err instanceof RunLockedError);
    assert.equal(err.exitCode, EXIT.locked);
    assert.match(err.message, new RegExp(`is being written by endorm score \\(pid ${process.pid} on host ${os.hostname()}, since ${holder.startedAt}\\).*that process is running; nothing was changed`));
    assert.match(err.message, /wait for it to finish or stop it/);
    return true;
  });
  // Refused, it left the holder's lock as it was, and nothing else in the folder.
  assert.deepEqual(read(dir), holder);
  assert.deepEqual(fs.readdirSync(dir), ['run.lock']);
  await lock.release();
  assert.deepEqual(fs.readdirSync(dir), []);
  await lock.release(); // twice is harmless
  const again = await lockRunFolder(dir, { command: 'score' });
  await again.release();
});

test("a lock whose process is gone on this host is taken over with a note; another host's needs --force-unlock", async () => {
  const dir = temp();
  const stale = { host: os.hostname(), pid: deadPid(), startedAt: '2025-01-01T00:00:00.000Z', command: 'score' };
  fs.writeFileSync(lockFile(dir), JSON.stringify(stale));
  const notes: string[] = [];
  const lock = await lockRunFolder(dir, { command: 'score', onNote: (n) => notes.push(n) });
  assert.equal(read(dir).pid, process.pid);
  assert.deepEqual(notes, [`took over ${lockFile(dir)}: its process (pid ${stale.pid}, score since 2025-01-01T00:00:00.000Z) is gone`]);
  await lock.release();

  // A live pid that is no longer the process that took the lock (its start time differs): a reused pid, so stale.
  fs.writeFileSync(lockFile(dir), JSON.stringify({ ...stale, pid: process.pid, pidStart: '1' }));
  const reused = await lockRunFolder(dir, { command: 'score' });
  await reused.release();

  const remote = { host: 'some-other-host', pid: process.pid, startedAt: '2025-01-01T00:00:00.000Z', command: 'score' };
  fs.writeFileSync(lockFile(dir), JSON.stringify(remote));
  await assert.rejects(lockRunFolder(dir, { command: 'score' }), (err: unknown) => {
    assert.ok(err instanceof RunLockedError);
    assert.match(err.message, /pid \d+ on host some-other-host.*taken on another host \(or container\), whose processes cannot be checked from here.*run again with --force-unlock/);
    return true;
  });
  // The same host name from another pid namespace (a retried pod, another container): its pids mean nothing here.
  const container = { ...stale, pidNamespace: 'pid:[1]' };
  fs.writeFileSync(lockFile(dir), JSON.stringify(container));
  await assert.rejects(lockRunFolder(dir, { command: 'score' }), /taken on another host \(or container\)/);
  fs.writeFileSync(lockFile(dir), JSON.stringify(remote));
  assert.deepEqual(read(dir), remote, 'untouched');
  const forced = await lockRunFolder(dir, { command: 'score', forceUnlock: true, onNote: (n) => notes.push(n) });
  assert.match(notes.at(-1)!, /held by pid \d+ on host some-other-host, and --force-unlock was given/);
  await forced.release();

  // A live holder on this host is never taken, even with --force-unlock: it is running.
  const mine = await lockRunFolder(dir, { command: 'score' });
  await assert.rejects(lockRunFolder(dir, { command: 'score', forceUnlock: true }), RunLockedError);
  await mine.release();
});

test('a lock that cannot be read is refused unless --force-unlock; a folder the lock created is removed with it when empty', async () => {
  const dir = temp();
  fs.writeFileSync(lockFile(dir), '{"host":');
  await assert.rejects(lockRunFolder(dir, { command: 'score' }), /it cannot be read/);
  const forced = await lockRunFolder(dir, { command: 'score', forceUnlock: true });
  await forced.release();

  const fresh = path.join(temp(), 'new', 'run');
  const lock = await lockRunFolder(fresh, { command: 'score' });
  assert.ok(fs.existsSync(lockFile(fresh)));
  await lock.release();
  assert.equal(fs.existsSync(fresh), false);
  // One that got files meanwhile stays.
  const kept = path.join(temp(), 'kept');
  const second = await lockRunFolder(kept, { command: 'score' });
  fs.writeFileSync(path.join(kept, 'run.json'), '{}');
  await second.release();
  assert.deepEqual(fs.readdirSync(kept), ['run.json']);
});

test('temporary files a killed writer left in the folder are removed by the next lock holder', async () => {
  const dir = temp();
  const pid = deadPid();
  const old = new Date(Date.now() - 120_000);
  for (const name of [`summary.json.tmp-${pid}`, `run.lock.${pid}-0123456789ab`, `report.html.tmp-${process.pid}`, 'notes.txt']) {
    fs.writeFileSync(path.join(dir, name), 'x');
    fs.utimesSync(path.join(dir, name), old, old);
  }
  fs.writeFileSync(path.join(dir, `scores.jsonl.tmp-${pid}`), 'fresh'); // too recent to be sure
  const lock = await lockRunFolder(dir, { command: 'score' });
  await lock.release();
  assert.deepEqual(fs.readdirSync(dir).sort(), [`report.html.tmp-${process.pid}`, 'notes.txt', `scores.jsonl.tmp-${pid}`].sort());
});

test('a process that exits without releasing (a second Ctrl-C calls process.exit) still removes its lock', () => {
  const dir = temp();
  const script = `import('${new URL('./run-lock.js', import.meta.url).href}').then(async (m) => { await m.lockRunFolder(${JSON.stringify(dir)}, { command: 'score' }); process.exit(130); })`;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(child.status, 130, child.stderr);
  assert.deepEqual(fs.readdirSync(dir), []);
});

test("another host's lock of the same scheduler task (a requeued Slurm task, a restarted pod) is taken over; another task's is not", async () => {
  const dir = temp();
  const other = { host: 'node-07', pid: 4242, startedAt: '2026-01-01T00:00:00Z', command: 'score', task: 'slurm:c:812_2' };
  fs.writeFileSync(lockFile(dir), JSON.stringify(other));
  for (const task of [undefined, 'slurm:c:812_3', 'slurm:c:813_2']) {
    await assert.rejects(lockRunFolder(dir, { command: 'score', ...(task ? { task } : {}) }), RunLockedError, String(task));
  }
  const notes: string[] = [];
  const lock = await lockRunFolder(dir, { command: 'score', task: 'slurm:c:812_2', onNote: (n) => notes.push(n) });
  assert.equal(read(dir).pid, process.pid);
  assert.equal(read(dir).task, 'slurm:c:812_2');
  assert.match(notes[0]!, /an earlier run of this scheduler task \(slurm:c:812_2: pid 4242 on host node-07\)/);
  await lock.release();
});
