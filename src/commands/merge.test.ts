import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { STORIES, tempCacheDir } from '../testing/shared-models.js';
import { runEndorm } from '../testing/spawn-endorm.js';
import { mixedStoriesSample } from '../testing/story-datasets.js';
import { EXIT } from '../util/exit-codes.js';

const env = { ENDORM_CACHE: tempCacheDir() };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-shards-'));
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
const scoredPairs = (dir: string) =>
  new Set(fs.readFileSync(path.join(dir, 'scores.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).pair as string));

test('3 shards and a merge give the summary of one unsharded run', async () => {
  const dataset = mixedStoriesSample(tmp);
  const common = ['score', '--model', STORIES, '--dataset', dataset, '--template', 'none', '--methods', 'endorm,loglik,length', '--quiet'];
  const shardDirs = [1, 2, 3].map((k) => path.join(tmp, `shard-${k}`));
  const runs = await Promise.all([
    runEndorm([...common, '--out', path.join(tmp, 'whole')], env),
    ...shardDirs.map((dir, i) => runEndorm([...common, '--shard', `${i + 1}/3`, '--out', dir], env)),
  ]);
  for (const r of runs) assert.equal(r.code, 0, r.stderr);

  const sets = shardDirs.map(scoredPairs);
  for (const s of sets) assert.ok(s.size > 5, `shard sizes ${sets.map((x) => x.size)}`);
  assert.equal(sets[0]!.size + sets[1]!.size + sets[2]!.size, 64);
  assert.equal(new Set(sets.flatMap((s) => [...s])).size, 64, 'no record in two shards');

  // Refused before writing anything: a shard missing.
  const partial = await runEndorm(['merge', shardDirs[0]!, shardDirs[2]!, '--out', path.join(tmp, 'partial')], env);
  assert.equal(partial.code, EXIT.usage);
  assert.match(partial.stderr, /missing shard\(s\) 2\/3/);

  const merged = await runEndorm(['merge', ...shardDirs, '--out', path.join(tmp, 'merged'), '--json'], env);
  assert.equal(merged.code, 0, merged.stderr);
  const a = readJson(path.join(tmp, 'whole', 'summary.json'));
  const b = JSON.parse(merged.stdout);
  assert.ok(a.methods.endorm.accuracy > 0.5 && a.methods.endorm.accuracy < 0.9, 'a non-trivial run');
  assert.deepEqual(b.methods, a.methods);
  assert.deepEqual(b.counts, a.counts);
  assert.deepEqual(b.settings, a.settings);
  assert.deepEqual(readJson(path.join(tmp, 'merged', 'summary.json')).methods, a.methods);
  assert.equal(readJson(path.join(tmp, 'merged', 'run.json')).settings.traces, true);

  // A shard scored with --no-traces holds the same scores: it merges, and the merged run says it keeps no traces.
  const bare = path.join(tmp, 'shard-2-bare');
  const bareRun = await runEndorm([...common, '--shard', '2/3', '--no-traces', '--out', bare], env);
  assert.equal(bareRun.code, 0, bareRun.stderr);
  const mixed = await runEndorm(['merge', shardDirs[0]!, bare, shardDirs[2]!, '--out', path.join(tmp, 'merged-mixed'), '--json'], env);
  assert.equal(mixed.code, 0, mixed.stderr);
  const m = JSON.parse(mixed.stdout);
  assert.deepEqual(m.methods, a.methods);
  assert.ok(m.notes.some((n: string) => n.startsWith('Not every shard has token traces')), m.notes.join('\n'));
  assert.equal(readJson(path.join(tmp, 'merged-mixed', 'run.json')).settings.traces, false);
});
