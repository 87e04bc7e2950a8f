import type { RunSummary } from '../benchmarks/method-summary.js';
import { escapeHtml } from '../render/format.js';
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
    `<h3>Heat map</h3><div class="chart-wrap">${gridHeatmapSvg(grid)}</div>`,
    `<h3>${escapeHtml(capitalize(grid.measure))} against γ, per α</h3><div class="chart-wrap">${gridLinesSvg(grid)}</div>`,
    `<h3>Tables (%)</h3>${gridTablesHtml(grid)}`,
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
    `Each cell is \`endorm:alpha=α,gamma=γ\`; rows α, columns γ. Heat map: \`${GRID_FILES.heatmap}\`; accuracy against γ per α: \`${GRID_FILES.lines}\`.`,
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

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** More methods than the palette has colours make the per-method bar charts ambiguous. */
const FOLD_ABOVE = 10;

const CSS =
  '.grid-tables{display:flex;flex-wrap:wrap;gap:4px 28px}.grid-table table{width:auto}.grid-table th,.grid-table td{padding:4px 9px}' +
  '.grid-table thead th,.grid-table tbody th{text-transform:none;letter-spacing:0;font-variant-numeric:tabular-nums}.grid-table h3{margin:8px 0 4px}' +
  'details.fold{margin:18px 0}details.fold>summary{cursor:pointer;color:var(--muted);font-weight:600;padding:10px 22px;background:var(--card);border:1px solid var(--line);border-radius:10px}';
