import path from 'node:path';
import type { RunPairedTest } from '../benchmarks/between-runs.js';
import type { RunSummary } from '../benchmarks/method-summary.js';
import { pairedTestsBetweenRuns, runOutcomes } from '../report/between-runs.js';
import { summarizeRun } from '../report/summarize-run.js';
import { writeComparisonReports } from '../report/write-comparison-reports.js';
import { writeReports } from '../report/write-reports.js';
import { lockRunFolder, RunLockedError } from '../run-store/run-lock.js';
import { readRunManifest } from '../run-store/run-manifest.js';
import { protocolOfKind } from '../protocols/registry.js';

/**
 * `endorm report RUN`: a run's summary.json and reports rebuilt from its run.json and scores.jsonl, without the model.
 * Written into the run folder, they take its lock: a run still being scored would overwrite them, and a report's
 * summary.json must never stand for a run that is still moving (merge reads it to tell a finished shard).
 */
export async function reportRun(run: string, out: string = run, o: { forceUnlock?: boolean; onNote?: (message: string) => void } = {}): Promise<{ summary: RunSummary; written: string[] }> {
  const build = async () => {
    const summary = await summarizeRun(run);
    return { summary, written: await writeReports(out, summary) };
  };
  if (path.resolve(out) !== path.resolve(run)) return build();
  // A folder that holds no run is said so before a lock would create it (or lock a folder of the user's).
  await readRunManifest(run);
  let lock;
  try {
    lock = await lockRunFolder(run, { command: 'report', forceUnlock: o.forceUnlock, onNote: o.onNote });
  } catch (err) {
    if (err instanceof RunLockedError) throw new RunLockedError(`${err.message}; or write the reports elsewhere with --out DIR`, err.holder);
    throw err;
  }
  try {
    return await build();
  } finally {
    await lock.release();
  }
}

export interface CompareRunsOptions {
  /** Column labels, by run (`--label RUN=NAME`); runs without one get a short distinct label. */
  labels?: readonly (string | undefined)[];
}

export interface CompareRunsResult {
  summaries: RunSummary[];
  /** Each later run against the first, per method both ran, on their common records. */
  tests: RunPairedTest[];
  written: string[];
}

/** `endorm report RUN... --out DIR`: several runs side by side (comparison.md, .csv, .html); every run is read first. */
export async function compareRuns(runs: readonly string[], out: string, options: CompareRunsOptions = {}): Promise<CompareRunsResult> {
  const summaries: RunSummary[] = [];
  for (const run of runs) summaries.push(await summarizeRun(run));
  const outcomes = [];
  for (const [i, run] of runs.entries()) outcomes.push(await runOutcomes(run, summaries[i]!));
  const kinds = new Set(summaries.map((s) => protocolOfKind(s.dataset.kind)));
  const tests = pairedTestsBetweenRuns(outcomes, kinds.size === 1 ? [...kinds][0] : undefined);
  return { summaries, tests, written: await writeComparisonReports(out, summaries, { labels: options.labels, tests }) };
}
