import { escapeHtml, percent } from '../render/format.js';
import { seriesColor } from '../render/palette.js';
import { svgDocument } from '../render/svg-document.js';
import type { AccuracyGrid, GridPanel } from './grid-table.js';

const PANEL_W = 470;
const PANEL_H = 270;
const PAD = { left: 52, right: 16, top: 34, bottom: 44 };
const GAP = 26;
const LEGEND = 34;
const MAX_WIDTH = 1000;

/**
 * Accuracy against γ, one line per α with its 95% CI as a band, one panel per measure. The γ values sit evenly spaced
 * (0.9, 0.99 and 1 would crowd together on a linear axis). Each panel's y axis spans its values and their intervals,
 * and at least MIN_SPAN: a spread well inside the CIs then looks as small as it is.
 */
export function gridLinesSvg(grid: AccuracyGrid): string {
  const columns = Math.max(1, Math.min(grid.panels.length, Math.floor((MAX_WIDTH + GAP) / (PANEL_W + GAP))));
  const rows = Math.ceil(grid.panels.length / columns);
  const width = Math.max(columns * PANEL_W + (columns - 1) * GAP, grid.alphas.length * 92 + 200);
  const height = LEGEND + rows * PANEL_H + (rows - 1) * GAP;
  const legend = grid.alphas.map((a, i) => {
    const x = i * 92;
    return `<g transform="translate(${x},8)"><line x1="0" y1="8" x2="22" y2="8" stroke="${seriesColor(i)}" stroke-width="2.5"/><circle cx="11" cy="8" r="3.5" fill="${seriesColor(i)}"/><text x="28" y="12" class="l-legend">α = ${a}</text></g>`;
  });
  // The band and the chance line are named here, once, rather than by a label inside the plot that points may cover.
  const after = grid.alphas.length * 92;
  legend.push(
    `<g transform="translate(${after},8)"><rect x="0" y="2" width="22" height="12" fill="#8a93a3" opacity="0.22"/><text x="28" y="12" class="l-legend">95% CI</text></g>`,
    `<g transform="translate(${after + 86},8)"><line x1="0" y1="8" x2="22" y2="8" stroke="#8a93a3" stroke-dasharray="4 3"/><text x="28" y="12" class="l-legend">chance (50%)</text></g>`,
  );
  const panels = grid.panels.map((panel, k) => {
    const x = (k % columns) * (PANEL_W + GAP);
    const y = LEGEND + Math.floor(k / columns) * (PANEL_H + GAP);
    return `<g transform="translate(${x},${y})" data-panel="${k}"><rect class="panel-box" width="${PANEL_W}" height="${PANEL_H}" fill="none"/>${panelSvg(grid, panel)}</g>`;
  });
  return svgDocument({
    width,
    height,
    label: `${grid.measure} against γ, one line per α`,
    style:
      '.l-title{font-size:14px;font-weight:600;fill:#1d2330}.l-tick{font-size:11px;fill:#6b7385;font-variant-numeric:tabular-nums}.l-axis{font-size:11px;fill:#5b6475;font-style:italic}.l-legend{font-size:12px;fill:#1d2330}.l-chance{font-size:10.5px;fill:#8a93a3}',
    parts: [`<rect width="${width}" height="${height}" fill="#fff"/>`, ...legend, ...panels],
  });
}

function panelSvg(grid: AccuracyGrid, panel: GridPanel): string {
  const plotW = PANEL_W - PAD.left - PAD.right;
  const plotH = PANEL_H - PAD.top - PAD.bottom;
  const values = panel.values.flat().filter((v): v is number => v !== null);
  const bounds = panel.intervals.flat().flatMap((ci) => (ci ? [ci[0], ci[1]] : []));
  const [lo, hi] = yRange([...values, ...bounds]);
  const n = grid.gammas.length;
  const x = (j: number) => PAD.left + (n === 1 ? plotW / 2 : (j / (n - 1)) * plotW * 0.92 + plotW * 0.04);
  const y = (v: number) => PAD.top + (1 - (v - lo) / (hi - lo)) * plotH;
  const step = niceStep(hi - lo);
  const parts: string[] = [
    `<text x="0" y="16" class="l-title">${escapeHtml(panel.label)}</text>`,
    `<rect x="${PAD.left}" y="${PAD.top}" width="${plotW}" height="${plotH}" fill="#fbfbfc" stroke="#e4e7ed"/>`,
  ];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9; v += step) {
    parts.push(
      `<line x1="${PAD.left}" y1="${f(y(v))}" x2="${PAD.left + plotW}" y2="${f(y(v))}" stroke="#e6e8ee"/>`,
      `<text x="${PAD.left - 6}" y="${f(y(v) + 4)}" text-anchor="end" class="l-tick">${(v * 100).toFixed(step < 0.01 ? 1 : 0)}%</text>`,
    );
  }
  if (lo < 0.5 && hi > 0.5) {
    parts.push(`<line x1="${PAD.left}" y1="${f(y(0.5))}" x2="${PAD.left + plotW}" y2="${f(y(0.5))}" stroke="#8a93a3" stroke-dasharray="4 3"/>`);
  }
  grid.gammas.forEach((g, j) => parts.push(`<text x="${f(x(j))}" y="${PAD.top + plotH + 16}" text-anchor="middle" class="l-tick">${g}</text>`));
  parts.push(`<text x="${PAD.left + plotW / 2}" y="${PANEL_H - 6}" text-anchor="middle" class="l-axis">γ (discount), evenly spaced</text>`);
  // Bands first, so that every line and point is drawn over them; a missing cell or interval breaks a band.
  panel.intervals.forEach((row, i) => {
    for (const run of runs(row.map((ci, j) => (ci && panel.values[i]![j] !== null ? ([x(j), y(ci[1]), y(ci[0])] as const) : null)))) {
      const top = run.map((p) => `${f(p[0])} ${f(p[1])}`);
      const bottom = run.map((p) => `${f(p[0])} ${f(p[2])}`).reverse();
      const d = run.length === 1 ? `M${f(run[0]![0] - 3)} ${f(run[0]![1])}H${f(run[0]![0] + 3)}V${f(run[0]![2])}H${f(run[0]![0] - 3)}Z` : `M${top.join('L')}L${bottom.join('L')}Z`;
      parts.push(`<path d="${d}" fill="${seriesColor(i)}" opacity="0.13"/>`);
    }
  });
  panel.values.forEach((row, i) => {
    const color = seriesColor(i);
    const points = row.map((v, j) => (v === null ? null : ([x(j), y(v), v, j] as const)));
    // A missing cell breaks the line rather than bridging it.
    let d = '';
    let pen = false;
    for (const p of points) {
      if (!p) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${f(p[0])} ${f(p[1])}`;
      pen = true;
    }
    if (d) parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2.2" stroke-linejoin="round"/>`);
    for (const p of points) {
      if (!p) continue;
      const tip = `${panel.label}: α = ${grid.alphas[i]}, γ = ${grid.gammas[p[3]]}: ${percent(p[2])}%`;
      parts.push(`<circle cx="${f(p[0])}" cy="${f(p[1])}" r="3.6" fill="${color}" stroke="#fff" stroke-width="1"><title>${escapeHtml(tip)}</title></circle>`);
    }
  });
  return parts.join('\n');
}

/** Consecutive non-null entries, each run in order. */
function runs<T>(items: readonly (T | null)[]): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  for (const item of items) {
    if (item === null) {
      if (current.length) out.push(current);
      current = [];
    } else current.push(item);
  }
  if (current.length) out.push(current);
  return out;
}

/** A y axis never shorter than this (20 points): a few points' spread cannot fill a panel. */
const MIN_SPAN = 0.2;

/** The panel's values and CI bounds, padded, at least MIN_SPAN tall (kept within 0..1), snapped to whole percents. */
function yRange(values: number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  const pad = Math.max(0.01, (hi - lo) * 0.06);
  lo -= pad;
  hi += pad;
  if (hi - lo < MIN_SPAN) {
    const mid = (hi + lo) / 2;
    lo = mid - MIN_SPAN / 2;
    hi = mid + MIN_SPAN / 2;
    if (lo < 0) [lo, hi] = [0, MIN_SPAN];
    if (hi > 1) [lo, hi] = [1 - MIN_SPAN, 1];
  }
  lo = Math.max(0, Math.floor(lo * 100) / 100);
  hi = Math.min(1, Math.ceil(hi * 100) / 100);
  return [lo, hi];
}

function niceStep(span: number): number {
  for (const s of [0.005, 0.01, 0.02, 0.05, 0.1, 0.2]) if (span / s <= 8) return s;
  return 0.25;
}

function f(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}
