import type { RunSummary } from '../benchmarks/method-summary.js';
import { summarizeRun } from '../report/summarize-run.js';
import { writeReports } from '../report/write-reports.js';
import { refuseLinkedFolder } from '../run-store/output-rules.js';
import { markComplete } from '../run-store/run-complete.js';
import { lockRunFolder } from '../run-store/run-lock.js';
import { mergeShards } from '../run/merge-shards.js';
import { checkOutFolder } from '../run/out-folder.js';
import { shardsToMerge } from '../run/shard-layout.js';

export interface MergeRunsResult {
  runDir: string;
  summary: RunSummary;
  /** The shard folders merged, in shard order as given or found. */
  shards: string[];
}

/**
 * `endorm merge` as a library call: the runs of `--shard 1/N` … `--shard N/N` combined into one run folder (see
 * mergeShards for what is refused), then its summary and reports, as if the dataset had been scored in one go. `out`
 * must be new, empty or a folder of a run (which is refused); it is locked while it is written. `dirs` may also be one
 * folder of `--shard auto` runs (`DIR/shard-K-of-N/`): all N must be there and finished (else ShardsMissingError, exit 8,
 * or ShardsRunningError, exit 7), and `out` defaults to `DIR/merged`.
 */
export async function mergeRuns(
  inputs: readonly string[],
  outGiven?: string,
  o: { forceUnlock?: boolean; onNote?: (message: string) => void } = {},
): Promise<MergeRunsResult> {
  const { dirs, out } = await shardsToMerge(inputs, outGiven);
  await refuseLinkedFolder(out);
  await checkOutFolder(out);
  const lock = await lockRunFolder(out, { command: 'merge', forceUnlock: o.forceUnlock, onNote: o.onNote });
  try {
    const merged = await mergeShards(dirs, out);
    const summary = await summarizeRun(merged.runDir, { timing: merged.timing, skipped: merged.skipped, notes: merged.notes });
    await writeReports(merged.runDir, summary);
    await markComplete(merged.runDir, 'merge');
    return { runDir: merged.runDir, summary, shards: dirs };
  } finally {
    await lock.release();
  }
}
