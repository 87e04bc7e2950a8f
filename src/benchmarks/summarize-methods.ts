import { referenceMethod } from '../methods/reference-method.js';
import { accuracyStats, groupAccuracy } from './accuracy.js';
import { cutInputs } from './cut-inputs.js';
import { createResponseMethod, readsModel } from '../rewards/response-methods.js';
import type { BootstrapOptions } from './bootstrap.js';
import { methodOutcomes, type NonFiniteScores, type RecordOutcome, type Shape } from './cells.js';
import { positionStats, truncatedJudgeLines } from './judge-stats.js';
import type { MethodSummary } from './method-summary.js';
import { pairedTest } from './paired-comparison.js';
import type { ScoreRecordStore } from './record-store.js';

export interface SummarizeMethodsOptions {
  /** Methods in report order (run.json's settings.methods); specs found only in the scores follow, in order seen. */
  methods?: readonly string[];
  /** What the run's benchmark protocol adds: a fixed record shape, and its own summary of each method. */
  protocol?: ProtocolAggregation;
  /** The method the others are tested against (run.json's settings.reference); default: see referenceMethod. */
  reference?: string;
  /** The run sweeps an α × γ grid: the default reference is then endorm's default setting (see referenceMethod). */
  grid?: boolean;
  bootstrap?: BootstrapOptions;
  /** Only the records whose key passes (a part of the run, e.g. --select-on's); default all. */
  only?: (key: string) => boolean;
}

/** A benchmark protocol's part in a method's summary (see src/protocols/protocol.ts). */
export interface ProtocolAggregation {
  /** Every record's shape, when the protocol fixes it; otherwise each record's is read off its lines. */
  shape?: Shape;
  /** Whether a record with a non-finite score is left out (default) or kept with NaN (see NonFiniteScores). */
  nonFiniteScores?: NonFiniteScores;
  /** Its summary of one method's record outcomes, kept under `key` (its intervals drawn with the run's bootstrap). */
  summary?: { key: string; summarize(records: readonly RecordOutcome[], options?: { bootstrap?: BootstrapOptions }): unknown };
}

/** Whether a method's score comes from the model's pass over its input (a judge, endorm, loglik; not length). */
function readsModelOutput(spec: string): boolean {
  try {
    return readsModel([createResponseMethod(spec)]);
  } catch {
    return true; // a judge (or a spec of an older run): its input went through the model
  }
}

/** Aggregates every method of a run. Method order: `options.methods`, then specs seen only in the scores. */
export function summarizeMethods(
  store: ScoreRecordStore,
  options: SummarizeMethodsOptions = {},
): Record<string, MethodSummary> {
  const kinds = store.methodKinds();
  const methods = [...new Set([...(options.methods ?? []), ...kinds.keys()])];
  const shape = options.protocol?.shape;
  const part = options.protocol?.summary;
  const only = options.only;
  const pairs = only ? [...store.pairs()].filter((p) => only(p.key)) : [...store.pairs()];

  const outcomes = new Map<string, RecordOutcome[]>();
  for (const method of methods) outcomes.set(method, methodOutcomes(pairs, method, kinds.get(method) ?? 'response', shape, options.protocol?.nonFiniteScores));

  const reference = referenceMethod(methods, options.reference, { grid: options.grid === true });
  const result: Record<string, MethodSummary> = {};
  for (const method of methods) {
    const records = outcomes.get(method)!;
    const stats = accuracyStats(records, options.bootstrap);
    const summary: MethodSummary = {
      kind: kinds.get(method) ?? 'response',
      ...stats,
      incomplete: pairs.length - records.length,
      groups: groupAccuracy(records, options.bootstrap),
    };
    // A protocol may have nothing to add for a run (best-of-N on plain pairs): then its key is left out.
    const own = part?.summarize(records, options.bootstrap ? { bootstrap: options.bootstrap } : {});
    if (part && own !== undefined) (summary as unknown as Record<string, unknown>)[part.key] = own;
    const position = summary.kind === 'comparison' ? positionStats(records) : null;
    if (position) summary.position = position;
    const truncated = truncatedJudgeLines(pairs, method);
    if (truncated > 0) summary.truncatedPrompts = truncated;
    const cut = cutInputs(pairs, method);
    if (cut.cut > 0 && readsModelOutput(method)) summary.cutInputs = cut;
    if (reference !== undefined && method !== reference) {
      summary.vsReference = pairedTest(reference, outcomes.get(reference)!, records);
    }
    result[method] = summary;
  }
  return result;
}
