import { Command } from 'commander';
import { RunFolderError } from '../report/run-folder-error.js';
import { withGridMethods } from '../rewards/method-grid.js';
import { rescoreRun } from '../run/rescore-run.js';
import { EXIT } from './exit-codes.js';
import { addGridOptions, type GridCliOptions } from './grid-options.js';
import { methodList } from './option-parsers.js';
import { readSummary } from './read-summary.js';

interface RescoreCliOptions extends GridCliOptions {
  methods: string[];
  out?: string;
  json?: boolean;
  quiet?: boolean;
}

/** `endorm rescore RUN --methods SPECS [--alpha L --gamma L]`: new settings from a run's token traces, no model. */
export function rescoreCommand(): Command {
  const command = new Command('rescore')
    .description(
      "recompute endorm / loglik variants (any γ, terminal, shaping, normalize, and any α the run traced) from a run's token traces, " +
        'without the model, into a new run folder with its own summary and reports',
    )
    .argument('<run>', 'run folder scored with traces (the default)')
    .option('--methods <specs>', 'comma-separated method specs, e.g. endorm:gamma=0.9,terminal=keep,loglik-mean', methodList, [])
    .option('-o, --out <dir>', 'new run folder (default <run>-rescore-<time>)')
    .option('--json', 'print summary.json to stdout when done')
    .option('-q, --quiet', 'no output but errors');
  addGridOptions(command);
  command.action(async (run: string, opts: RescoreCliOptions) => {
    const { methods, grid } = withGridMethods(opts.methods, opts.alpha, opts.gamma);
    let result;
    try {
      result = await rescoreRun({ run, methods, ...(grid ? { grid } : {}), ...(opts.out ? { out: opts.out } : {}) });
    } catch (err) {
      if (!(err instanceof RunFolderError)) throw err;
      process.stderr.write(`endorm rescore: ${err.message}\n`);
      process.exitCode = EXIT.input;
      return;
    }
    const summary = await readSummary(result.runDir);
    if (opts.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    if (!opts.quiet) {
      const say = (line: string) => process.stderr.write(line + '\n');
      say(`endorm: rescored ${result.responses} responses from ${result.tracesDirs.join(', ')} in ${result.seconds.toFixed(2)} s (no model)`);
      if (result.missingTraces > 0) say(`endorm: ${result.missingTraces} response(s) had no trace and were left out`);
      for (const [spec, m] of Object.entries(summary.methods as Record<string, { accuracy: number | null; pairs: number; ties: number }>)) {
        say(`  ${spec.padEnd(28)} accuracy ${m.accuracy === null ? '—' : `${(100 * m.accuracy).toFixed(1)}%`}  (${m.pairs} pairs, ${m.ties} ties)`);
      }
      say(`endorm: wrote ${result.runDir}/`);
    }
  });
  return command;
}
