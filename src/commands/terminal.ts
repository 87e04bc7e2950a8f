/**
 * Whether progress may be drawn as a bar: on a terminal, unless `CI` is set (GitHub Actions, GitLab, Buildkite,
 * CircleCI, Travis… set it; a CI log would keep every redraw of a bar). `CI=false` or `CI=0` switches that off.
 */
export function drawsBars(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env['CI'];
  const inCi = ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
  return stream.isTTY === true && !inCi;
}
