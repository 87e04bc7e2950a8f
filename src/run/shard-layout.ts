import fs from 'node:fs/promises';
import path from 'node:path';
import { runCompleteness } from '../run-store/run-complete.js';
import { describeHolder, lockStatus } from '../run-store/run-lock.js';
import { hasManifest, readRunManifest } from '../run-store/run-manifest.js';
import { scanScoreFile } from '../run-store/scan-scores.js';
import { scoresPath } from '../run-store/scores-file.js';
import { EndormError } from '../util/endorm-error.js';
import { EXIT } from '../util/exit-codes.js';
import { SettingsError } from './settings-error.js';
import type { ShardSpec } from './shard.js';
import { resolveShard, type ResolvedShard, type ShardRequest } from './shard-source.js';

/**
 * The layout of `--shard auto --out DIR`: shard K of N in `DIR/shard-K-of-N/`. Every task of an array gets the same
 * command line, a retried task finds (and resumes) its own folder, and N in the name keeps two splits of one dataset
 * apart; `endorm merge DIR` finds the shards from the names alone.
 */
export function shardFolder(parent: string, shard: ShardSpec): string {
  return path.join(parent, `shard-${shard.index}-of-${shard.count}`);
}

const SHARD_NAME = /^shard-(\d+)-of-(\d+)$/;

/** Where one shard stands, as a dependent job needs to know it. */
export type ShardState = 'finished' | 'running' | 'stopped' | 'missing';

export interface ShardStatus {
  index: number;
  dir: string;
  state: ShardState;
  /** Why, in words (the lock's holder, what is unfinished). */
  detail: string;
}

/** Some shards are absent or stopped unfinished with nobody writing them (exit 8): they need to be run again. */
export class ShardsMissingError extends EndormError {
  readonly exitCode = EXIT.shardsMissing;
  override name = 'ShardsMissingError';
}

/** Every shard not finished is still being written (exit 7, as for a locked run folder): wait, then merge again. */
export class ShardsRunningError extends EndormError {
  readonly exitCode = EXIT.locked;
  override name = 'ShardsRunningError';
}

/**
 * The shard folders under `parent` if it is a layout folder (no run of its own, and `shard-K-of-N` folders in it), else
 * undefined. Folders of two different N are refused: which split to merge is the user's choice.
 */
export async function findShardLayout(parent: string): Promise<{ count: number; present: Map<number, string> } | undefined> {
  if (await hasManifest(parent)) return undefined;
  const names = await fs.readdir(parent).catch(() => [] as string[]);
  const found = names.map((n) => SHARD_NAME.exec(n)).filter((m): m is RegExpExecArray => m !== null);
  if (found.length === 0) return undefined;
  const counts = [...new Set(found.map((m) => Number(m[2])))].sort((a, b) => a - b);
  if (counts.length > 1) {
    throw new SettingsError(`${parent} holds shards of ${counts.length} different splits (of ${counts.join(', ')}); give the folders of one split to merge`);
  }
  const present = new Map(found.map((m) => [Number(m[1]), path.join(parent, m[0])] as const));
  return { count: counts[0]!, present };
}

/** The state of shards 1..count under `parent`: finished as merge counts it (runCompleteness). */
export async function shardStatuses(parent: string, layout: { count: number; present: Map<number, string> }): Promise<ShardStatus[]> {
  const statuses: ShardStatus[] = [];
  for (let index = 1; index <= layout.count; index++) {
    const dir = layout.present.get(index) ?? shardFolder(parent, { index, count: layout.count });
    statuses.push({ index, dir, ...(await shardState(dir, layout.present.has(index))) });
  }
  return statuses;
}

async function shardState(dir: string, present: boolean): Promise<{ state: ShardState; detail: string }> {
  if (!present) return { state: 'missing', detail: 'no folder' };
  const lock = await lockStatus(dir);
  if (lock?.live) return { state: 'running', detail: `${describeHolder(lock.holder)}: ${lock.reason}` };
  if (!(await hasManifest(dir))) return { state: 'missing', detail: 'no run.json: it never started scoring' };
  // The same test merge applies to each shard it reads (complete.json, or an older run's summary), so the two agree.
  const state = await runCompleteness(dir, await readRunManifest(dir));
  if (state.complete) return { state: 'finished', detail: state.marker ? `finished at ${state.marker.finishedAt}` : 'finished' };
  const scan = await scanScoreFile(scoresPath(dir));
  return { state: 'stopped', detail: `stopped unfinished (${scan.records.size} records scored: ${state.reason}), nobody writes it` };
}

/**
 * The shard folders to merge from `parent`, all finished; else the error a dependent job branches on: exit 8 when
 * some shard is missing or stopped (run its task again: it resumes), exit 7 when the others are only still running.
 */
export async function finishedShardFolders(parent: string, layout: { count: number; present: Map<number, string> }): Promise<string[]> {
  const statuses = await shardStatuses(parent, layout);
  const pending = statuses.filter((s) => s.state !== 'finished');
  if (pending.length === 0) return statuses.map((s) => s.dir);
  const lines = pending.map((s) => `  shard ${s.index}/${layout.count} ${s.state}: ${s.dir} (${s.detail})`).join('\n');
  const done = statuses.length - pending.length;
  if (pending.every((s) => s.state === 'running')) {
    throw new ShardsRunningError(`${done} of ${layout.count} shards in ${parent} have finished; still running:\n${lines}\nmerge again once they finish`);
  }
  throw new ShardsMissingError(
    `${done} of ${layout.count} shards in ${parent} have finished; not finished:\n${lines}\n` +
      'run the missing or stopped ones again with the same command line (a stopped shard resumes), then merge',
  );
}

/**
 * Where a `--shard` run writes: a fixed K/N writes `out` as given (the command line that names K can name its
 * folder); `auto` needs `out` and writes `out/shard-K-of-N/`, since every task of the array runs the same command.
 */
export function placeShard(request: ShardRequest, out: string | undefined, env: Readonly<Record<string, string | undefined>>): ResolvedShard & { out: string | undefined } {
  const resolved = resolveShard(request, env);
  if (request.kind === 'fixed') return { ...resolved, out };
  if (out === undefined) {
    throw new SettingsError('--shard auto needs --out DIR: every task writes DIR/shard-K-of-N/, and endorm merge DIR finds them there');
  }
  return { ...resolved, out: shardFolder(out, resolved.shard) };
}

/**
 * What `endorm merge` merges: one layout folder (`DIR/shard-K-of-N/…`) stands for its shards, all checked finished,
 * and the merged run goes to `DIR/merged` unless `out` says otherwise; anything else is the shard folders as given.
 */
export async function shardsToMerge(dirs: readonly string[], out: string | undefined): Promise<{ dirs: string[]; out: string }> {
  const layout = dirs.length === 1 ? await findShardLayout(dirs[0]!) : undefined;
  if (layout) return { dirs: await finishedShardFolders(dirs[0]!, layout), out: out ?? path.join(dirs[0]!, 'merged') };
  if (out === undefined) throw new SettingsError('merge needs --out DIR for the merged run (it may be left out only when merging one folder of shard-K-of-N folders)');
  return { dirs: [...dirs], out };
}
