import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stratifiedMeanBootstrap } from './stratified-bootstrap.js';

const meanOfMeans = (means: readonly Float64Array[]) => [means.reduce((s, m) => s + m[0]!, 0) / means.length];

/*
 * Stratum A holds one record (0.6), stratum B two (1 and 0). Within-stratum resampling never changes A, and draws B's
 * mean as 1, 0.5 or 0 with probabilities 1/4, 1/2, 1/4; the mean of the two stratum means is then 0.8, 0.55 or 0.3.
 * A 95% percentile interval from 1000 resamples has about 250 draws at each end, so it is exactly [0.3, 0.8].
 * (Resampling the three records together would draw resamples without A, where the statistic has no value.)
 */
test('hand-checked: each stratum keeps its size, so a one-record stratum never varies', () => {
  const strata = [[[0.6]], [[1], [0]]];
  const [ci] = stratifiedMeanBootstrap(strata, meanOfMeans)!;
  assert.ok(Math.abs(ci![0] - 0.3) < 1e-12 && Math.abs(ci![1] - 0.8) < 1e-12, `${ci}`);

  // The middle fifth of the draws sits on 0.55, the value half of all resamples take.
  const [middle] = stratifiedMeanBootstrap(strata, meanOfMeans, { level: 0.2 })!;
  assert.ok(Math.abs(middle![0] - 0.55) < 1e-12 && Math.abs(middle![1] - 0.55) < 1e-12, `${middle}`);

  // One record per stratum: nothing to resample, the interval is the point.
  assert.deepEqual(stratifiedMeanBootstrap([[[0.25]], [[0.75]]], meanOfMeans), [[0.5, 0.5]]);
});

test('several statistics from one set of resamples; deterministic for a seed; nothing to resample is null', () => {
  const strata = [Array.from({ length: 50 }, (_, i) => [i % 2, i % 5 === 0 ? 1 : 0]), Array.from({ length: 30 }, (_, i) => [i % 3 === 0 ? 1 : 0, 1])];
  const both = (means: readonly Float64Array[]) => [means[0]![0]!, means[1]![1]!];
  const a = stratifiedMeanBootstrap(strata, both, { seed: 5 })!;
  assert.deepEqual(a, stratifiedMeanBootstrap(strata, both, { seed: 5 }));
  assert.notDeepEqual(a, stratifiedMeanBootstrap(strata, both, { seed: 6 }));
  assert.ok(a[0]![0] < 0.5 && a[0]![1] > 0.5, `${a[0]}`);
  assert.deepEqual(a[1], [1, 1], 'a value every record shares does not vary');
  assert.equal(stratifiedMeanBootstrap([[[1]], []], meanOfMeans), null);
  assert.equal(stratifiedMeanBootstrap([], meanOfMeans), null);
});
