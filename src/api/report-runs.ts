import type { RunSummary } from '../benchmarks/method-summary.js';
import { summarizeRun } from '../report/summarize-run.js';
import { writeComparisonReports } from '../report/write-comparison-reports.js';
import { writeReports } from '../report/write-reports.js';

/** `endorm report RUN`: a run's summary.json and reports rebuilt from its run.json and scores.jsonl, without the model. */
export async function reportRun(run: string, out: string = run): Promise<{ summary: RunSummary; written: string[] }> {
  const summary = await summarizeRun(run);
  return { summary, written: await writeReports(out, summary) };
}

/** `endorm report RUN... --out DIR`: several runs side by side (comparison.md, .csv, .html); every run is read first. */
export async function compareRuns(runs: readonly string[], out: string): Promise<{ summaries: RunSummary[]; written: string[] }> {
  const summaries: RunSummary[] = [];
  for (const run of runs) summaries.push(await summarizeRun(run));
  return { summaries, written: await writeComparisonReports(out, summaries) };
}
