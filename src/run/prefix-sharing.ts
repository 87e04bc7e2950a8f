import type { PositionRequest } from '../engine/scoring-session.js';
import type { WorkItem } from '../tasks/work-item.js';

/** Items that run on top of one shared prefix: the prefix runs once, each item runs from `prefixLength` on. */
export interface PrefixGroup {
  prefixIds: number[];
  items: WorkItem[];
}

export interface PrefixPlan {
  /** Items run whole, as before. */
  unshared: WorkItem[];
  groups: PrefixGroup[];
  /** Tokens the groups do not run: (items − 1) × prefix length per group. */
  savedTokens: number;
}

/** A group is shared only when it saves at least this many tokens: below it the extra run costs more than it saves. */
export const MIN_SHARED_TOKENS = 16;

/**
 * Groups items by `prefixKey` and finds, per group, the longest prefix every item can take from a cache: common to all
 * their ids, ending before each item's first read position (so every read state is computed in the item's own run, and
 * the state s_1 of a response is the prompt's last token, run with the response) and leaving each item at least one
 * token. The key only proposes groups; the prefix is checked on the ids, so a shared run always sees the same tokens.
 */
export function planPrefixSharing(items: WorkItem[], minSharedTokens = MIN_SHARED_TOKENS): PrefixPlan {
  const unshared: WorkItem[] = [];
  const byKey = new Map<string, WorkItem[]>();
  for (const item of items) {
    if (item.prefixKey === undefined) unshared.push(item);
    else {
      const list = byKey.get(item.prefixKey);
      if (list) list.push(item);
      else byKey.set(item.prefixKey, [item]);
    }
  }
  const groups: PrefixGroup[] = [];
  let savedTokens = 0;
  for (const members of byKey.values()) {
    const length = members.length > 1 ? sharedPrefixLength(members.map((m) => m.request)) : 0;
    const saved = (members.length - 1) * length;
    if (length > 0 && saved >= minSharedTokens) {
      groups.push({ prefixIds: members[0].request.ids.slice(0, length), items: members });
      savedTokens += saved;
    } else unshared.push(...members);
  }
  return { unshared, groups, savedTokens };
}

export function sharedPrefixLength(requests: PositionRequest[]): number {
  const first = requests[0].ids;
  let length = first.length;
  for (const r of requests) {
    length = Math.min(length, r.ids.length - 1);
    for (const p of r.positions) length = Math.min(length, p);
    let i = 0;
    while (i < length && r.ids[i] === first[i]) i++;
    length = i;
  }
  return Math.max(0, length);
}

/** The part of a request after a cached prefix of `offset` tokens: positions shift, targets stay. */
export function suffixRequest(request: PositionRequest, offset: number): PositionRequest {
  if (offset === 0) return request;
  return { ids: request.ids.slice(offset), positions: request.positions.map((p) => p - offset), targets: request.targets };
}
