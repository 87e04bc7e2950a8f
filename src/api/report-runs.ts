import path from 'node:path';
import type { RunPairedTest } from '../benchmarks/between-runs.js';
import type { RunSummary } from '../benchmarks/method-summary.js';
import { pairedTestsBetweenRuns, runOutcomes } from '../report/between-runs.js';
import { summarizeRun } from '../report/summarize-run.js';
import { writeComparisonReports } from '../report/write-comparison-reports.js';
import { writeReports } from '../report/write-reports.js';
import { checkReportFolder } from '../run-store/output-rules.js';
import { requireComplete } from '../run-store/run-complete.js';
import { lockRunFolder } from '../run-store/run-lock.js';
import { readRunManifest } from '../run-store/run-manifest.js';
import { protocolOfKind } from '../protocols/registry.js';

export interface ReportRunOptions {
  forceUnlock?: boolean;
  /** Write into an --out folder that holds another run or files endorm did not write (see run-store/output-rules.ts). */
  force?: boolean;
  onNote?: (message: string) => void;
}

/**
 * `endorm report RUN`: a run's summary.json and reports rebuilt from its run.json and scores.jsonl, without the model.
 * Only a finished run is reported (run-store/run-complete.ts). Written into the run folder, they take its lock: a run
 * still being scored would overwrite them, and a report's summary.json must never stand for a run that is still
 * moving. Written elsewhere, `out` follows the rules of every file endorm writes outside its own run folder.
 */
export async function reportRun(run: string, out: string = run, o: ReportRunOptions = {}): Promise<{ summary: RunSummary; written: string[] }> {
  // A folder that holds no run is said so before a lock would create it (or lock a folder of the user's).
  const manifest = await readRunManifest(run);
  const inPlace = path.resolve(out) === path.resolve(run);
  const build = async () => {
    const note = await requireComplete(run, manifest, 'report');
    if (note) o.onNote?.(note);
    const summary = await summarizeRun(run);
    return { summary, written: await writeReports(out, summary) };
  };
  if (!inPlace) return withOutFolder(out, o, build);
  const lock = await lockRunFolder(run, { command: 'report', forceUnlock: o.forceUnlock, onNote: o.onNote });
  try {
    return await build();
  } finally {
    await lock.release();
  }
}

/** Runs `write` once `out` passed the output rules; an --out holding a run (allowed by --force) is locked meanwhile. */
async function withOutFolder<T>(out: string, o: ReportRunOptions, write: () => Promise<T>): Promise<T> {
  const { holdsRun } = await checkReportFolder(out, { force: o.force });
  if (!holdsRun) return write();
  const lock = await lockRunFolder(out, { command: 'report', forceUnlock: o.forceUnlock, onNote: o.onNote });
  try {
    return await write();
  } finally {
    await lock.release();
  }
}

export interface CompareRunsOptions {
  /** Column labels, by run (`--label RUN=NAME`); runs without one get a short distinct label. */
  labels?: readonly (string | undefined)[];
  /** As ReportRunOptions.force. */
  force?: boolean;
  onNote?: (message: string) => void;
}

export interface CompareRunsResult {
  summaries: RunSummary[];
  /** Each later run against the first, per method both ran, on their common records. */
  tests: RunPairedTest[];
  written: string[];
}

/** `endorm report RUN... --out DIR`: several runs side by side (comparison.md, .csv, .html); every run is read first. */
export async function compareRuns(runs: readonly string[], out: string, options: CompareRunsOptions = {}): Promise<CompareRunsResult> {
  for (const run of runs) {
    const note = await requireComplete(run, await readRunManifest(run), 'report');
    if (note) options.onNote?.(note);
  }
  await checkReportFolder(out, { force: options.force });
  const summaries: RunSummary[] = [];
  for (const run of runs) summaries.push(await summarizeRun(run));
  const outcomes = [];
  for (const [i, run] of runs.entries()) outcomes.push(await runOutcomes(run, summaries[i]!));
  const kinds = new Set(summaries.map((s) => protocolOfKind(s.dataset.kind)));
  const tests = pairedTestsBetweenRuns(outcomes, kinds.size === 1 ? [...kinds][0] : undefined);
  const written = await withOutFolder(out, options, () => writeComparisonReports(out, summaries, { labels: options.labels, tests }));
  return { summaries, tests, written };
}
