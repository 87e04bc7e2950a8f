import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { compareRuns, reportRun } from '../api/report-runs.js';
import type { RunSummary } from '../benchmarks/method-summary.js';
import { RunFolderError } from '../run-store/run-folder-error.js';
import { summaryJson } from '../run-store/summary-file.js';
import { EXIT } from '../util/exit-codes.js';
import { addExamples } from './help-layout.js';
import { exitOnSignals } from './interrupt.js';

interface ReportOptions {
  out?: string;
  json?: boolean;
  label?: [string, string][];
  forceUnlock?: boolean;
  force?: boolean;
}

/** `endorm report RUN... [--out DIR] [--label RUN=NAME] [--json]`: rebuilds one run's summary and reports, or compares several runs. */
export function reportCommand(): Command {
  const command = new Command('report')
    .description(
      "rebuild a run's summary.json and reports (report.md, report.csv, report.html) from run.json and scores.jsonl, " +
        'or compare several runs side by side (comparison.md, .csv, .html), with a paired test of each run against the first',
    )
    .argument('<runs...>', 'run folder(s)')
    .option('-o, --out <dir>', 'write into this folder (one run: instead of the run folder; several runs: required)')
    .option('--label <run=name>', "a comparison column's label: RUN is the folder as given (or its last part); repeatable (default: the model's name and the settings that differ)", collectLabel)
    .option('--json', 'print the summary (an array of summaries with several runs) as JSON on stdout')
    .option('--force', '--out: write into a folder that holds another run (locked meanwhile) or files endorm did not write')
    .option('--force-unlock', "one run written in place: take over its lock although another host took it (only when no endorm writes it any more)")
    .action(async (runs: string[], options: ReportOptions) => {
      if (runs.length > 1 && !options.out) {
        console.error(`endorm report: comparing ${runs.length} runs needs --out DIR for comparison.md/.csv/.html`);
        process.exitCode = EXIT.usage;
        return;
      }
      let labels: (string | undefined)[];
      try {
        labels = labelsByRun(runs, options.label ?? []);
      } catch (error) {
        console.error(`endorm report: ${(error as Error).message}`);
        process.exitCode = EXIT.usage;
        return;
      }
      // Paths written go to stderr under --json, so that stdout stays parseable.
      const say = options.json ? (line: string) => console.error(line) : (line: string) => console.log(line);
      let result: { summaries: RunSummary[]; written: string[] };
      const signals = exitOnSignals('report');
      try {
        if (runs.length === 1) {
          const one = await reportRun(runs[0]!, options.out ?? runs[0]!, { forceUnlock: options.forceUnlock, force: options.force, onNote: (note) => console.error(`endorm report: ${note}`) });
          result = { summaries: [one.summary], written: one.written };
        } else {
          result = await compareRuns(runs, options.out!, { labels, force: options.force, onNote: (note) => console.error(`endorm report: ${note}`) });
        }
      } catch (error) {
        if (!(error instanceof RunFolderError)) throw error;
        console.error(`endorm report: ${error.message}`);
        process.exitCode = error.exitCode;
        return;
      } finally {
        signals.dispose();
      }
      for (const file of result.written) say(`wrote ${file}`);
      if (options.json) {
        process.stdout.write(result.summaries.length === 1 ? summaryJson(result.summaries[0]!) : `${JSON.stringify(result.summaries, null, 2)}\n`);
      }
    });
  return addExamples(command, [
    ["rebuild a run's summary and reports (after an upgrade, or to read them again)", 'endorm report results/RUN'],
    ['two models side by side, with short column labels', 'endorm report results/RUN-A results/RUN-B --label RUN-A=qwen --label RUN-B=llama -o results/qwen-vs-llama'],
  ]);
}

function collectLabel(value: string, previous: [string, string][] = []): [string, string][] {
  const eq = value.lastIndexOf('=');
  if (eq <= 0 || eq === value.length - 1) throw new InvalidArgumentError(`"${value}" is not RUN=NAME`);
  return [...previous, [value.slice(0, eq), value.slice(eq + 1)]];
}

/** `--label RUN=NAME` by run: RUN matches a run folder as given, or its last path part; an unknown or ambiguous RUN is refused. */
export function labelsByRun(runs: readonly string[], given: readonly (readonly [string, string])[]): (string | undefined)[] {
  const labels: (string | undefined)[] = runs.map(() => undefined);
  const tidy = (p: string) => p.replace(/[\\/]+$/, '');
  for (const [run, name] of given) {
    let matches = runs.flatMap((r, i) => (tidy(r) === tidy(run) ? [i] : []));
    if (matches.length === 0) matches = runs.flatMap((r, i) => (path.basename(tidy(r)) === tidy(run) ? [i] : []));
    if (matches.length !== 1) {
      throw new Error(`--label ${run}=${name}: ${matches.length ? `"${run}" names ${matches.length} of the runs` : `"${run}" is none of the runs`} (${runs.join(', ')})`);
    }
    labels[matches[0]!] = name;
  }
  const taken = labels.filter((l): l is string => l !== undefined);
  const twice = taken.find((l, i) => taken.indexOf(l) !== i);
  if (twice !== undefined) throw new Error(`--label: "${twice}" labels two runs; labels must tell runs apart`);
  return labels;
}
