import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { cachedFileSha256, folderFileHashes } from './file-hashes.js';

test('a file is hashed once; the cache answers until its size or mtime changes', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'endorm-hashes-'));
  const cacheRoot = path.join(dir, 'cache');
  const files = ['config.json', 'onnx/model.onnx'].map((f) => path.join(dir, 'model', f));
  for (const [i, file] of files.entries()) {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `content ${i}`.repeat(1000 * (i + 1)));
  }
  const hashed: string[] = [];
  const onHash = (file: string) => hashed.push(file);
  const first = await folderFileHashes(path.join(dir, 'model'), files, { cacheRoot, onHash });
  assert.deepEqual(Object.keys(first), ['config.json', 'onnx/model.onnx']);
  assert.equal(first['config.json']!.sha256, createHash('sha256').update('content 0'.repeat(1000)).digest('hex'));
  assert.equal(first['onnx/model.onnx']!.bytes, 'content 1'.length * 2000);
  assert.deepEqual(hashed, files);
  assert.equal((await readdir(path.join(cacheRoot, 'file-hashes'))).length, 2);

  hashed.length = 0;
  assert.deepEqual(await folderFileHashes(path.join(dir, 'model'), files, { cacheRoot, onHash }), first);
  assert.deepEqual(hashed, [], 'unchanged files are not read again');

  // Same size, new content and mtime (a re-export): hashed again, and the new hash is the one kept.
  await writeFile(files[0]!, 'CONTENT 0'.repeat(1000));
  await utimes(files[0]!, new Date(), new Date(Date.now() + 5000));
  const again = await cachedFileSha256(files[0]!, { cacheRoot, onHash });
  assert.deepEqual(hashed, [files[0]]);
  assert.equal(again.sha256, createHash('sha256').update('CONTENT 0'.repeat(1000)).digest('hex'));
  hashed.length = 0;
  assert.deepEqual(await cachedFileSha256(files[0]!, { cacheRoot, onHash }), again);
  assert.deepEqual(hashed, []);
});

test('a cache that cannot be written costs a hash per run, never an error', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'endorm-hashes-'));
  const file = path.join(dir, 'weights');
  await writeFile(file, 'w');
  await writeFile(path.join(dir, 'cache'), 'a file where the cache folder should be');
  const hashed: string[] = [];
  for (let i = 0; i < 2; i++) await cachedFileSha256(file, { cacheRoot: path.join(dir, 'cache'), onHash: (f) => hashed.push(f) });
  assert.equal(hashed.length, 2);
});

test('a file replaced by one of the same size with its mtime kept (cp -p over it, or renamed over it) is hashed again', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'endorm-hashes-'));
  const cacheRoot = path.join(dir, 'cache');
  const file = path.join(dir, 'model.onnx');
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');
  const [a, b, c] = ['A', 'B', 'C'].map((x) => `weights ${x} `.repeat(200_000)); // 2 MB each: more than the sample
  await writeFile(file, a!);
  const hashed: string[] = [];
  const onHash = (f: string) => hashed.push(f);
  assert.equal((await cachedFileSha256(file, { cacheRoot, onHash })).sha256, sha(a!));
  const before = statSync(file, { bigint: true });

  // cp -p over the file: same inode, size and mtime (to the nanosecond); only ctime and the bytes moved.
  await writeFile(path.join(dir, 'b'), b!);
  execFileSync('touch', ['-r', file, path.join(dir, 'b')]);
  execFileSync('cp', ['-p', path.join(dir, 'b'), file]);
  const after = statSync(file, { bigint: true });
  assert.deepEqual([after.ino, after.size, after.mtimeNs], [before.ino, before.size, before.mtimeNs], 'the stamp the old cache keyed on is kept');
  assert.equal((await cachedFileSha256(file, { cacheRoot, onHash })).sha256, sha(b!));

  // Renamed over it with the same size and mtime: a new inode.
  await writeFile(path.join(dir, 'c'), c!);
  execFileSync('touch', ['-r', file, path.join(dir, 'c')]);
  await rename(path.join(dir, 'c'), file);
  assert.equal(statSync(file, { bigint: true }).mtimeNs, before.mtimeNs);
  assert.equal((await cachedFileSha256(file, { cacheRoot, onHash })).sha256, sha(c!));
  assert.deepEqual(hashed, [file, file, file]);

  hashed.length = 0;
  assert.equal((await cachedFileSha256(file, { cacheRoot, onHash })).sha256, sha(c!));
  assert.deepEqual(hashed, [], 'an unchanged file is answered from the cache');
});
