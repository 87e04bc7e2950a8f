import { parseMethodSpec } from '../rewards/method-spec.js';
import { createResponseMethod, RESPONSE_METHOD_NAMES } from '../rewards/response-methods.js';
import { RunFolderError } from '../run-store/run-folder-error.js';

/** Whether any of a run's methods writes token traces: a per-response method that reads the model's values. */
export function tracesTokens(specs: readonly string[]): boolean {
  return specs.some((spec) => {
    const m = parseMethodSpec(spec);
    return (RESPONSE_METHOD_NAMES as string[]).includes(m.name) && createResponseMethod(m).alphas.length > 0;
  });
}

/**
 * locateTraces' "scored with --no-traces" is wrong for a run whose methods never trace (length reads only the text; a
 * judge keeps only its verdict): such a run is told so, and which methods would give token values.
 */
export function explainMissingTraces(err: unknown, run: string, specs: readonly string[]): unknown {
  if (!(err instanceof RunFolderError) || tracesTokens(specs)) return err;
  const tracing = RESPONSE_METHOD_NAMES.filter((name) => createResponseMethod(name).alphas.length > 0);
  return new RunFolderError(
    `${run} holds no token values: its methods (${specs.join(', ')}) write no token traces; score with one of ${tracing.join(', ')} to show or rescore tokens`,
    run,
  );
}
