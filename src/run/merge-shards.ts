import fs from 'node:fs/promises';
import path from 'node:path';
import { mergeTraces } from '../run-store/merge-traces.js';
import { clearComplete, runCompleteness } from '../run-store/run-complete.js';
import { lockStatus, RunLockedError } from '../run-store/run-lock.js';
import { writeFault } from '../util/cannot-write-error.js';
import { RUN_FILES } from '../run-store/run-files.js';
import { hasManifest, readRunManifest, writeManifest, type RunManifest } from '../run-store/run-manifest.js';
import { scanScoreFile, type ScoreFileScan } from '../run-store/scan-scores.js';
import { concatenateScores, scoresPath } from '../run-store/scores-file.js';
import { readSummaryFile } from '../run-store/summary-file.js';
import { runDifferences } from './compare-runs.js';
import { SettingsError } from './settings-error.js';
import { formatShard, shardOfKey, type ShardSpec } from './shard.js';

/** A merged run folder before its summary: what the summary takes from the shards. */
export interface MergedShards {
  runDir: string;
  timing: { startedAt: string | null; finishedAt: string; seconds: number | null };
  skipped: number;
  notes: string[];
}

interface ShardRun {
  dir: string;
  manifest: RunManifest;
  shard: ShardSpec;
  scan: ScoreFileScan;
  finished: { startedAt: string | null; finishedAt: string; seconds: number | null; skipped: number };
}

/**
 * Combines the runs of `--shard 1/N` … `--shard N/N` into one run folder, as if the dataset had been scored in one go:
 * run.json without a shard, scores.jsonl the union of the shards' lines and their token traces (api/merge-runs.ts adds
 * the summary and reports). Refuses (with a SettingsError) runs that are not shards of one run: other model, dataset
 * or settings, a shard given twice or missing, a shard that has not finished, or a record found in two shards.
 */
export async function mergeShards(dirs: readonly string[], out: string): Promise<MergedShards> {
  if (dirs.length === 0) throw new SettingsError('merge needs the folders of the shard runs');
  await clearEarlierMerge(out, dirs);
  const runs: ShardRun[] = [];
  for (const dir of dirs) runs.push(await readShardRun(dir));
  checkShardSet(runs);
  const first = runs[0]!;
  for (const run of runs.slice(1)) {
    const differences = runDifferences(first.manifest, run.manifest, { shards: true });
    if (differences.length) throw new SettingsError(`${run.dir} is not a shard of the same run as ${first.dir} (${differences.join('; ')})`);
  }
  checkRecords(runs);

  const { shard: _shard, traces: _traces, ...shared } = first.manifest.settings;
  // Traced when every shard is (only then are traces merged); not recorded when the first shard did not record it.
  const settings = first.manifest.settings.traces === undefined ? shared : { ...shared, traces: runs.every((r) => r.manifest.settings.traces === true) };
  await writeManifest(out, {
    ...first.manifest,
    createdAt: new Date().toISOString(),
    settings,
    mergedFrom: runs.map((r) => ({
      path: path.resolve(r.dir),
      shard: r.shard,
      createdAt: r.manifest.createdAt,
      endorm: r.manifest.endorm,
      ...(r.manifest.provenance ? { provenance: r.manifest.provenance } : {}),
    })),
  });
  await concatenateScores(runs.map((r) => ({ dir: r.dir, bytes: r.scan.validBytes })), out);
  const traces = await mergeTraces(runs.map((r) => r.dir), out);

  const started = runs.map((r) => r.finished.startedAt).filter((t): t is string => t !== null).sort();
  const seconds = runs.every((r) => r.finished.seconds !== null) ? runs.reduce((s, r) => s + r.finished.seconds!, 0) : null;
  return {
    runDir: out,
    timing: {
      startedAt: started[0] ?? null,
      finishedAt: runs.map((r) => r.finished.finishedAt).sort().at(-1)!,
      seconds,
    },
    skipped: runs.reduce((n, r) => n + r.finished.skipped, 0),
    notes: [
      `Merged from ${runs.length} shard runs (${runs.map((r) => `${formatShard(r.shard)}: ${r.dir}`).join(', ')}); ` +
        'timing.seconds is the sum of their times.',
      ...(traces ? [] : ['Not every shard has token traces, so none were merged: rescore and show read them from the shard folders.']),
      ...shardProvenanceNotes(runs),
    ],
  };
}

async function readShardRun(dir: string): Promise<ShardRun> {
  const manifest = await readRunManifest(dir);
  const shard = manifest.settings.shard;
  if (!shard) throw new SettingsError(`${dir} is not a shard run (it was made without --shard K/N)`);
  const resume = `resume it with: endorm score --resume ${dir}`;
  const state = await runCompleteness(dir, manifest);
  if (!state.complete && state.live) {
    const lock = await lockStatus(dir);
    throw new RunLockedError(`shard ${formatShard(shard)} (${dir}) is still running: ${state.reason}; wait for it to finish, then merge`, lock?.holder);
  }
  if (!state.complete) throw new SettingsError(`shard ${formatShard(shard)} (${dir}) has not finished; ${resume} (${state.reason})`);
  const scan = await scanScoreFile(scoresPath(dir));
  const summary = await readSummaryFile(dir);
  const timing = summary?.timing as { startedAt?: string | null; finishedAt?: string | null; seconds?: number | null } | undefined;
  const counts = summary?.counts as { pairs?: number; skipped?: number } | undefined;
  if (typeof timing?.finishedAt !== 'string' || counts?.pairs !== scan.records.size) {
    throw new SettingsError(`shard ${formatShard(shard)} (${dir}): its ${RUN_FILES.summary} does not match its ${RUN_FILES.scores}; rebuild it with: endorm report ${dir}`);
  }
  return {
    dir,
    manifest,
    shard,
    scan,
    finished: {
      startedAt: timing.startedAt ?? null,
      finishedAt: timing.finishedAt,
      seconds: typeof timing.seconds === 'number' ? timing.seconds : null,
      skipped: counts?.skipped ?? 0,
    },
  };
}

/**
 * An --out holding a merge of the same shards is redone (a merge killed part way, or killed after it finished: the
 * same command run again gives the same folder): everything in it but the lock goes first. Any other run there (a
 * scored run, a merge of other shards) is refused.
 */
async function clearEarlierMerge(out: string, dirs: readonly string[]): Promise<void> {
  if (!(await hasManifest(out))) return;
  const earlier = await readRunManifest(out).catch(() => {
    throw new SettingsError(`${out} already holds a run (its ${RUN_FILES.manifest}, which cannot be read as one); give merge a new --out folder`);
  });
  const sources = (earlier.mergedFrom ?? []).map((m) => path.resolve(m.path)).sort();
  const wanted = dirs.map((d) => path.resolve(d)).sort();
  const same = sources.length === wanted.length && sources.every((s, i) => s === wanted[i]);
  if (!same) {
    const what = earlier.mergedFrom ? `a merge of other shards (${sources.join(', ')})` : 'a run';
    throw new SettingsError(`${out} already holds ${what}; give merge a new --out folder`);
  }
  await clearComplete(out);
  for (const name of await fs.readdir(out)) {
    if (name === RUN_FILES.lock || name.startsWith(`${RUN_FILES.lock}.`)) continue;
    const entry = path.join(out, name);
    await fs.rm(entry, { recursive: true, force: true }).catch((err) => Promise.reject(writeFault(err, entry)));
  }
}

function checkShardSet(runs: ShardRun[]): void {
  const count = runs[0]!.shard.count;
  const byIndex = new Map<number, string>();
  for (const run of runs) {
    if (run.shard.count !== count) {
      throw new SettingsError(`shard runs split the dataset differently: ${runs[0]!.dir} is shard ${formatShard(runs[0]!.shard)}, ${run.dir} is ${formatShard(run.shard)}`);
    }
    const twin = byIndex.get(run.shard.index);
    if (twin !== undefined) throw new SettingsError(`shard ${formatShard(run.shard)} is given twice: ${twin} and ${run.dir}`);
    byIndex.set(run.shard.index, run.dir);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length) {
    throw new SettingsError(
      `missing shard(s) ${missing.map((i) => `${i}/${count}`).join(', ')}: score them (--shard K/${count}) and give their folders too`,
    );
  }
  runs.sort((a, b) => a.shard.index - b.shard.index);
}

/** Every record in exactly one shard, and in the shard its key hashes to. */
function checkRecords(runs: ShardRun[]): void {
  const owner = new Map<string, ShardRun>();
  for (const run of runs) {
    for (const key of run.scan.records.keys()) {
      const other = owner.get(key);
      if (other) throw new SettingsError(`record ${JSON.stringify(key)} is in two shards: ${other.dir} and ${run.dir}`);
      owner.set(key, run);
    }
  }
  for (const [key, run] of owner) {
    const home = shardOfKey(key, run.shard.count);
    if (home !== run.shard.index) {
      throw new SettingsError(`record ${JSON.stringify(key)} in ${run.dir} belongs to shard ${home}/${run.shard.count}, not ${formatShard(run.shard)}`);
    }
  }
}

/**
 * Shards scored by other endorm builds, software versions or devices hold scores that agree only within the tolerance
 * of those (1e-4 relative in fp32), and a reader citing the merged run should know: one note per thing that differs.
 */
function shardProvenanceNotes(runs: readonly ShardRun[]): string[] {
  const aspects: [string, (m: RunManifest) => unknown][] = [
    ['endorm', (m) => m.endorm],
    ['software versions', (m) => m.provenance?.versions],
    ['device', (m) => (m.provenance?.device ? { name: m.provenance.device.name, executionProvider: m.provenance.device.executionProvider, cpu: m.provenance.device.cpu } : undefined)],
  ];
  const notes: string[] = [];
  for (const [label, of] of aspects) {
    const distinct = new Map<string, string[]>();
    for (const r of runs) {
      const value = of(r.manifest);
      if (value === undefined) continue;
      const key = JSON.stringify(value);
      distinct.set(key, [...(distinct.get(key) ?? []), formatShard(r.shard)]);
    }
    if (distinct.size > 1) {
      const groups = [...distinct].map(([value, shards]) => `${shards.join(', ')}: ${describe(JSON.parse(value) as unknown)}`);
      notes.push(`The shards were scored with different ${label} (${groups.join('; ')}); run.json's mergedFrom holds each shard's provenance.`);
    }
  }
  return notes;
}

function describe(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  return Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k} ${String(v)}`).join(', ');
}
