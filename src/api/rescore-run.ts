import { summarizeRun } from '../report/summarize-run.js';
import { writeReports } from '../report/write-reports.js';
import { refuseLinkedFolder } from '../run-store/output-rules.js';
import { markComplete, requireComplete } from '../run-store/run-complete.js';
import { pathExists } from '../run-store/run-files.js';
import { lockRunFolder } from '../run-store/run-lock.js';
import { readRunManifest } from '../run-store/run-manifest.js';
import { discardUnstartedRun } from '../run/discard-unstarted.js';
import { checkRescoreOut, defaultRescoreDir, rescoreTraces, type RescoreRunOptions as RescoreTracesOptions, type RescoreRunResult } from '../run/rescore-traces.js';

export interface RescoreRunOptions extends RescoreTracesOptions {
  /** Take over the new folder's lock although it was taken on another host (see run-store/run-lock.ts). */
  forceUnlock?: boolean;
  /** Told when a stale lock was taken over. */
  onNote?: (message: string) => void;
}

export type { RescoreRunResult };

/**
 * `endorm rescore` as a library call: per-response methods recomputed from a run's token traces with no model, into a
 * new run folder (run.json, scores.jsonl, summary and reports) that `endorm report` treats like any other. The new
 * folder is locked while it is written (one writer per run folder).
 */
export async function rescoreRun(o: RescoreRunOptions): Promise<RescoreRunResult> {
  const out = o.out ?? (await defaultRescoreDir(o.run, o.now ?? new Date()));
  await refuseLinkedFolder(out);
  await checkRescoreOut(out, o.run);
  const note = await requireComplete(o.run, await readRunManifest(o.run), 'rescore');
  if (note) o.onNote?.(note);
  const fresh = !(await pathExists(out));
  const lock = await lockRunFolder(out, { command: 'rescore', forceUnlock: o.forceUnlock, onNote: o.onNote });
  try {
    const result = await rescoreTraces({ ...o, out });
    const timing = { startedAt: result.startedAt.toISOString(), finishedAt: new Date().toISOString(), seconds: result.seconds };
    await writeReports(result.runDir, await summarizeRun(result.runDir, { timing, notes: result.notes }));
    await markComplete(result.runDir, 'rescore');
    return result;
  } catch (err) {
    if (fresh) await discardUnstartedRun(out);
    throw err;
  } finally {
    await lock.release();
  }
}
