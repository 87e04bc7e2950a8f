import { csvLine } from '../render/format.js';
import { comparisonGrid } from './comparison-grid.js';
import type { Comparison } from './comparison-input.js';

/**
 * comparison.csv: one row per method x scope, and for every run (labelled as in the reports) its accuracy, bootstrap
 * interval and record count. Fractions 0..1; empty where a run has no value.
 */
export function renderComparisonCsv({ summaries, labels }: Comparison): string {
  const header = ['method', 'scope', 'name'];
  for (const label of labels) header.push(`${label}: accuracy`, `${label}: ci95_low`, `${label}: ci95_high`, `${label}: pairs`);
  const lines = [csvLine(header)];
  for (const row of comparisonGrid(summaries)) {
    const values: (string | number | null | undefined)[] = [row.method, row.scope, row.name];
    for (const cell of row.cells) values.push(cell?.value, cell?.ci95?.[0], cell?.ci95?.[1], cell?.pairs);
    lines.push(csvLine(values));
  }
  return lines.join('\n') + '\n';
}
