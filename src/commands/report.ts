import { Command } from 'commander';
import { compareRuns, reportRun } from '../api/report-runs.js';
import type { RunSummary } from '../benchmarks/method-summary.js';
import { RunFolderError } from '../run-store/run-folder-error.js';
import { summaryJson } from '../run-store/summary-file.js';
import { EXIT } from '../util/exit-codes.js';

interface ReportOptions {
  out?: string;
  json?: boolean;
}

/** `endorm report RUN... [--out DIR] [--json]`: rebuilds one run's summary and reports, or compares several runs. */
export function reportCommand(): Command {
  return new Command('report')
    .description(
      "rebuild a run's summary.json and reports (report.md, report.csv, report.html) from run.json and scores.jsonl, " +
        'or compare several runs side by side (comparison.md, .csv, .html)',
    )
    .argument('<runs...>', 'run folder(s)')
    .option('-o, --out <dir>', 'write into this folder (one run: instead of the run folder; several runs: required)')
    .option('--json', 'print the summary (an array of summaries with several runs) as JSON on stdout')
    .action(async (runs: string[], options: ReportOptions) => {
      if (runs.length > 1 && !options.out) {
        console.error(`endorm report: comparing ${runs.length} runs needs --out DIR for comparison.md/.csv/.html`);
        process.exitCode = EXIT.usage;
        return;
      }
      // Paths written go to stderr under --json, so that stdout stays parseable.
      const say = options.json ? (line: string) => console.error(line) : (line: string) => console.log(line);
      let result: { summaries: RunSummary[]; written: string[] };
      try {
        if (runs.length === 1) {
          const one = await reportRun(runs[0]!, options.out ?? runs[0]!);
          result = { summaries: [one.summary], written: one.written };
        } else {
          result = await compareRuns(runs, options.out!);
        }
      } catch (error) {
        if (!(error instanceof RunFolderError)) throw error;
        console.error(`endorm report: ${error.message}`);
        process.exitCode = error.exitCode;
        return;
      }
      for (const file of result.written) say(`wrote ${file}`);
      if (options.json) {
        process.stdout.write(result.summaries.length === 1 ? summaryJson(result.summaries[0]!) : `${JSON.stringify(result.summaries, null, 2)}\n`);
      }
    });
}
