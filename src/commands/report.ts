import { Command } from 'commander';
import { RunFolderError } from '../run-store/run-folder-error.js';
import type { RunSummary } from '../benchmarks/method-summary.js';
import { summarizeRun } from '../report/summarize-run.js';
import { summaryJson } from '../run-store/summary-file.js';
import { writeComparisonReports } from '../report/write-comparison-reports.js';
import { writeReports } from '../report/write-reports.js';
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
      const summaries: RunSummary[] = [];
      try {
        for (const run of runs) summaries.push(await summarizeRun(run));
      } catch (error) {
        if (!(error instanceof RunFolderError)) throw error;
        console.error(`endorm report: ${error.message}`);
        process.exitCode = error.exitCode;
        return;
      }

      const written =
        summaries.length === 1
          ? await writeReports(options.out ?? runs[0]!, summaries[0]!)
          : await writeComparisonReports(options.out!, summaries);
      for (const file of written) say(`wrote ${file}`);
      if (options.json) {
        process.stdout.write(summaries.length === 1 ? summaryJson(summaries[0]!) : `${JSON.stringify(summaries, null, 2)}\n`);
      }
    });
}
