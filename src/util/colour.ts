/** An sRGB colour as three 0..255 channels (not rounded until written). */
export type Rgb = [number, number, number];

/** The colour a fraction t (0..1) of the way from a to b: the one blend every heat map and token shade uses. */
export function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** CSS `rgb(r,g,b)` with whole channels. */
export function rgbText(rgb: Rgb): string {
  return `rgb(${rgb.map((c) => Math.round(c)).join(',')})`;
}

/** A diverging scale over 0..1 (clamped): low at 0, mid at 0.5, high at 1. */
export function divergingColour(low: Rgb, mid: Rgb, high: Rgb, t: number): Rgb {
  const x = Math.min(1, Math.max(0, t));
  return x < 0.5 ? mix(low, mid, x / 0.5) : mix(mid, high, (x - 0.5) / 0.5);
}
