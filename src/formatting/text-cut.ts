import { isPythonWhitespace } from './python-whitespace.js';

/**
 * Cutting a long text before it is tokenised, so that a record of any size costs memory for what `--max-length` can
 * use. A text loses its middle, never its edges: the start and the end keep how they meet the template around them,
 * so only the tokens near the cut can differ from those of the whole text. The cut falls on a single space between two
 * non-space characters, where the tokenizers in use split anyway (a regex pre-tokenizer starts a word there; a
 * SentencePiece vocabulary has no token with a space after another character), so the tokens on either side of it are
 * those of the whole text.
 */

/** Characters kept at the edge that a cut text does not need (the end of a response, the start of a prompt). */
export const EDGE_CHARS = 64;

/** A space with a non-space character on either side. */
function isCutPoint(text: string, i: number): boolean {
  return text.charCodeAt(i) === 32 && isWordChar(text.charCodeAt(i - 1)) && isWordChar(text.charCodeAt(i + 1));
}

function isWordChar(code: number): boolean {
  // NaN (outside the text) and controls are not; JavaScript's `\s` and Python's whitespace sets both are excluded.
  return code > 32 && code !== 0xfeff && !isPythonWhitespace(code);
}

/**
 * `text` without its middle: at least its first `head` and its last `tail` characters, joined at a space (so the join
 * is itself a cut point). The text itself when it is not that long, or has no cut points in the right places.
 */
export function elideMiddle(text: string, head: number, tail: number): string {
  if (text.length <= head + tail + 2) return text;
  let start = Math.max(1, head);
  while (start < text.length - 1 && !isCutPoint(text, start)) start++;
  let end = text.length - Math.max(1, tail);
  while (end > start && !isCutPoint(text, end)) end--;
  if (end <= start) return text;
  return text.slice(0, start) + text.slice(end);
}

export type KeepSide = 'start' | 'end';

/**
 * Runs `attempt` on the texts cut to about `chars` characters each, keeping the side each needs, and doubles `chars`
 * until two sizes in a row give the same result (a size the cut reaches into gives a different one) or nothing needs
 * cutting any more (then the result is that of the whole texts). `attempt` returns undefined for a cut too short to
 * decide. What it throws counts as a result too: the same error (class and message) from two sizes is thrown, as
 * a limit that does not depend on the texts' length (a prompt alone over --max-length) would be by the whole texts.
 */
export function withCutTexts<T>(
  texts: readonly string[],
  keep: readonly KeepSide[],
  startChars: number,
  attempt: (texts: string[], cut: boolean) => T | undefined,
  same: (a: T, b: T) => boolean,
): T {
  type Outcome = { value: T } | { error: Error } | undefined;
  const agree = (a: Outcome, b: Outcome): boolean => {
    if (a === undefined || b === undefined) return false;
    if ('value' in a && 'value' in b) return same(a.value, b.value);
    return 'error' in a && 'error' in b && a.error.constructor === b.error.constructor && a.error.message === b.error.message;
  };
  let previous: Outcome;
  for (let chars = Math.max(1, startChars); ; chars *= 2) {
    const cutTexts = texts.map((text, i) => (keep[i] === 'start' ? elideMiddle(text, chars, EDGE_CHARS) : elideMiddle(text, EDGE_CHARS, chars)));
    const cut = cutTexts.some((text, i) => text !== texts[i]);
    if (!cut) return attempt(cutTexts, false)!;
    let outcome: Outcome;
    try {
      const value = attempt(cutTexts, true);
      outcome = value === undefined ? undefined : { value };
    } catch (error) {
      outcome = error instanceof Error ? { error } : undefined;
    }
    if (agree(previous, outcome)) {
      if ('error' in outcome!) throw outcome.error;
      return outcome!.value;
    }
    previous = outcome;
  }
}

/** `[...text].length` without an array of one string per character (a 50 MB response would need gigabytes). */
export function codePointCount(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}

export function sameIds(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
