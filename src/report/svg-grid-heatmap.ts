import { escapeHtml, percent, percentCi } from '../render/format.js';
import { svgDocument } from '../render/svg-document.js';
import { divergingColour, rgbText, type Rgb } from '../util/colour.js';
import { isSelected, panelRange, type AccuracyGrid, type GridPanel } from './grid-table.js';

const CELL_W = 68;
const CELL_H = 44;
const LABEL = 58;
const TOP = 74;
const FOOT = 40;
const GAP = 26;
const MAX_WIDTH = 1000;
/** The colour scale's legend row above the panels, and its gradient bar. */
const SCALE_H = 30;
const SCALE_BAR_X = 250;
const SCALE_BAR_W = 120;
const SCALE_WIDTH = SCALE_BAR_X + SCALE_BAR_W + 50;

const LOW: Rgb = [240, 244, 249];
const MID: Rgb = [132, 170, 212];
const HIGH: Rgb = [24, 72, 140];

/**
 * The accuracy grid as heat maps, one panel per measure (RM-Bench average and domains, or accuracy and groups), α down,
 * γ across, the percentage and its 95% CI in every cell. One colour scale for every panel, from the lowest to the
 * highest value of any (its legend on top), so that a shade means one accuracy wherever it is; a sweep's cells are
 * often a few points apart, and the CIs say how little that may mean. No cell is crowned best on the records it is
 * reported on; only the cell `--select-on` picked on the selection part is outlined, with its held-out score below.
 */
export function gridHeatmapSvg(grid: AccuracyGrid): string {
  const panelWidth = LABEL + grid.gammas.length * CELL_W + 12;
  const panelHeight = TOP + grid.alphas.length * CELL_H + FOOT;
  const columns = Math.max(1, Math.min(grid.panels.length, Math.floor((MAX_WIDTH + GAP) / (panelWidth + GAP))));
  const rows = Math.ceil(grid.panels.length / columns);
  const width = Math.max(columns * panelWidth + (columns - 1) * GAP, SCALE_WIDTH);
  const height = SCALE_H + rows * panelHeight + (rows - 1) * GAP;
  const range = sharedRange(grid);
  const panels = grid.panels.map((panel, k) => {
    const x = (k % columns) * (panelWidth + GAP);
    const y = SCALE_H + Math.floor(k / columns) * (panelHeight + GAP);
    return `<g transform="translate(${x},${y})" data-panel="${k}"><rect class="panel-box" width="${panelWidth}" height="${panelHeight}" fill="none"/>${panelSvg(grid, panel, k, range, panelWidth)}</g>`;
  });
  return svgDocument({
    width,
    height,
    label: `${grid.measure} over α × γ`,
    style:
      '.g-title{font-size:14px;font-weight:600;fill:#1d2330}.g-sub{font-size:11.5px;fill:#5b6475}.g-axis{font-size:11px;fill:#5b6475;font-style:italic}.g-label{font-size:11px;fill:#39414f;font-variant-numeric:tabular-nums}.g-cell{font-size:12.5px;font-weight:600;font-variant-numeric:tabular-nums}.g-ci{font-size:9.5px;font-variant-numeric:tabular-nums}.g-foot{font-size:11px;fill:#5b6475}',
    parts: [`<rect width="${width}" height="${height}" fill="#fff"/>`, scaleLegend(range), ...panels],
  });
}

/** The lowest and highest value of every panel together: the one colour scale. */
function sharedRange(grid: AccuracyGrid): [number, number] | null {
  const ranges = grid.panels.map(panelRange).filter((r): r is [number, number] => r !== null);
  return ranges.length ? [Math.min(...ranges.map((r) => r[0])), Math.max(...ranges.map((r) => r[1]))] : null;
}

/** The colour scale's legend, above the panels: a gradient from the lowest value of any panel to the highest. */
function scaleLegend(range: [number, number] | null): string {
  if (!range) return '';
  const stops = [0, 0.25, 0.5, 0.75, 1].map((t) => `<stop offset="${t}" stop-color="${rgbText(scale(t))}"/>`).join('');
  return [
    `<defs><linearGradient id="g-scale" x1="0" x2="1" y1="0" y2="0">${stops}</linearGradient></defs>`,
    `<text x="0" y="15" class="g-sub">one colour scale, all panels:</text>`,
    `<text x="${SCALE_BAR_X - 6}" y="15" text-anchor="end" class="g-label">${percent(range[0])}%</text>`,
    `<rect x="${SCALE_BAR_X}" y="5" width="${SCALE_BAR_W}" height="12" rx="2" fill="url(#g-scale)" stroke="#c9ced8"/>`,
    `<text x="${SCALE_BAR_X + SCALE_BAR_W + 6}" y="15" class="g-label">${percent(range[1])}%</text>`,
  ].join('\n');
}

function panelSvg(grid: AccuracyGrid, panel: GridPanel, index: number, range: [number, number] | null, panelWidth: number): string {
  const own = panelRange(panel);
  const gridWidth = grid.gammas.length * CELL_W;
  const parts: string[] = [
    `<text x="0" y="15" class="g-title">${escapeHtml(fit(panel.label, panelWidth, 8.4))}<title>${escapeHtml(panel.label)}</title></text>`,
    `<text x="0" y="32" class="g-sub">${own ? `range ${percent(own[0])}–${percent(own[1])}%` : 'no data'}</text>`,
    `<text x="${LABEL + gridWidth / 2}" y="52" text-anchor="middle" class="g-axis">γ (discount) →</text>`,
    `<text x="${LABEL - 8}" y="${TOP - 8}" text-anchor="end" class="g-axis">α ↓</text>`,
  ];
  grid.gammas.forEach((g, j) => parts.push(`<text x="${LABEL + j * CELL_W + CELL_W / 2}" y="${TOP - 8}" text-anchor="middle" class="g-label">${g}</text>`));
  panel.values.forEach((row, i) => {
    const y = TOP + i * CELL_H;
    parts.push(`<text x="${LABEL - 8}" y="${y + CELL_H / 2 + 4}" text-anchor="end" class="g-label">${grid.alphas[i]}</text>`);
    row.forEach((value, j) => {
      const x = LABEL + j * CELL_W;
      const ci = panel.intervals[i]![j] ?? null;
      const tip = `${panel.label}: α = ${grid.alphas[i]}, γ = ${grid.gammas[j]}: ${value === null ? 'no data' : `${percent(value)}%${ci ? ` (95% CI ${percentCi(ci)})` : ''}`}`;
      if (value === null) {
        parts.push(`<rect x="${x + 1}" y="${y + 1}" width="${CELL_W - 2}" height="${CELL_H - 2}" rx="3" fill="#fafafa" stroke="#c9ced8" stroke-dasharray="3 3"><title>${escapeHtml(tip)}</title></rect>`);
        parts.push(`<text x="${x + CELL_W / 2}" y="${y + CELL_H / 2 + 4}" text-anchor="middle" class="g-label">—</text>`);
        return;
      }
      const t = range && range[1] > range[0] ? (value - range[0]) / (range[1] - range[0]) : 0.5;
      const ink = t > 0.55 ? '#ffffff' : '#1d2330';
      parts.push(
        `<rect x="${x + 1}" y="${y + 1}" width="${CELL_W - 2}" height="${CELL_H - 2}" rx="3" fill="${rgbText(scale(t))}"><title>${escapeHtml(tip)}</title></rect>`,
        `<text x="${x + CELL_W / 2}" y="${y + 19}" text-anchor="middle" class="g-cell" fill="${ink}">${percent(value)}</text>`,
      );
      if (ci) parts.push(`<text x="${x + CELL_W / 2}" y="${y + 34}" text-anchor="middle" class="g-ci" fill="${ink}">${percentCi(ci)}</text>`);
    });
  });
  const chosen = grid.selection?.chosen;
  const at = chosen ? grid.alphas.indexOf(chosen.alpha) : -1;
  const on = chosen ? grid.gammas.indexOf(chosen.gamma) : -1;
  if (chosen && at >= 0 && on >= 0 && isSelected(grid, index, at, on)) {
    const held = chosen.heldOut;
    parts.push(`<rect x="${LABEL + on * CELL_W + 0.5}" y="${TOP + at * CELL_H + 0.5}" width="${CELL_W - 1}" height="${CELL_H - 1}" rx="3" fill="none" stroke="#f28e2b" stroke-width="3"/>`);
    const below = TOP + grid.alphas.length * CELL_H;
    parts.push(
      `<text x="0" y="${below + 20}" class="g-foot">outlined: picked on the selection part</text>`,
      `<text x="0" y="${below + 35}" class="g-foot">held out: ${percent(held.value)}%${held.ci95 ? ` (${percentCi(held.ci95)})` : ''}</text>`,
    );
  }
  return parts.join('\n');
}

/** The label cut to what fits `width` px at about `perChar` px a character, with an ellipsis. */
function fit(label: string, width: number, perChar: number): string {
  const most = Math.floor(width / perChar);
  return label.length > most ? `${label.slice(0, most - 1)}…` : label;
}

function scale(t: number): Rgb {
  return divergingColour(LOW, MID, HIGH, t);
}


