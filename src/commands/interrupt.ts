import { EndormError } from '../util/endorm-error.js';
import { EXIT } from '../util/exit-codes.js';

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** A run stopped by Ctrl-C (SIGINT) or a SIGTERM (CI cancel, Kubernetes eviction) after flushing its scores. */
export class InterruptedError extends EndormError {
  override name = 'InterruptedError';
  constructor(readonly signal: StopSignal = 'SIGINT') {
    super(`interrupted by ${signal}`);
  }

  get exitCode(): number {
    return interruptedExitCode(this.signal);
  }

  override describe(): string {
    return 'interrupted; the scores written so far are kept (rerun with the same --out, or --resume DIR, to go on)';
  }
}

export function interruptedExitCode(signal: StopSignal): number {
  return signal === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted;
}

/**
 * Turns the first SIGINT or SIGTERM into an abort of `signal` (the library stops after the batch in flight, whose
 * scores are flushed), and a second one into an immediate exit: a second Ctrl-C means "now".
 */
export function stopOnSignals(say: (line: string) => void): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handler = (received: StopSignal) => {
    if (controller.signal.aborted) return process.exit(interruptedExitCode(received));
    say(`endorm: ${received}: stopping after the batch in flight (${received === 'SIGINT' ? 'Ctrl-C' : 'signal'} again to stop at once)`);
    controller.abort(new InterruptedError(received));
  };
  const listeners = (['SIGINT', 'SIGTERM'] as const).map((s) => [s, () => handler(s)] as const);
  for (const [s, listener] of listeners) process.on(s, listener);
  return {
    signal: controller.signal,
    dispose: () => {
      for (const [s, listener] of listeners) process.off(s, listener);
    },
  };
}

/**
 * For commands that write a folder in one short go (`rescore`, `merge`, `report`): the first SIGINT or SIGTERM ends the
 * process at once with its exit code, through process.exit, whose exit hook releases the run locks this process holds
 * (run-store/run-lock.ts). What was half written is no finished run (it has no complete.json): the same command, run
 * again, redoes it.
 */
export function exitOnSignals(command: string): { dispose(): void } {
  const listeners = (['SIGINT', 'SIGTERM'] as const).map(
    (s) =>
      [
        s,
        () => {
          process.stderr.write(`\nendorm ${command}: ${s}: stopped; run the same command again to redo what it was writing\n`);
          process.exit(interruptedExitCode(s));
        },
      ] as const,
  );
  for (const [s, listener] of listeners) process.on(s, listener);
  return {
    dispose: () => {
      for (const [s, listener] of listeners) process.off(s, listener);
    },
  };
}
