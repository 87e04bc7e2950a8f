import { divergingColour, rgbText, type Rgb } from '../util/colour.js';

/** Series colours (Tableau 10): distinct, colour-blind tolerant, and readable on white. */
const SERIES = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export function seriesColor(index: number): string {
  return SERIES[index % SERIES.length]!;
}

/**
 * Diverging scale centred on 50% (a coin flip): red below chance, blue above, near white at chance, so a heat map
 * shows at a glance where a method does worse than guessing.
 */
export function accuracyColor(value: number): string {
  const low: Rgb = [202, 62, 54];
  const mid: Rgb = [246, 246, 246];
  const high: Rgb = [37, 99, 168];
  return rgbText(divergingColour(low, mid, high, value));
}

/** Dark text on pale cells, white on saturated ones. */
export function textColorOn(value: number): string {
  return Math.abs(value - 0.5) > 0.28 ? '#ffffff' : '#1d2330';
}
