import { Command } from 'commander';
import { rescoreRun } from '../api/rescore-run.js';
import { withGridMethods } from '../rewards/method-grid.js';
import { RunFolderError } from '../run-store/run-folder-error.js';
import { readSummary } from '../run-store/summary-file.js';
import { addGridOptions, type GridCliOptions } from './grid-options.js';
import { methodList } from './option-parsers.js';

interface RescoreCliOptions extends GridCliOptions {
  methods: string[];
  out?: string;
  json?: boolean;
  quiet?: boolean;
  reference?: string;
  forceUnlock?: boolean;
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
    .option('--reference <method>', 'method spec the reports test every other method against (McNemar); default: the first endorm method')
    .option('--json', 'print summary.json to stdout when done')
    .option('-q, --quiet', 'no output but errors')
    .option('--force-unlock', "take over the new folder's lock although another host took it");
  addGridOptions(command);
  command.action(async (run: string, opts: RescoreCliOptions) => {
    const { methods, grid } = withGridMethods(opts.methods, opts.alpha, opts.gamma);
    let result;
    try {
      result = await rescoreRun({
        run,
        methods,
        ...(grid ? { grid } : {}),
        ...(opts.reference !== undefined ? { reference: opts.reference } : {}),
        ...(opts.out ? { out: opts.out } : {}),
        forceUnlock: opts.forceUnlock,
        onNote: opts.quiet ? undefined : (note) => process.stderr.write(`endorm: note: ${note}\n`),
      });
    } catch (err) {
      if (!(err instanceof RunFolderError)) throw err;
      process.stderr.write(`endorm rescore: ${err.message}\n`);
      process.exitCode = err.exitCode;
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
