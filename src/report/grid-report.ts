import type { GridSelection, PartScore } from '../benchmarks/grid-selection.js';
import type { RunSummary } from '../benchmarks/method-summary.js';
import { escapeHtml, integer, mdCell, pValue, percent, percentCi } from '../render/format.js';
import { card } from '../render/html-page.js';
import { accuracyGrid, gridMarkdown, gridTablesHtml } from './grid-table.js';
import { gridHeatmapSvg } from './svg-grid-heatmap.js';
import { gridLinesSvg } from './svg-line-plot.js';

/** Standalone SVG files of a run with an α × γ sweep, written beside report.html. */
export const GRID_FILES = { heatmap: 'grid-heatmap.svg', lines: 'grid-lines.svg' } as const;

const ABOUT = 'Each cell is the method <code>endorm:alpha=α,gamma=γ</code>, all scored from one model pass (or rescored from its token traces).';

/** report.html's "Settings grid" card; '' for a run without a sweep. */
export function gridCard(summary: RunSummary): string {
  const grid = accuracyGrid(summary);
  if (!grid) return '';
  const body = [
    `<p class="lead">${escapeHtml(selectionSentence(grid.selection, grid.measure))}</p>`,
    `<h3>Heat map</h3><div class="chart-wrap">${gridHeatmapSvg(grid)}</div>`,
    `<h3>${escapeHtml(capitalize(grid.measure))} against γ, per α</h3><div class="chart-wrap">${gridLinesSvg(grid)}</div>`,
    `<h3>Tables (%, 95% CI)</h3>${gridTablesHtml(grid)}`,
    `<p class="lead" style="margin-top:10px">Also written as <code>${GRID_FILES.heatmap}</code> and <code>${GRID_FILES.lines}</code> in the run folder.</p>`,
  ];
  return card(`Settings grid: ${grid.alphas.length} α × ${grid.gammas.length} γ`, `<style>${CSS}</style>${body.join('\n')}`, `${ABOUT} ${escapeHtml(capitalize(grid.measure))} and, below it, each ${grid.panels.length > 1 && grid.measure !== 'accuracy' ? 'domain' : 'group'}.`);
}

/** Per-method charts that a sweep's many cells would stretch past reading are folded away (the grid sums them up). */
export function foldWhenSwept(summary: RunSummary, html: string, what: string): string {
  const methods = Object.keys(summary.methods).length;
  if (!html || methods <= FOLD_ABOVE || !accuracyGrid(summary)) return html;
  return `<details class="fold"><summary>${escapeHtml(what)} for all ${methods} methods (folded; the settings grid sums them up)</summary>\n${html}\n</details>`;
}

/** report.md's grid section; [] for a run without a sweep. */
export function gridSection(summary: RunSummary): string[] {
  const grid = accuracyGrid(summary);
  if (!grid) return [];
  return [
    `## Settings grid (${grid.alphas.length} α × ${grid.gammas.length} γ)`,
    '',
    `Each cell is \`endorm:alpha=α,gamma=γ\`; rows α, columns γ; each value with its 95% bootstrap CI. Heat map: \`${GRID_FILES.heatmap}\`; accuracy against γ per α: \`${GRID_FILES.lines}\`.`,
    '',
    mdCell(selectionSentence(grid.selection, grid.measure)),
    '',
    ...gridMarkdown(grid),
  ];
}

/** [file name, SVG] for each standalone chart; [] for a run without a sweep. */
export function gridSvgFiles(summary: RunSummary): [string, string][] {
  const grid = accuracyGrid(summary);
  if (!grid) return [];
  return [
    [GRID_FILES.heatmap, gridHeatmapSvg(grid)],
    [GRID_FILES.lines, gridLinesSvg(grid)],
  ];
}

/**
 * What the report says about choosing a cell. With --select-on: which cell the selection part picked, and how it and
 * the default setting score on the held-out part. Without: that no cell is crowned, and why.
 */
export function selectionSentence(selection: GridSelection | undefined, measure: string): string {
  if (!selection) {
    return (
      `No cell is marked best: the cell that scores highest on these records overstates how it would score on new ones, and neighbouring cells are ` +
      `often within each other's CIs. To choose a setting, score with --select-on dev[:FRACTION]: it picks on one part of the records and reports on the rest.`
    );
  }
  const s = selection;
  const part = (p: PartScore) => `${percent(p.value)}%${p.ci95 ? ` (95% CI ${percentCi(p.ci95)})` : ''}`;
  const held = `${integer(s.records.heldOut)} held-out records`;
  const test = s.pairedTest ? `; McNemar b / c = ${s.pairedTest.b} / ${s.pairedTest.c}, p = ${pValue(s.pairedTest.pValue)} (b: default right, picked wrong)` : '';
  const versus = s.default
    ? s.default.spec === s.chosen.spec
      ? ' It is the default setting.'
      : ` The default setting ${s.default.spec} (α = 1, γ = 1) scores ${part(s.default.heldOut)} there${test}.`
    : ' The run did not score the default setting (α = 1, γ = 1), so there is nothing to compare it with.';
  const all = s.bestOnAll && s.bestOnAll.spec !== s.chosen.spec ? ` (Best on all records, the number picking on the test set would have reported: α = ${s.bestOnAll.alpha}, γ = ${s.bestOnAll.gamma}, ${percent(s.bestOnAll.value)}%.)` : '';
  return (
    `--select-on dev:${s.fraction} (seed ${s.seed}): on the selection part (${integer(s.records.selection)} records) the best ${measure} is α = ${s.chosen.alpha}, γ = ${s.chosen.gamma} ` +
    `(${part(s.chosen.selection)}, marked †); on the ${held} it scores ${part(s.chosen.heldOut)}.${versus}${all}`
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** More methods than the palette has colours make the per-method bar charts ambiguous. */
const FOLD_ABOVE = 10;

const CSS =
  '.grid-tables{display:flex;flex-wrap:wrap;gap:4px 28px}.grid-table table{width:auto}.grid-table th,.grid-table td{padding:4px 9px}' +
  '.grid-table thead th,.grid-table tbody th{text-transform:none;letter-spacing:0;font-variant-numeric:tabular-nums}.grid-table h3{margin:8px 0 4px}';
