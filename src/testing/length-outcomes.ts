/**
 * What the `length` method (the longer response wins) makes of a record: W, the chosen response is longer; L, it is
 * shorter; T, both have the same length, a tie, which counts as wrong. Tests set each record's outcome this way and
 * work out the expected scores by hand.
 */
export type LengthOutcome = 'W' | 'L' | 'T';

/** A chosen and a rejected response, different for every `id`, whose outcome under `length` is `outcome`. */
export function lengthPair(id: number, outcome: LengthOutcome): [chosen: string, rejected: string] {
  const long = `A fuller answer ${id}.`;
  const short = `Short ${id}.`;
  return outcome === 'W' ? [long, short] : outcome === 'L' ? [short, long] : [`Even ${id}.`, `Same ${id}.`];
}
