import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ModelError } from '../model/model-errors.js';
import { runCliInProcess as endorm } from '../testing/run-cli.js';
import { PROJECT_ROOT, STORIES, TINY_LLAMA3, tempCacheDir } from '../testing/shared-models.js';
import { toExternalData, writeModelVariant } from '../testing/model-variants.js';
import { RECORD_FILE } from './graph-cache-record.js';
import { ENDORM_DATA_SUFFIX, prepareScoringGraph } from './scoring-graph-cache.js';

const SAMPLE = path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-graph-repair-'));

/** `endorm score` of 3 stories pairs with the cache in `cache`: exit code, stderr and the scores by line. */
async function score(cache: string) {
  process.env.ENDORM_CACHE = cache;
  const out = fs.mkdtempSync(path.join(tmp, 'run-'));
  const { code, stderr } = await endorm(['score', '--model', STORIES, '--template', 'none', '--methods', 'endorm,loglik', '--dataset', SAMPLE, '--limit', '3', '--out', out]);
  const lines = code === 0 ? fs.readFileSync(path.join(out, 'scores.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).scores) : [];
  return { code, stderr, lines };
}

function onlyEntry(cache: string): string {
  const entries = fs.readdirSync(path.join(cache, 'graphs'));
  assert.equal(entries.length, 1, entries.join(', '));
  return path.join(cache, 'graphs', entries[0]);
}

/** Overwrites the whole file with random bytes, keeping its size and (as a careful attacker would) its mtime. */
function randomise(file: string): void {
  const { size, atime, mtime } = fs.statSync(file);
  fs.writeFileSync(file, randomBytes(size));
  fs.utimesSync(file, atime, mtime);
}

for (const [damage, apply, problem] of [
  ['a truncated model.onnx', (entry: string) => fs.truncateSync(path.join(entry, 'model.onnx'), 1000), /has model\.onnx of 1000 bytes where \d+ were written/],
  ['random bytes in its data file', (entry: string) => randomise(path.join(entry, `model.onnx${ENDORM_DATA_SUFFIX}`)), /has model\.onnx\.endorm_data whose bytes differ from those written \(sha256\)/],
  ['random bytes in model.onnx', (entry: string) => randomise(path.join(entry, 'model.onnx')), /has model\.onnx whose bytes differ from those written \(sha256\)/],
  ['a lost integrity record', (entry: string) => fs.rmSync(path.join(entry, RECORD_FILE)), /has no endorm-graph\.json \(it was written by an older endorm, or its build was cut short\)/],
] as const) {
  test(`a cached graph with ${damage} is rebuilt with a note, and the run scores as a clean one`, async () => {
    const cache = tempCacheDir();
    const clean = await score(cache);
    assert.equal(clean.code, 0, clean.stderr);
    assert.ok(clean.lines.length === 6 && clean.lines.every((s) => Number.isFinite(s.endorm) && Number.isFinite(s.loglik)));
    assert.doesNotMatch(clean.stderr, /note: the cached scoring graph/);
    const entry = onlyEntry(cache);
    apply(entry);

    const repaired = await score(cache);
    assert.equal(repaired.code, 0, repaired.stderr);
    assert.match(repaired.stderr, new RegExp(`endorm: note: the cached scoring graph ${entry} ${problem.source}; rebuilding it from .*stories260K/onnx/model\\.onnx`));
    assert.deepEqual(repaired.lines, clean.lines);
    // Repaired for good: the next run has nothing to say.
    const after = await score(cache);
    assert.doesNotMatch(after.stderr, /note:/);
    assert.deepEqual(after.lines, clean.lines);
  });
}

test('a data file whose stamp moved but whose bytes are intact is re-hashed, not rebuilt', async () => {
  const cache = tempCacheDir();
  const source = path.join(STORIES, 'onnx', 'model.onnx');
  const graph = await prepareScoringGraph(source, cache);
  const data = `${graph}${ENDORM_DATA_SUFFIX}`;
  const record = () => JSON.parse(fs.readFileSync(path.join(path.dirname(graph), RECORD_FILE), 'utf8'));
  const stampBefore = record().data[0].stamp;
  const { atime, mtime } = fs.statSync(data);
  fs.utimesSync(data, atime, mtime); // same times, but the ctime moves
  assert.notEqual(String(fs.statSync(data, { bigint: true }).ctimeNs), stampBefore.ctimeNs);
  const notes: string[] = [];
  const graphMtime = fs.statSync(graph).mtimeMs;
  assert.equal(await prepareScoringGraph(source, cache, { onNote: (n) => notes.push(n) }), graph);
  assert.deepEqual(notes, []);
  assert.equal(fs.statSync(graph).mtimeMs, graphMtime, 'not rebuilt');
  assert.equal(record().data[0].stamp.ctimeNs, String(fs.statSync(data, { bigint: true }).ctimeNs), 'stamp refreshed');
});

test('a graph that fails its check again right after the rebuild is a ModelError naming the folder to delete', async (t) => {
  const cache = tempCacheDir();
  const source = path.join(STORIES, 'onnx', 'model.onnx');
  const graph = await prepareScoringGraph(source, cache);
  const entry = path.dirname(graph);
  const written = fs.statSync(graph).size;
  fs.truncateSync(graph, 10);
  // A disk that damages what is written: each time the rebuilt entry lands in place, its graph file is cut.
  const rename = fsp.rename;
  t.mock.method(fsp, 'rename', async (from: string, to: string) => {
    await rename(from, to);
    if (to === entry) await fsp.truncate(path.join(entry, 'model.onnx'), 10);
  });
  const notes: string[] = [];
  await assert.rejects(prepareScoringGraph(source, cache, { onNote: (n) => notes.push(n) }), (err: Error) => {
    assert.ok(err instanceof ModelError);
    assert.equal(
      err.message,
      `the scoring graph cached in ${entry} has model.onnx of 10 bytes where ${written} were written, ` +
        `right after it was rebuilt; delete ${entry} and run again (if this repeats, check the disk holding ${cache})`,
    );
    return true;
  });
  assert.equal(notes.length, 1);
});

test('a model whose external data file was replaced gets its cached link renewed; a cut one is refused', async () => {
  const dir = await writeModelVariant(TINY_LLAMA3, toExternalData);
  const source = path.join(dir, 'onnx', 'model.onnx');
  const data = path.join(dir, 'onnx', 'model.onnx_data');
  const cache = tempCacheDir();
  const graph = await prepareScoringGraph(source, cache);
  // Replaced by a new file of the same bytes (a re-download): the cache's hard link still holds the old one.
  fs.copyFileSync(data, `${data}.new`);
  fs.renameSync(`${data}.new`, data);
  const notes: string[] = [];
  assert.equal(await prepareScoringGraph(source, cache, { onNote: (n) => notes.push(n) }), graph);
  assert.equal(notes.length, 1);
  assert.match(notes[0], /links model\.onnx_data to .*model\.onnx_data, which was replaced since; rebuilding it/);
  assert.equal(fs.statSync(path.join(path.dirname(graph), 'model.onnx_data')).ino, fs.statSync(data).ino);

  fs.truncateSync(data, 5000);
  await assert.rejects(prepareScoringGraph(source, tempCacheDir()), /external data file .*model\.onnx_data is 5000 bytes, but the model's tensors need \d+/);
});

test("a cache on another file system copies the model's external data, hashed, and checks the copy like its own", async (t) => {
  const dir = await writeModelVariant(TINY_LLAMA3, toExternalData);
  const source = path.join(dir, 'onnx', 'model.onnx');
  const data = path.join(dir, 'onnx', 'model.onnx_data');
  const cache = tempCacheDir();
  // As across file systems: no hard link.
  t.mock.method(fsp, 'link', async () => Promise.reject(Object.assign(new Error('EXDEV: injected, link'), { code: 'EXDEV' })));
  const graph = await prepareScoringGraph(source, cache);
  const copy = path.join(path.dirname(graph), 'model.onnx_data');
  assert.notEqual(fs.statSync(copy).ino, fs.statSync(data).ino);
  assert.ok(fs.readFileSync(copy).equals(fs.readFileSync(data)));
  const [record] = JSON.parse(fs.readFileSync(path.join(path.dirname(graph), RECORD_FILE), 'utf8')).data;
  assert.equal(record.sha256, createHash('sha256').update(fs.readFileSync(data)).digest('hex'));
  assert.equal(record.from.linked, false);

  const notes: string[] = [];
  randomise(copy);
  assert.equal(await prepareScoringGraph(source, cache, { onNote: (n) => notes.push(n) }), graph);
  assert.match(notes.at(-1)!, /has model\.onnx_data whose bytes differ from those written \(sha256\); rebuilding it/);
  assert.ok(fs.readFileSync(copy).equals(fs.readFileSync(data)));

  // Only the model's times moved: its bytes, which decide, are those copied.
  const later = new Date(Date.now() + 5000);
  fs.utimesSync(data, later, later);
  assert.equal(await prepareScoringGraph(source, cache, { onNote: (n) => notes.push(n) }), graph);
  assert.equal(notes.length, 1);

  // The model's own file rewritten in place with other bytes, size and mtime kept (as by cp -p): the copy is stale.
  const stamp = fs.statSync(data, { bigint: true });
  const bytes = fs.readFileSync(data);
  bytes[bytes.length >> 1] ^= 0xff;
  fs.writeFileSync(data, bytes);
  fs.utimesSync(data, later, later);
  assert.deepEqual([fs.statSync(data, { bigint: true }).ino, fs.statSync(data, { bigint: true }).mtimeNs], [stamp.ino, stamp.mtimeNs]);
  assert.equal(await prepareScoringGraph(source, cache, { onNote: (n) => notes.push(n) }), graph);
  assert.match(notes.at(-1)!, /was made from .*model\.onnx_data, which has changed since; rebuilding it/);
  assert.equal(notes.length, 2);
  assert.ok(fs.readFileSync(copy).equals(bytes), 'the rebuilt copy holds the new bytes');
});

test('a record that is JSON but not a record is damage, not a crash', async () => {
  const cache = tempCacheDir();
  const source = path.join(STORIES, 'onnx', 'model.onnx');
  const graph = await prepareScoringGraph(source, cache);
  for (const text of ['null', '{"format": 1, "graph": {"file": "model.onnx"}, "data": [7]}', '{"format']) {
    fs.writeFileSync(path.join(path.dirname(graph), RECORD_FILE), text);
    const notes: string[] = [];
    assert.equal(await prepareScoringGraph(source, cache, { onNote: (n) => notes.push(n) }), graph);
    assert.match(notes.join(), /has (a|an unreadable) endorm-graph\.json/, text);
  }
});
