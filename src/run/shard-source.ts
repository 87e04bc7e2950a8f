import { SettingsError } from './settings-error.js';
import { formatShard, parseShard, type ShardSpec } from './shard.js';

/**
 * `--shard` as typed: a fixed `K/N`, or `auto` / `auto/N`, which takes K (and N where it is there) from the scheduler
 * that started this process, so that every task of an array can run the same command line.
 */
export type ShardRequest = { kind: 'fixed'; shard: ShardSpec } | { kind: 'auto'; count?: number };

/** Where a shard came from, as run.json's provenance.shard records it. */
export interface ShardSource {
  /** `option` (--shard K/N), `ENDORM_SHARD`, `slurm` (a job array) or `kubernetes` (an Indexed Job). */
  source: 'option' | 'ENDORM_SHARD' | 'slurm' | 'kubernetes';
  /** The environment variables read, as they were. */
  variables: Record<string, string>;
}

export interface ResolvedShard {
  shard: ShardSpec;
  from: ShardSource;
}

/** The count of an Indexed Job (Kubernetes does not export spec.completions to its pods); also fills any source's. */
export const SHARD_COUNT_VARIABLE = 'ENDORM_SHARD_COUNT';

/** Parses `K/N`, `auto` or `auto/N`; a RangeError with a message fit for the user otherwise. */
export function parseShardRequest(text: string): ShardRequest {
  const auto = /^\s*auto\s*(?:\/\s*(\S+)\s*)?$/.exec(text);
  if (!auto) return { kind: 'fixed', shard: parseShard(text) };
  if (auto[1] === undefined) return { kind: 'auto' };
  const count = positive(auto[1]);
  if (count === undefined) throw new RangeError(`--shard auto/N: N must be a whole number from 1, got "${auto[1]}"`);
  return { kind: 'auto', count };
}

/** One source's reading: the shard, or as much of it as the source knows (Kubernetes knows no count). */
interface Reading {
  source: ShardSource['source'];
  variables: Record<string, string>;
  /** 1-based. */
  index: number;
  count?: number;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The shard of `request` in environment `env`. A fixed K/N is taken as given; `auto` reads every source present
 * (ENDORM_SHARD, a Slurm job array, a Kubernetes Indexed Job) and needs them to agree, with the count from `auto/N`,
 * ENDORM_SHARD_COUNT or the source itself. Anything missing, out of range or contradictory is a SettingsError (exit 2)
 * naming the variables.
 */
export function resolveShard(request: ShardRequest, env: Env): ResolvedShard {
  if (request.kind === 'fixed') return { shard: request.shard, from: { source: 'option', variables: {} } };
  const readings = [endormReading(env), slurmReading(env), kubernetesReading(env)].filter((r): r is Reading => r !== undefined);
  if (readings.length === 0) {
    throw new SettingsError(
      '--shard auto found no task index in the environment: it reads ENDORM_SHARD=K/N, a Slurm job array ' +
        '(SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_MIN/MAX or COUNT) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX); ' +
        'run it as an array task, set ENDORM_SHARD, or give --shard K/N',
    );
  }
  const counts: { count: number; named: string }[] = [];
  if (request.count !== undefined) counts.push({ count: request.count, named: `--shard auto/${request.count}` });
  const countVar = env[SHARD_COUNT_VARIABLE];
  if (countVar !== undefined) {
    const count = positive(countVar);
    if (count === undefined) throw new SettingsError(`${SHARD_COUNT_VARIABLE}=${countVar}: expected a whole number from 1`);
    counts.push({ count, named: `${SHARD_COUNT_VARIABLE}=${countVar}` });
  }
  for (const r of readings) if (r.count !== undefined) counts.push({ count: r.count, named: describe(r) });
  const count = counts[0]?.count;
  const clash = counts.find((c) => c.count !== count);
  if (clash) throw new SettingsError(`--shard auto: the shard count differs between ${counts[0]!.named} and ${clash.named}; make them agree`);
  if (count === undefined) {
    throw new SettingsError(
      `--shard auto: ${describe(readings[0]!)} gives the task's index but not how many shards there are; ` +
        `give --shard auto/N or set ${SHARD_COUNT_VARIABLE}=N (Kubernetes: the Job's completions)`,
    );
  }
  const first = readings[0]!;
  const other = readings.find((r) => r.index !== first.index);
  if (other) {
    throw new SettingsError(`--shard auto: ${describe(first)} is shard ${first.index} but ${describe(other)} is shard ${other.index}; unset one of them`);
  }
  if (first.index > count) {
    throw new SettingsError(`--shard auto: ${describe(first)} is shard ${first.index}, outside the ${count} shards of ${counts[0]!.named}`);
  }
  const variables = Object.assign({}, ...readings.map((r) => r.variables), countVar !== undefined ? { [SHARD_COUNT_VARIABLE]: countVar } : {}) as Record<string, string>;
  return { shard: { index: first.index, count }, from: { source: first.source, variables } };
}

function endormReading(env: Env): Reading | undefined {
  const value = env.ENDORM_SHARD;
  if (value === undefined) return undefined;
  try {
    const shard = parseShard(value);
    return { source: 'ENDORM_SHARD', variables: { ENDORM_SHARD: value }, index: shard.index, count: shard.count };
  } catch (err) {
    throw new SettingsError(`ENDORM_SHARD=${value}: ${(err as Error).message}`);
  }
}

const SLURM = ['SLURM_ARRAY_TASK_ID', 'SLURM_ARRAY_TASK_MIN', 'SLURM_ARRAY_TASK_MAX', 'SLURM_ARRAY_TASK_STEP', 'SLURM_ARRAY_TASK_COUNT'] as const;

/**
 * A Slurm job array: task ids MIN, MIN+STEP, … MAX (`--array=0-15:4`), numbered from shard 1 whatever MIN is. A list
 * that is not evenly spaced (`--array=1,2,7`) has no such numbering and is refused rather than guessed.
 */
function slurmReading(env: Env): Reading | undefined {
  if (env.SLURM_ARRAY_TASK_ID === undefined) return undefined;
  const variables = Object.fromEntries(SLURM.filter((k) => env[k] !== undefined).map((k) => [k, env[k]!])) as Record<string, string>;
  const [id, min, max, step, count] = SLURM.map((k) => (env[k] === undefined ? undefined : whole(env[k]!, k)));
  const shown = Object.entries(variables).map(([k, v]) => `${k}=${v}`).join(' ');
  if (min === undefined) {
    throw new SettingsError(`--shard auto: ${shown}: SLURM_ARRAY_TASK_MIN is missing, so the task's place in the array is unknown; set ENDORM_SHARD=K/N instead`);
  }
  const stride = step ?? 1;
  if (stride < 1) throw new SettingsError(`--shard auto: ${shown}: SLURM_ARRAY_TASK_STEP must be 1 or more`);
  const span = max === undefined ? undefined : Math.floor((max - min) / stride) + 1;
  if (max !== undefined && (max < min || (max - min) % stride !== 0)) {
    throw new SettingsError(`--shard auto: ${shown}: the array's ids do not run from MIN to MAX in steps of ${stride}; use --array=A-B[:S] or set ENDORM_SHARD=K/N`);
  }
  if (count !== undefined && span !== undefined && count !== span) {
    throw new SettingsError(
      `--shard auto: ${shown}: the array's ${count} task ids are not the evenly spaced range ${min}-${max}${stride === 1 ? '' : `:${stride}`} ` +
        `(a list such as --array=1,2,7?), so they cannot be numbered as shards; use --array=A-B[:S] or set ENDORM_SHARD=K/N`,
    );
  }
  if (id! < min || (id! - min) % stride !== 0 || (max !== undefined && id! > max)) {
    throw new SettingsError(`--shard auto: ${shown}: the task id is not one of the array's ids`);
  }
  return { source: 'slurm', variables, index: (id! - min) / stride + 1, count: count ?? span };
}

/** A Kubernetes Indexed Job: JOB_COMPLETION_INDEX counts from 0; the count is not exported. */
function kubernetesReading(env: Env): Reading | undefined {
  const value = env.JOB_COMPLETION_INDEX;
  if (value === undefined) return undefined;
  return { source: 'kubernetes', variables: { JOB_COMPLETION_INDEX: value }, index: whole(value, 'JOB_COMPLETION_INDEX') + 1 };
}

function describe(r: Reading): string {
  return Object.entries(r.variables).map(([k, v]) => `${k}=${v}`).join(' ');
}

function whole(text: string, name: string): number {
  if (!/^\s*\d+\s*$/.test(text)) throw new SettingsError(`--shard auto: ${name}=${text}: expected a whole number`);
  return Number(text);
}

function positive(text: string): number | undefined {
  return /^\s*\d+\s*$/.test(text) && Number(text) >= 1 ? Number(text) : undefined;
}

/** For messages: `2/4 (from slurm: SLURM_ARRAY_TASK_ID=1 …)`. */
export function shardSourceText(r: ResolvedShard): string {
  const vars = Object.entries(r.from.variables).map(([k, v]) => `${k}=${v}`).join(' ');
  return r.from.source === 'option' ? formatShard(r.shard) : `${formatShard(r.shard)} (from ${r.from.source}: ${vars})`;
}

/**
 * The scheduler task a `--shard auto` run is, where the scheduler runs one instance of it at a time: a Slurm array
 * task (its job and task id: a requeue keeps both), or a pod of an Indexed Job (its hostname is JOB-INDEX, the same for
 * every retry of the index; with podReplacementPolicy: Failed the retry starts once the old pod is gone). The run
 * folder's lock of an earlier run of the same task is taken over; undefined for other sources.
 */
export function schedulerTask(from: ShardSource, env: Readonly<Record<string, string | undefined>>, hostname: string): string | undefined {
  if (from.source === 'slurm' && env.SLURM_ARRAY_JOB_ID !== undefined) {
    return `slurm:${env.SLURM_CLUSTER_NAME ?? ''}:${env.SLURM_ARRAY_JOB_ID}_${env.SLURM_ARRAY_TASK_ID}`;
  }
  if (from.source === 'kubernetes') return `kubernetes:${hostname}`;
  return undefined;
}
