import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { STORIES, tempCacheDir } from '../testing/shared-models.js';
import { checkGraphEntry } from './graph-cache-record.js';
import { prepareScoringGraph } from './scoring-graph-cache.js';

const MODULE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scoring-graph-cache.js');
const SOURCE = path.join(STORIES, 'onnx', 'model.onnx');

// Shards started together on one machine all find the graph missing and build it at once. Each must come back with a
// graph that checks out: a later builder must not pull the first one's entry from under it.
test('builds of one graph racing in one process all return the same entry, which checks out, built once', async () => {
  const cache = tempCacheDir();
  let builds = 0;
  const paths = await Promise.all(Array.from({ length: 6 }, () => prepareScoringGraph(SOURCE, cache, { onBuild: () => builds++ })));
  assert.equal(new Set(paths).size, 1);
  assert.equal(builds, 1);
  assert.equal((await checkGraphEntry(path.dirname(paths[0]!), path.basename(paths[0]!))).state, 'ok');
});

test('four processes starting together on a fresh cache build the graph once; the others wait and get the same entry', async () => {
  const cache = tempCacheDir();
  const script =
    `const { prepareScoringGraph } = await import(${JSON.stringify(MODULE)}); ` +
    `const p = await prepareScoringGraph(${JSON.stringify(SOURCE)}, ${JSON.stringify(cache)}, { onBuild: () => console.error('built') }); console.log(p);`;
  const runs = await Promise.all(Array.from({ length: 4 }, () => promisify(execFile)(process.execPath, ['--input-type=module', '-e', script])));
  const paths = runs.map((r) => r.stdout.trim());
  assert.equal(new Set(paths).size, 1, paths.join('\n'));
  assert.equal(runs.filter((r) => r.stderr.includes('built')).length, 1, 'one process built the graph');
  assert.deepEqual(fs.readdirSync(path.join(cache, 'graphs')), [path.basename(path.dirname(paths[0]!))], 'no lock or temporary entry is left');
  assert.equal((await checkGraphEntry(path.dirname(paths[0]!), path.basename(paths[0]!))).state, 'ok');
});
