/** Decodes token ids to text, as a tokenizer's decode does for a whole sequence. */
export type Decode = (ids: number[]) => string;

const CONTEXT = 4;
/** A UTF-8 character spans at most 4 byte tokens. */
const MAX_PENDING = 4;
const REPLACEMENT = '\uFFFD';

/**
 * Each token's own piece of text, such that the pieces join to the decoded sequence. Decoding a token alone loses what
 * depends on its neighbours: SentencePiece drops the leading space of a sequence's first token, and a character split
 * over byte tokens decodes to U+FFFD until its last byte is there. So each piece is decode(context + tokens) −
 * decode(context), with the first token standing in as context for itself; a token that leaves a character unfinished
 * gets an empty piece and the character goes to the token that completes it.
 */
export function tokenTexts(decode: Decode, ids: readonly number[]): string[] {
  if (ids.length === 0) return [];
  // seq[0] is only context; token h is seq[h + 1].
  const seq = [ids[0]!, ...ids];
  const pieces: string[] = [];
  let stable = 1;
  for (let h = 0; h < ids.length; h++) {
    const from = Math.max(0, stable - CONTEXT);
    const before = decode(seq.slice(from, stable));
    const after = decode(seq.slice(from, h + 2));
    const last = h === ids.length - 1;
    if (after.endsWith(REPLACEMENT) && !last && h + 2 - stable < MAX_PENDING) {
      pieces.push('');
      continue;
    }
    pieces.push(after.startsWith(before) ? after.slice(before.length) : decode([ids[h]!]));
    stable = h + 2;
  }
  return pieces;
}
