import { quantile, type BootstrapOptions } from './bootstrap.js';
import { mulberry32 } from '../util/prng.js';

/**
 * Percentile bootstrap intervals of statistics that are functions of per-stratum means: each resample draws, within
 * every stratum, as many records as it has, with replacement, so every resample has every stratum at its own size.
 * `strata[s][r]` is record r's vector of values in stratum s (every vector of one length); `statistics` turns the
 * strata's mean vectors into the numbers to bound. One interval per statistic, null for all when a stratum is empty.
 */
export function stratifiedMeanBootstrap(
  strata: readonly (readonly (readonly number[])[])[],
  statistics: (means: readonly Float64Array[]) => readonly number[],
  options: BootstrapOptions = {},
): ([number, number] | null)[] | null {
  const resamples = options.resamples ?? 1000;
  const level = options.level ?? 0.95;
  if (strata.length === 0 || strata.some((s) => s.length === 0) || resamples < 1) return null;
  const width = strata[0]![0]!.length;
  const random = mulberry32(options.seed ?? 0);
  const means = strata.map(() => new Float64Array(width));
  let draws: Float64Array[] | undefined;
  for (let r = 0; r < resamples; r++) {
    strata.forEach((records, s) => {
      const sum = means[s]!.fill(0);
      for (let k = 0; k < records.length; k++) {
        const record = records[Math.floor(random() * records.length)]!;
        for (let c = 0; c < width; c++) sum[c]! += record[c]!;
      }
      for (let c = 0; c < width; c++) sum[c]! /= records.length;
    });
    const values = statistics(means);
    draws ??= values.map(() => new Float64Array(resamples));
    values.forEach((v, i) => (draws![i]![r] = v));
  }
  const tail = (1 - level) / 2;
  return draws!.map((d) => {
    d.sort();
    return [quantile(d, tail), quantile(d, 1 - tail)] as [number, number];
  });
}
