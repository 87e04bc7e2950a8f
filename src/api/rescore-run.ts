import { summarizeRun } from '../report/summarize-run.js';
import { writeReports } from '../report/write-reports.js';
import { rescoreTraces, type RescoreRunOptions, type RescoreRunResult } from '../run/rescore-traces.js';

export type { RescoreRunOptions, RescoreRunResult };

/**
 * `endorm rescore` as a library call: per-response methods recomputed from a run's token traces with no model, into a
 * new run folder (run.json, scores.jsonl, summary and reports) that `endorm report` treats like any other.
 */
export async function rescoreRun(o: RescoreRunOptions): Promise<RescoreRunResult> {
  const result = await rescoreTraces(o);
  const timing = { startedAt: result.startedAt.toISOString(), finishedAt: new Date().toISOString(), seconds: result.seconds };
  await writeReports(result.runDir, await summarizeRun(result.runDir, { timing, notes: result.notes }));
  return result;
}
