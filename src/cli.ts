import { Command, CommanderError } from 'commander';
import { inspectCommand } from './commands/inspect.js';
import { mergeCommand } from './commands/merge.js';
import { reportCommand } from './commands/report.js';
import { rescoreCommand } from './commands/rescore.js';
import { scoreCommand } from './commands/score.js';
import { showCommand } from './commands/show.js';
import { addExamples } from './commands/help-layout.js';
import { fileSystemFault } from './util/cannot-write-error.js';
import { EndormError } from './util/endorm-error.js';
import { EXIT } from './util/exit-codes.js';
import { ENDORM_VERSION } from './util/version.js';

/** `argv` as node gives it (node, the script, its arguments); run.json records the script and its arguments. */
export function buildProgram(argv: readonly string[] = process.argv): Command {
  const typed = argv.slice(1);
  const program = new Command('endorm')
    .description('Turn any causal language model into a reward model without training (the endogenous reward), and measure it on preference benchmarks.')
    .version(ENDORM_VERSION)
    .showHelpAfterError()
    .exitOverride();
  addExamples(program, [
    ['score a pair file with a local model, then open results/<run>/report.html', 'endorm score -m examples/models/stories260K -d datasets/stories-sample.jsonl'],
    ['one response token by token', 'endorm inspect -p "Once upon a time" -r " there was a cat."'],
    ['two runs side by side', 'endorm report results/RUN-A results/RUN-B -o results/compare'],
    ["each command's options and examples", 'endorm score --help'],
  ]);
  for (const command of [scoreCommand(typed), inspectCommand(), reportCommand(), mergeCommand()]) program.addCommand(command.exitOverride());
  for (const command of [rescoreCommand(typed), showCommand()]) program.addCommand(command.exitOverride());
  return program;
}

/** Runs the CLI and returns the exit code (see util/exit-codes.ts). */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram(argv).parseAsync(argv);
    return Number(process.exitCode ?? EXIT.ok);
  } catch (err) {
    return reportError(err);
  }
}

function reportError(thrown: unknown): number {
  // Every file-system error on every path is exit 6, whichever command met it.
  const err = fileSystemFault(thrown);
  if (err instanceof CommanderError) {
    // commander already printed its message (or the help / version text).
    return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (err instanceof EndormError) {
    process.stderr.write(`endorm: ${err.describe()}\n`);
    return err.exitCode;
  }
  const message = (err as Error)?.message ?? String(err);
  process.stderr.write(`endorm: internal error: ${(err as Error)?.stack ?? message}\n`);
  return EXIT.internal;
}
