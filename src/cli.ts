import { Command, CommanderError } from 'commander';
import { inspectCommand } from './commands/inspect.js';
import { reportCommand } from './commands/report.js';
import { scoreCommand } from './commands/score.js';
import { mergeCommand } from './commands/merge.js';
import { InterruptedError, interruptedExitCode } from './commands/interrupt.js';
import { rescoreCommand } from './commands/rescore.js';
import { showCommand } from './commands/show.js';
import { EXIT } from './commands/exit-codes.js';
import { ENDORM_VERSION } from './version.js';
import { InputError } from './datasets/input-error.js';
import { ModelError } from './model/model-errors.js';
import { MethodSpecError } from './rewards/method-spec.js';
import { HubError } from './model/hub/hub-errors.js';
import { JudgeLengthError } from './judges/judge-format.js';
import { JudgePromptError } from './judges/prompt-template.js';
import { LabelTokenError } from './judges/label-tokens.js';
import { SettingsError } from './run/settings-error.js';
import { RunFolderError } from './report/run-folder-error.js';

export function buildProgram(): Command {
  const program = new Command('endorm')
    .description('Turn any causal language model into a reward model without training (the endogenous reward), and measure it on preference benchmarks.')
    .version(ENDORM_VERSION)
    .showHelpAfterError()
    .exitOverride();
  for (const command of [scoreCommand(), inspectCommand(), reportCommand(), mergeCommand()]) program.addCommand(command.exitOverride());
  for (const command of [rescoreCommand(), showCommand()]) program.addCommand(command.exitOverride());
  return program;
}

/** Runs the CLI and returns the exit code (see commands/exit-codes.ts). */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return Number(process.exitCode ?? EXIT.ok);
  } catch (err) {
    return reportError(err);
  }
}

function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // commander already printed its message (or the help / version text).
    return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (err instanceof InterruptedError) {
    process.stderr.write('endorm: interrupted; the scores written so far are kept (rerun with the same --out, or --resume DIR, to go on)\n');
    return interruptedExitCode(err.signal);
  }
  const message = (err as Error)?.message ?? String(err);
  if (err instanceof MethodSpecError || err instanceof SettingsError) return fail(message, EXIT.usage);
  if (err instanceof JudgePromptError || err instanceof JudgeLengthError) return fail(message, EXIT.usage);
  if (err instanceof LabelTokenError) return fail(message, EXIT.model);
  if (err instanceof InputError || err instanceof RunFolderError) return fail(message, EXIT.input);
  if (err instanceof ModelError || err instanceof HubError) return fail(message, EXIT.model);
  process.stderr.write(`endorm: internal error: ${(err as Error)?.stack ?? message}\n`);
  return EXIT.internal;
}

function fail(message: string, code: number): number {
  process.stderr.write(`endorm: error: ${message}\n`);
  return code;
}
