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
 * Accuracy against γ, one line per α, one panel per measure. The γ values sit evenly spaced (0.9, 0.99 and 1 would
 * crowd together on a linear axis), and each panel's y axis spans its own values, so a few points' difference shows.
 */
export function gridLinesSvg(grid: AccuracyGrid): string {
  const columns = Math.max(1, Math.min(grid.panels.length, Math.floor((MAX_WIDTH + GAP) / (PANEL_W + GAP))));
  const rows = Math.ceil(grid.panels.length / columns);
  const width = columns * PANEL_W + (columns - 1) * GAP;
  const height = LEGEND + rows * PANEL_H + (rows - 1) * GAP;
  const legend = grid.alphas.map((a, i) => {
    const x = i * 92;
    return `<g transform="translate(${x},8)"><line x1="0" y1="8" x2="22" y2="8" stroke="${seriesColor(i)}" stroke-width="2.5"/><circle cx="11" cy="8" r="3.5" fill="${seriesColor(i)}"/><text x="28" y="12" class="l-legend">α = ${a}</text></g>`;
  });
  const panels = grid.panels.map((panel, k) => {
    const x = (k % columns) * (PANEL_W + GAP);
    const y = LEGEND + Math.floor(k / columns) * (PANEL_H + GAP);
    return `<g transform="translate(${x},${y})">${panelSvg(grid, panel)}</g>`;
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
  const [lo, hi] = yRange(values);
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
    parts.push(`<text x="${PAD.left + plotW - 4}" y="${f(y(0.5) - 4)}" text-anchor="end" class="l-chance">chance</text>`);
  }
  grid.gammas.forEach((g, j) => parts.push(`<text x="${f(x(j))}" y="${PAD.top + plotH + 16}" text-anchor="middle" class="l-tick">${g}</text>`));
  parts.push(`<text x="${PAD.left + plotW / 2}" y="${PANEL_H - 6}" text-anchor="middle" class="l-axis">γ (discount), evenly spaced</text>`);
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

/** The panel's values, padded and snapped to whole percents, at least 4 points tall. */
function yRange(values: number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  const pad = Math.max(0.01, (hi - lo) * 0.12);
  lo -= pad;
  hi += pad;
  if (hi - lo < 0.04) {
    const mid = (hi + lo) / 2;
    lo = mid - 0.02;
    hi = mid + 0.02;
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
