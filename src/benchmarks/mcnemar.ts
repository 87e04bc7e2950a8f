/**
 * Exact two-sided McNemar test: under the null hypothesis each of the n = b + c discordant comparisons falls either way
 * with probability 1/2, so p = min(1, 2 * P(X <= min(b, c))) for X ~ Binomial(n, 1/2).
 * Summed in log space because 0.5^n underflows for the tens of thousands of cells a large run has.
 */
export function mcnemarExactPValue(b: number, c: number): number {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0) {
    throw new RangeError(`McNemar counts must be non-negative integers, got b=${b}, c=${c}`);
  }
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  let logTerm = -n * Math.LN2;
  let logTail = logTerm;
  for (let i = 0; i < k; i++) {
    logTerm += Math.log((n - i) / (i + 1));
    logTail = logAddExp(logTail, logTerm);
  }
  return Math.min(1, 2 * Math.exp(logTail));
}

function logAddExp(a: number, b: number): number {
  const high = Math.max(a, b);
  return high + Math.log(Math.exp(a - high) + Math.exp(b - high));
}
