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
  const v = Math.min(1, Math.max(0, value));
  const rgb = v < 0.5 ? mix(low, mid, v / 0.5) : mix(mid, high, (v - 0.5) / 0.5);
  return `rgb(${rgb.map((c) => Math.round(c)).join(',')})`;
}

/** Dark text on pale cells, white on saturated ones. */
export function textColorOn(value: number): string {
  return Math.abs(value - 0.5) > 0.28 ? '#ffffff' : '#1d2330';
}

type Rgb = [number, number, number];

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}
