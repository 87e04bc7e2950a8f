import type { RunPairedTest } from '../benchmarks/between-runs.js';
import type { RunSummary } from '../benchmarks/method-summary.js';
import { renderComparisonCsv } from './comparison-csv.js';
import { renderComparisonHtml } from './comparison-html.js';
import { comparisonOf } from './comparison-input.js';
import { renderComparisonMarkdown } from './comparison-markdown.js';
import { writeTextFiles } from './write-text-files.js';

export interface ComparisonReportOptions {
  /** Column labels by run (`--label`); runs without one get a short label of their own (see runLabels). */
  labels?: readonly (string | undefined)[];
  /** The paired tests between runs, shown after the method tables. */
  tests?: readonly RunPairedTest[];
}

/** Writes comparison.md, comparison.csv and comparison.html into `outDir` (created if needed); returns their paths. */
export async function writeComparisonReports(outDir: string, summaries: readonly RunSummary[], options: ComparisonReportOptions = {}): Promise<string[]> {
  if (summaries.length === 0) throw new Error('writeComparisonReports needs at least one run summary');
  const comparison = comparisonOf(summaries, options);
  const files: [string, string][] = [
    ['comparison.md', renderComparisonMarkdown(comparison)],
    ['comparison.csv', renderComparisonCsv(comparison)],
    ['comparison.html', renderComparisonHtml(comparison)],
  ];
  return writeTextFiles(outDir, files);
}
