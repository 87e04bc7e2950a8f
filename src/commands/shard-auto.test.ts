import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { STORIES, tempCacheDir } from '../testing/shared-models.js';
import { runEndorm } from '../testing/spawn-endorm.js';
import { mixedStoriesSample } from '../testing/story-datasets.js';
import { EXIT } from '../util/exit-codes.js';

const cache = { ENDORM_CACHE: tempCacheDir() };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-shard-auto-'));
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
/** The environment of task `id` of `sbatch --array=1-3`. */
const slurmTask = (id: number) => ({ ...cache, SLURM_ARRAY_TASK_ID: String(id), SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '3', SLURM_ARRAY_TASK_COUNT: '3' });

test('--shard auto: array tasks run one command line into DIR/shard-K-of-N/; merge DIR tells missing (8) from running (7), then merges', async () => {
  const dataset = mixedStoriesSample(tmp);
  const parent = path.join(tmp, 'array');
  const common = ['score', '--model', STORIES, '--dataset', dataset, '--template', 'none', '--methods', 'endorm,loglik,length', '--quiet'];
  const task = [...common, '--shard', 'auto', '--out', parent];

  const noOut = await runEndorm([...common, '--shard', 'auto'], slurmTask(1));
  assert.equal(noOut.code, EXIT.usage);
  assert.match(noOut.stderr, /--shard auto needs --out DIR/);
  const noSource = await runEndorm(task, cache);
  assert.equal(noSource.code, EXIT.usage);
  assert.match(noSource.stderr, /found no task index/);

  const [whole, first, third] = await Promise.all([
    runEndorm([...common, '--out', path.join(tmp, 'whole')], cache),
    runEndorm(task, slurmTask(1)),
    runEndorm(task, slurmTask(3)),
  ]);
  for (const r of [whole, first, third]) assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(fs.readdirSync(parent).sort(), ['shard-1-of-3', 'shard-3-of-3']);
  const manifest = readJson(path.join(parent, 'shard-3-of-3', 'run.json'));
  assert.deepEqual(manifest.settings.shard, { index: 3, count: 3 });
  assert.deepEqual(manifest.provenance.shard, {
    source: 'slurm',
    variables: { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '3', SLURM_ARRAY_TASK_COUNT: '3' },
  });

  // Shard 2 never ran: missing, exit 8, and nothing written.
  const missing = await runEndorm(['merge', parent], cache);
  assert.equal(missing.code, EXIT.shardsMissing, missing.stderr);
  assert.match(missing.stderr, /2 of 3 shards .* have finished.*\n {2}shard 2\/3 missing: .*shard-2-of-3 \(no folder\)/);
  assert.equal(fs.existsSync(path.join(parent, 'merged')), false);

  // Shard 2 being written (its lock held by a live process, this one): running, exit 7.
  const second = path.join(parent, 'shard-2-of-3');
  fs.mkdirSync(second);
  fs.writeFileSync(path.join(second, 'run.lock'), JSON.stringify({ host: os.hostname(), pid: process.pid, startedAt: new Date().toISOString(), command: 'score' }));
  const running = await runEndorm(['merge', parent], cache);
  assert.equal(running.code, EXIT.locked, running.stderr);
  assert.match(running.stderr, new RegExp(`still running:\\n {2}shard 2/3 running: .*\\(endorm score \\(pid ${process.pid} on `));
  fs.rmSync(second, { recursive: true });

  // Shard 2 stopped before its end (a kill leaves no summary and no complete.json; nobody writing): exit 8 again; the
  // same command line resumes it.
  const secondRun = await runEndorm(task, { ...cache, ENDORM_SHARD: '2/3' });
  assert.equal(secondRun.code, 0, secondRun.stderr);
  fs.rmSync(path.join(second, 'summary.json'));
  fs.rmSync(path.join(second, 'complete.json'));
  const stopped = await runEndorm(['merge', parent], cache);
  assert.equal(stopped.code, EXIT.shardsMissing, stopped.stderr);
  assert.match(stopped.stderr, /shard 2\/3 stopped: .*stopped unfinished \(\d+ records scored: it has no complete\.json.*\), nobody writes it/);
  const rerun = await runEndorm(task.filter((a) => a !== '--quiet'), slurmTask(2));
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.match(rerun.stderr, /shard 2\/3 \(from slurm: SLURM_ARRAY_TASK_ID=2 .*\) into .*shard-2-of-3\/\n/);
  assert.match(rerun.stderr, /was already complete/);

  const merged = await runEndorm(['merge', parent, '--json'], cache);
  assert.equal(merged.code, 0, merged.stderr);
  assert.match(merged.stderr, /merged 3 shards \(64 records\) into .*array\/merged\//);
  const a = readJson(path.join(tmp, 'whole', 'summary.json'));
  const b = readJson(path.join(parent, 'merged', 'summary.json'));
  assert.deepEqual(JSON.parse(merged.stdout), b);
  assert.deepEqual(b.methods, a.methods);
  assert.deepEqual(b.counts, a.counts);
  assert.deepEqual(b.settings, a.settings);
});
