import type { RunPairedTest } from '../benchmarks/between-runs.js';
import type { RunSummary } from '../benchmarks/method-summary.js';
import { canonicalMethodSpec } from '../methods/canonical-spec.js';
import { modelName, runLabels } from './run-labels.js';

/** What the comparison reports show: the runs, their column labels, and the paired tests between them. */
export interface Comparison {
  summaries: readonly RunSummary[];
  labels: string[];
  /** Each later run against the first, per method (empty when the score lines were not read). */
  tests: readonly RunPairedTest[];
  /** About the comparison as a whole (methods shown under their canonical spec). */
  notes: string[];
}

export function comparisonOf(summaries: readonly RunSummary[], options: { labels?: readonly (string | undefined)[]; tests?: readonly RunPairedTest[] } = {}): Comparison {
  const labels = runLabels(summaries, options.labels);
  const notes = summaries.flatMap((s, i) =>
    Object.keys(s.methods)
      .filter((spec) => canonicalMethodSpec(spec) !== spec)
      .map((spec) => `${labels[i]}: \`${spec}\` is shown as \`${canonicalMethodSpec(spec)}\` (the same method; default parameters are left out).`),
  );
  return { summaries, labels, tests: options.tests ?? [], notes };
}

/** The page title: the models compared, then the datasets (`stories260K vs tiny-llama3 on rm-bench-chat`). */
export function comparisonTitle(summaries: readonly RunSummary[]): string {
  const models = [...new Set(summaries.map((s) => modelName(s.model.spec)))];
  const datasets = [...new Set(summaries.map((s) => s.dataset.name))];
  return `${models.join(' vs ')} on ${datasets.join(', ')}`;
}

export const BETWEEN_RUNS_EXPLANATION =
  'Each run against the first, per method, on the comparisons both scored (records only one run has are left out), ' +
  "and where the benchmark has a headline of its own (its average or score rather than pooled accuracy) on the records that headline counts, with each run's headline there: " +
  'accuracy of each there, b = the first run right and the other wrong, c = the reverse, exact two-sided McNemar p. ' +
  'A pairwise judge is taken by the verdict of its mean over both orders, as in a run\'s own McNemar column, so its accuracy here can differ from its headline, which counts each order.';
