import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXIT } from '../util/exit-codes.js';
import { SettingsError } from './settings-error.js';
import { parseShardRequest, resolveShard, schedulerTask } from './shard-source.js';

const auto = parseShardRequest('auto');
const refused = (fn: () => unknown, message: RegExp) =>
  assert.throws(fn, (err: unknown) => err instanceof SettingsError && err.exitCode === EXIT.usage && message.test(err.message));

test('--shard takes K/N, auto and auto/N', () => {
  assert.deepEqual(parseShardRequest('2/3'), { kind: 'fixed', shard: { index: 2, count: 3 } });
  assert.deepEqual(parseShardRequest('auto'), { kind: 'auto' });
  assert.deepEqual(parseShardRequest('auto/8'), { kind: 'auto', count: 8 });
  for (const bad of ['auto/0', 'auto/x', 'automatic', '0/3']) assert.throws(() => parseShardRequest(bad), RangeError, bad);
});

test('a Slurm job array: shard K counts from the first task id, whatever it is, in steps of the array', () => {
  const slurm = (id: number, min: number, max: number, extra: Record<string, string> = {}) =>
    resolveShard(auto, { SLURM_ARRAY_TASK_ID: String(id), SLURM_ARRAY_TASK_MIN: String(min), SLURM_ARRAY_TASK_MAX: String(max), ...extra });
  assert.deepEqual(slurm(0, 0, 2).shard, { index: 1, count: 3 });
  assert.deepEqual(slurm(3, 1, 4).shard, { index: 3, count: 4 });
  assert.deepEqual(slurm(12, 10, 13, { SLURM_ARRAY_TASK_COUNT: '4' }).shard, { index: 3, count: 4 });
  // --array=0-15:4 runs ids 0, 4, 8, 12.
  const stepped = slurm(8, 0, 12, { SLURM_ARRAY_TASK_STEP: '4', SLURM_ARRAY_TASK_COUNT: '4' });
  assert.deepEqual(stepped.shard, { index: 3, count: 4 });
  assert.deepEqual(stepped.from, {
    source: 'slurm',
    variables: { SLURM_ARRAY_TASK_ID: '8', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '12', SLURM_ARRAY_TASK_STEP: '4', SLURM_ARRAY_TASK_COUNT: '4' },
  });
  // Only the count (no MAX) is enough.
  assert.deepEqual(resolveShard(auto, { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_MIN: '5', SLURM_ARRAY_TASK_COUNT: '2' }).shard, { index: 1, count: 2 });
  // --array=1,2,7: three ids that are not a range cannot be numbered.
  refused(() => slurm(7, 1, 7, { SLURM_ARRAY_TASK_COUNT: '3' }), /SLURM_ARRAY_TASK_COUNT=3.*not the evenly spaced range 1-7.*ENDORM_SHARD/);
  refused(() => slurm(5, 0, 12, { SLURM_ARRAY_TASK_STEP: '4' }), /SLURM_ARRAY_TASK_ID=5.*not one of the array's ids/);
  refused(() => resolveShard(auto, { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '4' }), /SLURM_ARRAY_TASK_MIN is missing/);
  refused(() => resolveShard(auto, { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_MIN: '0' }), /SLURM_ARRAY_TASK_ID=2 .*not how many shards.*auto\/N.*ENDORM_SHARD_COUNT/);
  assert.deepEqual(resolveShard(parseShardRequest('auto/4'), { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_MIN: '0' }).shard, { index: 3, count: 4 });
});

test('a Kubernetes Indexed Job: JOB_COMPLETION_INDEX counts from 0, the count from auto/N or ENDORM_SHARD_COUNT', () => {
  assert.deepEqual(resolveShard(parseShardRequest('auto/3'), { JOB_COMPLETION_INDEX: '0' }).shard, { index: 1, count: 3 });
  const r = resolveShard(auto, { JOB_COMPLETION_INDEX: '2', ENDORM_SHARD_COUNT: '3' });
  assert.deepEqual(r, { shard: { index: 3, count: 3 }, from: { source: 'kubernetes', variables: { JOB_COMPLETION_INDEX: '2', ENDORM_SHARD_COUNT: '3' } } });
  refused(() => resolveShard(auto, { JOB_COMPLETION_INDEX: '1' }), /JOB_COMPLETION_INDEX=1 gives the task's index but not how many shards/);
  refused(() => resolveShard(auto, { JOB_COMPLETION_INDEX: '3', ENDORM_SHARD_COUNT: '3' }), /JOB_COMPLETION_INDEX=3 is shard 4, outside the 3 shards of ENDORM_SHARD_COUNT=3/);
  refused(() => resolveShard(auto, { JOB_COMPLETION_INDEX: 'x', ENDORM_SHARD_COUNT: '3' }), /JOB_COMPLETION_INDEX=x: expected a whole number/);
  refused(() => resolveShard(auto, { JOB_COMPLETION_INDEX: '0', ENDORM_SHARD_COUNT: '0' }), /ENDORM_SHARD_COUNT=0/);
});

test('ENDORM_SHARD=K/N for CI matrices; a fixed --shard K/N ignores the environment', () => {
  assert.deepEqual(resolveShard(auto, { ENDORM_SHARD: '2/5' }), { shard: { index: 2, count: 5 }, from: { source: 'ENDORM_SHARD', variables: { ENDORM_SHARD: '2/5' } } });
  refused(() => resolveShard(auto, { ENDORM_SHARD: '6/5' }), /ENDORM_SHARD=6\/5: .*between 1 and N/);
  assert.deepEqual(resolveShard(parseShardRequest('1/2'), { ENDORM_SHARD: '2/5', JOB_COMPLETION_INDEX: '9' }), {
    shard: { index: 1, count: 2 },
    from: { source: 'option', variables: {} },
  });
});

test('no source, or sources that disagree on the shard or the count, is exit 2 naming the variables', () => {
  refused(() => resolveShard(auto, {}), /found no task index.*ENDORM_SHARD=K\/N.*SLURM_ARRAY_TASK_ID.*JOB_COMPLETION_INDEX/);
  const slurm2of3 = { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '2' };
  refused(() => resolveShard(auto, { ...slurm2of3, ENDORM_SHARD: '3/3' }), /ENDORM_SHARD=3\/3 is shard 3 but SLURM_ARRAY_TASK_ID=1 .* is shard 2/);
  refused(() => resolveShard(auto, { ...slurm2of3, ENDORM_SHARD: '2/4' }), /count differs between ENDORM_SHARD=2\/4 and SLURM_ARRAY_TASK_ID=1/);
  refused(() => resolveShard(parseShardRequest('auto/4'), slurm2of3), /count differs between --shard auto\/4 and SLURM_ARRAY_TASK_ID=1/);
  // Sources that agree are fine, and all are recorded.
  const both = resolveShard(auto, { ...slurm2of3, ENDORM_SHARD: '2/3' });
  assert.deepEqual(both.shard, { index: 2, count: 3 });
  assert.equal(both.from.source, 'ENDORM_SHARD');
  assert.deepEqual(Object.keys(both.from.variables), ['ENDORM_SHARD', 'SLURM_ARRAY_TASK_ID', 'SLURM_ARRAY_TASK_MIN', 'SLURM_ARRAY_TASK_MAX']);
});

test('the scheduler task of a run: a Slurm array task by job and task id, a pod of an Indexed Job by its hostname, none for ENDORM_SHARD', () => {
  const env = { SLURM_ARRAY_JOB_ID: '812', SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '3', SLURM_CLUSTER_NAME: 'c' };
  assert.equal(schedulerTask(resolveShard(auto, env).from, env, 'node-07'), 'slurm:c:812_2');
  const pod = { JOB_COMPLETION_INDEX: '1', ENDORM_SHARD_COUNT: '4' };
  assert.equal(schedulerTask(resolveShard(auto, pod).from, pod, 'endorm-score-1'), 'kubernetes:endorm-score-1');
  assert.equal(schedulerTask(resolveShard(auto, { ENDORM_SHARD: '1/2' }).from, { ENDORM_SHARD: '1/2' }, 'ci'), undefined);
});
