import { mulberry32 } from '../util/prng.js';

/** One resampling unit: a record and its cells. Records, not cells, are resampled, because cells of one record share a prompt. */
export interface BootstrapUnit {
  correct: number;
  total: number;
}

export interface BootstrapOptions {
  /** Number of resamples (default 1000). */
  resamples?: number;
  /** Seed of the generator (default 0), so that reports are reproducible. */
  seed?: number;
  /** Coverage of the interval (default 0.95). */
  level?: number;
}

/**
 * Percentile bootstrap interval of the pooled ratio sum(correct) / sum(total) over units resampled with replacement.
 * Returns null when there is nothing to resample.
 */
export function bootstrapRatioCi(units: readonly BootstrapUnit[], options: BootstrapOptions = {}): [number, number] | null {
  const resamples = options.resamples ?? 1000;
  const level = options.level ?? 0.95;
  const n = units.length;
  if (n === 0 || resamples < 1) return null;
  const correct = Float64Array.from(units, (u) => u.correct);
  const total = Float64Array.from(units, (u) => u.total);
  const random = mulberry32(options.seed ?? 0);
  const stats = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let c = 0;
    let t = 0;
    for (let k = 0; k < n; k++) {
      const pick = Math.floor(random() * n);
      c += correct[pick]!;
      t += total[pick]!;
    }
    stats[r] = t > 0 ? c / t : 0;
  }
  stats.sort();
  const tail = (1 - level) / 2;
  return [quantile(stats, tail), quantile(stats, 1 - tail)];
}

/** Linear-interpolation quantile of sorted data (the R/NumPy default, "type 7"). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const weight = position - below;
  return sorted[below]! * (1 - weight) + sorted[above]! * weight;
}
