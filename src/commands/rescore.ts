import { Command, Option } from 'commander';
import { rescoreRun } from '../api/rescore-run.js';
import { withGridMethods } from '../rewards/method-grid.js';
import { RunFolderError } from '../run-store/run-folder-error.js';
import { readSummary } from '../run-store/summary-file.js';
import { exitOnSignals } from './interrupt.js';
import { addGridOptions, withSelectOn, type GridCliOptions } from './grid-options.js';
import { addExamples, groupOptions } from './help-layout.js';
import { methodLine, type MethodLineInput } from './method-lines.js';
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
/** `argv`: the command line as typed (the script, then its arguments), recorded in the new run.json. */
export function rescoreCommand(argv: readonly string[] = process.argv.slice(1)): Command {
  const command = new Command('rescore')
    .description(
      "recompute endorm / loglik variants (any γ, terminal, shaping, normalize, and any α the run traced) from a run's token traces, " +
        'without the model, into a new run folder with its own summary and reports',
    )
    .argument('<run>', 'run folder scored with traces (the default)')
    .addOption(
      new Option('--methods <specs>', 'comma-separated method specs, e.g. endorm:gamma=0.9,terminal=keep,loglik-mean')
        .argParser(methodList)
        .default([], 'none; give --methods, --alpha or --gamma'),
    )
    .option('-o, --out <dir>', 'new run folder (default <run>-rescore-<time>)')
    .option('--reference <method>', 'method spec the reports test every other method against (McNemar); default: the first endorm method')
    .option('--json', 'print summary.json to stdout when done')
    .option('-q, --quiet', 'no output but errors')
    .option('--force-unlock', "take over the new folder's lock although another host took it");
  addGridOptions(command);
  groupOptions(command, {
    'Method options': ['--methods', '--alpha', '--gamma', '--select-on', '--reference'],
    'Output options': ['--out', '--force-unlock', '--json', '--quiet'],
  });
  addExamples(command, [
    ['discounts and a length-normalised likelihood from the traces of an earlier run', 'endorm rescore results/RUN --methods endorm:gamma=0.9,endorm:gamma=0.99,loglik-mean'],
    ['a γ sweep at the temperatures the run traced, with a grid heat map', 'endorm rescore results/RUN --gamma 0.8,0.9,0.95,0.99,1 -o results/RUN-gamma'],
  ]);
  command.action(async (run: string, opts: RescoreCliOptions) => {
    const expanded = withGridMethods(opts.methods, opts.alpha, opts.gamma);
    const grid = expanded.grid;
    const methods = withSelectOn(expanded.methods, grid, opts.selectOn);
    let result;
    const signals = exitOnSignals('rescore');
    try {
      result = await rescoreRun({
        run,
        methods,
        ...(grid ? { grid } : {}),
        ...(opts.selectOn !== undefined ? { selectOn: opts.selectOn } : {}),
        ...(opts.reference !== undefined ? { reference: opts.reference } : {}),
        ...(opts.out ? { out: opts.out } : {}),
        argv,
        forceUnlock: opts.forceUnlock,
        onNote: opts.quiet ? undefined : (note) => process.stderr.write(`endorm: note: ${note}\n`),
      });
    } catch (err) {
      if (!(err instanceof RunFolderError)) throw err;
      process.stderr.write(`endorm rescore: ${err.message}\n`);
      process.exitCode = err.exitCode;
      return;
    } finally {
      signals.dispose();
    }
    const summary = await readSummary(result.runDir);
    if (opts.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    if (!opts.quiet) {
      const say = (line: string) => process.stderr.write(line + '\n');
      say(`endorm: rescored ${result.responses} responses from ${result.tracesDirs.join(', ')} in ${result.seconds.toFixed(2)} s (no model)`);
      if (result.missingTraces > 0) say(`endorm: ${result.missingTraces} response(s) had no trace and were left out`);
      for (const [spec, m] of Object.entries(summary.methods as Record<string, MethodLineInput>)) say(methodLine(spec, m));
      say(`endorm: wrote ${result.runDir}/`);
    }
  });
  return command;
}
