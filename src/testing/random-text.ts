import { mulberry32 } from '../util/prng.js';

/**
 * Seeded random text that stresses tokenisation at a cut: ordinary words, non-Latin scripts and emoji (byte tokens),
 * digits, a long letter run, a literal "<s>", and every kind of separator (single and double spaces, tabs, newlines,
 * no-break space, none at all).
 */
export function randomTextSource(seed: number): { text: (words: number) => string; pick: <T>(items: readonly T[]) => T; next: () => number } {
  const next = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const words = ['the', 'cat', 'sat', 'on', 'a', 'mat.', 'Once', 'upon', 'time,', 'café', 'naïve', '日本語', '🙂', 'x', '42', '1234567', "don't", '"quoted"', '(paren)', '<s>', '--', 'a'.repeat(30), 'Ünïcödé', 'tab\there'];
  const separators = [' ', ' ', ' ', ' ', ' ', '  ', '\n', '\n\n', ' \n', '\t', '   ', '\u00a0', ''];
  const text = (n: number) => {
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(pick(words), pick(separators));
    return parts.join('');
  };
  return { text, pick, next };
}
