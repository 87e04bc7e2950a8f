import { escapeHtml, percent } from './format.js';
import { svgDocument } from './svg-document.js';

export interface BarSeries {
  name: string;
  color: string;
}

export interface BarValue {
  /** 0..1 */
  value: number;
  ci?: readonly [number, number] | null;
}

export interface BarCategory {
  label: string;
  /** One entry per series, in series order; null draws a "no data" mark instead of a bar. */
  values: (BarValue | null)[];
  /** Shown instead of any bar (e.g. "missing from this dataset"). */
  missing?: string;
}

export interface BarChartOptions {
  categories: readonly BarCategory[];
  series: readonly BarSeries[];
  width?: number;
  /** Accessible name of the chart. */
  title: string;
}

const BAR = 15;
const BAR_GAP = 3;
const GROUP_GAP = 14;
const AXIS = 26;

/**
 * Horizontal grouped bars, 0-100%, with bootstrap whiskers. Horizontal because category names (groups, method specs)
 * are long and their number varies from 1 to dozens; the chart grows downwards instead of squeezing labels.
 */
export function barChartSvg(options: BarChartOptions): string {
  const width = options.width ?? 1000;
  const n = Math.max(1, options.series.length);
  const longest = Math.max(...options.categories.map((c) => c.label.length), 6);
  const labelWidth = Math.min(260, Math.max(90, longest * 7.2 + 16));
  const x0 = labelWidth + 12;
  const plotWidth = width - x0 - 64;
  const groupHeight = n * BAR + (n - 1) * BAR_GAP;
  const height = AXIS + options.categories.length * (groupHeight + GROUP_GAP) + AXIS - GROUP_GAP + 8;
  const x = (v: number) => x0 + Math.min(1, Math.max(0, v)) * plotWidth;
  const parts: string[] = [];

  for (let tick = 0; tick <= 10; tick++) {
    const tx = x(tick / 10);
    const chance = tick === 5;
    parts.push(
      `<line x1="${f(tx)}" y1="${AXIS - 4}" x2="${f(tx)}" y2="${height - AXIS + 4}" stroke="${chance ? '#8a93a3' : '#e6e8ee'}" stroke-width="1"${chance ? ' stroke-dasharray="4 3"' : ''}/>`,
      `<text x="${f(tx)}" y="${AXIS - 10}" text-anchor="middle" class="tick">${tick * 10}%</text>`,
      `<text x="${f(tx)}" y="${height - AXIS + 18}" text-anchor="middle" class="tick">${chance ? 'chance' : `${tick * 10}%`}</text>`,
    );
  }

  let y = AXIS;
  options.categories.forEach((category, ci) => {
    const mid = y + groupHeight / 2;
    if (ci > 0) {
      parts.push(`<line x1="8" y1="${f(y - GROUP_GAP / 2)}" x2="${width - 8}" y2="${f(y - GROUP_GAP / 2)}" stroke="#f0f1f5"/>`);
    }
    parts.push(
      `<text x="${labelWidth}" y="${f(mid + 4)}" text-anchor="end" class="cat">${escapeHtml(truncate(category.label, labelWidth))}<title>${escapeHtml(category.label)}</title></text>`,
    );
    if (category.missing !== undefined) {
      parts.push(`<text x="${f(x0 + 8)}" y="${f(mid + 4)}" class="missing">${escapeHtml(category.missing)}</text>`);
    } else {
      options.series.forEach((series, si) => {
        const top = y + si * (BAR + BAR_GAP);
        const center = top + BAR / 2;
        const value = category.values[si];
        if (!value) {
          parts.push(`<text x="${f(x0 + 6)}" y="${f(center + 4)}" class="nodata">no data</text>`);
          return;
        }
        const tip = `${series.name} · ${category.label}: ${percent(value.value)}%${value.ci ? ` (95% CI ${percent(value.ci[0])}–${percent(value.ci[1])})` : ''}`;
        parts.push(
          `<rect x="${x0}" y="${f(top)}" width="${f(Math.max(1, x(value.value) - x0))}" height="${BAR}" rx="2" fill="${series.color}"><title>${escapeHtml(tip)}</title></rect>`,
        );
        let end = x(value.value);
        if (value.ci) {
          const [lo, hi] = [x(value.ci[0]), x(value.ci[1])];
          end = Math.max(end, hi);
          parts.push(
            `<path d="M${f(lo)} ${f(center)}H${f(hi)}M${f(lo)} ${f(center - 4)}V${f(center + 4)}M${f(hi)} ${f(center - 4)}V${f(center + 4)}" stroke="#1d2330" stroke-width="1.3" fill="none" opacity="0.75"/>`,
          );
        }
        parts.push(`<text x="${f(end + 6)}" y="${f(center + 4)}" class="val">${percent(value.value)}%</text>`);
      });
    }
    y += groupHeight + GROUP_GAP;
  });

  return svgDocument({
    className: 'chart',
    width,
    height: f(height),
    label: options.title,
    style:
      '.tick{font-size:11px;fill:#6b7385}.cat{font-size:12.5px;fill:#1d2330}.val{font-size:11.5px;fill:#1d2330;font-variant-numeric:tabular-nums}.missing{font-size:12px;fill:#a0522d;font-style:italic}.nodata{font-size:11px;fill:#9aa1ad;font-style:italic}',
    parts,
  });
}

function truncate(label: string, width: number): string {
  const max = Math.floor((width - 8) / 7);
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

function f(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
