import type { RunSummary } from '../benchmarks/method-summary.js';
import { renderComparisonCsv } from './comparison-csv.js';
import { renderComparisonHtml } from './comparison-html.js';
import { renderComparisonMarkdown } from './comparison-markdown.js';
import { writeTextFiles } from './write-text-files.js';

/** Writes comparison.md, comparison.csv and comparison.html into `outDir` (created if needed); returns their paths. */
export async function writeComparisonReports(outDir: string, summaries: readonly RunSummary[]): Promise<string[]> {
  if (summaries.length === 0) throw new Error('writeComparisonReports needs at least one run summary');
  const files: [string, string][] = [
    ['comparison.md', renderComparisonMarkdown(summaries)],
    ['comparison.csv', renderComparisonCsv(summaries)],
    ['comparison.html', renderComparisonHtml(summaries)],
  ];
  return writeTextFiles(outDir, files);
}
