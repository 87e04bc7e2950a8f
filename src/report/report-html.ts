import type { MethodSummary, RunSummary } from '../benchmarks/method-summary.js';
import { referenceMethod } from '../methods/reference-method.js';
import { readGrid } from './grid-table.js';
import { protocolOfKind } from '../protocols/registry.js';
import { breakableSpecHtml, codeSpansHtml, DASH, escapeHtml, integer, pValue, percent, percentCi, shortHash } from '../render/format.js';
import { card, htmlPage, legend } from '../render/html-page.js';
import { seriesColor } from '../render/palette.js';
import { barChartSvg, type BarCategory } from '../render/svg-bar-chart.js';
import { foldWhenSwept, gridCard } from './grid-report.js';
import { accuracyLabel, headlineHtml } from './headline-report.js';
import { judgeHtml } from './judge-report.js';
import { provenanceHtmlRows } from './provenance-report.js';
import { endormText } from './provenance-text.js';
import { countsText, reportTitle, runTimeText } from './report-markdown.js';
import { modelName } from './run-labels.js';
import { settingsEntries } from './settings-text.js';

/** report.html: a self-contained page with the run's tables, bar charts with CI whiskers and the protocol's card. */
export function renderRunHtml(summary: RunSummary): string {
  const methods = Object.entries(summary.methods);
  const series = methods.map(([spec], i) => ({ name: spec, color: seriesColor(i) }));
  const protocolCard = protocolOfKind(summary.dataset.kind).report?.html?.(summary, series);
  // Reading order: the headline, methods, the protocol's sections, judges, the grid; then notes, and the run card with
  // its provenance (file hashes and paths, for citing and reproducing) folded away at the end.
  const body = [
    header(summary),
    headlineHtml(summary, series),
    card('Methods', methodsTable(summary)),
    foldWhenSwept(summary, accuracyChart(summary, series), 'Accuracy charts'),
    protocolCard ? foldWhenSwept(summary, protocolCard.html, protocolCard.folded) : '',
    judgeHtml(summary),
    gridCard(summary),
    notesCard(summary),
    runCard(summary),
    `<footer>endorm ${escapeHtml(summary.endorm.version)} · ${escapeHtml(summary.dataset.name)} · ${escapeHtml(summary.model.spec)}</footer>`,
  ];
  return htmlPage(`${reportTitle(summary)} · endorm report`, body.filter(Boolean).join('\n'));
}

function header(summary: RunSummary): string {
  return `<header class="top">
<div class="overline">endorm report</div>
<h1>${escapeHtml(modelName(summary.model.spec))}</h1>
<div class="subtitle">on <b>${escapeHtml(summary.dataset.name)}</b> <span class="tag">${escapeHtml(summary.dataset.kind)}</span> · ${integer(summary.counts.pairs)} records · ${methodsCount(summary)}</div>
</header>`;
}

function methodsCount(summary: RunSummary): string {
  const n = Object.keys(summary.methods).length;
  return `${n} method${n === 1 ? '' : 's'}`;
}

/** The run card: what was run, how, and its provenance; folded, since a reader comes for the numbers above it. */
function runCard(summary: RunSummary): string {
  return `<details class="fold run-card"><summary>Run card: model, dataset, settings, timing and provenance</summary>\n${card('Run', runDetails(summary))}\n</details>`;
}

function runDetails(summary: RunSummary): string {
  const { model, dataset } = summary;
  const rows: [string, string][] = [
    ['Model', `<code>${escapeHtml(model.spec)}</code> · ${escapeHtml(model.modelType)} · ${escapeHtml(model.dtype)} · <code>${escapeHtml(model.onnxFile)}</code>`],
    ['Dataset', `${escapeHtml(dataset.name)} · <code>${escapeHtml(dataset.spec)}</code> · sha256 <code>${escapeHtml(shortHash(dataset.sha256))}</code>`],
    ['Settings', settingsEntries(summary.settings).map(([k, v]) => `${escapeHtml(k)} <b>${escapeHtml(v)}</b>`).join(' · ')],
    ['endorm', escapeHtml(endormText(summary.endorm))],
    ['Run', escapeHtml(runTimeText(summary))],
    ['Counts', escapeHtml(countsText(summary))],
    ...provenanceHtmlRows(summary),
  ];
  return `<dl class="meta">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

function methodsTable(summary: RunSummary): string {
  const methods = Object.entries(summary.methods);
  if (methods.length === 0) return '<p>No methods.</p>';
  const reference = referenceMethod(Object.keys(summary.methods), summary.settings.reference, { grid: readGrid(summary.settings['grid']) !== null });
  const rows = methods.map(([spec, m], i) => {
    const vs = m.vsReference;
    const p = spec === reference ? '<span class="tag">reference</span>' : vs ? `<span class="${vs.pValue < 0.05 ? 'sig' : ''}">${pValue(vs.pValue)}</span>` : DASH;
    return `<tr><td><span class="swatch" style="background:${seriesColor(i)}"></span><code>${escapeHtml(spec)}</code>${m.kind === 'comparison' ? '<span class="tag">pairwise</span>' : ''}</td>
<td class="num acc">${percent(m.accuracy)}</td><td class="num ci">${percentCi(m.ci95)}</td><td class="num">${integer(m.pairs)}</td><td class="num">${integer(m.comparisons)}</td><td class="num">${integer(m.ties)}</td><td class="num">${vs ? `${vs.b} / ${vs.c}` : DASH}</td><td class="num">${p}</td></tr>`;
  });
  const note = reference
    ? `<p class="lead" style="margin-top:10px">McNemar: exact two-sided test on the comparisons both methods judged; b = <code>${escapeHtml(reference)}</code> right and the method wrong, c = the reverse. Bold: p &lt; 0.05.</p>`
    : '';
  return `<div class="table-wrap"><table>
<thead><tr><th>Method</th><th class="num">${accuracyLabel(summary)} %</th><th class="num">95% CI</th><th class="num">Pairs</th><th class="num">Comparisons</th><th class="num">Ties</th><th class="num">b / c</th><th class="num">McNemar p</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>
<p class="lead" style="margin-top:10px">Accuracy: share of chosen-vs-rejected comparisons a method gets right (ties count as wrong). 95% CI: percentile bootstrap over records, 1000 resamples, fixed seed.</p>${note}`;
}

function accuracyChart(summary: RunSummary, series: { name: string; color: string }[]): string {
  const methods = Object.values(summary.methods);
  if (methods.length === 0) return '';
  const groups = [...new Set(methods.flatMap((m) => Object.keys(m.groups)))].sort();
  const value = (stats: MethodSummary | MethodSummary['groups'][string] | undefined) =>
    stats && stats.accuracy !== null ? { value: stats.accuracy, ci: stats.ci95 } : null;
  const pooled = accuracyLabel(summary) !== 'Accuracy';
  const categories: BarCategory[] = [
    { label: pooled ? 'Pooled' : 'Overall', values: methods.map((m) => value(m)) },
    ...groups.map((g) => ({ label: g, values: methods.map((m) => value(m.groups[g])) })),
  ];
  const chart = barChartSvg({ categories, series, title: `${pooled ? 'Pooled accuracy' : 'Accuracy'} by category and method` });
  return card(
    `${pooled ? 'Pooled accuracy' : 'Accuracy'}${groups.length > 0 ? ' by group' : ''}`,
    `${legend(series)}<div class="chart-wrap">${chart}</div>${groups.length > 0 ? groupTable(summary, groups) : ''}`,
    'Bars: accuracy; whiskers: 95% bootstrap CI; dashed line: chance (50%).',
  );
}

function groupTable(summary: RunSummary, groups: string[]): string {
  const methods = Object.entries(summary.methods);
  // A sweep's specs are long and many: each head may break after ':', ',' and '=' so that up to FOLD_ABOVE columns fit.
  const head = methods.map(([spec], i) => `<th class="num m"><span class="swatch" style="background:${seriesColor(i)}"></span>${breakableSpecHtml(shorten(spec))}</th>`);
  const rows = groups.map((group) => {
    const n = Math.max(...methods.map(([, m]) => m.groups[group]?.pairs ?? 0));
    const cells = methods.map(([, m]) => {
      const g = m.groups[group];
      if (!g || g.accuracy === null) return `<td class="num">${DASH}</td>`;
      const differs = g.pairs !== n ? ` <span class="ci">n=${integer(g.pairs)}</span>` : '';
      return `<td class="num"><b>${percent(g.accuracy)}</b> <span class="ci">${percentCi(g.ci95)}</span>${differs}</td>`;
    });
    return `<tr><td>${escapeHtml(group)}</td><td class="num">${integer(n)}</td>${cells.join('')}</tr>`;
  });
  return `<h3>Per group</h3><div class="table-wrap"><table class="fit"><thead><tr><th>Group</th><th class="num">Records</th>${head.join('')}</tr></thead><tbody>${rows.join('\n')}</tbody></table></div>`;
}

function notesCard(summary: RunSummary): string {
  if (summary.notes.length === 0) return '';
  return card('Notes', `<ul class="notes">${summary.notes.map((n) => `<li>${codeSpansHtml(n)}</li>`).join('')}</ul>`);
}

function shorten(spec: string): string {
  return spec.length > 28 ? `${spec.slice(0, 27)}…` : spec;
}
