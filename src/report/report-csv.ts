import type { RunSummary } from '../benchmarks/method-summary.js';
import { csvLine } from '../render/format.js';
import { summaryRows } from './summary-rows.js';

const HEADER = [
  'method',
  'scope',
  'name',
  'accuracy',
  'ci95_low',
  'ci95_high',
  'pairs',
  'comparisons',
  'correct',
  'ties',
  'easy',
  'normal',
  'hard',
  'average',
  'reference',
  'mcnemar_b',
  'mcnemar_c',
  'mcnemar_p',
  'note',
];

/** report.csv: one row per method x scope (overall, group, RM-Bench domain); fractions 0..1, empty when unknown. */
export function renderRunCsv(summary: RunSummary): string {
  const lines = [csvLine(HEADER)];
  for (const row of summaryRows(summary)) {
    lines.push(
      csvLine([
        row.method,
        row.scope,
        row.name,
        row.accuracy,
        row.ci95?.[0],
        row.ci95?.[1],
        row.pairs,
        row.comparisons,
        row.correct,
        row.ties,
        row.easy,
        row.normal,
        row.hard,
        row.average,
        row.vsReference?.reference,
        row.vsReference?.b,
        row.vsReference?.c,
        row.vsReference?.pValue,
        row.note,
      ]),
    );
  }
  return lines.join('\n') + '\n';
}
