import { createHash } from 'node:crypto';

/**
 * A record's place in the order a seed gives (lower first): a hash of the seed and its key, so that the order depends on
 * neither the file's order nor the machine, and any seed gives a uniform shuffle. Changing it changes which records
 * every seeded run took (--sample, a spread --limit, --select-on).
 */
export function seededRank(seed: number, key: string): string {
  return createHash('sha256').update(`${seed}\u0000${key}`, 'utf8').digest('hex');
}

/** Keys in the seed's order. */
export function seededOrder(seed: number, keys: readonly string[]): string[] {
  return keys
    .map((key) => ({ key, rank: seededRank(seed, key) }))
    .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r) => r.key);
}

/**
 * `count` split over groups of the given sizes in proportion to them (Hamilton's largest remainder method), never more
 * than a group has; remainders tie toward the group listed first. All of every group when `count` covers them all.
 */
export function allocate(count: number, sizes: readonly number[]): number[] {
  const total = sizes.reduce((s, n) => s + n, 0);
  if (count >= total) return [...sizes];
  const quotas = sizes.map((n) => (count * n) / total);
  const shares = quotas.map(Math.floor);
  let left = count - shares.reduce((s, n) => s + n, 0);
  const order = quotas.map((q, i) => ({ i, rest: q - Math.floor(q) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of order) {
    if (left === 0) break;
    if (shares[i]! < sizes[i]!) {
      shares[i]!++;
      left--;
    }
  }
  return shares;
}

/**
 * The first `count` keys in the seed's order, taken from each group in proportion to its size: a stratified,
 * seeded, order-independent pick.
 */
export function stratifiedPick(groups: ReadonlyMap<string, readonly string[]>, count: number, seed: number): Set<string> {
  const lists = [...groups.values()];
  const shares = allocate(count, lists.map((l) => l.length));
  const picked = new Set<string>();
  lists.forEach((keys, i) => {
    for (const key of seededOrder(seed, keys).slice(0, shares[i])) picked.add(key);
  });
  return picked;
}
