import type { RunSummary } from '../benchmarks/method-summary.js';
import { RUN_FILES } from '../run-store/run-files.js';
import { summaryJson } from '../run-store/summary-file.js';
import { gridSvgFiles } from './grid-report.js';
import { renderRunCsv } from './report-csv.js';
import { renderRunHtml } from './report-html.js';
import { renderRunMarkdown } from './report-markdown.js';
import { writeTextFiles } from './write-text-files.js';

/** Writes summary.json, report.md, report.csv, report.html (and grid-*.svg for an α × γ sweep) into `dir` (created if needed); returns their paths. */
export async function writeReports(dir: string, summary: RunSummary): Promise<string[]> {
  const files: [string, string][] = [
    [RUN_FILES.summary, summaryJson(summary)],
    ['report.md', renderRunMarkdown(summary)],
    ['report.csv', renderRunCsv(summary)],
    ['report.html', renderRunHtml(summary)],
    ...gridSvgFiles(summary),
  ];
  return writeTextFiles(dir, files);
}
