import { bestOfNStats, hasManyWay, type BestOfNStats } from '../../benchmarks/best-of-n.js';
import type { BootstrapOptions } from '../../benchmarks/bootstrap.js';
import type { RecordOutcome } from '../../benchmarks/cells.js';
import type { MethodSummary, RunSummary } from '../../benchmarks/method-summary.js';
import type { DifficultyColumns, SummaryRow } from '../../benchmarks/summary-row.js';
import { escapeHtml, integer, mdCell, mdCode, percent, percentCi } from '../../render/format.js';
import { card } from '../../render/html-page.js';

/** The key summary.json keeps a method's best-of-N accuracy under (only for a dataset with N-way records). */
export const BEST_OF_N_KEY = 'bestOfN';

/**
 * Best-of-N accuracy of one method, when some record has more than one response on a side; undefined for plain 1 × 1
 * pairs, where it would only repeat pair accuracy (and summary.json stays as it was).
 */
export function summarizeBestOfN(records: readonly RecordOutcome[], options: { bootstrap?: BootstrapOptions } = {}): BestOfNStats | undefined {
  return hasManyWay(records) ? bestOfNStats(records, options.bootstrap) : undefined;
}

export function bestOfNOf(m: MethodSummary): BestOfNStats | undefined {
  return (m as MethodSummary & { [BEST_OF_N_KEY]?: BestOfNStats })[BEST_OF_N_KEY];
}

const TEXT =
  'A record is won when its best chosen response scores above every rejected one; a chosen response tied for the top with k − 1 rejected ones wins 1/k of the record (a random pick among the tied, as best-of-4 benchmarks count ties). A pairwise judge is read order by order: a chosen response wins an order when P(chosen wins) > 0.5 against every rejected one. Pairwise accuracy above counts every chosen × rejected cell.';

function methodsWith(summary: Pick<RunSummary, 'methods'>): [string, BestOfNStats][] {
  return Object.entries(summary.methods).flatMap(([spec, m]) => {
    const b = bestOfNOf(m);
    return b ? [[spec, b] as [string, BestOfNStats]] : [];
  });
}

export function bestOfNMarkdown(summary: RunSummary): string[] {
  const methods = methodsWith(summary);
  if (methods.length === 0) return [];
  return [
    '## Best-of-N accuracy',
    '',
    TEXT,
    '',
    '| Method | Best-of-N accuracy | 95% CI | Records | Won | Tied at the top |',
    '|---|---:|---:|---:|---:|---:|',
    ...methods.map(([spec, b]) => `| ${mdCell(mdCode(spec))} | ${percent(b.accuracy)}% | ${percentCi(b.ci95)} | ${integer(b.records)} | ${Number(b.won.toFixed(4))} | ${integer(b.ties)} |`),
    '',
  ];
}

export function bestOfNCard(summary: RunSummary): { html: string; folded: string } | undefined {
  const methods = methodsWith(summary);
  if (methods.length === 0) return undefined;
  const rows = methods
    .map(([spec, b]) => `<tr><td><code>${escapeHtml(spec)}</code></td><td class="num">${percent(b.accuracy)}%</td><td class="num">${percentCi(b.ci95)}</td><td class="num">${integer(b.records)}</td><td class="num">${integer(b.ties)}</td></tr>`)
    .join('\n');
  const html = card(
    'Best-of-N accuracy',
    `<div class="table-wrap"><table class="fit"><thead><tr><th>Method</th><th class="num">Best-of-N</th><th class="num">95% CI</th><th class="num">Records</th><th class="num">Tied at the top</th></tr></thead><tbody>${rows}</tbody></table></div>`,
    escapeHtml(TEXT),
  );
  return { html, folded: 'Best-of-N accuracy' };
}

/** report.csv and comparison rows: one 'best-of-N' row per method. */
export function bestOfNRows(method: string, m: MethodSummary): { split: DifficultyColumns; sections: SummaryRow[] } | undefined {
  const b = bestOfNOf(m);
  if (!b) return undefined;
  const row: SummaryRow = {
    method,
    scope: 'domain',
    name: 'best-of-N',
    accuracy: b.accuracy,
    ci95: b.ci95,
    pairs: b.records,
    comparisons: b.records > 0 ? b.records : null,
    correct: b.won,
    ties: b.ties,
    easy: null,
    normal: null,
    hard: null,
    average: null,
    vsReference: null,
    note: '',
  };
  return { split: { easy: null, normal: null, hard: null, average: null }, sections: [row] };
}
