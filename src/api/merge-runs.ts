import type { RunSummary } from '../benchmarks/method-summary.js';
import { summarizeRun } from '../report/summarize-run.js';
import { writeReports } from '../report/write-reports.js';
import { refuseLinkedFolder } from '../run-store/output-rules.js';
import { markComplete } from '../run-store/run-complete.js';
import { lockRunFolder } from '../run-store/run-lock.js';
import { mergeShards } from '../run/merge-shards.js';
import { checkOutFolder } from '../run/out-folder.js';

export interface MergeRunsResult {
  runDir: string;
  summary: RunSummary;
}

/**
 * `endorm merge` as a library call: the runs of `--shard 1/N` … `--shard N/N` combined into one run folder (see
 * mergeShards for what is refused), then its summary and reports, as if the dataset had been scored in one go. `out`
 * must be new, empty or a folder of a run (which is refused); it is locked while it is written.
 */
export async function mergeRuns(dirs: readonly string[], out: string, o: { forceUnlock?: boolean; onNote?: (message: string) => void } = {}): Promise<MergeRunsResult> {
  await refuseLinkedFolder(out);
  await checkOutFolder(out);
  const lock = await lockRunFolder(out, { command: 'merge', forceUnlock: o.forceUnlock, onNote: o.onNote });
  try {
    const merged = await mergeShards(dirs, out);
    const summary = await summarizeRun(merged.runDir, { timing: merged.timing, skipped: merged.skipped, notes: merged.notes });
    await writeReports(merged.runDir, summary);
    await markComplete(merged.runDir, 'merge');
    return { runDir: merged.runDir, summary };
  } finally {
    await lock.release();
  }
}
