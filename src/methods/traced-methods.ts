import { createResponseMethod, readsModel, RESPONSE_METHOD_NAMES } from '../rewards/response-methods.js';
import { RunFolderError } from '../run-store/run-folder-error.js';
import { planMethods } from './plan-methods.js';

/**
 * locateTraces' "scored with --no-traces" is wrong for a run whose methods never trace (length reads only the text; a
 * judge keeps only its verdict): such a run is told so, and which methods would give token values.
 */
export function explainMissingTraces(err: unknown, run: string, specs: readonly string[]): unknown {
  if (!(err instanceof RunFolderError) || readsModel(planMethods(specs).response)) return err;
  const tracing = RESPONSE_METHOD_NAMES.filter((name) => readsModel([createResponseMethod(name)]));
  return new RunFolderError(
    `${run} holds no token values: its methods (${specs.join(', ')}) write no token traces; score with one of ${tracing.join(', ')} to show or rescore tokens`,
    run,
  );
}
