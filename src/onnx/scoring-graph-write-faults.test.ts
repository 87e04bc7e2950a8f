import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { EXIT } from '../util/exit-codes.js';
import { CannotWriteError } from '../util/cannot-write-error.js';
import { runCliInProcess as endorm } from '../testing/run-cli.js';
import { PROJECT_ROOT, STORIES, tempCacheDir } from '../testing/shared-models.js';
import { ENDORM_DATA_SUFFIX, prepareScoringGraph } from './scoring-graph-cache.js';

const SOURCE = path.join(STORIES, 'onnx', 'model.onnx');
const DEAD_PID = 2 ** 22 + 7; // above Linux's pid_max: no such process
const HOUR_AGO = new Date(Date.now() - 3600_000);

function errno(code: string, syscall: string, file?: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected, ${syscall}${file ? ` '${file}'` : ''}`), { code, syscall, ...(file ? { path: file } : {}) });
}

/** What the cache's graphs/ folder holds, by name (temporary entries included). */
const graphsOf = (cache: string) => (fs.existsSync(path.join(cache, 'graphs')) ? fs.readdirSync(path.join(cache, 'graphs')).sort() : []);

function backdate(entry: string): void {
  for (const name of fs.statSync(entry).isDirectory() ? fs.readdirSync(entry) : []) backdate(path.join(entry, name));
  fs.utimesSync(entry, HOUR_AGO, HOUR_AGO);
}

test('a build killed mid-write leaves a temporary folder that a later run removes', async () => {
  const cache = tempCacheDir();
  // A child that dies by SIGKILL in the middle of writing the weights: no handler of its own can clean up.
  const child = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import fsp from 'node:fs/promises';
       const open = fsp.open;
       fsp.open = async (file, flags) => {
         const handle = await open(file, flags);
         if (String(file).endsWith('${ENDORM_DATA_SUFFIX}')) {
           const write = handle.write.bind(handle);
           let calls = 0;
           handle.write = async (...args) => { if (++calls === 3) process.kill(process.pid, 'SIGKILL'); return write(...args); };
         }
         return handle;
       };
       const { prepareScoringGraph } = await import(${JSON.stringify(pathToFileURL(path.join(PROJECT_ROOT, 'dist', 'onnx', 'scoring-graph-cache.js')).href)});
       await prepareScoringGraph(${JSON.stringify(SOURCE)}, ${JSON.stringify(cache)});`,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(child.signal, 'SIGKILL', child.stderr);
  // Its build lock stays too, naming the dead pid: the next build takes it over (graph-build-lock.test.ts).
  const [lock, ...left] = graphsOf(cache);
  assert.match(lock!, /^[0-9a-f]{24}\.building$/);
  assert.equal(JSON.parse(fs.readFileSync(path.join(cache, 'graphs', lock!), 'utf8')).pid, child.pid);
  assert.equal(left.length, 1);
  assert.match(left[0]!, new RegExp(`^[0-9a-f]{24}\\.tmp-${child.pid}-[0-9a-f]{12}$`));
  const orphan = path.join(cache, 'graphs', left[0]);
  assert.ok(fs.statSync(path.join(orphan, `model.onnx${ENDORM_DATA_SUFFIX}`)).size > 0, 'it died while writing the weights');

  // Still recent: it could be a build on another machine sharing the cache, so the run that builds the graph keeps it.
  const graph = await prepareScoringGraph(SOURCE, cache);
  assert.ok(fs.existsSync(orphan));
  // Ten minutes on, a run that finds the graph cached (and builds nothing) removes it.
  backdate(orphan);
  const graphMtime = fs.statSync(graph).mtimeMs;
  assert.equal(await prepareScoringGraph(SOURCE, cache), graph);
  assert.equal(fs.statSync(graph).mtimeMs, graphMtime);
  assert.deepEqual(graphsOf(cache), [path.basename(path.dirname(graph))]);
});

test('only the temporary entries of dead processes, idle for 10 minutes, are removed', async () => {
  const cache = tempCacheDir();
  const graphs = path.join(cache, 'graphs');
  const make = (name: string, old: boolean) => {
    fs.mkdirSync(path.join(graphs, name), { recursive: true });
    fs.writeFileSync(path.join(graphs, name, 'model.onnx'), 'half');
    if (old) backdate(path.join(graphs, name));
    return name;
  };
  const stale = make(`aaaaaaaaaaaaaaaaaaaaaaaa.tmp-${DEAD_PID}-0123456789ab`, true);
  const staleOld = make(`aaaaaaaaaaaaaaaaaaaaaaaa.old-${DEAD_PID}-0123456789ab`, true);
  const live = make(`bbbbbbbbbbbbbbbbbbbbbbbb.tmp-${process.pid}-0123456789ab`, true);
  const recent = make(`cccccccccccccccccccccccc.tmp-${DEAD_PID}-0123456789ab`, false);
  const unrelated = make('dddddddddddddddddddddddd', true);
  // A file written a minute ago inside an old folder: the build is still going.
  const writing = make(`eeeeeeeeeeeeeeeeeeeeeeee.tmp-${DEAD_PID}-0123456789ab`, true);
  fs.writeFileSync(path.join(graphs, writing, 'model.onnx.endorm_data'), 'weights');
  const graph = await prepareScoringGraph(SOURCE, cache);
  const left = graphsOf(cache);
  assert.ok(!left.includes(stale) && !left.includes(staleOld), left.join(', '));
  assert.deepEqual(left, [path.basename(path.dirname(graph)), live, recent, unrelated, writing].sort());
});

test('a disk that fills up during the build: a CannotWriteError (exit 6) naming the folder and the size, and nothing left behind', async (t) => {
  const cache = tempCacheDir();
  const open = fsp.open;
  t.mock.method(fsp, 'open', async (file: string, flags: string) => {
    const handle = await open(file, flags);
    if (String(file).endsWith(ENDORM_DATA_SUFFIX)) {
      const write = handle.write.bind(handle) as (...args: unknown[]) => Promise<unknown>;
      let calls = 0;
      Object.assign(handle, { write: async (...args: unknown[]) => (++calls > 2 ? Promise.reject(errno('ENOSPC', 'write')) : write(...args)) });
    }
    return handle;
  });
  await assert.rejects(prepareScoringGraph(SOURCE, cache), (err: Error) => {
    assert.ok(err instanceof CannotWriteError, err.stack);
    assert.equal((err as CannotWriteError).exitCode, EXIT.cannotWrite);
    assert.equal(
      err.message,
      `cannot write the scoring graph into ${path.join(cache, 'graphs')}: no space left on the device (ENOSPC); the graph needs about 2.6 MB there. ` +
        `Free some space, or point ENDORM_CACHE at a folder on a larger disk`,
    );
    return true;
  });
  assert.deepEqual(graphsOf(cache), []);
  t.mock.restoreAll();
  const graph = await prepareScoringGraph(SOURCE, cache);
  assert.ok(fs.statSync(`${graph}${ENDORM_DATA_SUFFIX}`).size > 2_000_000);
});

test('a disk without room for the weights is refused before anything is written', async (t) => {
  const cache = tempCacheDir();
  const statfs = fsp.statfs;
  t.mock.method(fsp, 'statfs', async (dir: string) => ({ ...(await statfs(dir)), bavail: 300, bsize: 4096 }));
  await assert.rejects(
    prepareScoringGraph(SOURCE, cache),
    new CannotWriteError(
      `cannot write the scoring graph into ${path.join(cache, 'graphs')}: it needs about 2.6 MB and the disk has 1.2 MB free. ` +
        `Free some space, or point ENDORM_CACHE at a folder on a larger disk`,
      path.join(cache, 'graphs'),
      'ENOSPC',
    ),
  );
  assert.deepEqual(graphsOf(cache), []);
});

test('a read-only cache: exit 6 saying the cache cannot be written, not that the model is incomplete', async (t) => {
  const cache = tempCacheDir();
  process.env.ENDORM_CACHE = cache;
  // As Node reports it: a recursive mkdir says ENOENT, a plain one says EROFS. Only the cache is read-only (the run
  // folder, locked before the model loads, is elsewhere).
  const mkdir = fsp.mkdir;
  t.mock.method(fsp, 'mkdir', async (dir: string, options?: { recursive?: boolean }) =>
    String(dir).startsWith(cache) ? Promise.reject(errno(options?.recursive ? 'ENOENT' : 'EROFS', 'mkdir', dir)) : mkdir(dir, options),
  );
  const out = path.join(tempCacheDir(), 'run');
  const { code, stderr } = await endorm(['score', '--model', STORIES, '--template', 'none', '--quiet', '--dataset', path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl'), '--limit', '1', '--out', out]);
  assert.equal(code, EXIT.cannotWrite, stderr);
  assert.match(
    stderr,
    new RegExp(`the scoring graph cache ${cache} cannot be written \\(the file system is read-only: EROFS on ${cache}/graphs\\); point ENDORM_CACHE at a writable folder`),
  );
  assert.doesNotMatch(stderr, /is the file complete/);
});

test('a damaged graph in a read-only cache: the write error, and which graph needed the rebuild', async (t) => {
  const cache = tempCacheDir();
  const graph = await prepareScoringGraph(SOURCE, cache);
  fs.truncateSync(graph, 100);
  t.mock.method(fsp, 'mkdir', async (dir: string) => Promise.reject(errno('EROFS', 'mkdir', dir)));
  const notes: string[] = [];
  await assert.rejects(
    prepareScoringGraph(SOURCE, cache, { onNote: (n) => notes.push(n) }),
    /cannot be written \(the file system is read-only: EROFS on .*\); point ENDORM_CACHE at a writable folder \(the cached graph .* needs that rebuild: it has model\.onnx of 100 bytes where \d+ were written\)/,
  );
  assert.equal(notes.length, 1);
});
