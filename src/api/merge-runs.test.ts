import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { summarizeRun } from '../report/summarize-run.js';
import { writeReports } from '../report/write-reports.js';
import type { RunManifest } from '../run-store/run-manifest.js';
import { SettingsError } from '../run/settings-error.js';
import { shardOfKey } from '../run/shard.js';
import { writeSyntheticRun } from '../testing/synthetic-run.js';
import { mergeRuns } from './merge-runs.js';

const temp = () => fs.mkdtemp(path.join(os.tmpdir(), 'endorm-merge-'));

/** A synthetic run, and the same run split into `count` finished shard runs the way --shard K/N splits it. */
async function shardedRun(count: number) {
  const whole = await temp();
  const manifest = await writeSyntheticRun(whole, { records: 30 });
  const lines = (await fs.readFile(path.join(whole, 'scores.jsonl'), 'utf8')).trimEnd().split('\n');
  const shards: string[] = [];
  for (let index = 1; index <= count; index++) {
    const dir = await temp();
    const own = lines.filter((l) => shardOfKey(JSON.parse(l).pair, count) === index);
    await writeShard(dir, { ...manifest, settings: { ...manifest.settings, shard: { index, count } } }, own);
    shards.push(dir);
  }
  return { whole, manifest, shards };
}

async function writeShard(dir: string, manifest: RunManifest, lines: string[]): Promise<void> {
  await fs.writeFile(path.join(dir, 'run.json'), JSON.stringify(manifest));
  await fs.writeFile(path.join(dir, 'scores.jsonl'), lines.map((l) => l + '\n').join(''));
  // As the scorer leaves a finished run: a summary with finishedAt.
  const summary = await summarizeRun(dir, { timing: { startedAt: '2025-01-01T00:00:00Z', finishedAt: '2025-01-01T00:01:00Z', seconds: 60 }, skipped: 1 });
  await writeReports(dir, summary);
}

test('merging the shards of a run gives the summary of the unsharded run', async () => {
  const { whole, shards } = await shardedRun(3);
  const out = path.join(await temp(), 'merged');
  const { summary } = await mergeRuns([shards[2]!, shards[0]!, shards[1]!], out);
  const reference = await summarizeRun(whole);
  assert.deepEqual(summary.methods, reference.methods);
  assert.deepEqual({ ...summary.counts, skipped: 0 }, reference.counts);
  assert.equal(summary.counts.skipped, 3);
  assert.equal(summary.timing.seconds, 180);
  const run = JSON.parse(await fs.readFile(path.join(out, 'run.json'), 'utf8')) as RunManifest;
  assert.equal(run.settings.shard, undefined);
  assert.deepEqual(run.mergedFrom!.map((m) => m.shard.index), [1, 2, 3]);
  for (const f of ['summary.json', 'report.md', 'report.html', 'report.csv']) await fs.access(path.join(out, f));
  // These shards have no traces: none are written, and the summary says where rescore would look.
  await assert.rejects(fs.access(path.join(out, 'traces.index.jsonl')), { code: 'ENOENT' });
  assert.ok(summary.notes.some((n) => /Not every shard has token traces/.test(n)));
});

test('a merged run keeps each shard\'s endorm and provenance, and says when the shards were scored with different builds, software or devices', async () => {
  const { shards } = await shardedRun(2);
  const machines = [
    { endorm: { version: '0.1.0', commit: 'a'.repeat(40) }, node: 'v20.20.0', device: { name: 'cpu', executionProvider: 'cpu', cpu: 'Xeon', cores: 16 } },
    { endorm: { version: '0.1.0', commit: 'b'.repeat(40) }, node: 'v20.20.0', device: { name: 'webgpu', executionProvider: 'webgpu', cpu: 'EPYC', cores: 64 } },
  ];
  for (const [i, dir] of shards.entries()) {
    const file = path.join(dir, 'run.json');
    const m = JSON.parse(await fs.readFile(file, 'utf8')) as RunManifest;
    const { endorm, node, device } = machines[i]!;
    m.endorm = endorm;
    m.provenance = { cwd: '/w', out: { path: dir }, versions: { node }, device, platform: 'linux x64' };
    await fs.writeFile(file, JSON.stringify(m));
  }
  const out = path.join(await temp(), 'merged');
  const { summary } = await mergeRuns(shards, out);
  const run = JSON.parse(await fs.readFile(path.join(out, 'run.json'), 'utf8')) as RunManifest;
  assert.deepEqual(run.mergedFrom!.map((m) => [m.endorm?.commit, m.provenance?.device?.name]), [['a'.repeat(40), 'cpu'], ['b'.repeat(40), 'webgpu']]);
  const notes = summary.notes.filter((n) => n.startsWith('The shards were scored with different'));
  assert.deepEqual(notes, [
    `The shards were scored with different endorm (1/2: version 0.1.0, commit ${'a'.repeat(40)}; 2/2: version 0.1.0, commit ${'b'.repeat(40)}); run.json's mergedFrom holds each shard's provenance.`,
    "The shards were scored with different device (1/2: name cpu, executionProvider cpu, cpu Xeon; 2/2: name webgpu, executionProvider webgpu, cpu EPYC); run.json's mergedFrom holds each shard's provenance.",
  ]);
});

test('merge refuses missing, doubled, mismatched, unfinished and overlapping shards, and an existing run as output', async () => {
  const { manifest, shards } = await shardedRun(3);
  const refuses = async (dirs: string[], pattern: RegExp) =>
    assert.rejects(mergeRuns(dirs, path.join(await temp(), 'out')), (e: Error) => e instanceof SettingsError && pattern.test(e.message), String(pattern));

  await refuses([shards[0]!, shards[2]!], /missing shard\(s\) 2\/3/);
  await refuses([shards[0]!, shards[1]!, shards[1]!, shards[2]!], /shard 2\/3 is given twice/);

  const other = await temp();
  const lines = (await fs.readFile(path.join(shards[1]!, 'scores.jsonl'), 'utf8')).trimEnd().split('\n');
  await writeShard(other, { ...manifest, settings: { ...manifest.settings, maxLength: 1024, shard: { index: 2, count: 3 } } }, lines);
  await refuses([shards[0]!, other, shards[2]!], /is not a shard of the same run .*settings\.maxLength: 4096 vs 1024/);

  const four = await temp();
  await writeShard(four, { ...manifest, settings: { ...manifest.settings, shard: { index: 2, count: 4 } } }, []);
  await refuses([shards[0]!, four, shards[2]!], /split the dataset differently/);

  const unfinished = await temp();
  await fs.writeFile(path.join(unfinished, 'run.json'), JSON.stringify({ ...manifest, settings: { ...manifest.settings, shard: { index: 2, count: 3 } } }));
  await fs.writeFile(path.join(unfinished, 'scores.jsonl'), lines[0] + '\n');
  await refuses([shards[0]!, unfinished, shards[2]!], /shard 2\/3 \(.*\) has not finished; resume it with: endorm score --resume/);

  // A record of shard 2 also in shard 1's file.
  const overlapping = await temp();
  const first = (await fs.readFile(path.join(shards[0]!, 'scores.jsonl'), 'utf8')).trimEnd().split('\n');
  const stray = lines.filter((l) => JSON.parse(l).pair === JSON.parse(lines[0]!).pair);
  await writeShard(overlapping, { ...manifest, settings: { ...manifest.settings, shard: { index: 1, count: 3 } } }, [...first, ...stray]);
  await refuses([overlapping, shards[1]!, shards[2]!], /record ".*" is in two shards/);

  // The same record moved from shard 2 to shard 1: no overlap, but not where --shard would have put it.
  const lighter = await temp();
  await writeShard(lighter, { ...manifest, settings: { ...manifest.settings, shard: { index: 2, count: 3 } } }, lines.filter((l) => !stray.includes(l)));
  await refuses([overlapping, lighter, shards[2]!], /belongs to shard 2\/3, not 1\/3/);

  await refuses([shards[0]!], /missing shard/);
  const taken = await temp();
  await fs.writeFile(path.join(taken, 'run.json'), '{}');
  await assert.rejects(mergeRuns(shards, taken), /already holds a run/);
  await assert.rejects(mergeRuns([(await shardedRunWithoutShard())], path.join(await temp(), 'o')), /is not a shard run/);
});

async function shardedRunWithoutShard(): Promise<string> {
  const dir = await temp();
  await writeSyntheticRun(dir, { records: 3 });
  return dir;
}
