import { escapeHtml, percent } from '../render/format.js';
import { svgDocument } from '../render/svg-document.js';
import { divergingColour, rgbText, type Rgb } from '../util/colour.js';
import { bestCell, panelRange, type AccuracyGrid, type GridPanel } from './grid-table.js';

const CELL_W = 60;
const CELL_H = 38;
const LABEL = 58;
const TOP = 74;
const FOOT = 40;
const GAP = 26;
const MAX_WIDTH = 1000;

const LOW: Rgb = [240, 244, 249];
const MID: Rgb = [132, 170, 212];
const HIGH: Rgb = [24, 72, 140];

/**
 * The accuracy grid as heat maps, one panel per measure (RM-Bench average and domains, or accuracy and groups), α down,
 * γ across, the percentage in every cell and the best cell outlined. Colour runs from the panel's lowest to its highest
 * value: a sweep's cells are often a few points apart, which a scale centred on chance would paint all alike.
 */
export function gridHeatmapSvg(grid: AccuracyGrid): string {
  const panelWidth = LABEL + grid.gammas.length * CELL_W + 12;
  const panelHeight = TOP + grid.alphas.length * CELL_H + FOOT;
  const columns = Math.max(1, Math.min(grid.panels.length, Math.floor((MAX_WIDTH + GAP) / (panelWidth + GAP))));
  const rows = Math.ceil(grid.panels.length / columns);
  const width = columns * panelWidth + (columns - 1) * GAP;
  const height = rows * panelHeight + (rows - 1) * GAP;
  const panels = grid.panels.map((panel, k) => {
    const x = (k % columns) * (panelWidth + GAP);
    const y = Math.floor(k / columns) * (panelHeight + GAP);
    return `<g transform="translate(${x},${y})">${panelSvg(grid, panel)}</g>`;
  });
  return svgDocument({
    width,
    height,
    label: `${grid.measure} over α × γ`,
    style:
      '.g-title{font-size:14px;font-weight:600;fill:#1d2330}.g-sub{font-size:11.5px;fill:#5b6475}.g-axis{font-size:11px;fill:#5b6475;font-style:italic}.g-label{font-size:11px;fill:#39414f;font-variant-numeric:tabular-nums}.g-cell{font-size:12.5px;font-weight:600;font-variant-numeric:tabular-nums}.g-foot{font-size:11px;fill:#5b6475}',
    parts: [`<rect width="${width}" height="${height}" fill="#fff"/>`, ...panels],
  });
}

function panelSvg(grid: AccuracyGrid, panel: GridPanel): string {
  const range = panelRange(panel);
  const best = bestCell(grid, panel);
  const gridWidth = grid.gammas.length * CELL_W;
  const parts: string[] = [
    `<text x="0" y="15" class="g-title">${escapeHtml(panel.label)}</text>`,
    `<text x="0" y="32" class="g-sub">${range ? `${percent(range[0])}–${percent(range[1])}% · colour: low → high in this panel` : 'no data'}</text>`,
    `<text x="${LABEL + gridWidth / 2}" y="52" text-anchor="middle" class="g-axis">γ (discount) →</text>`,
    `<text x="${LABEL - 8}" y="${TOP - 8}" text-anchor="end" class="g-axis">α ↓</text>`,
  ];
  grid.gammas.forEach((g, j) => parts.push(`<text x="${LABEL + j * CELL_W + CELL_W / 2}" y="${TOP - 8}" text-anchor="middle" class="g-label">${g}</text>`));
  panel.values.forEach((row, i) => {
    const y = TOP + i * CELL_H;
    parts.push(`<text x="${LABEL - 8}" y="${y + CELL_H / 2 + 4}" text-anchor="end" class="g-label">${grid.alphas[i]}</text>`);
    row.forEach((value, j) => {
      const x = LABEL + j * CELL_W;
      const tip = `${panel.label}: α = ${grid.alphas[i]}, γ = ${grid.gammas[j]}: ${value === null ? 'no data' : `${percent(value)}%`}`;
      if (value === null) {
        parts.push(`<rect x="${x + 1}" y="${y + 1}" width="${CELL_W - 2}" height="${CELL_H - 2}" rx="3" fill="#fafafa" stroke="#c9ced8" stroke-dasharray="3 3"><title>${escapeHtml(tip)}</title></rect>`);
        parts.push(`<text x="${x + CELL_W / 2}" y="${y + CELL_H / 2 + 4}" text-anchor="middle" class="g-label">—</text>`);
        return;
      }
      const t = range && range[1] > range[0] ? (value - range[0]) / (range[1] - range[0]) : 0.5;
      parts.push(
        `<rect x="${x + 1}" y="${y + 1}" width="${CELL_W - 2}" height="${CELL_H - 2}" rx="3" fill="${rgbText(scale(t))}"><title>${escapeHtml(tip)}</title></rect>`,
        `<text x="${x + CELL_W / 2}" y="${y + CELL_H / 2 + 4.5}" text-anchor="middle" class="g-cell" fill="${t > 0.55 ? '#ffffff' : '#1d2330'}">${percent(value)}</text>`,
      );
    });
  });
  if (best) {
    const i = grid.alphas.indexOf(best.alpha);
    const j = grid.gammas.indexOf(best.gamma);
    parts.push(`<rect x="${LABEL + j * CELL_W + 0.5}" y="${TOP + i * CELL_H + 0.5}" width="${CELL_W - 1}" height="${CELL_H - 1}" rx="3" fill="none" stroke="#f28e2b" stroke-width="3"/>`);
    parts.push(`<text x="0" y="${TOP + grid.alphas.length * CELL_H + 24}" class="g-foot">best (outlined): α = ${best.alpha}, γ = ${best.gamma}, ${percent(best.value)}%</text>`);
  }
  return parts.join('\n');
}

function scale(t: number): Rgb {
  return divergingColour(LOW, MID, HIGH, t);
}


