import { escapeHtml, percent } from './format.js';
import { accuracyColor, textColorOn } from './palette.js';
import { svgDocument } from './svg-document.js';

export interface HeatmapOptions {
  title: string;
  subtitle?: string;
  /** matrix[row][column], 0..1 */
  matrix: readonly (readonly number[])[];
  rowLabels: readonly string[];
  columnLabels: readonly string[];
  rowAxis: string;
  columnAxis: string;
  footer?: string;
}

const CELL = 54;
const LABEL = 64;
const TOP = 76;

/** A small heat map with the value in every cell: cells carry the numbers, colour only guides the eye. */
export function heatmapSvg(options: HeatmapOptions): string {
  const rows = options.matrix.length;
  const columns = options.matrix[0]?.length ?? 0;
  const width = LABEL + columns * CELL + 6;
  const height = TOP + rows * CELL + (options.footer ? 30 : 10);
  const parts: string[] = [
    `<text x="2" y="15" class="hm-title">${escapeHtml(options.title)}</text>`,
  ];
  if (options.subtitle) parts.push(`<text x="2" y="32" class="hm-sub">${escapeHtml(options.subtitle)}</text>`);
  parts.push(
    `<text x="${LABEL + (columns * CELL) / 2}" y="52" text-anchor="middle" class="hm-axis">${escapeHtml(options.columnAxis)} →</text>`,
    `<text x="${LABEL - 8}" y="${TOP - 8}" text-anchor="end" class="hm-axis">${escapeHtml(options.rowAxis)} ↓</text>`,
  );
  options.columnLabels.forEach((label, j) => {
    parts.push(`<text x="${LABEL + j * CELL + CELL / 2}" y="${TOP - 8}" text-anchor="middle" class="hm-label">${escapeHtml(label)}</text>`);
  });
  options.matrix.forEach((row, i) => {
    parts.push(`<text x="${LABEL - 8}" y="${TOP + i * CELL + CELL / 2 + 4}" text-anchor="end" class="hm-label">${escapeHtml(options.rowLabels[i] ?? '')}</text>`);
    row.forEach((value, j) => {
      const x = LABEL + j * CELL;
      const y = TOP + i * CELL;
      const tip = `${options.rowAxis} ${options.rowLabels[i]} vs ${options.columnAxis} ${options.columnLabels[j]}: ${percent(value)}%`;
      parts.push(
        `<rect x="${x + 1}" y="${y + 1}" width="${CELL - 2}" height="${CELL - 2}" rx="3" fill="${accuracyColor(value)}"${i === j ? ' stroke="#1d2330" stroke-opacity="0.35" stroke-width="1"' : ''}><title>${escapeHtml(tip)}</title></rect>`,
        `<text x="${x + CELL / 2}" y="${y + CELL / 2 + 5}" text-anchor="middle" class="hm-cell" fill="${textColorOn(value)}">${percent(value)}</text>`,
      );
    });
  });
  if (options.footer) {
    parts.push(`<text x="${width / 2}" y="${TOP + rows * CELL + 20}" text-anchor="middle" class="hm-foot">${escapeHtml(options.footer)}</text>`);
  }
  return svg(width, height, options.title, parts);
}

/** Same footprint as a heat map, for a domain that has no records, so the grid of maps keeps its shape. */
export function missingHeatmapSvg(title: string, message: string, columns = 3, rows = 3): string {
  const width = LABEL + columns * CELL + 6;
  const height = TOP + rows * CELL + 30;
  return svg(width, height, `${title}: ${message}`, [
    `<text x="2" y="15" class="hm-title">${escapeHtml(title)}</text>`,
    `<rect x="${LABEL + 1}" y="${TOP + 1}" width="${columns * CELL - 2}" height="${rows * CELL - 2}" rx="4" fill="#fafafa" stroke="#c9ced8" stroke-dasharray="5 4"/>`,
    `<text x="${LABEL + (columns * CELL) / 2}" y="${TOP + (rows * CELL) / 2 + 4}" text-anchor="middle" class="hm-missing">${escapeHtml(message)}</text>`,
  ]);
}

function svg(width: number, height: number, label: string, parts: string[]): string {
  return svgDocument({
    width,
    height,
    label,
    style:
      '.hm-title{font-size:13.5px;font-weight:600;fill:#1d2330}.hm-sub{font-size:11.5px;fill:#5b6475}.hm-axis{font-size:11px;fill:#5b6475;font-style:italic}.hm-label{font-size:10.5px;fill:#39414f}.hm-foot{font-size:11px;fill:#5b6475}.hm-cell{font-size:13px;font-weight:600;font-variant-numeric:tabular-nums}.hm-missing{font-size:12px;fill:#a0522d;font-style:italic}',
    parts,
  });
}
