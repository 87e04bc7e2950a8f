import type { RunPairedTest } from '../benchmarks/between-runs.js';
import type { RunSummary } from '../benchmarks/method-summary.js';
import type { BenchmarkProtocol } from '../protocols/protocol.js';
import { protocolOfKind } from '../protocols/registry.js';
import { codeSpansHtml, DASH, duration, escapeHtml, integer, percent, percentCi, pValue, shortHash } from '../render/format.js';
import { card, htmlPage, legend } from '../render/html-page.js';
import { seriesColor } from '../render/palette.js';
import { barChartSvg, type BarCategory } from '../render/svg-bar-chart.js';
import { comparisonGrid, headlineRows, type GridCell, type GridRow } from './comparison-grid.js';
import { BETWEEN_RUNS_EXPLANATION, comparisonTitle, type Comparison } from './comparison-input.js';
import { provenanceDiffHtml } from './provenance-report.js';
import { settingsEntries } from './settings-text.js';

/** comparison.html: runs side by side (runs are the colours in charts and the columns in tables). */
export function renderComparisonHtml({ summaries, labels, tests, notes }: Comparison): string {
  const title = comparisonTitle(summaries);
  const series = labels.map((name, i) => ({ name, color: seriesColor(i) }));
  const grid = comparisonGrid(summaries);
  const protocols = [...new Set(summaries.map((s) => protocolOfKind(s.dataset.kind)))];
  const headline = headlineRows(grid);
  const body = [
    `<header class="top"><div class="overline">endorm comparison</div><h1>${escapeHtml(title)}</h1><div class="subtitle">${summaries.length} runs side by side</div></header>`,
    card('Runs', runsTable(summaries, labels)),
    provenanceDiffHtml(summaries, labels),
    // First the headline (RM-Bench: its average) as a table and a chart, then pooled accuracy where that is another number.
    headlineCard(headline.title, headline.rows, labels, series),
    headline.rows.some((r) => r.scope === 'headline') ? chartCard('Pooled accuracy', grid.filter((r) => r.scope === 'overall'), series, true) : '',
    card('By method', methodTables(grid, labels), methodsLead(protocols)),
    tests.length > 0 ? card('Between runs', betweenRunsTable(tests, labels), escapeHtml(BETWEEN_RUNS_EXPLANATION)) : '',
    notesCard(summaries, labels, notes),
  ];
  return htmlPage(`${title} · endorm comparison`, body.filter(Boolean).join('\n'));
}

function betweenRunsTable(tests: readonly RunPairedTest[], labels: string[]): string {
  const swatch = (run: number) => `<span class="swatch" style="background:${seriesColor(run)}"></span>`;
  const h = tests.find((t) => t.headline)?.headline?.title;
  const rows = tests.map(
    (t) =>
      `<tr><td><code>${escapeHtml(t.method)}</code></td><td>${swatch(t.run)}${escapeHtml(labels[t.run]!)}</td><td class="num">${integer(t.records)}</td><td class="num">${integer(t.comparisons)}</td>${h ? `<td class="num">${percent(t.headline?.baseline)}</td><td class="num">${percent(t.headline?.run)}</td>` : ''}<td class="num">${percent(t.baselineAccuracy)}</td><td class="num">${percent(t.runAccuracy)}</td><td class="num nowrap">${t.b} / ${t.c}</td><td class="num"><span class="${t.pValue < 0.05 ? 'sig' : ''}">${pValue(t.pValue)}</span></td></tr>`,
  );
  return `<p>First run: ${swatch(0)}<b>${escapeHtml(labels[0]!)}</b></p><div class="table-wrap"><table class="fit"><thead><tr><th>Method</th><th>Run</th><th class="num">Records</th><th class="num">Comparisons</th>${h ? `<th class="num">First run ${escapeHtml(h)} %</th><th class="num">Run ${escapeHtml(h)} %</th>` : ''}<th class="num">First run %</th><th class="num">Run %</th><th class="num">b / c</th><th class="num">McNemar p</th></tr></thead><tbody>${rows.join('\n')}</tbody></table></div>`;
}

/** What the method tables hold, with a word from each compared run's protocol about the rows it adds. */
function methodsLead(protocols: readonly BenchmarkProtocol[]): string {
  const notes = protocols.flatMap((p) => (p.report?.comparisonNote ? [p.report.comparisonNote] : []));
  return notes.length ? `Accuracy % with 95% bootstrap CI; ${notes.join(' ')}` : 'Accuracy % with 95% bootstrap CI.';
}

function runsTable(summaries: readonly RunSummary[], labels: string[]): string {
  const rows = summaries.map((s, i) => {
    const settings = settingsEntries(s.settings).map(([k, v]) => `${escapeHtml(k)} <b>${escapeHtml(v)}</b>`).join(' · ');
    return `<tr><td><span class="swatch" style="background:${seriesColor(i)}"></span><b>${escapeHtml(labels[i]!)}</b></td><td><code>${escapeHtml(s.model.spec)}</code><br><span class="ci">${escapeHtml(s.model.dtype)}</span></td><td>${escapeHtml(s.dataset.name)}<br><span class="ci">sha256 ${escapeHtml(shortHash(s.dataset.sha256))}</span></td><td>${settings}</td><td class="num">${integer(s.counts.pairs)}</td><td class="num">${duration(s.timing.seconds)}</td></tr>`;
  });
  return `<div class="table-wrap"><table><thead><tr><th>Run</th><th>Model</th><th>Dataset</th><th>Settings</th><th class="num">Records</th><th class="num">Time</th></tr></thead><tbody>${rows.join('\n')}</tbody></table></div>`;
}

function chartCard(title: string, rows: GridRow[], series: { name: string; color: string }[], withCi: boolean): string {
  if (rows.length === 0) return '';
  const categories: BarCategory[] = rows.map((row) => ({
    label: row.method,
    values: row.cells.map((cell) => (cell && cell.value !== null ? { value: cell.value, ci: withCi ? cell.ci95 : null } : null)),
  }));
  const chart = barChartSvg({ categories, series, title });
  return card(title, `${legend(series)}<div class="chart-wrap">${chart}</div>`, withCi ? 'Whiskers: 95% bootstrap CI; dashed line: chance.' : undefined);
}

/** The headline per method and run, with its interval: a table, then the same as bars with CI whiskers. */
function headlineCard(title: string, rows: GridRow[], labels: string[], series: { name: string; color: string }[]): string {
  if (rows.length === 0) return '';
  const head = labels.map((l, i) => `<th class="num run"><span class="swatch" style="background:${seriesColor(i)}"></span>${escapeHtml(l)}</th>`).join('');
  const body = rows.map((r) => `<tr><td><code>${escapeHtml(r.method)}</code></td>${r.cells.map(cellHtml).join('')}</tr>`).join('\n');
  const table = `<div class="table-wrap"><table><thead><tr><th>Method</th>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
  const categories: BarCategory[] = rows.map((row) => ({
    label: row.method,
    values: row.cells.map((cell) => (cell && cell.value !== null ? { value: cell.value, ci: cell.ci95 } : null)),
  }));
  const chart = `${legend(series)}<div class="chart-wrap">${barChartSvg({ categories, series, title: `${title} by method and run` })}</div>`;
  return card(title, `${table}${chart}`, `${escapeHtml(title)} % with its 95% bootstrap CI (whiskers in the chart; dashed line: chance).`);
}

function methodTables(grid: GridRow[], labels: string[]): string {
  const methods = [...new Set(grid.map((r) => r.method))];
  const head = labels.map((l, i) => `<th class="num run"><span class="swatch" style="background:${seriesColor(i)}"></span>${escapeHtml(l)}</th>`).join('');
  return methods
    .map((method) => {
      const rows = grid
        .filter((r) => r.method === method)
        .map((r) => `<tr${r.scope === 'headline' || (r.scope === 'overall' && !grid.some((h) => h.method === r.method && h.scope === 'headline')) ? ' class="total"' : ''}><td class="scope">${escapeHtml(r.label)}</td>${r.cells.map(cellHtml).join('')}</tr>`);
      return `<h3><code>${escapeHtml(method)}</code></h3><div class="table-wrap"><table><thead><tr><th>Scope</th>${head}</tr></thead><tbody>${rows.join('\n')}</tbody></table></div>`;
    })
    .join('\n');
}

function cellHtml(cell: GridCell | null): string {
  if (!cell) return '<td class="num ci">not run</td>';
  if (cell.value === null) return `<td class="num ${cell.note ? 'missing' : ''}">${escapeHtml(cell.note || DASH)}</td>`;
  return `<td class="num"><b>${percent(cell.value)}</b>${cell.ci95 ? ` <span class="ci">${percentCi(cell.ci95)}</span>` : ''}</td>`;
}

function notesCard(summaries: readonly RunSummary[], labels: string[], general: readonly string[]): string {
  const items = [
    ...general.map((n) => `<li>${codeSpansHtml(n)}</li>`),
    ...summaries.flatMap((s, i) => s.notes.map((n) => `<li><b>${escapeHtml(labels[i]!)}:</b> ${codeSpansHtml(n)}</li>`)),
  ];
  return items.length > 0 ? card('Notes', `<ul class="notes">${items.join('')}</ul>`) : '';
}
